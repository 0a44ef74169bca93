// Helpers for call transcripts, the recording player and transcript search (no React).

import type { MessageKey } from './i18n';
import type { ProcessingStatus, Speaker, TranscriptSegment, TranscriptWord, User } from './types';

export function isModerator(user: User | null | undefined): boolean {
  return !!user && user.roles.includes('moderator');
}

/** Statuses after which nothing changes by itself any more. */
export function isSettledStatus(s: ProcessingStatus): boolean {
  return s === 'none' || s === 'ready' || s === 'failed' || s === 'deleted';
}

export function processingStatusKey(s: ProcessingStatus): MessageKey {
  return `processing.status.${s}` as MessageKey;
}

export function speakerKey(s: Speaker): MessageKey {
  return s === 'seller' ? 'speaker.seller' : 'speaker.buyer';
}

export function parseSpeaker(v: string | null | undefined): Speaker | '' {
  return v === 'buyer' || v === 'seller' ? v : '';
}

/** Percent 0–100 from the server's `progress` (tolerates a 0..1 fraction); null when unknown. */
export function progressPercent(p: number | null | undefined): number | null {
  if (typeof p !== 'number' || !Number.isFinite(p)) return null;
  const pct = p > 0 && p < 1 ? p * 100 : p;
  return Math.max(0, Math.min(100, Math.round(pct)));
}

/**
 * The segment "under" a time: of the segments with start_ms <= ms < end_ms (both sides may
 * talk at once) the one that started last, so a search hit's own segment wins at its start.
 * `segments` must be sorted by start_ms.
 */
export function segmentAt(segments: readonly TranscriptSegment[], ms: number): TranscriptSegment | null {
  // Last segment starting at or before ms (binary search), then walk back over overlaps.
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((segments[mid]?.start_ms ?? Infinity) <= ms) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const s = segments[i];
    if (!s) break;
    if (ms < Math.max(s.end_ms, s.start_ms + 1)) return s;
    // Segments are short; overlaps only reach back a few rows.
    if (lo - 1 - i > 16) break;
  }
  return null;
}

/** The segment containing `ms`, else the closest one (for a ?t= link into a gap). */
export function segmentNear(segments: readonly TranscriptSegment[], ms: number): TranscriptSegment | null {
  const hit = segmentAt(segments, ms);
  if (hit) return hit;
  let best: TranscriptSegment | null = null;
  let bestDist = Infinity;
  for (const s of segments) {
    const d = ms < s.start_ms ? s.start_ms - ms : ms - s.end_ms;
    if (d < bestDist) {
      best = s;
      bestDist = d;
    }
  }
  return best;
}

export function sortSegments(segments: readonly TranscriptSegment[]): TranscriptSegment[] {
  return [...segments].sort((a, b) => a.start_ms - b.start_ms || String(a.id).localeCompare(String(b.id)));
}

/**
 * The segment's words when they spell out its text (so each word can be clicked to seek);
 * null when the engine's words and text differ and only the text should be shown.
 */
export function displayWords(seg: TranscriptSegment): TranscriptWord[] | null {
  const words = seg.words;
  if (!words || words.length === 0) return null;
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
  return norm(words.map((w) => w.w).join(' ')) === norm(seg.text) ? words : null;
}

/** Parses a ?t= value (milliseconds on the call timeline); null when absent or invalid. */
export function parseOffsetParam(v: string | null): number | null {
  if (v === null || !/^\d{1,10}$/.test(v)) return null;
  return Number(v);
}

// ---------- search snippets ----------

export interface SnippetPart {
  text: string;
  mark: boolean;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return m;
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? m;
  });
}

/**
 * Splits the server's snippet (HTML-escaped text with <mark>…</mark> around matches) into
 * plain-text parts, rendered as React text nodes: only <mark> is honoured, anything else that
 * looks like markup stays visible text, and no HTML is ever injected.
 */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let mark = false;
  for (const token of snippet.split(/(<\/?mark\s*>)/i)) {
    if (/^<mark\s*>$/i.test(token)) {
      mark = true;
      continue;
    }
    if (/^<\/mark\s*>$/i.test(token)) {
      mark = false;
      continue;
    }
    if (!token) continue;
    const text = decodeEntities(token);
    const last = parts[parts.length - 1];
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  }
  return parts;
}
