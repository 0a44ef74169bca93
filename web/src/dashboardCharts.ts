// The dashboard's response shaped into charts (docs/API.md "Analyst workspace"), in page order.
// Pure: the same ChartData is drawn, shown as a table and written as CSV.

import type { TFunction } from './i18n';
import { dayRange, type ChartData } from './insights';
import { label } from './moderation';
import { CALL_OUTCOMES, type AnalyticsDashboard, type Tone } from './types';

export const COLORS = {
  primary: '#1f3a5f',
  sky: '#6b9bd6',
  accent: '#0f7b5f',
  danger: '#b42318',
  amber: '#c27c0e',
  grey: '#8a94a3',
} as const;

const OUTCOME_COLORS: Record<string, string> = {
  ended: COLORS.accent,
  missed: COLORS.amber,
  failed: COLORS.danger,
  no_show: COLORS.grey,
};

const ACTIONS = ['dismiss', 'warn', 'block', 'ban', 'uphold', 'overturn'];
const TONES: readonly Tone[] = ['positive', 'neutral', 'negative'];

/** "8 Nov" for a UTC day. */
export function shortDay(day: string, locale: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return day;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(ms);
}

/** Known keys first in their order, then any others the server sent. */
function keysOf(known: readonly string[], ...maps: (Record<string, unknown> | undefined)[]): string[] {
  const out = [...known];
  for (const m of maps) for (const k of Object.keys(m ?? {})) if (!out.includes(k)) out.push(k);
  return out;
}

function periodDays(d: AnalyticsDashboard, rows: readonly { day: string }[]): string[] {
  const days = dayRange(d.period.from, d.period.to);
  return days.length > 0 ? days : [...new Set(rows.map((r) => r.day))].sort();
}

function minutes(s: number): string {
  return s % 60 === 0 ? String(s / 60) : (s / 60).toFixed(1);
}

function pct(v: number): string {
  return String(Math.round(v * 100));
}

/** Shares (0..1) as percentages with one decimal, as plotted. */
function share100(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) / 10 : null;
}

