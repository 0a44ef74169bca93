// The supervisor's moderation-quality tools (docs/API.md "Moderation quality"): the API client,
// its shapes, and how the page words the figures. No React.

import { percent } from './analytics';
import { query, request } from './api';
import { isMessageKey } from './format';
import type { MessageKey, TFunction } from './i18n';
import type { ModerationCase, User } from './types';

// ---------- shapes ----------

export interface QualityDeviation {
  /** "handling_time_p50_s", "<action>_rate.<category>", "overturned_share", "honeypot_accuracy",
   *  "agreement_kappa", "sla_breach_share", "cases_per_hour". Shares in [0, 1], times in seconds. */
  metric: string;
  value: number;
  peer_median: number;
  /** Robust z against the peers with the same skills. */
  z: number;
  /** The server's sentence (without the moderator's name). */
  explanation: string;
}

export interface ModeratorQuality {
  moderator: { id: string; display_name: string };
  moderator_id: string;
  skills: string[];
  decided: number;
  handling_time_p50_s: number | null;
  /** category → action → count */
  decisions: Record<string, Record<string, number>>;
  honeypot: { n: number; correct: number; accuracy: number | null; ci95: [number, number] };
  agreement_kappa: number | null;
  appealed: number;
  /** Share of their appealed decisions overturned; null without appeals. */
  overturned_on_appeal: number | null;
  sla_breaches: number;
  deviations: QualityDeviation[];
}

export type QualityPeriod = 'day' | 'week' | 'month';

/** GET /quality/moderators */
export interface QualityReport {
  items: ModeratorQuality[];
  from: string;
  to: string;
  period: QualityPeriod;
  /** Deviation tasks this call opened (one per new deviation). */
  tasks_opened: number;
}

export type TaskStatus = 'open' | 'acknowledged' | 'closed';
export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'acknowledged', 'closed'];

export interface QualityTask {
  id: string;
  moderator_id: string;
  period: QualityPeriod | string;
  period_key: string;
  metric: string;
  value: number;
  peer_median: number;
  z: number;
  /** The server's sentence, naming the moderator. */
  explanation: string;
  status: TaskStatus;
  result: string | null;
  note: string | null;
  opened_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  closed_by: string | null;
  closed_at: string | null;
}

export const HONEYPOT_CATEGORIES = ['fraud', 'prepayment_request', 'rude', 'not_as_described', 'no_show', 'other'] as const;
export type HoneypotCategory = (typeof HONEYPOT_CATEGORIES)[number];
export const DECISION_ACTIONS = ['dismiss', 'warn', 'block', 'ban'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export interface Honeypot {
  id: string;
  source: 'synthetic' | 'case' | string;
  category: string;
  vertical: string | null;
  language: string;
  expected: { action: string; acceptable: string[] };
  active: boolean;
  /** The case as moderators see it: {complaints: [{category, text, quote?}], transcript: [...]} */
  content: unknown;
  served: number;
  decided: number;
  correct: number;
  created_at: string;
}

export interface SyntheticHoneypot {
  category: HoneypotCategory;
  text: string;
  quote?: string;
  transcript?: { speaker: 'accused' | 'reporter'; text: string }[];
}

export type HoneypotInput = (
  | { synthetic: SyntheticHoneypot; from_case_id?: never }
  | { from_case_id: string; synthetic?: never }
) & { expected: { action: DecisionAction; acceptable?: DecisionAction[] } };

// ---------- API ----------

const enc = encodeURIComponent;

/** Every call answers 403 `forbidden` to anyone but a supervisor. */
export const qualityApi = {
  /** RFC 3339 bounds or days; the server's default is the last 30 days up to now. Opens a task per new deviation. */
  moderators: (p: { from?: string; to?: string } = {}) =>
    request<QualityReport>('GET', `/api/v1/quality/moderators${query({ from: p.from, to: p.to })}`),
  /** Newest first; no status = all. */
  tasks: (status?: TaskStatus | null, limit = 100) =>
    request<{ items: QualityTask[] }>('GET', `/api/v1/quality/tasks${query({ status, limit })}`),
  /** 409 `task_not_open`. */
  acknowledgeTask: (id: string, note?: string) =>
    request<QualityTask>('POST', `/api/v1/quality/tasks/${enc(id)}/acknowledge`, { body: note ? { note } : {} }),
  /** 400 `invalid_result` for an empty result; 409 `task_closed`. */
  closeTask: (id: string, result: string, note?: string) =>
    request<QualityTask>('POST', `/api/v1/quality/tasks/${enc(id)}/close`, { body: note ? { result, note } : { result } }),
  honeypots: () => request<{ items: Honeypot[] }>('GET', '/api/v1/quality/honeypots'),
  createHoneypot: (input: HoneypotInput) => request<Honeypot>('POST', '/api/v1/quality/honeypots', { body: input }),
};

// ---------- who and when ----------

/** The quality tools are a supervisor's (a moderator with the `supervisor` role). */
export function isSupervisor(user: User | null | undefined): boolean {
  return !!user && user.roles.includes('supervisor');
}

export const QUALITY_DAYS: readonly number[] = [1, 7, 30];
export const DEFAULT_QUALITY_DAYS = 30;

/** ?days= of the URL when it is one of the picker's, else the default. */
export function qualityDaysOf(v: string | null): number {
  const n = Number(v);
  return QUALITY_DAYS.includes(n) ? n : DEFAULT_QUALITY_DAYS;
}

/** The last `days` days up to now, as the request's `from` (RFC 3339; `to` is the server's now). */
export function qualityFrom(days: number, now = Date.now()): string {
  return new Date(now - days * 86_400_000).toISOString();
}

// ---------- words and numbers ----------

function number(v: number, locale: string, digits: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
}

/** Seconds as minutes: "4.5 min"; "—" when unknown. */
export function minutesText(t: TFunction, seconds: number | null | undefined, locale: string): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  return t('quality.minutes', { n: number(seconds / 60, locale, seconds < 600 ? 1 : 0) });
}

