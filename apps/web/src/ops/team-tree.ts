import type { Team, User } from '@baton/client';

/** A team with its sub-teams, for tree pickers and the directory. */
export interface TeamNode {
  team: Team;
  manager: User | undefined;
  members: User[];
  children: TeamNode[];
}

/** Builds the team forest from the flat list (`parentId`), siblings by key. Pure. */
export function teamForest(teams: readonly Team[], users: readonly User[] = []): TeamNode[] {
  const byId = new Map<number, TeamNode>();
  for (const team of teams) {
    byId.set(team.id, {
      team,
      manager: users.find((u) => u.id === team.managerId),
      members: users.filter((u) => u.teamId === team.id),
      children: [],
    });
  }
  const roots: TeamNode[] = [];
  for (const node of byId.values()) {
    const parent = node.team.parentId === null ? undefined : byId.get(node.team.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const sort = (nodes: TeamNode[]) => {
    nodes.sort((a, b) => a.team.key.localeCompare(b.team.key));
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  return roots;
}
