/**
 * The one client the app talks to the server through: `@baton/client` with the browser's
 * `fetch`, relative URLs (same origin), the session cookie, and the CSRF token echoed from its
 * readable cookie on every request.
 *
 * @module
 */
import { createClient } from '@baton/client';

/** The readable cookie the server sets at login with the CSRF token (apps/server/src/auth/session-cookie.ts). */
export const csrfCookieName = 'baton_csrf';

/** The CSRF token of the current browser session, if there is one. */
export function readCsrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === csrfCookieName) {
      const value = rest.join('=');
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** The window event sent when the server answers 401 outside login: the session is gone. */
export const sessionLostEvent = 'baton:session-lost';

/** The app's API client. Any 401 (except from the login routes) sends {@link sessionLostEvent}. */
export const client = createClient({
  baseUrl: '',
  fetch: async (url, init) => {
    const response = await window.fetch(url, init);
    if (response.status === 401 && !url.startsWith('/api/auth/')) window.dispatchEvent(new Event(sessionLostEvent));
    return response;
  },
  credentials: 'same-origin',
  // The live connection (`client.connect()`): the browser's WebSocket and timers, called detached.
  WebSocket: globalThis.WebSocket,
  timers: {
    setTimeout: (run, ms) => window.setTimeout(run, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  },
  headers: (): Record<string, string> => {
    const csrf = readCsrfToken();
    return csrf === undefined ? {} : { 'x-csrf-token': csrf };
  },
});
