import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, CreateVersionBody } from '@baton/client';
import { type TestApp, apiError, backends, minimalDefinition, startTestApp } from './harness.ts';

/** A deep copy with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
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
    const owner = t.client('owner');
    const created = await owner.createModel({ key: 'lead-to-contract', name });
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(created).toMatchObject({ key: 'lead-to-contract', name });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);

    const rep = t.client('rep1');
    expect((await rep.listModels()).map((m) => m.key)).toEqual(['lead-to-contract']);
    expect(await rep.getModel('lead-to-contract')).toEqual(created);

    expect(await apiError(t.client('admin').createModel({ key: 'lead-to-contract', name }))).toMatchObject({
      status: 409,
      code: 'API_MODEL_EXISTS',
    });
    expect(await t.count('process_models')).toBe(1);
  });

  it('answers 404 API_MODEL_NOT_FOUND and API_VERSION_NOT_FOUND for unknown keys and numbers', async () => {
    const rep = t.client('rep1');
    expect(await apiError(rep.getModel('nope'))).toMatchObject({ status: 404, code: 'API_MODEL_NOT_FOUND' });
    expect(await apiError(rep.getVersion('lead-to-contract', 99))).toMatchObject({
      status: 404,
      code: 'API_VERSION_NOT_FOUND',
    });
    const draftOnUnknown = await apiError(
      t.client('owner').createVersion('nope', { definition: minimalDefinition('nope'), state: 'current' }),
    );
    expect(draftOnUnknown.status).toBe(404);
  });

  it('saves drafts with increasing numbers, and replaces a draft with PUT', async () => {
    const owner = t.client('owner');
    const first = await owner.createVersion('lead-to-contract', {
      definition: minimalDefinition('lead-to-contract'),
      state: 'current',
      notes: 'as it runs today',
    });
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(first).toMatchObject({
      number: 1,
      status: 'draft',
      state: 'current',
      contentHash: null,
      publishedAt: null,
      notes: 'as it runs today',
    });
    expect(first.definition).toEqual(minimalDefinition('lead-to-contract'));

    const second = await t
      .client('admin')
      .createVersion('lead-to-contract', { definition: minimalDefinition('lead-to-contract'), state: 'target' });
    expect(second).toMatchObject({ number: 2, state: 'target', notes: null });

    const changed = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'finish', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'finish' }],
    });
    const put = await owner.updateVersion('lead-to-contract', 2, { definition: changed, notes: 'renamed end' });
    expect(owner.lastResponse!.statusCode).toBe(200);
    expect(put).toMatchObject({ number: 2, status: 'draft', state: 'target', notes: 'renamed end' });
    expect(put.definition).toEqual(changed);

    const list = await t.client('rep1').listVersions('lead-to-contract');
    expect(list.map((v) => v.number)).toEqual([2, 1]);
    expect(list[0]).not.toHaveProperty('definition');
  });

  it('saves a draft with validation errors (201/200 with issues), returns them on GET, and refuses to publish it until fixed', async () => {
    const before = await t.count('process_versions');
    // Half-drawn: an edge to a node not drawn yet, an edge from a deleted one.
    const bad = minimalDefinition('lead-to-contract', {
      edges: [
        { id: 'e1', from: 'start', to: 'nowhere' },
        { id: 'e2', from: 'ghost', to: 'end' },
      ],
    });
    const owner = t.client('owner');
    const draft = await owner.createVersion('lead-to-contract', { definition: bad, state: 'current' });
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(draft).toMatchObject({ status: 'draft', contentHash: null });
    expect(draft.definition).toEqual(bad);
    expect(draft.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['/edges/0/to', '/edges/1/from']));
    for (const issue of draft.issues) {
      expect(issue.code).toMatch(/^[A-Z_]+$/);
      expect(issue.path).toMatch(/^(\/|$)/);
      expect(['error', 'warning']).toContain(issue.severity);
      expect(issue.message.length).toBeGreaterThan(10);
    }
    expect(draft.issues[0]!.severity).toBe('error');
    expect(await t.count('process_versions')).toBe(before + 1);

    // Read back (any user): the same issues; the summary list shows it as a draft.
    const fetched = await t.client('rep1').getVersion('lead-to-contract', draft.number);
    expect(fetched.issues).toEqual(draft.issues);
    expect(fetched.definition).toEqual(bad);
    const listed = (await owner.listVersions('lead-to-contract')).find((v) => v.number === draft.number);
    expect(listed).toMatchObject({ status: 'draft', contentHash: null });

    // Autosave of a still-broken edit: 200 with the new issues.
    const worse = { ...bad, nodes: [{ id: 'start', type: 'start' }] };
    const put = await owner.updateVersion('lead-to-contract', draft.number, { definition: worse });
    expect(owner.lastResponse!.statusCode).toBe(200);
    expect(put.issues.filter((i) => i.severity === 'error').length).toBeGreaterThan(0);
    expect(put.definition).toEqual(worse);

    // Publishing it is refused with every issue; it stays an unchanged draft.
    const refused = await apiError(owner.publishVersion('lead-to-contract', draft.number));
    expect(refused).toMatchObject({ status: 400, code: 'API_INVALID_DEFINITION' });
    expect(refused.message).toMatch(/error\(s\)/);
    expect(refused.issues).toEqual(put.issues);
    const after = await owner.getVersion('lead-to-contract', draft.number);
    expect(after).toMatchObject({ status: 'draft', contentHash: null, publishedAt: null, updatedAt: put.updatedAt });
    expect(after.definition).toEqual(worse);
    expect(await t.count('process_versions')).toBe(before + 1);

    // Only published versions deploy, and instances start only on deployments: never on this draft.
    const deployments = await t.count('deployments');
    expect(
      await apiError(t.client('ops').deploy('lead-to-contract', { version: draft.number, cohort: { type: 'all' } })),
    ).toMatchObject({ status: 409, code: 'API_VERSION_NOT_PUBLISHED' });
    expect(await t.count('deployments')).toBe(deployments);
    expect(await apiError(t.client('rep1').startInstance('lead-to-contract'))).toMatchObject({
      status: 409,
      code: 'API_NO_DEPLOYMENT',
    });

    // Publishing invalid content in one step saves nothing.
    const oneStep = await apiError(owner.publish('lead-to-contract', { definition: bad, state: 'current' }));
    expect(oneStep).toMatchObject({ status: 400, code: 'API_INVALID_DEFINITION' });
    expect(oneStep.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['/edges/0/to', '/edges/1/from']));
    expect(await t.count('process_versions')).toBe(before + 1);

    // Fixed: no issues, and it publishes.
    const fixed = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'fixed', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'fixed' }],
    });
    const good = await owner.updateVersion('lead-to-contract', draft.number, { definition: fixed });
    expect(good.issues).toEqual([]);
    const published = await owner.publishVersion('lead-to-contract', draft.number);
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(published).toMatchObject({
      created: true,
      version: { number: draft.number, status: 'published', issues: [] },
    });
    expect(published.version.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores a structurally broken draft of the right key and diffs it as far as it is readable', async () => {
    const owner = t.client('owner');
    const broken = { schemaVersion: 1, key: 'lead-to-contract', nodes: 'not a list', edges: [{}, { id: 'e1' }] };
    const draft = await owner.createVersion('lead-to-contract', { definition: broken, state: 'target' });
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(draft.issues.length).toBeGreaterThan(0);
    expect(draft.issues.every((i) => /^(\/|$)/.test(i.path))).toBe(true);
    expect((await owner.getVersion('lead-to-contract', draft.number)).issues).toEqual(draft.issues);

    const body = await t.client('rep1').diff('lead-to-contract', 1, draft.number);
    const diff = body.diff as {
      process: Array<{ field: string }>;
      nodes: { removed: Array<{ id: string }> };
      edges: { changed: Array<{ id: string }> };
    };
    expect(diff.nodes.removed.map((c) => c.id).sort()).toEqual(['end', 'start']);
    expect(diff.edges.changed.map((c) => c.id)).toEqual(['e1']);
    expect(diff.process.map((c) => c.field)).toContain('name');
    expect((await t.client('rep1').diff('lead-to-contract', draft.number, draft.number)).diff).toMatchObject({
      layoutOnly: true,
    });
  });

  it('still refuses what is not a draft of this model: no or another key (400 with /key), a non-object, unknown fields, too large', async () => {
    const owner = t.client('owner');
    const before = await t.count('process_versions');
    const { key: _drop, ...keyless } = minimalDefinition('lead-to-contract');
    const noKey = await apiError(owner.createVersion('lead-to-contract', { definition: keyless, state: 'current' }));
    expect(noKey).toMatchObject({ status: 400, code: 'API_INVALID_DEFINITION' });
    expect(noKey.issues).toEqual([
      expect.objectContaining({ path: '/key', code: 'API_DEFINITION_KEY_MISMATCH', severity: 'error' }),
    ]);
    expect(noKey.issues[0]!.message).toContain('"lead-to-contract"');

    for (const body of [
      { definition: [], state: 'current' },
      { definition: 'x', state: 'current' },
      { definition: minimalDefinition('lead-to-contract'), state: 'current', extra: 1 },
    ]) {
      const res = await t.request({ method: 'POST', url: '/api/models/lead-to-contract/versions', as: 'owner', body });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().code).toBe('API_VALIDATION');
      expect(res.json<ApiErrorBody>().issues!.length).toBeGreaterThan(0);
    }
    const huge = minimalDefinition('lead-to-contract', { description: 'x'.repeat(1024 * 1024) });
    const tooLarge = await t.request({
      method: 'PUT',
      url: '/api/models/lead-to-contract/versions/2',
      as: 'owner',
      body: { definition: huge },
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json<ApiErrorBody>().code).toBe('API_PAYLOAD_TOO_LARGE');
    expect(await t.count('process_versions')).toBe(before);
  });

  it("rejects a definition whose key is not the model's", async () => {
    const error = await apiError(
      t
        .client('owner')
        .createVersion('lead-to-contract', { definition: minimalDefinition('other-process'), state: 'current' }),
    );
    expect(error.status).toBe(400);
    expect(error.issues).toContainEqual(expect.objectContaining({ path: '/key', code: 'API_DEFINITION_KEY_MISMATCH' }));
  });

  it('publishes a draft with a sha256 content hash; it then refuses edits with 409 API_VERSION_NOT_DRAFT', async () => {
    const owner = t.client('owner');
    const res = await owner.publishVersion('lead-to-contract', 1);
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(res.created).toBe(true);
    expect(res.version).toMatchObject({ number: 1, status: 'published' });
    expect(res.version.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.version.publishedAt).not.toBeNull();

    expect(
      await apiError(owner.updateVersion('lead-to-contract', 1, { definition: minimalDefinition('lead-to-contract') })),
    ).toMatchObject({ status: 409, code: 'API_VERSION_NOT_DRAFT' });
    // Even an invalid replacement is reported as "not a draft", not as invalid.
    expect((await apiError(owner.updateVersion('lead-to-contract', 1, { definition: {} }))).status).toBe(409);

    const again = await owner.publishVersion('lead-to-contract', 1);
    expect(owner.lastResponse!.statusCode).toBe(200);
    expect(again).toMatchObject({ created: false, version: { number: 1 } });
  });

  it('treats republishing identical content (any key order) as a no-op: 200, created false, the existing version, no new row', async () => {
    const owner = t.client('owner');
    const v1 = await owner.getVersion('lead-to-contract', 1);
    const definition = v1.definition as { edges: unknown; nodes: unknown; name: unknown };
    const before = await t.count('process_versions');
    // Same content, keys in another order: canonical JSON makes the hash equal. The client sends
    // an object's keys in their order, so parsed text keeps its order on the wire.
    const reordered = reverseKeys(v1.definition);
    const reorderedText = `{"edges":${JSON.stringify(definition.edges)},"nodes":${JSON.stringify(definition.nodes)},"name":${JSON.stringify(definition.name)},"key":"lead-to-contract","schemaVersion":1}`;
    for (const body of [
      { definition: reordered, state: 'current' },
      JSON.parse(`{"state":"current","definition":${reorderedText}}`),
    ] as CreateVersionBody[]) {
      for (let i = 0; i < 3; i++) {
        const res = await owner.publish('lead-to-contract', body);
        expect(owner.lastResponse!.statusCode).toBe(200);
        expect(res.created).toBe(false);
        expect(res.version).toMatchObject({ number: 1, contentHash: v1.contentHash });
      }
    }
    expect(await t.count('process_versions')).toBe(before);

    // Publishing a draft with the same content as v1 also returns v1, and deletes the draft
    // (issue 8; the label rule and the deletion are tested in issue8-version-identity.test.ts).
    const draft = await owner.createVersion('lead-to-contract', { definition: v1.definition, state: 'current' });
    const n = draft.number;
    const pub = await owner.publishVersion('lead-to-contract', n);
    expect(owner.lastResponse!.statusCode).toBe(200);
    expect(pub).toMatchObject({ created: false, version: { number: 1 } });
    expect((await apiError(owner.getVersion('lead-to-contract', n))).status).toBe(404);
  });

  it('publishes new content in one step with POST /api/models/:key/publish (201, next number)', async () => {
    const def = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'done', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'done' }],
    });
    const owner = t.client('owner');
    const res = await owner.publish('lead-to-contract', { definition: def, state: 'target', notes: 'via CLI' });
    expect(owner.lastResponse!.statusCode).toBe(201);
    expect(res.created).toBe(true);
    expect(res.version).toMatchObject({ status: 'published', state: 'target', notes: 'via CLI' });
    const numbers = (await owner.listVersions('lead-to-contract')).map((v) => v.number);
    expect(res.version.number).toBe(Math.max(...numbers));
  });

  it('diffs two versions', async () => {
    const rep = t.client('rep1');
    const body = await rep.diff('lead-to-contract', 1, 2);
    expect(body).toMatchObject({ modelKey: 'lead-to-contract', from: 1, to: 2 });
    const diff = body.diff as { nodes: { added: Array<{ id: string }>; removed: Array<{ id: string }> } };
    expect(diff.nodes.added.map((c) => c.id)).toEqual(['finish']);
    expect(diff.nodes.removed.map((c) => c.id)).toEqual(['end']);

    // Raw request: the subject is a malformed query string (`from=x`, no `to`), which the typed client cannot send.
    const bad = await t.request({ method: 'GET', url: '/api/models/lead-to-contract/diff?from=x', as: 'rep1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ApiErrorBody>().code).toBe('API_VALIDATION');
    expect(bad.json<ApiErrorBody>().issues!.map((i) => i.path)).toEqual(expect.arrayContaining(['/from', '/to']));
    expect((await apiError(rep.diff('lead-to-contract', 1, 77))).status).toBe(404);
  });

  it('keeps one published row per content even when the same publish races', async () => {
    const def = minimalDefinition('lead-to-contract', {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'raced', type: 'end' },
      ],
      edges: [{ id: 'e1', from: 'start', to: 'raced' }],
    });
    const owners = Array.from({ length: 5 }, () => t.client('owner'));
    const results = await Promise.all(
      owners.map((owner) => owner.publish('lead-to-contract', { definition: def, state: 'current' })),
    );
    const codes = owners.map((owner) => owner.lastResponse!.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.every((c) => c === 200 || c === 201)).toBe(true);
    const numbers = new Set(results.map((r) => r.version.number));
    expect(numbers.size).toBe(1);
  });
});
