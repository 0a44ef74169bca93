// Helpers for complaints, cases, sanctions and notifications (docs/moderation.md). No React.

import { formatDuration } from './calls';
import { isMessageKey } from './format';
import type { TFunction } from './i18n';
import type { Call, Complaint, Evidence, MsRange, TranscriptSegment } from './types';

/** `t(prefix + value)` when such a key exists, else the raw value (an unknown server value stays readable). */
export function label(t: TFunction, prefix: string, value: string | null | undefined): string {
  if (!value) return '';
  const key = `${prefix}${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/**
 * Parses a time on the call timeline typed by a person: `mm:ss`, `m:ss`, `h:mm:ss` or plain
 * seconds. Returns milliseconds, or null when it is not a time.
 */
export function parseClock(input: string): number | null {
  const v = input.trim();
  if (!v) return null;
  if (/^\d{1,6}$/.test(v)) return Number(v) * 1000;
  const m = /^(?:(\d{1,3}):)?(\d{1,4}):(\d{1,2})$/.exec(v);
  if (!m) return null;
  const h = m[1] ? Number(m[1]) : 0;
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (s >= 60 || (m[1] && min >= 60)) return null;
  return ((h * 60 + min) * 60 + s) * 1000;
}

/** mm:ss–mm:ss */
export function formatRange(r: MsRange): string {
  return `${formatDuration(r.from_ms)}–${formatDuration(r.to_ms)}`;
}

/** The call's length as the server checks complaint ranges: the recording's, else ended − started. */
export function callLengthMs(call: Call): number | null {
  const d = call.recording?.duration_ms;
  if (typeof d === 'number' && d > 0) return d;
  if (call.started_at && call.ended_at) {
    const ms = Date.parse(call.ended_at) - Date.parse(call.started_at);
    if (Number.isFinite(ms) && ms > 0) return ms;
  }
  return null;
}

/** A call that never started takes no ranges. */
export function callTakesRanges(call: Call): boolean {
  return call.state !== 'missed' && !!call.started_at;
}

/** Undecided: the reporter may not file another one on the same call. */
export function isUndecidedComplaint(c: Complaint): boolean {
  return c.status === 'open' || c.status === 'in_review';
}

export function overlapsRange(seg: TranscriptSegment, r: MsRange): boolean {
  const end = Math.max(seg.end_ms, seg.start_ms + 1);
  return seg.start_ms < r.to_ms && end > r.from_ms;
}

export function sameRange(a: MsRange, b: MsRange): boolean {
  return a.from_ms === b.from_ms && a.to_ms === b.to_ms;
}

export function normaliseRanges(v: unknown): MsRange[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (r): r is MsRange => !!r && typeof (r as MsRange).from_ms === 'number' && typeof (r as MsRange).to_ms === 'number',
  );
}

export function normaliseEvidence(v: unknown): Evidence[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((e): e is Evidence => !!e && typeof (e as Evidence).from_ms === 'number' && typeof (e as Evidence).to_ms === 'number')
    .map((e) => ({ call_id: String(e.call_id), from_ms: e.from_ms, to_ms: e.to_ms }));
}

/**
 * Where a case's review starts: the first complaint's first range, else the first quote
 * match, else the first cited evidence (appeals). Complaints in the case's order.
 */
export function firstComplainedMoment(complaints: readonly Complaint[], evidence: readonly Evidence[] = []): Evidence | null {
  for (const c of complaints) {
    const r = normaliseRanges(c.ranges)[0];
    if (r) return { call_id: String(c.call_id), from_ms: r.from_ms, to_ms: r.to_ms };
  }
  for (const c of complaints) {
    if (c.quote_match) return { call_id: String(c.call_id), from_ms: c.quote_match.from_ms, to_ms: c.quote_match.to_ms };
  }
  const e = evidence[0];
  return e ? { ...e } : null;
}

/** The complaints' ranges as decision evidence (deduplicated, at most `max`). */
export function evidenceFromComplaints(complaints: readonly Complaint[], max = 20): Evidence[] {
  const out: Evidence[] = [];
  for (const c of complaints) {
    for (const r of normaliseRanges(c.ranges)) {
      const e = { call_id: String(c.call_id), from_ms: r.from_ms, to_ms: r.to_ms };
      if (!out.some((x) => x.call_id === e.call_id && sameRange(x, e))) out.push(e);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** `ms` ± `pad` inside the call (when its length is known), at least one second long. */
export function rangeAround(ms: number, lengthMs: number | null, pad = 5000): MsRange {
  const at = Math.max(0, Math.round(ms));
  let from = Math.max(0, at - pad);
  let to = at + pad;
  if (lengthMs !== null && lengthMs > 0) {
    to = Math.min(to, lengthMs);
    if (from >= to) from = Math.max(0, to - 1000);
  }
  if (to <= from) to = from + 1000;
  return { from_ms: from, to_ms: to };
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
