// React glue for the tab's WebSocket, plus the total unread count shown in the nav.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api';
import { useSession } from './session';
import { realtime, type SocketListener } from './ws';

/** Subscribes `fn` (latest version always used) to realtime events while mounted. */
export function useRealtime(fn: SocketListener): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => realtime.subscribe((ev) => ref.current(ev)), []);
}

interface UnreadValue {
  total: number;
  /** Re-reads the unread total from the server (debounced). */
  refresh: () => void;
}

const UnreadContext = createContext<UnreadValue>({ total: 0, refresh: () => {} });

const REFRESH_DEBOUNCE_MS = 250;

export function UnreadProvider({ children }: { children: ReactNode }) {
  const { user, blocked } = useSession();
  const [total, setTotal] = useState(0);
  const timer = useRef<number | null>(null);
  const generation = useRef(0);
  const active = !!user && !blocked;

  const load = useCallback(async () => {
    const gen = ++generation.current;
    // The server sums the unread counters of all the user's conversations.
    const res = await api.listConversations(null, 1);
    if (gen === generation.current) setTotal(res.unread_total);
  }, []);

  const refresh = useCallback(() => {
    if (!active) return;
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      load().catch(() => {});
    }, REFRESH_DEBOUNCE_MS);
  }, [active, load]);

  useEffect(() => {
    if (active) {
      load().catch(() => {});
    } else {
      generation.current++;
      setTotal(0);
    }
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
    };
  }, [active, load]);

  useRealtime((ev) => {
    if (ev.type === 'message' || ev.type === 'conversation' || ev.type === 'open') refresh();
  });

  const value = useMemo(() => ({ total, refresh }), [total, refresh]);
  return <UnreadContext.Provider value={value}>{children}</UnreadContext.Provider>;
}

export function useUnread(): UnreadValue {
  return useContext(UnreadContext);
}
