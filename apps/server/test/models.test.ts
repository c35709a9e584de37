import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, minimalDefinition, startTestApp } from './harness.ts';

/** A deep copy with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

describe.each(backends)('models and versions on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const name = { en: 'Lead to contract', 'zh-CN': '线索到合同' };

  it('creates a model (owner), lists it and gets it by key; a taken key gives 409', async () => {
    const created = await t.request({ method: 'POST', url: '/api/models', as: 'owner', body: { key: 'lead-to-contract', name } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ key: 'lead-to-contract', name });
    expect(new Date(created.json().createdAt).toISOString()).toBe(created.json().createdAt);

    const list = await t.request({ method: 'GET', url: '/api/models', as: 'rep1' });
    expect(list.json().map((m: { key: string }) => m.key)).toEqual(['lead-to-contract']);
    const one = await t.request({ method: 'GET', url: '/api/models/lead-to-contract', as: 'rep1' });
    expect(one.json()).toEqual(created.json());

    const dup = await t.request({ method: 'POST', url: '/api/models', as: 'admin', body: { key: 'lead-to-contract', name } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('API_MODEL_EXISTS');
    expect(await t.count('process_models')).toBe(1);
  });

  it('answers 404 API_MODEL_NOT_FOUND and API_VERSION_NOT_FOUND for unknown keys and numbers', async () => {
    const model = await t.request({ method: 'GET', url: '/api/models/nope', as: 'rep1' });
    expect(model.statusCode).toBe(404);
    expect(model.json().code).toBe('API_MODEL_NOT_FOUND');
    const version = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/versions/99', as: 'rep1' });
    expect(version.statusCode).toBe(404);
    expect(version.json().code).toBe('API_VERSION_NOT_FOUND');
    const draftOnUnknown = await t.request({ method: 'POST', url: '/api/models/nope/versions', as: 'owner', body: { definition: minimalDefinition('nope'), state: 'current' } });
    expect(draftOnUnknown.statusCode).toBe(404);
  });

  it('saves drafts with increasing numbers, and replaces a draft with PUT', async () => {
    const first = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'owner', body: { definition: minimalDefinition('lead-to-contract'), state: 'current', notes: 'as it runs today' } });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ number: 1, status: 'draft', state: 'current', contentHash: null, publishedAt: null, notes: 'as it runs today' });
    expect(first.json().definition).toEqual(minimalDefinition('lead-to-contract'));

    const second = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'admin', body: { definition: minimalDefinition('lead-to-contract'), state: 'target' } });
    expect(second.json()).toMatchObject({ number: 2, state: 'target', notes: null });

    const changed = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'finish', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'finish' }],
    });
    const put = await t.request({ method: 'PUT', url: '/api/models/lead-to-contract/versions/2', as: 'owner', body: { definition: changed, notes: 'renamed end' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ number: 2, status: 'draft', state: 'target', notes: 'renamed end' });
    expect(put.json().definition).toEqual(changed);

    const list = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/versions', as: 'rep1' });
    expect(list.json().map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect(list.json()[0]).not.toHaveProperty('definition');
  });

  it('rejects an invalid definition with 400 API_INVALID_DEFINITION listing every issue and its path, saving nothing', async () => {
    const before = await t.count('process_versions');
    const bad = minimalDefinition('lead-to-contract', {
      edges: [
        { id: 'e1', from: 'start', to: 'nowhere' },
        { id: 'e2', from: 'ghost', to: 'end' },
      ],
    });
    const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'owner', body: { definition: bad, state: 'current' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 400, code: 'API_INVALID_DEFINITION', error: 'Bad Request' });
    const paths = body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/edges/0/to', '/edges/1/from']));
    for (const issue of body.issues) {
      expect(issue.code).toMatch(/^[A-Z_]+$/);
      expect(issue.path).toMatch(/^(\/|$)/);
      expect(['error', 'warning']).toContain(issue.severity);
    }
    expect(await t.count('process_versions')).toBe(before);

    const published = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/publish', as: 'owner', body: { definition: bad, state: 'current' } });
    expect(published.statusCode).toBe(400);
    expect(await t.count('process_versions')).toBe(before);
  });

  it("rejects a definition whose key is not the model's", async () => {
    const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'owner', body: { definition: minimalDefinition('other-process'), state: 'current' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toContainEqual(expect.objectContaining({ path: '/key', code: 'API_DEFINITION_KEY_MISMATCH' }));
  });

  it('publishes a draft with a sha256 content hash; it then refuses edits with 409 API_VERSION_NOT_DRAFT', async () => {
    const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions/1/publish', as: 'owner' });
    expect(res.statusCode).toBe(201);
    expect(res.json().created).toBe(true);
    expect(res.json().version).toMatchObject({ number: 1, status: 'published' });
    expect(res.json().version.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.json().version.publishedAt).not.toBeNull();

    const put = await t.request({ method: 'PUT', url: '/api/models/lead-to-contract/versions/1', as: 'owner', body: { definition: minimalDefinition('lead-to-contract') } });
    expect(put.statusCode).toBe(409);
    expect(put.json().code).toBe('API_VERSION_NOT_DRAFT');
    // Even an invalid replacement is reported as "not a draft", not as invalid.
    const putBad = await t.request({ method: 'PUT', url: '/api/models/lead-to-contract/versions/1', as: 'owner', body: { definition: {} } });
    expect(putBad.statusCode).toBe(409);

    const again = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions/1/publish', as: 'owner' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, version: { number: 1 } });
  });

  it('treats republishing identical content (any key order) as a no-op: 200, created false, the existing version, no new row', async () => {
    const v1 = (await t.request({ method: 'GET', url: '/api/models/lead-to-contract/versions/1', as: 'owner' })).json();
    const before = await t.count('process_versions');
    // Same content, keys in another order: canonical JSON makes the hash equal.
    const reordered = reverseKeys(v1.definition);
    const reorderedText = `{"edges":${JSON.stringify(v1.definition.edges)},"nodes":${JSON.stringify(v1.definition.nodes)},"name":${JSON.stringify(v1.definition.name)},"key":"lead-to-contract","schemaVersion":1}`;
    for (const payload of [JSON.stringify({ definition: reordered, state: 'current' }), `{"state":"current","definition":${reorderedText}}`]) {
      for (let i = 0; i < 3; i++) {
        const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/publish', as: 'owner', payload, headers: { 'content-type': 'application/json' } });
        expect(res.statusCode).toBe(200);
        expect(res.json().created).toBe(false);
        expect(res.json().version).toMatchObject({ number: 1, contentHash: v1.contentHash });
      }
    }
    expect(await t.count('process_versions')).toBe(before);

    // Publishing a draft with the same content as v1 also returns v1, and deletes the draft
    // (issue 8; the label rule and the deletion are tested in issue8-version-identity.test.ts).
    const draft = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'owner', body: { definition: v1.definition, state: 'current' } });
    const n = draft.json().number;
    const pub = await t.request({ method: 'POST', url: `/api/models/lead-to-contract/versions/${n}/publish`, as: 'owner' });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ created: false, version: { number: 1 } });
    const gone = await t.request({ method: 'GET', url: `/api/models/lead-to-contract/versions/${n}`, as: 'owner' });
    expect(gone.statusCode).toBe(404);
  });

  it('publishes new content in one step with POST /api/models/:key/publish (201, next number)', async () => {
    const def = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'done', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'done' }],
    });
    const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/publish', as: 'owner', body: { definition: def, state: 'target', notes: 'via CLI' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().created).toBe(true);
    expect(res.json().version).toMatchObject({ status: 'published', state: 'target', notes: 'via CLI' });
    const numbers = (await t.request({ method: 'GET', url: '/api/models/lead-to-contract/versions', as: 'owner' })).json().map((v: { number: number }) => v.number);
    expect(res.json().version.number).toBe(Math.max(...numbers));
  });

  it('diffs two versions', async () => {
    const res = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/diff?from=1&to=2', as: 'rep1' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ modelKey: 'lead-to-contract', from: 1, to: 2 });
    expect(body.diff.nodes.added.map((c: { id: string }) => c.id)).toEqual(['finish']);
    expect(body.diff.nodes.removed.map((c: { id: string }) => c.id)).toEqual(['end']);

    const bad = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/diff?from=x', as: 'rep1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('API_VALIDATION');
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['/from', '/to']));
    const missing = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/diff?from=1&to=77', as: 'rep1' });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps one published row per content even when the same publish races', async () => {
    const def = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'raced', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'raced' }],
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.request({ method: 'POST', url: '/api/models/lead-to-contract/publish', as: 'owner', body: { definition: def, state: 'current' } })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.every((c) => c === 200 || c === 201)).toBe(true);
    const numbers = new Set(results.map((r) => r.json().version.number));
    expect(numbers.size).toBe(1);
  });
});
