// Who is logged in. Loads /me once at start-up, keeps the tab's WebSocket open
// while a (non-blocked) user is logged in, and reacts to API auth failures:
// 401 → forget the user and go to /login; 403 user_blocked → the blocked screen.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError, api, setAuthFailureHandlers } from './api';
import type { User } from './types';
import { realtime } from './ws';

interface SessionValue {
  loading: boolean;
  user: User | null;
  blocked: boolean;
  /** Called after a successful login/register with the returned user. */
  signedIn: (user: User) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [loading, setLoading] = useState(true);
  const [user, setUser] = useState<User | null>(null);
  const [blocked, setBlocked] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    let cancelled = false;
    api
      .me()
      .then((u) => {
        if (cancelled) return;
        setUser(u);
        setBlocked(u.status === 'blocked');
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setUser(null);
        if (e instanceof ApiError && e.status === 403 && e.code === 'user_blocked') setBlocked(true);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  // Keep the tab's realtime connection open only while someone is logged in.
  useEffect(() => {
    if (user && !blocked) {
      realtime.start();
      return () => realtime.stop();
    }
    return undefined;
  }, [user, blocked]);

  // The server closes a user's sockets when a moderator blocks them: look at /me again then
  // (once per drop, after a moment), so the blocked page shows without waiting for a 403.
  const userId = user?.id ?? null;
  useEffect(() => {
    if (!userId || blocked) return undefined;
    let timer: number | null = null;
    const unsubscribe = realtime.subscribe((ev) => {
      if (ev.type !== 'close' || timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        api
          .me()
          .then((u) => {
            if (u.status === 'blocked') {
              setUser(u);
              setBlocked(true);
            }
          })
          .catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 403 && e.code === 'user_blocked') setBlocked(true);
          });
      }, 1000);
    });
    return () => {
      unsubscribe();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [userId, blocked]);

  const path = location.pathname + location.search;
  useEffect(() => {
    setAuthFailureHandlers({
      onUnauthorized: () => {
        setUser(null);
        // The session is gone: the login page must be reachable even from the blocked screen.
        setBlocked(false);
        if (location.pathname !== '/login' && location.pathname !== '/register') {
          navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
        }
      },
      onBlocked: () => setBlocked(true),
    });
  }, [navigate, location.pathname, path]);

  const signedIn = useCallback((u: User) => {
    setUser(u);
    setBlocked(u.status === 'blocked');
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session is gone locally either way.
    }
    realtime.stop();
    setUser(null);
    setBlocked(false);
    navigate('/login');
  }, [navigate]);

  const value = useMemo(
    () => ({ loading, user, blocked, signedIn, logout }),
    [loading, user, blocked, signedIn, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