/** Every chart of the dashboard, in page order. Days missing from a daily series are gaps (null). */
export function dashboardCharts(d: AnalyticsDashboard, t: TFunction, locale: string): ChartData[] {
  const s = d.series;
  const dayLabels = (days: string[]) => days.map((day) => shortDay(day, locale));

  const cpd = s.calls_per_day ?? [];
  const cpdDays = periodDays(d, cpd);
  const cpdBy = new Map(cpd.map((r) => [r.day, r]));
  const outcomes = keysOf(CALL_OUTCOMES, ...cpd.map((r) => r.by_outcome));
  const callsPerDay: ChartData = {
    name: 'calls_per_day',
    kind: 'stacked',
    xKey: 'day',
    xLabel: t('insights.x.day'),
    keys: cpdDays,
    labels: dayLabels(cpdDays),
    integer: true,
    series: outcomes.map((o) => ({
      key: o,
      label: label(t, 'insights.outcome.', o),
      color: OUTCOME_COLORS[o] ?? COLORS.sky,
      values: cpdDays.map((day) => {
        const r = cpdBy.get(day);
        return r ? (r.by_outcome?.[o] ?? 0) : null;
      }),
    })),
  };

  const len = s.call_length ?? [];
  const callLength: ChartData = {
    name: 'call_length',
    kind: 'bars',
    xKey: 'bucket',
    xLabel: t('insights.x.length'),
    keys: len.map((b) => b.bucket),
    labels: len.map((b) =>
      typeof b.from_s !== 'number'
        ? b.bucket
        : b.to_s === null || b.to_s === undefined
          ? t('insights.lengthFrom', { from: minutes(b.from_s) })
          : t('insights.lengthRange', { from: minutes(b.from_s), to: minutes(b.to_s) }),
    ),
    integer: true,
    series: [{ key: 'n', label: t('insights.series.calls'), color: COLORS.primary, values: len.map((b) => b.n) }],
  };

  const comp = s.complaints_per_1000_calls ?? [];
  const complaints: ChartData = {
    name: 'complaints_per_1000_calls',
    kind: 'bars',
    xKey: 'category',
    xLabel: t('insights.x.category'),
    keys: comp.map((c) => c.category),
    labels: comp.map((c) => label(t, 'complaint.category.', c.category)),
    series: [{ key: 'per_1000', label: t('insights.series.per1000'), color: COLORS.danger, values: comp.map((c) => c.per_1000) }],
  };

  const flagRows = flagTotals(d);
  const flags: ChartData = {
    name: 'flags_per_1000_calls',
    kind: 'bars',
    xKey: 'category',
    xLabel: t('insights.x.category'),
    keys: flagRows.map((f) => f.category),
    labels: flagRows.map((f) => label(t, 'rule.category.', f.category)),
    series: [{ key: 'per_1000', label: t('insights.series.per1000'), color: COLORS.amber, values: flagRows.map((f) => f.per_1000) }],
  };

  const byAction = s.decisions?.by_action ?? {};
  const actions = keysOf(ACTIONS, byAction);
  const decisions: ChartData = {
    name: 'decisions',
    kind: 'bars',
    xKey: 'action',
    xLabel: t('insights.x.action'),
    keys: actions,
    labels: actions.map((a) => label(t, 'action.', a)),
    integer: true,
    series: [{ key: 'n', label: t('insights.series.decisions'), color: COLORS.primary, values: actions.map((a) => byAction[a] ?? 0) }],
  };

  const qpd = s.sla?.queue_per_day ?? [];
  const qDays = periodDays(d, qpd);
  const qBy = new Map(qpd.map((r) => [r.day, r.open]));
  const queue: ChartData = {
    name: 'queue_per_day',
    kind: 'line',
    xKey: 'day',
    xLabel: t('insights.x.day'),
    keys: qDays,
    labels: dayLabels(qDays),
    integer: true,
    series: [{ key: 'open', label: t('insights.series.open'), color: COLORS.primary, values: qDays.map((day) => qBy.get(day) ?? null) }],
  };

  const hist = s.talk_ratio?.histogram ?? [];
  const talkRatio: ChartData = {
    name: 'talk_ratio',
    kind: 'bars',
    xKey: 'bucket',
    xLabel: t('insights.x.talkRatio'),
    keys: hist.map((b) => b.bucket),
    labels: hist.map((b) =>
      typeof b.from === 'number' && typeof b.to === 'number' ? t('insights.ratioRange', { from: pct(b.from), to: pct(b.to) }) : b.bucket,
    ),
    integer: true,
    series: [{ key: 'n', label: t('insights.series.calls'), color: COLORS.sky, values: hist.map((b) => b.n) }],
  };

  const tone = s.tone ?? {};
  const toneChart: ChartData = {
    name: 'tone',
    kind: 'grouped',
    xKey: 'tone',
    xLabel: t('insights.x.tone'),
    keys: [...TONES],
    labels: TONES.map((x) => t(`tone.${x}`)),
    integer: true,
    series: (['seller', 'buyer'] as const).map((side) => ({
      key: side,
      label: t(`speaker.${side}`),
      color: side === 'seller' ? COLORS.primary : COLORS.sky,
      values: TONES.map((x) => (tone[side] ? (tone[side]?.[x] ?? 0) : null)),
    })),
  };

  const sl = s.service_level;
  const serviceLevel: ChartData = {
    name: 'service_level',
    kind: 'bars',
    xKey: 'zone',
    xLabel: t('insights.x.zone'),
    keys: ['green', 'red'],
    labels: [t('serviceLevel.zone.green'), t('serviceLevel.zone.red')],
    unit: '%',
    yMax: 100,
    series: [
      {
        key: 'share_pct',
        label: t('insights.series.share'),
        color: COLORS.accent,
        pointColors: [COLORS.accent, COLORS.danger],
        values: [share100(sl?.green_share), share100(sl?.red_share)],
      },
    ],
  };

  return [callsPerDay, callLength, complaints, flags, decisions, queue, talkRatio, toneChart, serviceLevel];
}

/**
 * Flags per 1,000 calls over the period by category: the server's totals, else summed from
 * the daily series (per 1,000 of the period's calls).
 */
export function flagTotals(d: AnalyticsDashboard): { category: string; n: number; per_1000: number | null }[] {
  if (d.series.flags_totals) return d.series.flags_totals;
  const calls = (d.series.calls_per_day ?? []).reduce((sum, r) => sum + (r.n ?? 0), 0);
  return Object.entries(d.series.flags_per_1000_calls ?? {}).map(([category, rows]) => {
    const n = rows.reduce((sum, r) => sum + (r.n ?? 0), 0);
    return { category, n, per_1000: calls > 0 ? Math.round((n * 10000) / calls) / 10 : null };
  });
}

/** computed_at as epoch ms whether the server sent a number or an RFC 3339 string. */
export function instantMs(v: number | string | null | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
