/**
 * Where `GET /api/ws` finds the session token of a handshake.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { wsBearerProtocolPrefix, wsProtocol } from '@baton/client/contract';
import { readSessionCookie } from '../auth/session-cookie.ts';

/** The result of {@link findWsToken}: the token and where it came from, or why there is none. */
export type FindWsTokenResult =
  { ok: true; token: string; source: 'header' | 'protocol' | 'cookie' } | { ok: false; reason: string };

/**
 * Finds the JWT of a websocket handshake. Two transports are accepted:
 *
 * - `Authorization: Bearer <token>` (the CLI, Node and other non-browser clients);
 * - the subprotocol list, for browsers (which cannot set headers on a websocket):
 *   `new WebSocket(url, ['baton.v1', 'baton.bearer.' + token])`. The server answers with
 *   `baton.v1`, so the token is never echoed. `baton.v1` must be offered too, because a client
 *   that offered subprotocols refuses an answer without one;
 * - the web app's `baton_session` cookie (browsers send it on the same-origin handshake; the
 *   Origin check before the upgrade keeps other sites out).
 *
 * A `?token=` query parameter is refused on purpose: URLs end up in access logs, proxy logs
 * and browser history (Fastify logs `req.url` at info level), so the token would leak.
 * Pure; never throws.
 */
export function findWsToken(headers: IncomingHttpHeaders, url: string): FindWsTokenResult {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    return match
      ? { ok: true, token: match[1]!, source: 'header' }
      : { ok: false, reason: 'The Authorization header is not "Bearer <token>".' };
  }
  const protocolHeader = headers['sec-websocket-protocol'];
  const protocols = (typeof protocolHeader === 'string' ? protocolHeader : '').split(',').map((p) => p.trim());
  const bearer = protocols.find((p) => p.startsWith(wsBearerProtocolPrefix));
  if (bearer !== undefined) {
    if (!protocols.includes(wsProtocol)) {
      return {
        ok: false,
        reason: `The handshake offers "${wsBearerProtocolPrefix}<token>" but not "${wsProtocol}"; offer both: new WebSocket(url, ["${wsProtocol}", "${wsBearerProtocolPrefix}" + token]).`,
      };
    }
    const token = bearer.slice(wsBearerProtocolPrefix.length);
    return token === ''
      ? { ok: false, reason: `The "${wsBearerProtocolPrefix}" subprotocol carries no token.` }
      : { ok: true, token, source: 'protocol' };
  }
  const cookieToken = readSessionCookie(headers.cookie);
  if (cookieToken !== undefined) return { ok: true, token: cookieToken, source: 'cookie' };
  if (/[?&]token=/.test(url)) {
    return {
      ok: false,
      reason: `Tokens in the URL (?token=) are refused because URLs are logged; send "Authorization: Bearer <token>", or from a browser the subprotocols ["${wsProtocol}", "${wsBearerProtocolPrefix}<token>"].`,
    };
  }
  return {
    ok: false,
    reason: `The websocket handshake carries no token: send "Authorization: Bearer <token>", or from a browser the subprotocols ["${wsProtocol}", "${wsBearerProtocolPrefix}<token>"].`,
  };
}