/** "83 % (62–94 %)"; "—" before any honeypot was decided. */
export function accuracyText(h: ModeratorQuality['honeypot'] | null | undefined): string {
  if (!h || h.n <= 0) return '—';
  const acc = percent(h.accuracy);
  if (!acc) return '—';
  const [low, high] = Array.isArray(h.ci95) ? h.ci95 : [];
  if (typeof low !== 'number' || typeof high !== 'number') return acc;
  return `${acc} (${Math.round(low * 100)}–${Math.round(high * 100)} %)`;
}

/** z with its sign: "+4.2", "−2.1". */
export function zText(z: number, locale: string): string {
  if (!Number.isFinite(z)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' }).format(z);
}

function labelOr(t: TFunction, key: string, fallback: string): string {
  return isMessageKey(key) ? t(key) : fallback;
}

/** A metric in the UI language: "Share of “Dismiss” in “Fraud”", "Handling time (median)". */
export function metricLabel(t: TFunction, metric: string): string {
  const rate = /^([a-z_]+)_rate\.([a-z_]+)$/.exec(metric);
  if (rate) {
    const [, action = '', category = ''] = rate;
    return t('quality.metric.rate', {
      action: labelOr(t, `action.${action}`, action),
      category: labelOr(t, `complaint.category.${category}`, category),
    });
  }
  return labelOr(t, `quality.metric.${metric}`, metric);
}

/** A metric's value as its kind reads: minutes, κ, cases per hour, or a share. */
export function metricValue(t: TFunction, metric: string, v: number, locale: string): string {
  if (!Number.isFinite(v)) return '—';
  if (metric === 'handling_time_p50_s') return minutesText(t, v, locale);
  if (metric === 'agreement_kappa') return `κ ${number(v, locale, 2)}`;
  if (metric === 'cases_per_hour') return number(v, locale, 1);
  return percent(v) ?? '—';
}

/** "Share of “Dismiss” in “Fraud”: 96 % against a peer median of 12 % (z = +5.1)" */
export function deviationSummary(t: TFunction, d: Pick<QualityDeviation, 'metric' | 'value' | 'peer_median' | 'z'>, locale: string): string {
  return t('quality.deviationSummary', {
    metric: metricLabel(t, d.metric),
    value: metricValue(t, d.metric, d.value, locale),
    median: metricValue(t, d.metric, d.peer_median, locale),
    z: zText(d.z, locale),
  });
}

export function periodLabel(t: TFunction, period: string): string {
  return labelOr(t, `quality.period.${period}`, period);
}

export function taskStatusKey(s: string): MessageKey {
  const key = `quality.taskStatus.${s}`;
  return isMessageKey(key) ? key : 'quality.taskStatus.open';
}

/** The complaint text a honeypot shows moderators (its first complaint). */
export function honeypotText(h: Honeypot): string {
  const c = (h.content as { complaints?: { text?: unknown }[] } | null)?.complaints?.[0]?.text;
  return typeof c === 'string' ? c : '';
}

/** Replaces the task with the same id (an acknowledged or closed task stays where it was). */
export function replaceTask(list: readonly QualityTask[], task: QualityTask): QualityTask[] {
  return list.map((x) => (x.id === task.id ? task : x));
}

// ---------- complaint themes (analysts and supervisors) ----------

export const THEME_SOURCES = ['complaints', 'appeals', 'ratings'] as const;
export type ThemeSource = (typeof THEME_SOURCES)[number];
export const THEME_DAYS: readonly number[] = [7, 30, 90];
export const DEFAULT_THEME_DAYS = 30;

export interface Theme {
  id: string;
  language: string;
  /** Empty for the residual theme (texts too short or too unlike the rest). */
  label_terms: string[];
  size: number;
  previous_size: number;
  /** 0.5 = +50 % against the previous period of the same length. */
  growth: number | null;
  /** Representative texts, contacts masked. */
  examples: string[];
}

/** GET /quality/themes */
export interface ThemesReport {
  items: Theme[];
  source: ThemeSource | string;
  from: string;
  to: string;
  texts: number;
  truncated: boolean;
  computed_at: string;
}

/** Analysts and supervisors read the themes; the API answers 403 to anyone else. */
export function canSeeThemes(user: User | null | undefined): boolean {
  return !!user && (user.roles.includes('analyst') || user.roles.includes('supervisor'));
}

export const themesApi = {
  themes: (p: { source: ThemeSource; from?: string; to?: string }) =>
    request<ThemesReport>('GET', `/api/v1/quality/themes${query({ source: p.source, from: p.from, to: p.to })}`),
};

/** ?source= of the URL when it is a known one, else complaints. */
export function themeSourceOf(v: string | null): ThemeSource {
  return (THEME_SOURCES as readonly string[]).includes(v ?? '') ? (v as ThemeSource) : 'complaints';
}

/** ?days= of the URL when it is one of the picker's, else the default. */
export function themeDaysOf(v: string | null): number {
  const n = Number(v);
  return THEME_DAYS.includes(n) ? n : DEFAULT_THEME_DAYS;
}

/** The theme's title: its label words joined by "—", or "other / too short" for the residual one. */
export function themeTitle(t: TFunction, theme: Pick<Theme, 'label_terms'>): string {
  const terms = (theme.label_terms ?? []).filter((w) => typeof w === 'string' && w.trim() !== '');
  return terms.length > 0 ? terms.join(' — ') : t('themes.other');
}

/** "+50 %", "−20 %", "0 %", "new" (nothing in the previous period), "—" when unknown. */
export function growthText(t: TFunction, theme: Pick<Theme, 'size' | 'previous_size' | 'growth'>): string {
  if (theme.previous_size === 0 && theme.size > 0) return t('themes.new');
  const g = theme.growth;
  if (typeof g !== 'number' || !Number.isFinite(g)) return '—';
  const n = Math.round(g * 100);
  if (n === 0) return '0 %';
  return `${n > 0 ? '+' : '−'}${Math.abs(n)} %`;
}

/** Themes grouped by language, in the order the server gave them. */
export function themesByLanguage(items: readonly Theme[]): [string, Theme[]][] {
  const groups = new Map<string, Theme[]>();
  for (const theme of items) {
    const lang = theme.language || '?';
    const list = groups.get(lang) ?? [];
    list.push(theme);
    groups.set(lang, list);
  }
  return [...groups.entries()];
}

// ---------- blind double review (docs/quality.md) ----------

/** A second review as its second moderator sees it (the first decision hidden). */
export interface SecondReview {
  id: string;
  case_id: string;
  /** "pending", "assigned", "decided" (to the second moderator; the supervisor sees agreed/disagreed/resolved). */
  status: string;
  category: string;
  lease_until: string | null;
  second_action?: string | null;
}

/** A second review as a supervisor sees it, the first decision revealed. */
export interface SupervisedReview extends SecondReview {
  first_moderator_id: string;
  first_action: string;
  second_moderator_id: string | null;
  second_action: string | null;
  created_at: string;
  verdict?: string | null;
  verdict_reason?: string | null;
}

export interface Reporter {
  user_id: string;
  display_name: string;
  upheld: number;
  dismissed: number;
  credibility: number;
  muted: boolean;
  muted_until: string | null;
  mute_reason: string | null;
}

export const reviewsApi = {
  /** 204 (undefined) when no review waits for this moderator. */
  next: () => request<{ review: SecondReview; case: ModerationCase } | undefined>('POST', '/api/v1/moderation/reviews/next', { body: {} }),
  decide: (id: string, action: DecisionAction, reason: string) =>
    request<SecondReview>('POST', `/api/v1/moderation/reviews/${enc(id)}/decision`, { body: { action, reason } }),
  /** Supervisors only. */
  list: (status?: string | null, limit = 100) =>
    request<{ items: SupervisedReview[] }>('GET', `/api/v1/quality/reviews${query({ status, limit })}`),
  verdict: (id: string, action: DecisionAction, reason: string) =>
    request<SupervisedReview>('POST', `/api/v1/quality/reviews/${enc(id)}/verdict`, { body: { action, reason } }),
  reporters: () => request<{ items: Reporter[] }>('GET', '/api/v1/quality/reporters'),
  mute: (id: string, days: number, reason: string) =>
    request<Reporter>('POST', `/api/v1/quality/reporters/${enc(id)}/mute`, { body: { days, reason } }),
  unmute: (id: string) => request<Reporter>('DELETE', `/api/v1/quality/reporters/${enc(id)}/mute`),
};
