// Helpers for the dishonest-user ranking in the UI (docs/API.md "Analyst workspace",
// docs/analytics.md "## Dishonest-user ranking"): who may see it, reason labels, evidence as
// text and links, the ranking rows a case holds. No React.

import type { TFunction } from './i18n';
import { formatRange, label } from './moderation';
import type { DetectionCaseItem, DishonestEvidence, DishonestRow, ModerationCase, User } from './types';

/** The ranking is for moderators (users) and analysts (pseudonyms); the API refuses the rest. */
export function canSeeDishonest(user: User | null | undefined): boolean {
  return !!user && (user.roles.includes('moderator') || user.roles.includes('analyst'));
}

/** A reason code in the UI language (the code itself when the locale does not know it). */
export function reasonLabel(t: TFunction, code: string): string {
  return label(t, 'dishonest.reason.', code);
}

/** "0:04–0:06", or "whole call" for [0, 0] (a complaint without a moment, a no-show). */
export function evidenceRange(t: TFunction, e: DishonestEvidence): string {
  if (e.start_ms <= 0 && e.end_ms <= 0) return t('dishonest.wholeCall');
  return formatRange({ from_ms: e.start_ms, to_ms: Math.max(e.start_ms, e.end_ms) });
}

/** Points as the API gives them (rounded to 0.1). */
export function points(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 10) / 10).toFixed(1) : '—';
}

/**
 * Where a piece of evidence opens: a moderator's call page seeking to the moment, an analyst's
 * masked view of the call (pseudonyms, no recording).
 */
export function evidenceHref(e: DishonestEvidence, moderator: boolean): string {
  const id = encodeURIComponent(e.call_id);
  return moderator ? `/calls/${id}?t=${Math.max(0, Math.floor(e.start_ms))}` : `/analytics/calls/${id}`;
}

/** A stable key for a row (the user's id, else the pseudonym). */
export function rowKey(row: DishonestRow): string {
  return row.user?.id ?? row.pseudonym ?? '';
}

/** The rows of the ranking a case was opened from (at most one). */
export function detectionItems(kase: ModerationCase): DetectionCaseItem[] {
  return (kase.items ?? []).filter((i): i is DetectionCaseItem => !!i && i.source === 'detection');
}
