import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { errorText, formatDate } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import type { ServiceLevel, ServiceLevelParameter } from '../types';

/**
 * /service-level: the seller's own service level (docs/service-level.md) — only they see it.
 * The level and zone, each parameter with its score (or "not enough data") and, for weak ones,
 * the recommendation in the UI's language; the reliable-seller badge and what it still needs.
 */
export function ServiceLevelPage() {
  const { t, lang, locale } = useI18n();
  const [data, setData] = useState<ServiceLevel | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    api
      .myServiceLevel(lang)
      .then((d) => {
        if (!cancelled) setData(d);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorText(t, e));
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);

  if (!data) {
    return (
      <main className="page narrow">
        <h1>{t('serviceLevel.title')}</h1>
        {error ? (
          <p className="form-error" role="alert" data-testid="service-level-error">
            {error}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const weak = data.parameters.filter((p) => p.recommendation);
  return (
    <main className="page narrow service-level-page">
      <div className="page-head">
        <h1>{t('serviceLevel.title')}</h1>
      </div>
      <section
        className={`panel service-level-summary zone-${data.zone}`}
        data-testid="service-level"
        data-level={data.level ?? ''}
      >
        <div className="service-level-score">
          <span className="service-level-number" data-testid="service-level-value">
            {data.level ?? '—'}
          </span>
          <span
            className={`zone-chip zone-chip-${data.zone}`}
            data-testid="service-level-zone"
            data-zone={data.zone}
          >
            {t(`serviceLevel.zone.${data.zone}` as MessageKey)}
          </span>
        </div>
        <p className="muted small">
          {data.level === null
            ? t('serviceLevel.noData')
            : t('serviceLevel.explain', {
                weakest: data.weakest ? t(`serviceLevel.param.${data.weakest}` as MessageKey) : '',
              })}
        </p>
        <p className="muted small" data-testid="service-level-window">
          {t('serviceLevel.window', {
            from: formatDate(data.window.from, locale),
            to: formatDate(data.window.to, locale),
          })}
        </p>
      </section>

      {weak.length > 0 && (
        <section className="panel" data-testid="service-level-recommendations">
          <h2>{t('serviceLevel.recommendations')}</h2>
          <ul className="recommendations">
            {weak.map((p) => (
              <li key={p.code} data-testid="service-level-recommendation" data-code={p.code}>
                <strong>{t(`serviceLevel.param.${p.code}` as MessageKey)}:</strong> {p.recommendation}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="panel">
        <h2>{t('serviceLevel.parameters')}</h2>
        <ul className="service-level-params">
          {data.parameters.map((p) => (
            <ParameterRow key={p.code} p={p} />
          ))}
        </ul>
        {data.duplicates && data.duplicates.length > 0 && (
          <div className="small" data-testid="service-level-duplicates">
            <p>{t('serviceLevel.duplicates')}</p>
            <ul>
              {data.duplicates.map((d) => (
                <li key={d.listing_id}>
                  <Link to={`/listings/${encodeURIComponent(d.listing_id)}`}>#{d.listing_id}</Link>
                  {' ← '}
                  <Link to={`/listings/${encodeURIComponent(d.original_id)}`}>#{d.original_id}</Link>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <section
        className="panel"
        data-testid="service-level-badge"
        data-reliable={data.badge.reliable ? 'true' : 'false'}
      >
        <h2>{t('badge.reliableSeller')}</h2>
        {data.badge.reliable ? (
          <p>{t('serviceLevel.badgeHeld')}</p>
        ) : (
          <>
            <p>{t('serviceLevel.badgeMissing')}</p>
            <ul>
              {data.badge.missing.map((m) => (
                <li key={m} data-testid="service-level-badge-missing" data-code={m}>
                  {t(`serviceLevel.missing.${m}` as MessageKey, {
                    average: data.badge.rating?.average ?? 0,
                    count: data.badge.rating?.count ?? 0,
                  })}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </main>
  );
}

function ParameterRow({ p }: { p: ServiceLevelParameter }) {
  const { t } = useI18n();
  const state = !p.applicable ? 'na' : p.score !== null && p.score <= 41 ? 'red' : p.weak ? 'weak' : 'good';
  return (
    <li
      className={`service-level-param param-${state}`}
      data-testid="service-level-parameter"
      data-code={p.code}
      data-score={p.score ?? ''}
      data-applicable={p.applicable ? 'true' : 'false'}
    >
      <div className="param-head">
        <span className="param-name">{t(`serviceLevel.param.${p.code}` as MessageKey)}</span>
        <span className="param-score">{p.applicable ? p.score : t('serviceLevel.notApplicable')}</span>
      </div>
      {p.applicable && p.score !== null && (
        <div className="param-bar" aria-hidden="true">
          <span style={{ width: `${p.score}%` }} />
        </div>
      )}
      {p.recommendation && <p className="small param-recommendation">{p.recommendation}</p>}
    </li>
  );
}
