import { describe, expect, it } from 'vitest';
import {
  BatonApiError,
  type FetchInitLike,
  apiErrorCodes,
  createClient,
  createDeploymentBodySchema,
} from '../src/index.ts';

function fakeFetch(answers: Array<{ status: number; body: string }>) {
  const calls: Array<{ url: string; init: FetchInitLike }> = [];
  const fetch = async (url: string, init: FetchInitLike) => {
    calls.push({ url, init });
    const answer = answers.shift() ?? { status: 500, body: '' };
    return { status: answer.status, text: async () => answer.body };
  };
  return { fetch, calls };
}

describe('createClient', () => {
  it('keeps the login token and sends it as a bearer header; JSON bodies get a content type, bodiless calls none', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: JSON.stringify({ token: 'T1', user: { username: 'owner' } }) },
      { status: 201, body: JSON.stringify({ version: { number: 3 }, created: true }) },
    ]);
    const client = createClient({ baseUrl: 'http://h:3000///', fetch });
    await client.login('owner', 'pw');
    expect(calls[0]).toMatchObject({
      url: 'http://h:3000/api/auth/login',
      init: { method: 'POST', body: '{"username":"owner","password":"pw"}' },
    });
    expect(calls[0]!.init.headers['content-type']).toBe('application/json');
    expect(calls[0]!.init.headers.authorization).toBeUndefined();
    const result = await client.publishVersion('lead to/contract', 3);
    expect(result.created).toBe(true);
    expect(calls[1]!.url).toBe('http://h:3000/api/models/lead%20to%2Fcontract/versions/3/publish');
    expect(calls[1]!.init.headers.authorization).toBe('Bearer T1');
    expect(calls[1]!.init.headers['content-type']).toBeUndefined();
    expect(calls[1]!.init.body).toBeUndefined();
  });

  it('throws BatonApiError carrying the server code, message and issues', async () => {
    const body = {
      statusCode: 400,
      code: 'API_INVALID_DEFINITION',
      error: 'Bad Request',
      message: 'bad',
      issues: [{ path: '/nodes/0', code: 'DEF_X', message: 'm' }],
    };
    const { fetch } = fakeFetch([{ status: 400, body: JSON.stringify(body) }]);
    const error = await createClient({ baseUrl: 'http://h', fetch, token: 't' })
      .createVersion('k', { definition: {}, state: 'current' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonApiError);
    expect(error).toMatchObject({ status: 400, code: 'API_INVALID_DEFINITION', message: 'bad', issues: body.issues });
  });

  it('reports a non-JSON or non-Baton answer as CLIENT_BAD_RESPONSE', async () => {
    const { fetch } = fakeFetch([
      { status: 502, body: '<html>bad gateway</html>' },
      { status: 500, body: '{"oops":true}' },
    ]);
    const client = createClient({ baseUrl: 'http://h', fetch });
    await expect(client.health()).rejects.toMatchObject({
      code: 'CLIENT_BAD_RESPONSE',
      status: 502,
      badResponse: { reason: 'not-json', method: 'GET', path: '/api/health', baseUrl: 'http://h' },
    });
    await expect(client.health()).rejects.toMatchObject({
      code: 'CLIENT_BAD_RESPONSE',
      status: 500,
      badResponse: { reason: 'no-error-body' },
    });
  });
});

describe('contract', () => {
  it('maps every error code to a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(apiErrorCodes)) {
      expect(code).toMatch(/^API_/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('request body schemas are strict', () => {
    const schema = createDeploymentBodySchema as unknown as {
      additionalProperties: boolean;
      properties: { cohort: { oneOf: Array<{ additionalProperties: boolean }> } };
    };
    expect(schema.additionalProperties).toBe(false);
    for (const branch of schema.properties.cohort.oneOf) expect(branch.additionalProperties).toBe(false);
  });
});
