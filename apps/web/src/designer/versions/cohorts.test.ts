import type { Deployment } from '@baton/client';
import { describe, expect, it } from 'vitest';
import { choiceOf, deploymentsByVersion, toCohort } from './cohorts.ts';

const deployment = (id: number, version: number, active: boolean, startedAt: string): Deployment => ({
  id,
  modelKey: 'quote',
  versionId: version * 10,
  version,
  cohort: { type: 'all' },
  createdBy: 1,
  startedAt,
  endedAt: active ? null : startedAt,
  active,
});

describe('the deploy dialog cohorts', () => {
  it('starts a widening from the deployment it widens, and a new deployment from everyone', () => {
    expect(choiceOf()).toEqual({ type: 'all', teams: [], percent: 10 });
    expect(choiceOf({ type: 'share', percent: 25 })).toEqual({ type: 'share', teams: [], percent: 25 });
    expect(choiceOf({ type: 'teams', teams: ['east'] })).toEqual({ type: 'teams', teams: ['east'], percent: 10 });
  });

  it('sends only the chosen form, refuses teams without a team and keeps a share within 1–100', () => {
    expect(toCohort({ type: 'all', teams: ['east'], percent: 30 })).toEqual({ type: 'all' });
    expect(toCohort({ type: 'teams', teams: [], percent: 30 })).toBe('teamsRequired');
    expect(toCohort({ type: 'teams', teams: ['east', 'east', 'west'], percent: 30 })).toEqual({
      type: 'teams',
      teams: ['east', 'west'],
    });
    expect(toCohort({ type: 'share', teams: [], percent: 0 })).toEqual({ type: 'share', percent: 1 });
    expect(toCohort({ type: 'share', teams: [], percent: 250 })).toEqual({ type: 'share', percent: 100 });
    expect(toCohort({ type: 'share', teams: [], percent: 33.4 })).toEqual({ type: 'share', percent: 33 });
  });

  it('groups deployments by version, active ones first, then newest first', () => {
    const grouped = deploymentsByVersion([
      deployment(1, 1, false, '2026-01-01T00:00:00.000Z'),
      deployment(2, 2, true, '2026-01-02T00:00:00.000Z'),
      deployment(3, 1, true, '2026-01-03T00:00:00.000Z'),
      deployment(4, 1, true, '2026-01-04T00:00:00.000Z'),
    ]);
    expect([...grouped.keys()].sort()).toEqual([1, 2]);
    expect(grouped.get(1)!.map((d) => d.id)).toEqual([4, 3, 1]);
    expect(grouped.get(2)!.map((d) => d.id)).toEqual([2]);
  });
});
