import { describe, expect, it } from 'vitest';
import type { Team, User } from '@baton/client';
import { teamForest } from './team-tree.ts';

const team = (id: number, key: string, parentId: number | null, managerId: number | null = null): Team => ({
  id,
  key,
  name: { en: key },
  parentId,
  managerId,
});
const user = (id: number, username: string, teamId: number | null): User => ({
  id,
  username,
  displayName: username,
  roles: ['participant'],
  positions: [],
  teamId,
  teamKey: null,
  managerId: null,
  locale: 'en',
  outOfOffice: false,
});

describe('teamForest', () => {
  it('nests teams under their parents, siblings by key, with manager and members', () => {
    const forest = teamForest(
      [team(3, 'sales-west', 2), team(1, 'company', null), team(2, 'sales', 1, 10), team(4, 'sales-east', 2)],
      [user(10, 'manager', 2), user(11, 'rep1', 4)],
    );
    expect(forest.map((n) => n.team.key)).toEqual(['company']);
    const sales = forest[0]!.children[0]!;
    expect(sales.manager?.username).toBe('manager');
    expect(sales.members.map((u) => u.username)).toEqual(['manager']);
    expect(sales.children.map((n) => n.team.key)).toEqual(['sales-east', 'sales-west']);
    expect(sales.children[0]!.members.map((u) => u.username)).toEqual(['rep1']);
  });

  it('keeps a team whose parent is missing as a root', () => {
    expect(teamForest([team(5, 'orphan', 99)]).map((n) => n.team.key)).toEqual(['orphan']);
  });
});
