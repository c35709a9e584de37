import type { FastifyInstance } from 'fastify';
import { type BatonClient, type FetchLike, createClient } from '@baton/client';

/** A fetch backed by `app.inject`: the typed client runs unchanged, without a socket. */
export function injectFetch(app: FastifyInstance): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({
      method: init.method as 'GET',
      url: u.pathname + u.search,
      headers: init.headers,
      ...(init.body !== undefined ? { payload: init.body } : {}),
    });
    return { status: res.statusCode, text: async () => res.body };
  };
}

/** A typed client for `app`, logged in with `token` when given. */
export function clientFor(app: FastifyInstance, token?: string): BatonClient {
  return createClient({
    baseUrl: 'http://baton.test',
    fetch: injectFetch(app),
    ...(token !== undefined ? { token } : {}),
  });
}
