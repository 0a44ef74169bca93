// Helpers for speech analytics in the UI: phrase rules, the preview's highlights, call markers,
// tone per line, case items (docs/API.md "Speech analytics"). No React.

import type {
  AnalyticsFlag,
  AnalyticsRule,
  CallAnalytics,
  CaseItem,
  ModerationCase,
  PreviewHit,
  Speaker,
  Tone,
  User,
} from './types';

export function isAdmin(user: User | null | undefined): boolean {
  return !!user && user.roles.includes('admin');
}

/** The analyst's workspace (/analytics): analysts, and admins (who may do what an analyst does). */
export function isAnalyst(user: User | null | undefined): boolean {
  return !!user && (user.roles.includes('analyst') || user.roles.includes('admin'));
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warn: 1, high: 2 };

export function severityRank(s: string | null | undefined): number {
  return SEVERITY_RANK[s ?? ''] ?? 1;
}

/** The more severe of two severities. */
export function maxSeverity(a: string, b: string): string {
  return severityRank(b) > severityRank(a) ? b : a;
}

/** 0.4567 → "46 %"; null when unknown. */
export function percent(v: number | null | undefined, digits = 0): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return `${(v * 100).toFixed(digits)} %`;
}

/** A rule's measured precision as "correct/wrong (xx %)"; "—" for the share before any verdict. */
export function precisionText(p: AnalyticsRule['precision'] | null | undefined): string {
  const correct = p?.correct ?? 0;
  const wrong = p?.wrong ?? 0;
  const value = typeof p?.value === 'number' ? p.value : correct + wrong > 0 ? correct / (correct + wrong) : null;
  return `${correct}/${wrong} (${percent(value) ?? '—'})`;
}

/** A piece of the preview's text: plain, or covered by one or more (overlapping) hits. */
export interface TextPiece {
  text: string;
  /** Code-point offsets in the original text. */
  start: number;
  end: number;
  hits: PreviewHit[];
}

/**
 * Splits `text` into plain pieces and highlighted ones. The server's offsets count Unicode code
 * points (not UTF-16 units); overlapping or touching hits merge into one highlighted piece so
 * each highlight reads as a whole phrase.
 */
export function highlightPieces(text: string, hits: readonly PreviewHit[]): TextPiece[] {
  const cps = Array.from(text);
  const n = cps.length;
  const valid = hits
    .map((h) => ({ ...h, start: Math.max(0, Math.min(n, Math.floor(h.start))), end: Math.max(0, Math.min(n, Math.floor(h.end))) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const groups: { start: number; end: number; hits: PreviewHit[] }[] = [];
  for (const h of valid) {
    const last = groups[groups.length - 1];
    if (last && h.start < last.end) {
      last.end = Math.max(last.end, h.end);
      last.hits.push(h);
    } else {
      groups.push({ start: h.start, end: h.end, hits: [h] });
    }
  }
  const out: TextPiece[] = [];
  let at = 0;
  for (const g of groups) {
    if (g.start > at) out.push({ text: cps.slice(at, g.start).join(''), start: at, end: g.start, hits: [] });
    out.push({ text: cps.slice(g.start, g.end).join(''), start: g.start, end: g.end, hits: g.hits });
    at = g.end;
  }
  if (at < n || out.length === 0) out.push({ text: cps.slice(at).join(''), start: at, end: n, hits: [] });
  return out;
}

/** The words of `text` at code-point offsets [start, end). */
export function codePointSlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join('');
}

/** A mark on the player's timeline. */
export interface TimelineMarker {
  key: string;
  kind: 'flag' | 'negative_tone';
  start_ms: number;
  end_ms: number;
  category?: string;
  severity?: string;
  speaker?: Speaker;
  text?: string;
  flagId?: string;
}

/** The call's flags (by severity colour) and negative-tone stretches, in time order. */
export function timelineMarkers(a: CallAnalytics | null | undefined, flags?: readonly AnalyticsFlag[]): TimelineMarker[] {
  if (!a) return [];
  const out: TimelineMarker[] = [];
  for (const f of flags ?? a.flags ?? []) {
    out.push({
      key: `flag:${f.id}`,
      kind: 'flag',
      start_ms: f.start_ms,
      end_ms: f.end_ms,
      category: f.category,
      severity: f.severity,
      speaker: f.speaker,
      text: f.text,
      flagId: String(f.id),
    });
  }
  (a.markers?.negative_tone ?? []).forEach((s, i) => {
    out.push({ key: `tone:${i}:${s.start_ms}`, kind: 'negative_tone', start_ms: s.start_ms, end_ms: s.end_ms });
  });
  return out.sort((x, y) => x.start_ms - y.start_ms);
}

/** The timeline's length: the analysed duration, else the recording's, else the last mark. */
export function timelineLength(a: CallAnalytics | null | undefined, recordingMs: number | null | undefined, markers: readonly TimelineMarker[]): number {
  if (a && a.duration_ms > 0) return a.duration_ms;
  if (typeof recordingMs === 'number' && recordingMs > 0) return recordingMs;
  return markers.reduce((m, x) => Math.max(m, x.end_ms), 0);
}

export interface LineTone {
  tone: Tone;
  score: number;
  loudness?: { dbfs: number; level: number } | null;
}

/**
 * Tone per transcript segment: keyed by the segment id, and by speaker + start time as a
 * fallback (the analytics may have been computed on another transcript version).
 */
export function lineTones(a: CallAnalytics | null | undefined): Map<string, LineTone> {
  const out = new Map<string, LineTone>();
  for (const u of a?.utterances ?? []) {
    const v = { tone: u.tone, score: u.tone_score, loudness: u.loudness };
    out.set(`id:${u.segment_id}`, v);
    const at = `at:${u.speaker}:${u.start_ms}`;
    if (!out.has(at)) out.set(at, v);
  }
  return out;
}

export function lineToneOf(map: ReadonlyMap<string, LineTone> | undefined, seg: { id: string; speaker: string; start_ms: number }): LineTone | undefined {
  if (!map) return undefined;
  return map.get(`id:${seg.id}`) ?? map.get(`at:${seg.speaker}:${seg.start_ms}`);
}

/** A case's complaints and flags with their source (the server's `items`, else built here). */
export function caseItems(kase: ModerationCase): CaseItem[] {
  if (Array.isArray(kase.items) && kase.items.length > 0) {
    return kase.items.filter((i): i is CaseItem => !!i && (i.source === 'complaint' || i.source === 'auto'));
  }
  return [
    ...(kase.complaints ?? []).map((c) => ({ ...c, source: 'complaint' as const })),
    ...(kase.flags ?? []).map((f) => ({ ...f, source: 'auto' as const })),
  ];
}

/** A date input's YYYY-MM-DD as RFC 3339: the start of that day (or its end) in local time. */
export function dayToRfc3339(day: string, endOfDay = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!m) return undefined;
  const d = endOfDay
    ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999)
    : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0, 0);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
