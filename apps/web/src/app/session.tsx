import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { User } from '@baton/client';
import { client, readCsrfToken, sessionLostEvent } from '../lib/client.ts';

/** The browser session as the pages see it; its functions are closures, safe to destructure. */
export interface SessionState {
  /** `undefined` while the session is being checked; `null` when logged out. */
  user: User | null | undefined;
  /** Logs in (the server sets the session cookie); throws the client's error on failure. */
  login: (username: string, password: string) => Promise<User>;
  /** Logs out (the server deletes the cookies) and forgets the user. */
  logout: () => Promise<void>;
  /** Forgets the user after the server said the session is gone (401). */
  expire: () => void;
  /** How the last session ended in this page, for the login page to say so. */
  ended: 'logout' | 'expired' | null;
}

const SessionContext = createContext<SessionState | null>(null);

/** Provides the session: checks an existing cookie once (`GET /api/me`), then login/logout. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [ended, setEnded] = useState<SessionState['ended']>(null);
  const userRef = useRef(user);
  userRef.current = user;

  useEffect(() => {
    // No CSRF cookie means no session: skip the request (and its 401).
    if (readCsrfToken() === undefined) {
      setUser(null);
      return;
    }
    let live = true;
    client.me().then(
      (me) => live && setUser(me),
      () => live && setUser(null),
    );
    return () => {
      live = false;
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const me = await client.startSession(username, password);
    setEnded(null);
    setUser(me);
    return me;
  }, []);
  const logout = useCallback(async () => {
    try {
      await client.endSession();
    } finally {
      setEnded('logout');
      setUser(null);
    }
  }, []);
  const expire = useCallback(() => {
    setEnded('expired');
    setUser(null);
  }, []);

  // Whatever page made the request, a 401 means the session ended (expired, or the user was removed).
  useEffect(() => {
    const onLost = () => {
      if (userRef.current) expire();
    };
    window.addEventListener(sessionLostEvent, onLost);
    return () => window.removeEventListener(sessionLostEvent, onLost);
  }, [expire]);

  const value = useMemo(() => ({ user, login, logout, expire, ended }), [user, login, logout, expire, ended]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only inside {@link SessionProvider}. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() is used outside <SessionProvider>.');
  return session;
}
