import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { percent } from '../analytics';
import { ApiError, api } from '../api';
import { AnalystFilters } from '../components/AnalystFilters';
import { AnalyticsExport } from '../components/AnalyticsExport';
import { ChartCard } from '../components/ChartCard';
import { errorText, formatDateTime } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { dashboardCharts, instantMs, shortDay } from '../dashboardCharts';
import { analystQueryFrom, analystQueryParams, type AnalystQuery } from '../insights';
import { VERTICALS, type AnalyticsDashboard } from '../types';

type Load = { kind: 'loading' } | { kind: 'loaded'; data: AnalyticsDashboard } | { kind: 'error'; message: string; forbidden: boolean };

/** A key figure above a chart. */
function Figure({ id, name, value }: { id: string; name: string; value: string }) {
  return (
    <div className="key-figure" data-testid="analytics-figure" data-figure={id}>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/**
 * /analytics: the analyst's dashboard (GET /analytics/dashboard). The period and vertical live
 * in the URL (?from=&to=&vertical=; default the last 30 UTC days); every chart has a table view
 * and a CSV download; below, the raw export of the period.
 */
export function AnalyticsDashboardPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => analystQueryFrom(params), [params]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [verticals, setVerticals] = useState<readonly string[]>(VERTICALS);
  // While another period loads, the charts of the last one stay (dimmed).
  const [busy, setBusy] = useState(true);

  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    api
      .analyticsDashboard({ from: query.from, to: query.to, vertical: query.vertical })
      .then((data) => {
        if (cancelled) return;
        setLoad({ kind: 'loaded', data });
        if (data.verticals && data.verticals.length > 0) setVerticals(data.verticals);
      })
      .catch((e: unknown) => {
        if (!cancelled) setLoad({ kind: 'error', message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 });
      })
      .finally(() => {
        if (!cancelled) setBusy(false);
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query.from, query.to, query.vertical]);

  function apply(q: AnalystQuery) {
    setParams(analystQueryParams({ from: q.from, to: q.to, vertical: q.vertical }), { replace: true });
  }

  const data = load.kind === 'loaded' ? load.data : null;
  const charts = useMemo(() => (data ? dashboardCharts(data, t, locale) : []), [data, t, locale]);
  const period = { from: query.from, to: query.to };
  // The charts' CSV files are named after the period their numbers are for.
  const dataPeriod = data ? { from: data.period.from, to: data.period.to } : period;
  const explorer = `/analytics/calls?${analystQueryParams({ from: query.from, to: query.to, vertical: query.vertical }).toString()}`;
  const computed = instantMs(data?.computed_at);
  const s = data?.series;
  const dash = '—';

  const figures: Record<string, { id: string; name: string; value: string }[]> = s
    ? {
        decisions: [
          { id: 'decisions_total', name: t('insights.fig.decisions'), value: String(s.decisions?.total ?? 0) },
          {
            id: 'appeals_overturned_share',
            name: t('insights.fig.overturned'),
            value: t('insights.fig.overturnedValue', {
              share: percent(s.decisions?.appeals?.overturned_share) ?? dash,
              n: s.decisions?.appeals?.decided ?? 0,
            }),
          },
        ],
        queue_per_day: [
          {
            id: 'sla_kept_share',
            name: t('insights.fig.slaKept'),
            value: t('insights.fig.slaKeptValue', {
              share: percent(s.sla?.kept_share) ?? dash,
              kept: s.sla?.kept ?? 0,
              breached: s.sla?.breached ?? 0,
            }),
          },
          { id: 'queue_size', name: t('insights.fig.queue'), value: String(s.sla?.queue_size ?? 0) },
        ],
        service_level: [
          {
            id: 'sellers',
            name: t('insights.fig.sellers'),
            value: t('insights.fig.sellersValue', {
              green: s.service_level?.green ?? 0,
              red: s.service_level?.red ?? 0,
              day: s.service_level?.day ? shortDay(s.service_level.day, locale) : dash,
            }),
          },
        ],
      }
    : {};

  return (
    <main className="page analytics-page" data-testid="analytics-dashboard" data-state={busy ? 'loading' : load.kind}>
      <div className="page-head">
        <h1>{t('insights.title')}</h1>
        <Link to={explorer} className="btn btn-small" data-testid="analytics-to-calls">
          {t('insights.toCalls')}
        </Link>
      </div>
      <p className="muted small">{t('insights.intro')}</p>

      <section className="panel">
        <AnalystFilters value={query} onChange={apply} verticals={verticals} />
        {data && (
          <p className="muted small analytics-asof" data-testid="analytics-computed-at" data-computed-at={computed ?? ''}>
            {t('insights.computedAt', { when: computed !== null ? formatDateTime(new Date(computed).toISOString(), locale) : dash })}
          </p>
        )}
        {data && (data.pending_days ?? 0) > 0 && (
          <p className="notice-warn small" role="status" data-testid="analytics-pending" data-pending-days={data.pending_days}>
            {t('insights.pendingDays', { n: data.pending_days ?? 0 })}
          </p>
        )}
      </section>

      {load.kind === 'error' && (
        <p className="form-error analytics-error" role="alert" data-testid={load.forbidden ? 'analytics-no-access' : 'analytics-error'}>
          {load.forbidden ? t('insights.noAccess') : load.message}
        </p>
      )}
      {load.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}

      {data && (
        <div className="chart-grid" aria-busy={busy}>
          {charts.map((c) => (
            <ChartCard key={c.name} data={c} title={t(`insights.chart.${c.name}` as MessageKey)} period={dataPeriod}>
              {figures[c.name] && (
                <dl className="key-figures">
                  {figures[c.name]?.map((f) => (
                    <Figure key={f.id} {...f} />
                  ))}
                </dl>
              )}
            </ChartCard>
          ))}
        </div>
      )}

      <AnalyticsExport period={period} />
    </main>
  );
}
