import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStartContext } from '../src/deployments/deployment-repository.ts';
import { nowSql } from '../src/runtime/clock.ts';
import { resolveVersionForStart, shareBucket } from '../src/deployments/resolve-version.ts';
import { getModelOrThrow } from '../src/models/model-repository.ts';
import { findTeamKeysWithAncestors } from '../src/users/user-repository.ts';
import type { Cohort } from '@baton/client';
import { type TestApp, apiError, backends, minimalDefinition, startTestApp } from './harness.ts';

describe.each(backends)('deployments on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = t.client('owner');
    await owner.createModel({ key: 'quote', name: { en: 'Quote' } });
    for (const end of ['end', 'end2']) {
      const def = minimalDefinition('quote', {
        nodes: [
          { id: 'start', type: 'start' },
          { id: end, type: 'end' },
        ],
        edges: [{ id: 'e1', from: 'start', to: end }],
      });
      expect((await owner.publish('quote', { definition: def, state: 'current' })).created).toBe(true);
      expect(owner.lastResponse!.statusCode).toBe(201);
    }
    // Version 3 stays a draft.
    await owner.createVersion('quote', { definition: minimalDefinition('quote'), state: 'target' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deploys a published version to everyone (operator), and lists it as active', async () => {
    const ops = t.client('ops');
    expect(await ops.deploy('quote', { version: 1, cohort: { type: 'all' } })).toMatchObject({
      modelKey: 'quote',
      version: 1,
      cohort: { type: 'all' },
      active: true,
      endedAt: null,
    });
    expect(ops.lastResponse!.statusCode).toBe(201);
    expect(await t.client('rep1').listDeployments('quote')).toHaveLength(1);
  });

  it('refuses to deploy a draft (409 API_VERSION_NOT_PUBLISHED), an unknown version (404) or unknown teams (400 with paths)', async () => {
    const before = await t.count('deployments');
    const ops = t.client('ops');
    expect(await apiError(ops.deploy('quote', { version: 3, cohort: { type: 'all' } }))).toMatchObject({
      status: 409,
      code: 'API_VERSION_NOT_PUBLISHED',
    });
    expect((await apiError(ops.deploy('quote', { version: 9, cohort: { type: 'all' } }))).status).toBe(404);
    const teams = await apiError(
      ops.deploy('quote', { version: 2, cohort: { type: 'teams', teams: ['sales', 'moon', 'mars'] } }),
    );
    expect(teams.status).toBe(400);
    expect(teams.issues.map((i) => i.path)).toEqual(['/cohort/teams/1', '/cohort/teams/2']);
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
      // Cast: these cohorts are what the contract's types forbid; the server must refuse them too.
      const error = await apiError(t.client('ops').deploy('quote', { version: 2, cohort: cohort as Cohort }));
      expect(error.status, JSON.stringify(cohort)).toBe(400);
      expect(error.code).toBe('API_VALIDATION');
      expect(
        error.issues.map((i) => i.path),
        JSON.stringify(cohort),
      ).toContain(path);
    }
  });

  it('routes new instances by cohort: team canary, widening, and rollback back to the old version', async () => {
    const model = await getModelOrThrow(t.database.db, 'quote');
    const users = await t.client('admin').listUsers();
    const teamOf = (u: string) => users.find((x) => x.username === u)!.teamId!;
    const eastKeys = await findTeamKeysWithAncestors(t.database.db, teamOf('rep1'));
    expect(eastKeys).toEqual(['sales-east', 'sales', 'company']);
    const legalKeys = await findTeamKeysWithAncestors(t.database.db, teamOf('legal'));
    expect(legalKeys).toEqual(['legal', 'company']);
    const versionNumberOf = async (ctx: { teamKeys: string[]; businessKey?: string }) => {
      const chosen = resolveVersionForStart(
        (await findStartContext(t.database.db, model.key, nowSql(t.app.runtime.clock)))!.deployments,
        ctx,
      );
      const row =
        chosen &&
        (await t.database.db
          .selectFrom('process_versions')
          .select('number')
          .where('id', '=', chosen.versionId)
          .executeTakeFirstOrThrow());
      return row?.number;
    };

    expect(await versionNumberOf({ teamKeys: eastKeys })).toBe(1);
    const admin = t.client('admin');
    const canary = await admin.deploy('quote', { version: 2, cohort: { type: 'teams', teams: ['sales'] } });
    expect(admin.lastResponse!.statusCode).toBe(201);
    expect(await versionNumberOf({ teamKeys: eastKeys })).toBe(2);
    expect(await versionNumberOf({ teamKeys: legalKeys })).toBe(1);

    // Widen: v2 for half of the business keys everywhere.
    const inHalf = Array.from({ length: 200 }, (_, i) => `Q-${i}`).find((k) => shareBucket(k) < 50)!;
    const outHalf = Array.from({ length: 200 }, (_, i) => `Q-${i}`).find((k) => shareBucket(k) >= 50)!;
    const ops = t.client('ops');
    const widen = await ops.deploy('quote', { version: 2, cohort: { type: 'share', percent: 50 } });
    expect(ops.lastResponse!.statusCode).toBe(201);
    expect(await versionNumberOf({ teamKeys: legalKeys, businessKey: inHalf })).toBe(2);
    expect(await versionNumberOf({ teamKeys: legalKeys, businessKey: outHalf })).toBe(1);

    // Roll back both v2 deployments: everyone is on v1 again. Rollback is idempotent.
    for (const id of [canary.id, widen.id]) {
      const res = await ops.rollbackDeployment('quote', id);
      expect(res).toMatchObject({ id, active: false });
      expect(res.endedAt).not.toBeNull();
      const again = await ops.rollbackDeployment('quote', id);
      expect(again.endedAt).toBe(res.endedAt);
    }
    expect(await versionNumberOf({ teamKeys: eastKeys, businessKey: inHalf })).toBe(1);
    const list = await t.client('rep1').listDeployments('quote');
    expect(list.map((d) => d.active)).toEqual([false, false, true]);

    expect(await apiError(ops.rollbackDeployment('quote', 99999))).toMatchObject({
      status: 404,
      code: 'API_DEPLOYMENT_NOT_FOUND',
    });
  });
});
