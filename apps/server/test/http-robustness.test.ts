import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@baton/client';
import { type TestApp, backends, minimalDefinition, startTestApp } from './harness.ts';

// Raw requests throughout (setup aside): this file's subject is HTTP itself (role checks before
// body parsing, unknown and server-owned fields, malformed JSON, content types, sizes, nesting,
// prototype poisoning, bad path and query values, /docs), which the typed client cannot send.

/** The parts of the served OpenAPI document these tests read. */
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown }>>;
  components: { securitySchemes: Record<string, unknown> };
}

const writeTables = ['process_models', 'process_versions', 'deployments', 'users', 'teams'] as const;

describe.each(backends)('HTTP robustness and authorization on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = t.client('owner');
    await owner.createModel({ key: 'm', name: { en: 'M' } });
    await owner.publish('m', { definition: minimalDefinition('m'), state: 'current' });
    await owner.createVersion('m', { definition: minimalDefinition('m'), state: 'target' });
    await t.client('ops').deploy('m', { version: 1, cohort: { type: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function snapshotCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of writeTables) out[table] = await t.count(table);
    return out;
  }

  describe('G1/F5: role checks write nothing', () => {
    const writes: Array<{ name: string; method: 'POST' | 'PUT'; url: string; body?: unknown; allowed: string[] }> = [
      {
        name: 'create model',
        method: 'POST',
        url: '/api/models',
        body: { key: 'x', name: { en: 'X' } },
        allowed: ['owner', 'admin'],
      },
      {
        name: 'create draft',
        method: 'POST',
        url: '/api/models/m/versions',
        body: { definition: minimalDefinition('m'), state: 'current' },
        allowed: ['owner', 'admin'],
      },
      {
        name: 'edit draft',
        method: 'PUT',
        url: '/api/models/m/versions/2',
        body: { definition: minimalDefinition('m') },
        allowed: ['owner', 'admin'],
      },
      { name: 'publish draft', method: 'POST', url: '/api/models/m/versions/2/publish', allowed: ['owner', 'admin'] },
      {
        name: 'publish in one step',
        method: 'POST',
        url: '/api/models/m/publish',
        body: { definition: minimalDefinition('m', { notes: 1 }), state: 'current' },
        allowed: ['owner', 'admin'],
      },
      {
        name: 'deploy',
        method: 'POST',
        url: '/api/models/m/deployments',
        body: { version: 1, cohort: { type: 'all' } },
        allowed: ['operator', 'admin'],
      },
      { name: 'rollback', method: 'POST', url: '/api/models/m/deployments/1/rollback', allowed: ['operator', 'admin'] },
      {
        name: 'create user',
        method: 'POST',
        url: '/api/users',
        body: { username: 'zz', displayName: 'Z', password: 'long-enough', roles: ['admin'] },
        allowed: ['admin'],
      },
    ];
    const roleOf: Record<string, string> = {
      rep1: 'participant',
      manager: 'participant',
      ops: 'operator',
      owner: 'owner',
    };

    it.each(writes)('$name: 403 API_FORBIDDEN for every user without the role, 0 rows changed', async (write) => {
      for (const [username, role] of Object.entries(roleOf)) {
        if (write.allowed.includes(role)) continue;
        const before = await snapshotCounts();
        const deploymentsBefore = await t.database.db
          .selectFrom('deployments')
          .select(['id', 'ended_at'])
          .orderBy('id')
          .execute();
        const res = await t.request({ method: write.method, url: write.url, as: username, body: write.body });
        expect(res.statusCode, `${username} ${write.name}`).toBe(403);
        expect(res.json<ApiErrorBody>().code).toBe('API_FORBIDDEN');
        expect(res.json<ApiErrorBody>().message).toMatch(/needs the role/);
        expect(await snapshotCounts()).toEqual(before);
        expect(
          await t.database.db.selectFrom('deployments').select(['id', 'ended_at']).orderBy('id').execute(),
        ).toEqual(deploymentsBefore);
      }
    });

    it('checks the role before reading the body: a participant gets 403 even for a malformed or huge body', async () => {
      const malformed = await t.request({
        method: 'POST',
        url: '/api/models',
        as: 'rep1',
        payload: '{"key":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(403);
      const huge = await t.request({
        method: 'POST',
        url: '/api/models/m/deployments',
        as: 'rep1',
        payload: 'x'.repeat(2 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.statusCode).toBe(403);
    });
  });

  describe('G3: strict bodies reject unknown and server-owned fields', () => {
    const cases: Array<{
      url: string;
      method: 'POST' | 'PUT';
      as: string;
      body: Record<string, unknown>;
      field: string;
    }> = [
      { url: '/api/models', method: 'POST', as: 'owner', body: { key: 'g3', name: { en: 'G3' }, id: 7 }, field: 'id' },
      {
        url: '/api/models',
        method: 'POST',
        as: 'owner',
        body: { key: 'g3', name: { en: 'G3' }, createdBy: 1 },
        field: 'createdBy',
      },
      {
        url: '/api/models',
        method: 'POST',
        as: 'owner',
        body: { key: 'g3', name: { en: 'G3', fr: 'G3' } },
        field: 'name/fr',
      },
      {
        url: '/api/models/m/versions',
        method: 'POST',
        as: 'owner',
        body: { definition: minimalDefinition('m'), state: 'current', status: 'published' },
        field: 'status',
      },
      {
        url: '/api/models/m/versions',
        method: 'POST',
        as: 'owner',
        body: { definition: minimalDefinition('m'), state: 'current', contentHash: 'ab' },
        field: 'contentHash',
      },
      {
        url: '/api/models/m/versions',
        method: 'POST',
        as: 'owner',
        body: { definition: minimalDefinition('m'), state: 'current', number: 9 },
        field: 'number',
      },
      {
        url: '/api/models/m/publish',
        method: 'POST',
        as: 'owner',
        body: { definition: minimalDefinition('m', { schemaVersion: 1 }), state: 'current', version: 5 },
        field: 'version',
      },
      {
        url: '/api/models/m/versions/2',
        method: 'PUT',
        as: 'owner',
        body: { definition: minimalDefinition('m'), status: 'published' },
        field: 'status',
      },
      {
        url: '/api/models/m/deployments',
        method: 'POST',
        as: 'ops',
        body: { version: 1, cohort: { type: 'all' }, createdBy: 1 },
        field: 'createdBy',
      },
      {
        url: '/api/models/m/deployments',
        method: 'POST',
        as: 'ops',
        body: { version: 1, cohort: { type: 'all' }, endedAt: null },
        field: 'endedAt',
      },
      {
        url: '/api/users',
        method: 'POST',
        as: 'admin',
        body: { username: 'g3', displayName: 'G', password: 'long-enough', roles: [], id: 1 },
        field: 'id',
      },
      {
        url: '/api/auth/login',
        method: 'POST',
        as: 'rep1',
        body: { username: 'rep1', password: 'x', roles: ['admin'] },
        field: 'roles',
      },
    ];

    it.each(cases)('$method $url with "$field" → 400 API_VALIDATION naming the field, nothing persisted', async (c) => {
      const before = await snapshotCounts();
      const res = await t.request({ method: c.method, url: c.url, as: c.as, body: c.body });
      expect(res.statusCode).toBe(400);
      const body = res.json<ApiErrorBody>();
      expect(body.code).toBe('API_VALIDATION');
      expect(body.issues).toContainEqual(
        expect.objectContaining({ path: `/${c.field}`, code: 'SCHEMA_ADDITIONAL_PROPERTIES' }),
      );
      expect(body.message).toContain('not allowed');
      expect(await snapshotCounts()).toEqual(before);
    });

    it('does not coerce body types: "1" is not a version number', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/models/m/deployments',
        as: 'ops',
        body: { version: '1', cohort: { type: 'all' } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().issues).toContainEqual(
        expect.objectContaining({ path: '/version', code: 'SCHEMA_TYPE' }),
      );
    });

    it('reports every problem at once with JSON Pointer paths', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        as: 'admin',
        body: { username: 'BAD NAME', password: 'short', roles: ['king'], extra: 1 },
      });
      expect(res.statusCode).toBe(400);
      const paths = res.json<ApiErrorBody>().issues!.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['/username', '/password', '/roles/0', '/displayName', '/extra']));
    });
  });

  describe('H1: malformed bodies and content types', () => {
    const json = { 'content-type': 'application/json' };
    it.each([
      ['truncated JSON', '{"key":"h1","name":{"en":'],
      ['malformed JSON', "{key: 'h1'}"],
      ['trailing garbage', '{"key":"h1","name":{"en":"H"}} x'],
      ['empty body', ''],
      ['a bare string', '"just a string"'],
      ['an array', '[1,2,3]'],
      ['null', 'null'],
    ])('%s → 400, never 500', async (_name, payload) => {
      const before = await snapshotCounts();
      const res = await t.request({ method: 'POST', url: '/api/models', as: 'owner', payload, headers: json });
      expect(res.statusCode).toBe(400);
      expect(['API_MALFORMED_BODY', 'API_VALIDATION']).toContain(res.json<ApiErrorBody>().code);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await snapshotCounts()).toEqual(before);
    });

    it.each([
      ['text/plain'],
      ['application/x-www-form-urlencoded'],
      ['multipart/form-data; boundary=x'],
      ['application/xml'],
    ])('Content-Type %s → 415 API_UNSUPPORTED_MEDIA_TYPE', async (contentType) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/models',
        as: 'owner',
        payload: '{"key":"h1","name":{"en":"H"}}',
        headers: { 'content-type': contentType },
      });
      expect(res.statusCode).toBe(415);
      expect(res.json<ApiErrorBody>().code).toBe('API_UNSUPPORTED_MEDIA_TYPE');
    });

    it('a body without Content-Type is refused (400 or 415), not guessed', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models',
        headers: { authorization: `Bearer ${await t.token('owner')}` },
        payload: Buffer.from('{"key":"h1","name":{"en":"H"}}'),
      });
      expect([400, 415]).toContain(res.statusCode);
      expect(await t.count('process_models')).toBe(1);
    });

    it('accepts application/json with a charset', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        payload: '{"username":"rep1","password":"wrong"}',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(res.statusCode).toBe(401);
    });

    it('a Content-Length that does not match the body → 400', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json', 'content-length': '5' },
        payload: '{"username":"rep1","password":"x"}',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().code).toBe('API_MALFORMED_BODY');
    });
  });

  describe('H2: size and depth limits', () => {
    it('a body over 1 MiB → 413 API_PAYLOAD_TOO_LARGE', async () => {
      const notes = 'n'.repeat(1024 * 1024);
      const started = Date.now();
      const res = await t.request({
        method: 'POST',
        url: '/api/models/m/versions',
        as: 'owner',
        body: { definition: minimalDefinition('m'), state: 'current', notes },
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'API_PAYLOAD_TOO_LARGE', error: 'Payload Too Large' });
      expect(res.json<ApiErrorBody>().message).toContain(String(1024 * 1024));
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('JSON nested 10,000 deep → 400 without crashing, quickly; the server still answers afterwards', async () => {
      for (const payload of [
        `{"definition":${'['.repeat(10_000)}${']'.repeat(10_000)},"state":"current"}`,
        `{"definition":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},"state":"current"}`,
      ]) {
        const started = Date.now();
        const res = await t.request({
          method: 'POST',
          url: '/api/models/m/versions',
          as: 'owner',
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json<ApiErrorBody>().code).toBe('API_MALFORMED_BODY');
        expect(res.json<ApiErrorBody>().message).toContain('nested');
        expect(Date.now() - started).toBeLessThan(1000);
      }
      const health = await t.request({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
    });

    it('brackets inside strings do not count as nesting', async () => {
      const def = minimalDefinition('m', { description: '['.repeat(5_000) });
      const res = await t.request({
        method: 'POST',
        url: '/api/models/m/versions',
        as: 'owner',
        body: { definition: def, state: 'current' },
      });
      expect(res.statusCode).not.toBe(500);
      expect(res.json<ApiErrorBody>().code).not.toBe('API_MALFORMED_BODY');
    });
  });

  describe('H3: prototype poisoning', () => {
    it.each([
      ['__proto__ at the top', '{"key":"p1","name":{"en":"P"},"__proto__":{"isAdmin":true}}'],
      ['__proto__ nested', '{"key":"p1","name":{"en":"P","__proto__":{"x":1}}}'],
      ['constructor.prototype', '{"key":"p1","name":{"en":"P"},"constructor":{"prototype":{"isAdmin":true}}}'],
      [
        '__proto__ inside a definition',
        `{"definition":{"schemaVersion":1,"key":"m","__proto__":{"polluted":1}},"state":"current"}`,
      ],
    ])('%s → 400 and Object.prototype stays clean', async (_name, payload) => {
      const before = await snapshotCounts();
      const url = payload.includes('definition') ? '/api/models/m/versions' : '/api/models';
      const res = await t.request({
        method: 'POST',
        url,
        as: 'owner',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().code).toBe('API_MALFORMED_BODY');
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await snapshotCounts()).toEqual(before);
    });
  });

  describe('path and query parameters', () => {
    it('an out-of-range or non-numeric version number is 400, not 500', async () => {
      for (const url of [
        '/api/models/m/versions/abc',
        '/api/models/m/versions/0',
        '/api/models/m/versions/99999999999',
        '/api/models/BAD KEY/versions',
      ]) {
        const res = await t.request({ method: 'GET', url: encodeURI(url), as: 'rep1' });
        expect(res.statusCode, url).toBe(400);
        expect(res.json<ApiErrorBody>().code).toBe('API_VALIDATION');
      }
    });

    it('unknown query parameters on diff are rejected', async () => {
      const res = await t.request({ method: 'GET', url: '/api/models/m/diff?from=1&to=1&admin=true', as: 'rep1' });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().issues).toContainEqual(expect.objectContaining({ path: '/admin' }));
    });
  });

  describe('OpenAPI', () => {
    it('serves the OpenAPI document at /docs/json (no token) listing the routes with bearer security', async () => {
      const res = await t.request({ method: 'GET', url: '/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json<OpenApiDocument>();
      expect(doc.openapi).toMatch(/^3\.1/);
      for (const path of [
        '/api/health',
        '/api/auth/login',
        '/api/me',
        '/api/users',
        '/api/teams',
        '/api/models',
        '/api/models/{key}',
        '/api/models/{key}/versions',
        '/api/models/{key}/versions/{number}',
        '/api/models/{key}/versions/{number}/publish',
        '/api/models/{key}/publish',
        '/api/models/{key}/diff',
        '/api/models/{key}/deployments',
        '/api/models/{key}/deployments/{id}/rollback',
      ]) {
        expect(Object.keys(doc.paths), path).toContain(path);
      }
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.paths['/api/health']!.get!.security).toEqual([]);
    });

    it('serves the Swagger UI at /docs', async () => {
      const res = await t.request({ method: 'GET', url: '/docs' });
      expect([200, 302]).toContain(res.statusCode);
      const page =
        res.statusCode === 302 ? await t.request({ method: 'GET', url: res.headers.location as string }) : res;
      expect(page.statusCode).toBe(200);
      expect(page.body.toLowerCase()).toContain('swagger');
    });
  });
});
