import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api';
import { errorText, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import {
  THEME_DAYS,
  THEME_SOURCES,
  growthText,
  isSupervisor,
  qualityFrom,
  themeDaysOf,
  themeSourceOf,
  themeTitle,
  themesApi,
  themesByLanguage,
  type Theme,
  type ThemeSource,
  type ThemesReport,
} from '../quality';
import { useSession } from '../session';

type Load<T> = { kind: 'loading' } | { kind: 'loaded'; data: T } | { kind: 'error'; message: string; forbidden: boolean };

/**
 * /quality/themes: what complaints, appeals or rating comments of a period are about
 * (docs/quality.md "Complaint themes"), for analysts and supervisors. The source and the period
 * (7, 30 or 90 days, in the URL as ?source=&days=) pick the texts; the server groups them per
 * language into themes with label words, size, growth against the previous period and masked
 * examples.
 */
export function ThemesPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const source = themeSourceOf(params.get('source'));
  const days = themeDaysOf(params.get('days'));
  const [report, setReport] = useState<Load<ThemesReport>>({ kind: 'loading' });
  const [busy, setBusy] = useState(true);

  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    themesApi
      .themes({ source, from: qualityFrom(days) })
      .then((data) => {
        if (!cancelled) setReport({ kind: 'loaded', data });
      })
      .catch((e: unknown) => {
        if (!cancelled) setReport({ kind: 'error', message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 });
      })
      .finally(() => {
        if (!cancelled) setBusy(false);
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source, days]);

  function pick(key: 'source' | 'days', value: string) {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  }

  if (report.kind === 'error' && report.forbidden) {
    return (
      <main className="page narrow">
        <h1>{t('themes.title')}</h1>
        <p className="form-error" role="alert" data-testid="themes-no-access">
          {t('themes.noAccess')}
        </p>
      </main>
    );
  }

  const data = report.kind === 'loaded' ? report.data : null;
  const groups = data ? themesByLanguage(data.items ?? []) : [];

  return (
    <main
      className="page analytics-page quality-page themes-page"
      data-testid="themes-page"
      data-state={busy ? 'loading' : report.kind}
      data-source={source}
      data-days={days}
    >
      <h1>{t('themes.title')}</h1>
      <p className="muted small">{t('themes.intro')}</p>
      {isSupervisor(user) && (
        <p className="small">
          <Link to="/quality" data-testid="themes-quality-link">
            {t('themes.backToQuality')}
          </Link>
        </p>
      )}

      <section className="panel" aria-labelledby="themes-list-title">
        <div className="quality-head">
          <h2 id="themes-list-title">{t('themes.list')}</h2>
          <div className="quick-ranges" role="group" aria-label={t('themes.sourcePicker')}>
            {THEME_SOURCES.map((s: ThemeSource) => (
              <button
                key={s}
                type="button"
                className={`btn btn-small${source === s ? ' is-on' : ''}`}
                data-testid={`themes-source-${s}`}
                aria-pressed={source === s}
                onClick={() => pick('source', s)}
              >
                {t(`themes.source.${s}`)}
              </button>
            ))}
          </div>
          <div className="quick-ranges" role="group" aria-label={t('quality.periodPicker')}>
            {THEME_DAYS.map((n) => (
              <button
                key={n}
                type="button"
                className={`btn btn-small${days === n ? ' is-on' : ''}`}
                data-testid={`themes-range-${n}`}
                aria-pressed={days === n}
                onClick={() => pick('days', String(n))}
              >
                {n === 7 ? t('quality.lastWeek') : t('quality.lastDays', { n })}
              </button>
            ))}
          </div>
        </div>
        {data && (
          <p className="muted small" data-testid="themes-period" data-texts={data.texts}>
            {t('themes.periodShown', {
              from: formatDateTime(data.from, locale),
              to: formatDateTime(data.to, locale),
              n: data.texts,
            })}
            {data.truncated && ` ${t('themes.truncated')}`}
          </p>
        )}
        {report.kind === 'error' && (
          <p className="form-error" role="alert" data-testid="themes-error">
            {report.message}
          </p>
        )}
        {report.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
        {data &&
          (groups.length === 0 ? (
            <p className="muted empty" data-testid="themes-empty">
              {t('themes.empty')}
            </p>
          ) : (
            groups.map(([lang, themes]) => (
              <section key={lang} className="themes-language" data-testid="themes-language" data-language={lang}>
                <h3>{t('themes.language', { lang: lang.toUpperCase() })}</h3>
                <ol className="rows themes-list">
                  {themes.map((theme) => (
                    <ThemeItem key={theme.id} theme={theme} />
                  ))}
                </ol>
              </section>
            ))
          ))}
      </section>
    </main>
  );
}

function ThemeItem({ theme }: { theme: Theme }) {
  const { t } = useI18n();
  const growth = growthText(t, theme);
  const residual = (theme.label_terms ?? []).length === 0;
  const trend = theme.previous_size === 0 && theme.size > 0 ? 'new' : (theme.growth ?? 0) > 0 ? 'up' : (theme.growth ?? 0) < 0 ? 'down' : 'flat';
  return (
    <li className={`panel theme-item${residual ? ' theme-residual' : ''}`} data-testid="theme-item" data-theme-id={theme.id} data-trend={trend}>
      <div className="theme-head">
        <strong data-testid="theme-title">{themeTitle(t, theme)}</strong>
        <span className="muted small" data-testid="theme-size">
          {t('themes.size', { n: theme.size })}
        </span>
        <span className={`tag theme-growth theme-growth-${trend}`} data-testid="theme-growth" title={t('themes.growthHint', { n: theme.previous_size })}>
          {growth}
        </span>
      </div>
      {(theme.examples ?? []).length > 0 && (
        <ul className="theme-examples">
          {theme.examples.map((ex, i) => (
            <li key={i}>
              <q data-testid="theme-example">{ex}</q>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
