// Live captions, warnings and status of one call: the WebSocket events
// (`caption`, `live_warning`, `live_status`) folded into a small state.
//
// Pure functions only (no React, no DOM), so the merging rules can be tested on
// their own; src/call/LiveCaptions.tsx holds the React glue and the UI.

import type { Speaker } from '../types';

/** How many caption lines are kept (the area scrolls; it shows the last few). */
export const MAX_CAPTION_LINES = 40;

export type LiveState = 'on' | 'unavailable' | 'off';

/** A caption line: one utterance of one speaker, partial until `final`. */
export interface CaptionLine {
  /** `${speaker}:${utterance}` — utterance ids are only assumed unique per speaker. */
  key: string;
  speaker: Speaker;
  userId: string;
  text: string;
  final: boolean;
  startMs: number;
  endMs: number;
  /** Arrival order of the utterance's first event: the tie-breaker when start times are equal. */
  seq: number;
}

export interface LiveWarning {
  id: string;
  category: string;
  severity: string;
  atMs: number;
}

/** A live event for one call, normalised (ids as strings, numbers as numbers). */
export type LiveEvent =
  | {
      kind: 'caption';
      callId: string;
      speaker: Speaker;
      userId: string;
      utterance: string;
      final: boolean;
      text: string;
      startMs: number;
      endMs: number;
    }
  | { kind: 'warning'; callId: string; warning: LiveWarning }
  | { kind: 'status'; callId: string; state: LiveState };

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/**
 * The live event in a WebSocket message, or null when it is none (or malformed).
 * Takes `unknown` on purpose: the server is built separately, so every field is checked.
 */
export function parseLiveEvent(raw: unknown): LiveEvent | null {
  if (!raw || typeof raw !== 'object') return null;
  const ev = raw as Record<string, unknown>;
  const callId = str(ev.call_id);
  if (callId === null) return null;
  switch (ev.type) {
    case 'caption': {
      const utterance = str(ev.utterance);
      if (utterance === null || (ev.speaker !== 'buyer' && ev.speaker !== 'seller')) return null;
      return {
        kind: 'caption',
        callId,
        speaker: ev.speaker,
        userId: str(ev.user_id) ?? '',
        utterance,
        final: ev.final === true,
        text: typeof ev.text === 'string' ? ev.text : '',
        startMs: num(ev.start_ms),
        endMs: num(ev.end_ms),
      };
    }
    case 'live_warning': {
      const w = ev.warning as Record<string, unknown> | null | undefined;
      const id = w && typeof w === 'object' ? str(w.id) : null;
      if (!w || id === null) return null;
      return {
        kind: 'warning',
        callId,
        warning: {
          id,
          category: str(w.category) ?? '',
          severity: str(w.severity) ?? '',
          atMs: num(ev.at_ms),
        },
      };
    }
    case 'live_status': {
      const state = ev.state;
      if (state !== 'on' && state !== 'unavailable' && state !== 'off') return null;
      return { kind: 'status', callId, state };
    }
    default:
      return null;
  }
}

function byTime(a: CaptionLine, b: CaptionLine): number {
  return a.startMs - b.startMs || a.seq - b.seq;
}

/**
 * `lines` with one caption event applied. A partial replaces the utterance's
 * earlier partial; the final replaces the partial and stays — a partial arriving
 * after its final (out of order) is ignored. An empty text removes the line.
 * Lines are ordered by start time and only the last `max` are kept.
 * Returns the same array when nothing changed.
 */
export function mergeCaption(
  lines: readonly CaptionLine[],
  ev: Extract<LiveEvent, { kind: 'caption' }>,
  seq: number,
  max = MAX_CAPTION_LINES,
): readonly CaptionLine[] {
  const key = `${ev.speaker}:${ev.utterance}`;
  const i = lines.findIndex((l) => l.key === key);
  const old = i >= 0 ? lines[i] : undefined;
  if (old?.final && !ev.final) return lines;

  const text = ev.text.trim();
  if (!text) return old ? lines.filter((_, j) => j !== i) : lines;

  const line: CaptionLine = {
    key,
    speaker: ev.speaker,
    userId: ev.userId,
    text,
    final: ev.final,
    startMs: ev.startMs,
    endMs: ev.endMs,
    seq: old ? old.seq : seq,
  };
  const next = old ? lines.map((l, j) => (j === i ? line : l)) : [...lines, line];
  next.sort(byTime);
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Everything the call page shows about the live path. */
export interface LiveView {
  callId: string;
  status: LiveState | null;
  lines: readonly CaptionLine[];
  /** The warning on screen: the newest one received, until the viewer answers it. */
  warning: LiveWarning | null;
  /** Every warning id ever received for this call: the same warning is never shown twice. */
  seen: ReadonlySet<string>;
  /** Counter for CaptionLine.seq. */
  seq: number;
}

export function initialLiveView(callId: string): LiveView {
  return { callId, status: null, lines: [], warning: null, seen: new Set(), seq: 0 };
}

export type LiveAction =
  | { type: 'event'; event: LiveEvent }
  | { type: 'dismiss'; warningId: string }
  | { type: 'reset'; callId: string };

/** The reducer of the live view. Events of other calls leave it unchanged. */
export function liveReducer(view: LiveView, action: LiveAction): LiveView {
  if (action.type === 'reset') return action.callId === view.callId ? view : initialLiveView(action.callId);
  if (action.type === 'dismiss') {
    return view.warning?.id === action.warningId ? { ...view, warning: null } : view;
  }
  const ev = action.event;
  if (ev.callId !== view.callId) return view;
  switch (ev.kind) {
    case 'caption': {
      const seq = view.seq + 1;
      const lines = mergeCaption(view.lines, ev, seq);
      return lines === view.lines ? view : { ...view, lines, seq };
    }
    case 'warning': {
      if (view.seen.has(ev.warning.id)) return view;
      const seen = new Set(view.seen);
      seen.add(ev.warning.id);
      // A newer warning replaces an unanswered older one: answering dismisses the panel.
      return { ...view, seen, warning: ev.warning };
    }
    case 'status':
      return ev.state === view.status ? view : { ...view, status: ev.state };
  }
}

/** Categories with their own advice text; anything else gets the generic one. */
export const KNOWN_WARNING_CATEGORIES = [
  'prepayment',
  'off_platform_payment',
  'card_or_code_request',
  'fake_link',
  'fake_payment_confirmation',
] as const;

export type KnownWarningCategory = (typeof KNOWN_WARNING_CATEGORIES)[number];

export function isKnownWarningCategory(c: string): c is KnownWarningCategory {
  return (KNOWN_WARNING_CATEGORIES as readonly string[]).includes(c);
}
