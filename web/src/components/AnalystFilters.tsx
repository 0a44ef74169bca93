import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { QUICK_DAYS, isDay, lastDays, quickDaysOf, type AnalystQuery } from '../insights';
import { label } from '../moderation';

interface Props {
  value: AnalystQuery;
  onChange: (q: AnalystQuery) => void;
  verticals: readonly string[];
  /** The explorer's flag-category filter (the dashboard has none). */
  categories?: readonly string[];
}

/**
 * Period (two date inputs, quick 7/30/90 days) and vertical, plus a flag category on the
 * explorer. A complete, ordered period is applied at once; until then the inputs keep what
 * is typed and say what is wrong.
 */
export function AnalystFilters({ value, onChange, verticals, categories }: Props) {
  const { t } = useI18n();
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);

  // The URL changed (quick range, back/forward): show it.
  useEffect(() => {
    setFrom(value.from);
    setTo(value.to);
  }, [value.from, value.to]);

  function setDay(which: 'from' | 'to', day: string) {
    const next = { from, to, [which]: day };
    setFrom(next.from);
    setTo(next.to);
    if (isDay(next.from) && isDay(next.to) && next.from <= next.to) onChange({ ...value, from: next.from, to: next.to });
  }

  const bad = !isDay(from) || !isDay(to) || from > to;
  const quick = quickDaysOf(value);

  return (
    <div className="analyst-filters" data-testid="analytics-filters">
      <div className="analyst-period">
        <label className="field">
          <span>{t('insights.from')}</span>
          <input type="date" data-testid="analytics-from" value={from} max={to || undefined} onChange={(e) => setDay('from', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('insights.to')}</span>
          <input type="date" data-testid="analytics-to" value={to} min={from || undefined} onChange={(e) => setDay('to', e.target.value)} />
        </label>
        <div className="quick-ranges" role="group" aria-label={t('insights.quickRanges')}>
          {QUICK_DAYS.map((n) => (
            <button
              key={n}
              type="button"
              className={`btn btn-small${quick === n ? ' is-on' : ''}`}
              data-testid={`analytics-range-${n}`}
              aria-pressed={quick === n}
              onClick={() => onChange({ ...value, ...lastDays(n) })}
            >
              {t('insights.lastDays', { n })}
            </button>
          ))}
        </div>
      </div>
      <div className="analyst-selects">
        <label className="field">
          <span>{t('insights.vertical')}</span>
          <select data-testid="analytics-vertical" value={value.vertical} onChange={(e) => onChange({ ...value, vertical: e.target.value })}>
            <option value="">{t('insights.allVerticals')}</option>
            {verticals.map((v) => (
              <option key={v} value={v}>
                {label(t, 'vertical.', v)}
              </option>
            ))}
          </select>
        </label>
        {categories && (
          <label className="field">
            <span>{t('insights.flagCategory')}</span>
            <select data-testid="analytics-category" value={value.category} onChange={(e) => onChange({ ...value, category: e.target.value })}>
              <option value="">{t('insights.allFlags')}</option>
              {categories.map((c) => (
                <option key={c} value={c}>
                  {label(t, 'rule.category.', c)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {bad && (
        <p className="form-error small" role="alert" data-testid="analytics-period-error">
          {t('insights.badPeriod')}
        </p>
      )}
    </div>
  );
}
