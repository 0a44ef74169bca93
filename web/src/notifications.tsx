// The unread count of the user's notifications (statements of reasons) for the header badge.
// GET /notifications is open to blocked accounts too, so this runs for them as well.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api';
import { useRealtime } from './realtime';
import { useSession } from './session';

const POLL_MS = 60_000;
const REFRESH_DEBOUNCE_MS = 250;

interface NotificationsValue {
  unread: number;
  /** Re-reads the count from the server (debounced). */
  refresh: () => void;
  /** The notifications page read them: take its count without another request. */
  setUnread: (n: number) => void;
}

const NotificationsContext = createContext<NotificationsValue>({ unread: 0, refresh: () => {}, setUnread: () => {} });

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const [unread, setUnreadState] = useState(0);
  const timer = useRef<number | null>(null);
  const generation = useRef(0);
  const userId = user?.id ?? null;

  const load = useCallback(async () => {
    const gen = ++generation.current;
    const res = await api.listNotifications(null, 1);
    if (gen === generation.current) setUnreadState(typeof res.unread === 'number' ? res.unread : 0);
  }, []);

  const refresh = useCallback(() => {
    if (!userId) return;
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      load().catch(() => {});
    }, REFRESH_DEBOUNCE_MS);
  }, [userId, load]);

  const setUnread = useCallback((n: number) => {
    generation.current++;
    setUnreadState(Math.max(0, n));
  }, []);

  // On login and then once a minute (a blocked account has no WebSocket). Errors are
  // ignored: the next tick tries again, nothing retries in a loop.
  useEffect(() => {
    if (!userId) {
      generation.current++;
      setUnreadState(0);
      return undefined;
    }
    load().catch(() => {});
    const poll = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') load().catch(() => {});
    }, POLL_MS);
    return () => {
      window.clearInterval(poll);
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
    };
  }, [userId, load]);

  useRealtime((ev) => {
    if (ev.type === 'notification' || ev.type === 'open') refresh();
  });

  const value = useMemo(() => ({ unread, refresh, setUnread }), [unread, refresh, setUnread]);
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotificationsUnread(): NotificationsValue {
  return useContext(NotificationsContext);
}
