import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findWsToken } from '../src/ws/find-ws-token.ts';
import { type TestApp, backends, startTestApp, testPassword, stringContaining } from './harness.ts';

// Raw requests and sockets throughout: the subject is the browser session itself (cookies, the
// CSRF header, origins on the websocket handshake), which these tests must build and read by hand.

/** The cookies of a browser session, as a browser would keep them. */
interface BrowserSession {
  session: string;
  csrf: string;
  /** The `Cookie` request header. */
  cookie: string;
  setCookie: string[];
}

function setCookies(headers: Record<string, unknown>): string[] {
  const value = headers['set-cookie'];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

function cookieValue(setCookie: string[], name: string): string | undefined {
  const line = setCookie.find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

describe.each(backends)('browser session (cookie + CSRF) on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function startSession(username = 'owner', headers: Record<string, string> = {}): Promise<BrowserSession> {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/session',
      body: { username, password: testPassword },
      headers,
    });
    expect(res.statusCode).toBe(200);
    const setCookie = setCookies(res.headers);
    const session = cookieValue(setCookie, 'baton_session')!;
    const csrf = cookieValue(setCookie, 'baton_csrf')!;
    return { session, csrf, cookie: `baton_session=${session}; baton_csrf=${csrf}`, setCookie };
  }

  function createModel(key: string, headers: Record<string, string>) {
    return t.request({ method: 'POST', url: '/api/models', body: { key, name: { en: key } }, headers });
  }

  it('logs in with POST /api/auth/session: the token goes into an HttpOnly SameSite cookie, never into the body', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/session',
      body: { username: 'owner', password: testPassword },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'owner', roles: ['owner'] });
    expect(res.body).not.toMatch(/eyJ/); // no JWT in the body
    expect(res.headers['cache-control']).toBe('no-store');
    const [session = '', csrf = ''] = ['baton_session', 'baton_csrf'].map(
      (name) => setCookies(res.headers).find((c) => c.startsWith(`${name}=`)) ?? '',
    );
    expect(session).toMatch(/^baton_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=43200; SameSite=Lax; HttpOnly$/);
    expect(csrf).toMatch(/^baton_csrf=[\w-]{22}; Path=\/; Max-Age=43200; SameSite=Strict$/);
    // The CSRF token is the one signed into the session token.
    const claims = JSON.parse(Buffer.from(session.split('=')[1]!.split('.')[1]!, 'base64url').toString()) as {
      csrf: string;
    };
    expect(claims.csrf).toBe(csrf.split('=')[1]!.split(';')[0]);
  });

  it('marks the cookies Secure behind https (X-Forwarded-Proto)', async () => {
    const { setCookie } = await startSession('owner', { 'x-forwarded-proto': 'https' });
    expect(setCookie).toHaveLength(2);
    for (const line of setCookie) expect(line).toMatch(/; Secure$/);
  });

  it('refuses a wrong password with 401 API_INVALID_CREDENTIALS and sets no cookie', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/session',
      body: { username: 'owner', password: 'wrong' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'API_INVALID_CREDENTIALS' });
    expect(setCookies(res.headers)).toEqual([]);
  });

  it('authenticates reads with the cookie alone', async () => {
    const s = await startSession('rep1');
    const res = await t.request({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'rep1' });
  });

  it('refuses a cookie-authenticated write without the CSRF header (403) and writes nothing', async () => {
    const s = await startSession();
    const before = await t.count('process_models');
    const res = await createModel('csrf-missing', { cookie: s.cookie });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'API_CSRF_REJECTED', message: stringContaining('X-CSRF-Token') });
    expect(await t.count('process_models')).toBe(before);
  });

  it('refuses a wrong CSRF token, also one planted as the baton_csrf cookie (the header must match the signed claim)', async () => {
    const s = await startSession();
    expect((await createModel('csrf-wrong', { cookie: s.cookie, 'x-csrf-token': 'A'.repeat(22) })).statusCode).toBe(
      403,
    );
    // A sibling subdomain can set baton_csrf, but not the claim inside the signed session token.
    const planted = `baton_session=${s.session}; baton_csrf=${'B'.repeat(22)}`;
    expect((await createModel('csrf-planted', { cookie: planted, 'x-csrf-token': 'B'.repeat(22) })).statusCode).toBe(
      403,
    );
    // Another session's token does not fit this session either.
    const other = await startSession();
    expect((await createModel('csrf-other', { cookie: s.cookie, 'x-csrf-token': other.csrf })).statusCode).toBe(403);
  });

  it('accepts a cookie-authenticated write with the matching CSRF header, from this origin or none', async () => {
    const s = await startSession();
    const res = await createModel('csrf-ok', { cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(res.statusCode).toBe(201);
    const sameOrigin = await createModel('csrf-ok-origin', {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      host: 'baton.example',
      origin: 'https://baton.example',
    });
    expect(sameOrigin.statusCode).toBe(201);
  });

  it('refuses a cookie-authenticated write from a foreign Origin even with the token', async () => {
    const s = await startSession();
    const res = await createModel('csrf-foreign', {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      host: 'baton.example',
      origin: 'https://evil.example',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'API_CSRF_REJECTED',
      message: stringContaining('refuses Origin "https://evil.example"'),
    });
  });

  it('refuses a login from a foreign Origin (login CSRF)', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/session',
      body: { username: 'owner', password: testPassword },
      headers: { host: 'baton.example', origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'API_CSRF_REJECTED' });
    expect(setCookies(res.headers)).toEqual([]);
  });

  it('refuses a bearer token placed in the cookie (only browser sessions carry a CSRF claim)', async () => {
    const bearer = await t.token('owner');
    const res = await t.request({ method: 'GET', url: '/api/me', headers: { cookie: `baton_session=${bearer}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'API_UNAUTHENTICATED' });
    const forged = await t.request({ method: 'GET', url: '/api/me', headers: { cookie: 'baton_session=not.a.jwt' } });
    expect(forged.statusCode).toBe(401);
  });

  it('keeps bearer tokens working without CSRF headers, and ignores cookies when a bearer token is sent', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/models',
      as: 'owner',
      body: { key: 'bearer-write', name: { en: 'x' } },
    });
    expect(res.statusCode).toBe(201);
    const s = await startSession('rep1');
    const me = await t.request({ method: 'GET', url: '/api/me', as: 'owner', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ username: 'owner' });
  });

  it('logs out with DELETE /api/auth/session: both cookies are deleted', async () => {
    const s = await startSession();
    const res = await t.request({ method: 'DELETE', url: '/api/auth/session', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(204);
    const cleared = setCookies(res.headers);
    expect(cleared).toHaveLength(2);
    expect(cleared[0]).toMatch(
      /^baton_session=; Path=\/; Max-Age=0; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly$/,
    );
    expect(cleared[1]).toMatch(
      /^baton_csrf=; Path=\/; Max-Age=0; SameSite=Strict; Expires=Thu, 01 Jan 1970 00:00:00 GMT$/,
    );
  });

  it('opens the websocket with the session cookie from this origin, and refuses it from another', async () => {
    expect(findWsToken({ cookie: 'a=1; baton_session=abc.def.ghi' }, '/api/ws')).toEqual({
      ok: true,
      token: 'abc.def.ghi',
      source: 'cookie',
    });
    const s = await startSession('rep1');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const handshake = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, ['baton.v1'], {
          headers: { cookie: s.cookie },
          origin,
        });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        ws.on('error', (error) => {
          if (!/Unexpected server response/.test(error.message)) reject(error);
        });
      });
    expect(await handshake(`http://127.0.0.1:${port}`)).toBe(101);
    expect(await handshake('https://evil.example')).toBe(403);
  });
});
