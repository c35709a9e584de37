import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, minimalDefinition, startTestApp, stringContaining } from './harness.ts';

// Issue 8, defect 7: `$schema` was part of a version's content hash although the reference says
// it is ignored; identical content published with another state label silently answered the
// other label's version; publishing a draft identical to a published version left the draft.
describe.each(backends)('issue 8: what makes two versions the same ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ignores $schema in the content hash', async () => {
    const owner = t.client('owner');
    await owner.createModel({ key: 'schema-link', name: { en: 'S' } });
    const first = await owner.publish('schema-link', {
      definition: minimalDefinition('schema-link'),
      state: 'current',
    });
    const linked = {
      $schema: '../../packages/definition/schema/definition.schema.json',
      ...minimalDefinition('schema-link'),
    };
    const again = await owner.publish('schema-link', { definition: linked, state: 'current' });
    expect(again).toMatchObject({
      created: false,
      version: { number: first.version.number, contentHash: first.version.contentHash },
    });
    expect(await owner.listVersions('schema-link')).toHaveLength(1);
  });

  it('refuses identical content under the other state label with 409 API_VERSION_STATE_MISMATCH', async () => {
    const owner = t.client('owner');
    await owner.createModel({ key: 'labels', name: { en: 'L' } });
    await owner.publish('labels', { definition: minimalDefinition('labels'), state: 'current' });
    await expect(
      owner.publish('labels', { definition: minimalDefinition('labels'), state: 'target' }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'API_VERSION_STATE_MISMATCH',
      message: stringContaining('labelled "current"'),
    });
    const draft = await owner.createVersion('labels', { definition: minimalDefinition('labels'), state: 'target' });
    await expect(owner.publishVersion('labels', draft.number)).rejects.toMatchObject({
      status: 409,
      code: 'API_VERSION_STATE_MISMATCH',
    });
    // The draft is kept: its label (or content) can still be changed.
    expect((await owner.getVersion('labels', draft.number)).status).toBe('draft');
  });

  it('answers a draft identical to a published version with that version and deletes the draft', async () => {
    const owner = t.client('owner');
    await owner.createModel({ key: 'dupe', name: { en: 'D' } });
    const published = await owner.publish('dupe', { definition: minimalDefinition('dupe'), state: 'current' });
    const draft = await owner.createVersion('dupe', {
      definition: { $schema: 'x.json', ...minimalDefinition('dupe') },
      state: 'current',
    });
    const result = await owner.publishVersion('dupe', draft.number);
    expect(result).toMatchObject({
      created: false,
      version: { number: published.version.number, status: 'published' },
    });
    expect((await owner.listVersions('dupe')).map((v) => v.number)).toEqual([published.version.number]);
    await expect(owner.getVersion('dupe', draft.number)).rejects.toMatchObject({
      status: 404,
      code: 'API_VERSION_NOT_FOUND',
    });
  });
});
