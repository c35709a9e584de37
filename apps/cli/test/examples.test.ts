import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  escalationActionTypes,
  nodeTypes,
  ownerTypes,
  validateDefinition,
  type Owner,
  type ProcessDefinition,
  type ProcessNode,
} from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { findJsonFiles } from '../src/find-json-files.ts';
import { repoRoot } from './capture-io.ts';

const examplesDir = path.join(repoRoot, 'examples');
const found = await findJsonFiles('.', examplesDir);
if (!found.ok) throw new Error(`examples/ holds no definitions: ${found.message}`);
const files = found.files;
const definitions = new Map<string, ProcessDefinition>();
for (const file of files) {
  definitions.set(file, JSON.parse(await readFile(path.join(examplesDir, file), 'utf8')) as ProcessDefinition);
}

function allNodes(nodes: readonly ProcessNode[]): ProcessNode[] {
  return nodes.flatMap((n) => (n.type === 'subProcess' ? [n, ...allNodes(n.nodes)] : [n]));
}

function allOwners(owner: Owner | undefined): Owner[] {
  if (!owner) return [];
  const nested = owner.type === 'byField' ? [...Object.values(owner.map), owner.default] : [];
  return [owner, ...allOwners(owner.fallback), ...nested.flatMap((o) => allOwners(o))];
}

describe('examples/', () => {
  it('holds the lead-to-contract pair and the small examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['lead-to-contract/definition.json', 'lead-to-contract/current-state.json']),
    );
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s validates with no errors and no warnings', (file) => {
    const result = validateDefinition(definitions.get(file));
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('uses every node kind, owner strategy and escalation action at least once', () => {
    const kinds = new Set<string>();
    const owners = new Set<string>();
    const actions = new Set<string>();
    for (const def of definitions.values()) {
      for (const node of allNodes(def.nodes)) {
        kinds.add(node.type);
        for (const o of allOwners(node.owner)) owners.add(o.type);
        for (const rung of node.deadline?.escalations ?? []) {
          actions.add(rung.action.type);
          if (rung.action.type === 'notify' || rung.action.type === 'reassign')
            for (const o of allOwners(rung.action.to)) owners.add(o.type);
        }
      }
    }
    expect([...kinds].sort()).toEqual([...nodeTypes].sort());
    expect([...owners].sort()).toEqual([...ownerTypes].sort());
    expect([...actions].sort()).toEqual([...escalationActionTypes].sort());
  });

  it("lists every JSON file in its folder's README", async () => {
    for (const file of files) {
      const readme = await readFile(path.join(examplesDir, path.dirname(file), 'README.md'), 'utf8');
      expect(readme, `${path.dirname(file)}/README.md`).toContain(`\`${path.basename(file)}\``);
    }
  });

  it('pairs lead-to-contract: a current and a target state, every "replaces" naming a current-state node', () => {
    const current = definitions.get('lead-to-contract/current-state.json')!;
    const target = definitions.get('lead-to-contract/definition.json')!;
    expect([current.state, target.state]).toEqual(['current', 'target']);
    const currentIds = new Set(allNodes(current.nodes).map((n) => n.id));
    const replaced = allNodes(target.nodes).flatMap((n) => n.assessment?.replaces ?? []);
    expect(replaced.length).toBeGreaterThan(0);
    for (const id of replaced) expect(currentIds, id).toContain(id);
  });

  it('gives every current-state node a measured duration, four scores and a layout', () => {
    const current = definitions.get('lead-to-contract/current-state.json')!;
    for (const node of allNodes(current.nodes)) {
      expect(node.assessment?.measuredDuration, node.id).toBeDefined();
      expect(Object.keys(node.assessment?.scores ?? {}).sort(), node.id).toEqual([
        'compliance',
        'customerExperience',
        'effectiveness',
        'efficiency',
      ]);
      expect(node.layout, node.id).toBeDefined();
      expect(node.deadline, `${node.id}: the surveyed process has no deadlines`).toBeUndefined();
    }
  });

  it('places every node of every example on the canvas', () => {
    for (const [file, def] of definitions) {
      for (const node of allNodes(def.nodes)) expect(node.layout, `${file} ${node.id}`).toBeDefined();
    }
  });
});
