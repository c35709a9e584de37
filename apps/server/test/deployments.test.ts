import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStartContext } from '../src/deployments/deployment-repository.ts';
import { nowSql } from '../src/runtime/clock.ts';
import { resolveVersionForStart, shareBucket } from '../src/deployments/resolve-version.ts';
import { getModelOrThrow } from '../src/models/model-repository.ts';
import { findTeamKeysWithAncestors } from '../src/users/user-repository.ts';
import { type TestApp, backends, minimalDefinition, startTestApp } from './harness.ts';

describe.each(backends)('deployments on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.request({ method: 'POST', url: '/api/models', as: 'owner', body: { key: 'quote', name: { en: 'Quote' } } });
    for (const end of ['end', 'end2']) {
      const def = minimalDefinition('quote', { nodes: [{ id: 'start', type: 'start' }, { id: end, type: 'end' }], edges: [{ id: 'e1', from: 'start', to: end }] });
      const res = await t.request({ method: 'POST', url: '/api/models/quote/publish', as: 'owner', body: { definition: def, state: 'current' } });
      expect(res.statusCode).toBe(201);
    }
    // Version 3 stays a draft.
    await t.request({ method: 'POST', url: '/api/models/quote/versions', as: 'owner', body: { definition: minimalDefinition('quote'), state: 'target' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deploys a published version to everyone (operator), and lists it as active', async () => {
    const res = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 1, cohort: { type: 'all' } } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ modelKey: 'quote', version: 1, cohort: { type: 'all' }, active: true, endedAt: null });
    const list = await t.request({ method: 'GET', url: '/api/models/quote/deployments', as: 'rep1' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(1);
  });

  it('refuses to deploy a draft (409 API_VERSION_NOT_PUBLISHED), an unknown version (404) or unknown teams (400 with paths)', async () => {
    const before = await t.count('deployments');
    const draft = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 3, cohort: { type: 'all' } } });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().code).toBe('API_VERSION_NOT_PUBLISHED');
    const unknown = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 9, cohort: { type: 'all' } } });
    expect(unknown.statusCode).toBe(404);
    const teams = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 2, cohort: { type: 'teams', teams: ['sales', 'moon', 'mars'] } } });
    expect(teams.statusCode).toBe(400);
    expect(teams.json().issues.map((i: { path: string }) => i.path)).toEqual(['/cohort/teams/1', '/cohort/teams/2']);
    expect(await t.count('deployments')).toBe(before);
  });

  it('validates cohorts strictly: unknown type, percent out of range, extra fields', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'everyone' }, '/cohort/type'],
      [{ type: 'share', percent: 0 }, '/cohort/percent'],
      [{ type: 'share', percent: 101 }, '/cohort/percent'],
      [{ type: 'share', percent: '50' }, '/cohort/percent'],
      [{ type: 'all', teams: ['sales'] }, '/cohort/teams'],
      [{ type: 'teams', teams: [] }, '/cohort/teams'],
    ];
    for (const [cohort, path] of cases) {
      const res = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 2, cohort } });
      expect(res.statusCode, JSON.stringify(cohort)).toBe(400);
      expect(res.json().code).toBe('API_VALIDATION');
      expect(res.json().issues.map((i: { path: string }) => i.path), JSON.stringify(cohort)).toContain(path);
    }
  });

  it('routes new instances by cohort: team canary, widening, and rollback back to the old version', async () => {
    const model = await getModelOrThrow(t.database.db, 'quote');
    const users = (await t.request({ method: 'GET', url: '/api/users', as: 'admin' })).json() as Array<{ username: string; teamId: number }>;
    const teamOf = (u: string) => users.find((x) => x.username === u)!.teamId;
    const eastKeys = await findTeamKeysWithAncestors(t.database.db, teamOf('rep1'));
    expect(eastKeys).toEqual(['sales-east', 'sales', 'company']);
    const legalKeys = await findTeamKeysWithAncestors(t.database.db, teamOf('legal'));
    expect(legalKeys).toEqual(['legal', 'company']);
    const versionNumberOf = async (ctx: { teamKeys: string[]; businessKey?: string }) => {
      const chosen = resolveVersionForStart((await findStartContext(t.database.db, model.key, nowSql(t.app.runtime.clock)))!.deployments, ctx);
      const row = chosen && (await t.database.db.selectFrom('process_versions').select('number').where('id', '=', chosen.versionId).executeTakeFirstOrThrow());
      return row?.number;
    };

    expect(await versionNumberOf({ teamKeys: eastKeys })).toBe(1);
    const canary = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'admin', body: { version: 2, cohort: { type: 'teams', teams: ['sales'] } } });
    expect(canary.statusCode).toBe(201);
    expect(await versionNumberOf({ teamKeys: eastKeys })).toBe(2);
    expect(await versionNumberOf({ teamKeys: legalKeys })).toBe(1);

    // Widen: v2 for half of the business keys everywhere.
    const inHalf = Array.from({ length: 200 }, (_, i) => `Q-${i}`).find((k) => shareBucket(k) < 50)!;
    const outHalf = Array.from({ length: 200 }, (_, i) => `Q-${i}`).find((k) => shareBucket(k) >= 50)!;
    const widen = await t.request({ method: 'POST', url: '/api/models/quote/deployments', as: 'ops', body: { version: 2, cohort: { type: 'share', percent: 50 } } });
    expect(widen.statusCode).toBe(201);
    expect(await versionNumberOf({ teamKeys: legalKeys, businessKey: inHalf })).toBe(2);
    expect(await versionNumberOf({ teamKeys: legalKeys, businessKey: outHalf })).toBe(1);

    // Roll back both v2 deployments: everyone is on v1 again. Rollback is idempotent.
    for (const id of [canary.json().id, widen.json().id]) {
      const res = await t.request({ method: 'POST', url: `/api/models/quote/deployments/${id}/rollback`, as: 'ops' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, active: false });
      expect(res.json().endedAt).not.toBeNull();
      const again = await t.request({ method: 'POST', url: `/api/models/quote/deployments/${id}/rollback`, as: 'ops' });
      expect(again.statusCode).toBe(200);
      expect(again.json().endedAt).toBe(res.json().endedAt);
    }
    expect(await versionNumberOf({ teamKeys: eastKeys, businessKey: inHalf })).toBe(1);
    const list = (await t.request({ method: 'GET', url: '/api/models/quote/deployments', as: 'rep1' })).json() as Array<{ id: number; active: boolean }>;
    expect(list.map((d) => d.active)).toEqual([false, false, true]);

    const missing = await t.request({ method: 'POST', url: '/api/models/quote/deployments/99999/rollback', as: 'ops' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('API_DEPLOYMENT_NOT_FOUND');
  });
});
