// Helpers shared by the chat's call actions, the listing page and the call page.

import { useEffect, useState } from 'react';
import type { MessageKey } from './i18n';
import { OPEN_CALL_STATES, type Call, type CallStatus } from './types';

export function isOpenCall(call: Call): boolean {
  return OPEN_CALL_STATES.includes(call.state);
}

export function isFinalCallState(state: CallStatus): boolean {
  return !OPEN_CALL_STATES.includes(state);
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * Tolerance for the difference between this device's clock and the server's: the server
 * has the last word (409 call_not_open), so rather show Join a little early than hide it.
 */
const CLOCK_SLACK_MS = 60_000;

/** Whether a participant may enter the call room now: active, or accepted within the join window. */
export function isJoinWindowOpen(call: Call, now: number): boolean {
  if (call.state === 'active') return true;
  if (call.state !== 'accepted') return false;
  const opens = ms(call.join_opens_at);
  const closes = ms(call.join_closes_at);
  if (opens !== null && now < opens - CLOCK_SLACK_MS) return false;
  if (closes !== null && now > closes + CLOCK_SLACK_MS) return false;
  return true;
}

/** The accepted call's join window opens later (a scheduled call). */
export function joinOpensLater(call: Call, now: number): boolean {
  const opens = ms(call.join_opens_at);
  return call.state === 'accepted' && opens !== null && now < opens - CLOCK_SLACK_MS;
}

export function callStatusKey(state: CallStatus): MessageKey {
  return `call.status.${state}` as MessageKey;
}

/** The newest call of a list (the API returns newest first, but be tolerant). */
export function newestCall(items: Call[]): Call | null {
  let best: Call | null = null;
  for (const c of items) {
    if (!best || c.created_at.localeCompare(best.created_at) > 0 || (c.created_at === best.created_at && Number(c.id) > Number(best.id))) {
      best = c;
    }
  }
  return best;
}

/**
 * "Now", re-rendered at the next join-window boundary of the given calls (and at least every
 * 30 s), so Join buttons appear and disappear on time without polling the server.
 */
export function useCallClock(calls: readonly (Call | null | undefined)[]): number {
  const [tick, setTick] = useState(0);
  const key = calls.map((c) => (c ? `${c.id}:${c.state}:${c.join_opens_at}:${c.join_closes_at}` : '-')).join('|');
  useEffect(() => {
    const current = Date.now();
    let next = current + 30_000;
    for (const c of calls) {
      if (!c) continue;
      const opens = ms(c.join_opens_at);
      const closes = ms(c.join_closes_at);
      for (const b of [opens === null ? null : opens - CLOCK_SLACK_MS, closes === null ? null : closes + CLOCK_SLACK_MS]) {
        if (b !== null && b >= current && b + 250 < next) next = b + 250;
      }
    }
    const timer = window.setTimeout(() => setTick((n) => n + 1), Math.max(250, next - current));
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  // Read at render time: a call that just arrived is judged against the current time.
  return Date.now();
}

/** A value for <input type="datetime-local"> (local time, minutes). */
export function toLocalInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses a datetime-local value (local time) into an RFC 3339 UTC string; null when invalid. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** mm:ss (minutes keep counting past 59). */
export function formatDuration(totalMs: number): string {
  const s = Math.max(0, Math.floor(totalMs / 1000));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
