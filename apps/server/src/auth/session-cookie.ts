/**
 * The browser session: the session token in an `HttpOnly` cookie, and the CSRF token that
 * cookie-authenticated writes must echo.
 *
 * Why this design (the web app's threat model):
 * - The token lives in `baton_session` (`HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` behind
 *   https), so a script injected into the page cannot read it.
 * - A cookie is sent by the browser on its own, so every unsafe request (not GET/HEAD/OPTIONS)
 *   authenticated by the cookie must also carry `X-CSRF-Token`. Its value is a random claim
 *   (`csrf`) signed into the session token itself and handed to the page in the readable cookie
 *   `baton_csrf`. A cross-site page can neither read that cookie nor forge the claim; a sibling
 *   subdomain that plants its own `baton_csrf` cookie still fails, because the server compares the
 *   header with the signed claim, not with the cookie (a plain double-submit would accept it).
 * - `SameSite=Lax` already keeps the cookie off cross-site POSTs in current browsers, and the
 *   `Origin` header, when present, must be this server (or `ALLOWED_ORIGINS`): three layers.
 * - Bearer tokens (the CLI, scripts) are untouched: a request with `Authorization` never looks
 *   at cookies, and needs no CSRF token because browsers do not attach it by themselves.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The `HttpOnly` cookie that carries the session token. */
export const sessionCookieName = 'baton_session';
/** The readable cookie that carries the CSRF token (the page echoes it in {@link csrfHeaderName}). */
export const csrfCookieName = 'baton_csrf';
/** The request header that must echo the CSRF token on cookie-authenticated writes. */
export const csrfHeaderName = 'x-csrf-token';
/** Methods that never change state and so need no CSRF token. */
export const safeMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A fresh CSRF token: 128 random bits, base64url. */
export function newCsrfToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Parses a `Cookie` header into name → value (first occurrence wins; values are
 * percent-decoded when they decode). Pure; never throws.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string') return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === '' || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** The session token from a `Cookie` header, if any. */
export function readSessionCookie(header: string | undefined): string | undefined {
  const token = parseCookies(header).get(sessionCookieName);
  return token === undefined || token === '' ? undefined : token;
}

/** Options of {@link serializeCookie}. */
export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Lax' | 'Strict';
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** One `Set-Cookie` value (`Path=/`). The value must be cookie-safe (base64url, JWT). */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${options.maxAge}`, `SameSite=${options.sameSite}`];
  if (options.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Whether the browser reached us over https: the connection itself, or a proxy's
 * `X-Forwarded-Proto: https`. Trusting the header here is safe: a forged value can only add
 * `Secure`, which keeps the cookie off plain http.
 */
export function isHttpsRequest(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** Sets both cookies of a new browser session on `reply`. */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { token: string; csrf: string; maxAgeSeconds: number },
): void {
  const { token, csrf, maxAgeSeconds } = session;
  const secure = isHttpsRequest(request);
  void reply.header('set-cookie', [
    serializeCookie(sessionCookieName, token, { httpOnly: true, secure, sameSite: 'Lax', maxAge: maxAgeSeconds }),
    // Readable by the page's script (it echoes it); Strict: never needed on a cross-site navigation.
    serializeCookie(csrfCookieName, csrf, { httpOnly: false, secure, sameSite: 'Strict', maxAge: maxAgeSeconds }),
  ]);
}

/** Deletes both session cookies (logout). */
export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isHttpsRequest(request);
  void reply.header('set-cookie', [
    serializeCookie(sessionCookieName, '', { httpOnly: true, secure, sameSite: 'Lax', maxAge: 0 }),
    serializeCookie(csrfCookieName, '', { httpOnly: false, secure, sameSite: 'Strict', maxAge: 0 }),
  ]);
}

/** Whether `sent` (the `X-CSRF-Token` header) equals the session's signed `expected` claim, in constant time. */
export function csrfTokenMatches(sent: string | string[] | undefined, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || typeof expected !== 'string' || expected === '') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
