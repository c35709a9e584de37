import { describe, expect, it } from 'vitest';
import { type FetchInitLike, createClient } from '../src/index.ts';

/** A fetch stand-in that records each call and answers `answer`. */
function recorder(answer: { status: number; body: string }) {
  const calls: Array<{ url: string; init: FetchInitLike }> = [];
  const fetch = async (url: string, init: FetchInitLike) => {
    calls.push({ url, init });
    return { status: answer.status, text: async () => answer.body };
  };
  return { calls, fetch };
}

describe('createClient in a browser session (cookie + CSRF header)', () => {
  it('passes credentials to fetch and reads the extra headers on every call', async () => {
    const { calls, fetch } = recorder({ status: 200, body: '[]' });
    let csrf = 'first';
    const client = createClient({
      baseUrl: '',
      fetch,
      credentials: 'same-origin',
      headers: () => ({ 'x-csrf-token': csrf }),
    });
    await client.listModels();
    csrf = 'second';
    await client.createModel({ key: 'k', name: { en: 'K' } });
    expect(calls.map((c) => [c.url, c.init.method, c.init.credentials, c.init.headers['x-csrf-token']])).toEqual([
      ['/api/models', 'GET', 'same-origin', 'first'],
      ['/api/models', 'POST', 'same-origin', 'second'],
    ]);
    expect(calls[1]!.init.headers).not.toHaveProperty('authorization');
  });

  it('sets no credentials and no extra headers unless asked (the CLI)', async () => {
    const { calls, fetch } = recorder({ status: 200, body: '[]' });
    await createClient({ baseUrl: 'http://x', fetch, token: 't' }).listModels();
    expect(calls[0]!.init).not.toHaveProperty('credentials');
    expect(calls[0]!.init.headers).toEqual({ accept: 'application/json', authorization: 'Bearer t' });
  });

  it('starts a session with POST /api/auth/session (keeping no token) and ends it with DELETE', async () => {
    const user = { id: 1, username: 'owner' };
    const login = recorder({ status: 200, body: JSON.stringify(user) });
    const client = createClient({ baseUrl: '', fetch: login.fetch, credentials: 'same-origin' });
    expect(await client.startSession('owner', 'pw')).toEqual(user);
    expect(login.calls[0]).toMatchObject({
      url: '/api/auth/session',
      init: { method: 'POST', body: '{"username":"owner","password":"pw"}' },
    });
    expect(client.token).toBeUndefined();
    const logout = recorder({ status: 204, body: '' });
    await createClient({ baseUrl: '', fetch: logout.fetch }).endSession();
    expect(logout.calls[0]).toMatchObject({ url: '/api/auth/session', init: { method: 'DELETE' } });
    expect(logout.calls[0]!.init.body).toBeUndefined();
  });
});
