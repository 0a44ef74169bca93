import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { percent } from '../analytics';
import { ApiError, api } from '../api';
import { AnalystFilters } from '../components/AnalystFilters';
import { formatDuration } from '../calls';
import { errorText, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { analystQueryFrom, analystQueryParams, endOfDay, type AnalystQuery } from '../insights';
import { label } from '../moderation';
import { RULE_CATEGORIES, VERTICALS, type AnalystCall } from '../types';

const PAGE_SIZE = 50;

/** What a call's page gets from the explorer: the row (pseudonyms, date) and the way back. */
export interface ExplorerState {
  call: AnalystCall;
  back: string;
}

/**
 * /analytics/calls: calls of a period with their analytics, pseudonyms only
 * (GET /analytics/calls; filters in the URL like the dashboard's, plus a flag category).
 * A row opens /analytics/calls/{id}; "more" follows next_cursor.
 */
export function AnalyticsCallsPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const query = useMemo(() => analystQueryFrom(params), [params]);
  const [items, setItems] = useState<AnalystCall[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<{ message: string; forbidden: boolean } | null>(null);
  const requestId = useRef(0);

  const fail = (e: unknown) => setError({ message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 });

  useEffect(() => {
    const id = ++requestId.current;
    setItems([]);
    setCursor(null);
    setError(null);
    setLoading(true);
    api
      .analyticsCalls({ ...query, to: endOfDay(query.to), limit: PAGE_SIZE })
      .then((page) => {
        if (id !== requestId.current) return;
        setItems(page.items ?? []);
        setCursor(page.next_cursor ?? null);
      })
      .catch((e: unknown) => {
        if (id === requestId.current) fail(e);
      })
      .finally(() => {
        if (id === requestId.current) setLoading(false);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query.from, query.to, query.vertical, query.category]);

  async function more() {
    if (!cursor || loadingMore) return;
    const id = requestId.current;
    setLoadingMore(true);
    try {
      const page = await api.analyticsCalls({ ...query, to: endOfDay(query.to), cursor, limit: PAGE_SIZE });
      if (id !== requestId.current) return;
      setItems((prev) => [...prev, ...(page.items ?? [])]);
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      if (id === requestId.current) fail(e);
    } finally {
      setLoadingMore(false);
    }
  }

  function apply(q: AnalystQuery) {
    setParams(analystQueryParams(q), { replace: true });
  }

  const dashboard = `/analytics?${analystQueryParams({ from: query.from, to: query.to, vertical: query.vertical }).toString()}`;
  const open = (c: AnalystCall) =>
    navigate(`/analytics/calls/${encodeURIComponent(c.call_id)}`, { state: { call: c, back: location.search } satisfies ExplorerState });

  return (
    <main className="page analytics-page" data-testid="analytics-calls" data-state={loading ? 'loading' : error ? 'error' : 'loaded'}>
      <div className="page-head">
        <h1>{t('explorer.title')}</h1>
        <Link to={dashboard} className="btn btn-small" data-testid="analytics-to-dashboard">
          {t('insights.toDashboard')}
        </Link>
      </div>
      <p className="muted small">{t('explorer.intro')}</p>

      <section className="panel">
        <AnalystFilters value={query} onChange={apply} verticals={VERTICALS} categories={RULE_CATEGORIES} />
      </section>

      <section className="panel" aria-busy={loading}>
        {error && (
          <p className="form-error" role="alert" data-testid={error.forbidden ? 'analytics-no-access' : 'analytics-error'}>
            {error.forbidden ? t('insights.noAccess') : error.message}
          </p>
        )}
        {loading ? (
          <p className="muted">{t('common.loading')}</p>
        ) : items.length === 0 && !error ? (
          <p className="muted empty" data-testid="analytics-calls-empty">
            {t('explorer.empty')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="data-table calls-table" data-testid="analytics-calls-table">
              <thead>
                <tr>
                  <th scope="col">{t('explorer.col.started')}</th>
                  <th scope="col">{t('explorer.col.duration')}</th>
                  <th scope="col">{t('explorer.col.vertical')}</th>
                  <th scope="col">{t('explorer.col.outcome')}</th>
                  <th scope="col">{t('explorer.col.buyer')}</th>
                  <th scope="col">{t('explorer.col.seller')}</th>
                  <th scope="col">{t('explorer.col.talkRatio')}</th>
                  <th scope="col">{t('explorer.col.tone')}</th>
                  <th scope="col">{t('explorer.col.flags')}</th>
                  <th scope="col">{t('explorer.col.complaints')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr
                    key={c.call_id}
                    className="clickable-row"
                    data-testid="analytics-call-row"
                    data-call-id={c.call_id}
                    data-outcome={c.outcome}
                    data-flags={(c.flags ?? []).join(' ')}
                    data-analysed={c.talk_ratio_seller !== null || c.tone_seller !== null ? 'true' : 'false'}
                    onClick={() => open(c)}
                  >
                    <td>
                      <Link
                        to={`/analytics/calls/${encodeURIComponent(c.call_id)}`}
                        state={{ call: c, back: location.search } satisfies ExplorerState}
                        data-testid="analytics-call-link"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {formatDateTime(c.started_at, locale) || c.call_id}
                      </Link>
                    </td>
                    <td className="num">{typeof c.duration_ms === 'number' ? formatDuration(c.duration_ms) : '—'}</td>
                    <td>{label(t, 'vertical.', c.vertical) || '—'}</td>
                    <td>
                      <span className={`outcome outcome-${c.outcome}`}>{label(t, 'insights.outcome.', c.outcome)}</span>
                    </td>
                    <td className="pseudonym">{c.buyer?.pseudonym ?? '—'}</td>
                    <td className="pseudonym">{c.seller?.pseudonym ?? '—'}</td>
                    <td className="num">{percent(c.talk_ratio_seller) ?? '—'}</td>
                    <td>{c.tone_seller ? label(t, 'tone.', c.tone_seller) : '—'}</td>
                    <td>
                      {(c.flags ?? []).length === 0
                        ? '—'
                        : [...new Set(c.flags)].map((f) => (
                            <span key={f} className="tag flag-tag" data-category={f}>
                              {label(t, 'rule.category.', f)}
                            </span>
                          ))}
                    </td>
                    <td className="num">{c.complaints ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && !loading && (
          <div className="list-more">
            <button type="button" className="btn" data-testid="analytics-calls-more" disabled={loadingMore} onClick={() => void more()}>
              {loadingMore ? t('common.loading') : t('explorer.more')}
            </button>
          </div>
        )}
      </section>
    </main>
  );
}
