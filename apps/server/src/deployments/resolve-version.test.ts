import { describe, expect, it } from 'vitest';
import type { Cohort } from '@baton/client/contract';
import { type DeploymentCandidate, cohortMatches, resolveVersionForStart, shareBucket } from './resolve-version.ts';

let nextId = 1;
function deployment(
  versionId: number,
  cohort: Cohort,
  startedAt: string,
  endedAt: string | null = null,
): DeploymentCandidate {
  return {
    id: nextId++,
    versionId,
    cohort,
    startedAt: new Date(startedAt),
    endedAt: endedAt === null ? null : new Date(endedAt),
  };
}

/** Finds a business key whose share bucket satisfies `test`. */
function keyWhere(test: (bucket: number) => boolean): string {
  for (let i = 0; i < 10_000; i++) if (test(shareBucket(`CUST-${i}`))) return `CUST-${i}`;
  throw new Error('no key found');
}

const eastRep = { teamKeys: ['sales-east', 'sales', 'company'] };
const legal = { teamKeys: ['legal', 'company'] };

describe('shareBucket', () => {
  it('is stable: known keys always land in the same bucket (FNV-1a over UTF-8, mod 100)', () => {
    expect(shareBucket('')).toBe(0x811c9dc5 % 100);
    expect(shareBucket('a')).toBe(0xe40c292c % 100);
    expect(shareBucket('ACME-42')).toBe(shareBucket('ACME-42'));
    expect(shareBucket('客户-1')).toBeGreaterThanOrEqual(0);
  });

  it('spreads 10,000 keys roughly evenly over the 100 buckets', () => {
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 10_000; i++) counts[shareBucket(`order-${i}`)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(160);
    const underTen = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(underTen).toBeGreaterThan(800);
    expect(underTen).toBeLessThan(1200);
  });
});

describe('cohortMatches', () => {
  it('matches "all" always, "teams" by the team or an ancestor, "share" by the bucket of the business key', () => {
    expect(cohortMatches({ type: 'all' }, { teamKeys: [] })).toBe(true);
    expect(cohortMatches({ type: 'teams', teams: ['sales'] }, eastRep)).toBe(true);
    expect(cohortMatches({ type: 'teams', teams: ['sales-west'] }, eastRep)).toBe(false);
    expect(cohortMatches({ type: 'teams', teams: ['sales'] }, legal)).toBe(false);
    const low = keyWhere((b) => b < 10);
    const high = keyWhere((b) => b >= 90);
    expect(cohortMatches({ type: 'share', percent: 10 }, { teamKeys: [], businessKey: low })).toBe(true);
    expect(cohortMatches({ type: 'share', percent: 10 }, { teamKeys: [], businessKey: high })).toBe(false);
    expect(cohortMatches({ type: 'share', percent: 100 }, { teamKeys: [], businessKey: high })).toBe(true);
  });

  it('never puts an instance without a business key into a share cohort', () => {
    expect(cohortMatches({ type: 'share', percent: 100 }, { teamKeys: [] })).toBe(false);
    expect(cohortMatches({ type: 'share', percent: 100 }, { teamKeys: [], businessKey: null })).toBe(false);
    expect(cohortMatches({ type: 'share', percent: 100 }, { teamKeys: [], businessKey: '' })).toBe(false);
  });
});

describe('resolveVersionForStart', () => {
  it('returns undefined when nothing is deployed or everything is rolled back', () => {
    expect(resolveVersionForStart([], eastRep)).toBeUndefined();
    expect(
      resolveVersionForStart([deployment(1, { type: 'all' }, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')], eastRep),
    ).toBeUndefined();
  });

  it('picks the newest active deployment whose cohort matches, falling back to older wider ones', () => {
    const all = deployment(1, { type: 'all' }, '2026-01-01T00:00:00Z');
    const sales = deployment(2, { type: 'teams', teams: ['sales'] }, '2026-02-01T00:00:00Z');
    const deployments = [sales, all];
    expect(resolveVersionForStart(deployments, eastRep)?.versionId).toBe(2);
    expect(resolveVersionForStart(deployments, legal)?.versionId).toBe(1);
    expect(resolveVersionForStart(deployments, { teamKeys: [] })?.versionId).toBe(1);
  });

  it('sends a canary share to the new version and the rest to the old one; widening keeps the first share inside', () => {
    const all = deployment(1, { type: 'all' }, '2026-01-01T00:00:00Z');
    const canary = deployment(2, { type: 'share', percent: 10 }, '2026-02-01T00:00:00Z');
    const inCanary = keyWhere((b) => b < 10);
    const between = keyWhere((b) => b >= 10 && b < 50);
    expect(resolveVersionForStart([all, canary], { teamKeys: [], businessKey: inCanary })?.versionId).toBe(2);
    expect(resolveVersionForStart([all, canary], { teamKeys: [], businessKey: between })?.versionId).toBe(1);

    const widened = deployment(2, { type: 'share', percent: 50 }, '2026-03-01T00:00:00Z');
    expect(resolveVersionForStart([all, canary, widened], { teamKeys: [], businessKey: inCanary })?.versionId).toBe(2);
    expect(resolveVersionForStart([all, canary, widened], { teamKeys: [], businessKey: between })?.versionId).toBe(2);
  });

  it('ignores ended deployments (rollback) and breaks start-time ties by the higher id', () => {
    const v1 = deployment(1, { type: 'all' }, '2026-01-01T00:00:00Z');
    const v2 = deployment(2, { type: 'all' }, '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z');
    expect(resolveVersionForStart([v1, v2], eastRep)?.versionId).toBe(1);
    const a = deployment(3, { type: 'all' }, '2026-04-01T00:00:00Z');
    const b = deployment(4, { type: 'all' }, '2026-04-01T00:00:00Z');
    expect(resolveVersionForStart([b, a, v1], eastRep)?.versionId).toBe(4);
    expect(resolveVersionForStart([a, b, v1], eastRep)?.versionId).toBe(4);
  });

  it('does not depend on the order of the input', () => {
    const list = [
      deployment(1, { type: 'all' }, '2026-01-01T00:00:00Z'),
      deployment(2, { type: 'teams', teams: ['sales-east'] }, '2026-02-01T00:00:00Z'),
      deployment(3, { type: 'teams', teams: ['legal'] }, '2026-03-01T00:00:00Z'),
    ];
    for (const order of [list, [...list].reverse(), [list[1]!, list[2]!, list[0]!]]) {
      expect(resolveVersionForStart(order, eastRep)?.versionId).toBe(2);
      expect(resolveVersionForStart(order, legal)?.versionId).toBe(3);
    }
  });
});
