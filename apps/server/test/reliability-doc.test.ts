import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Code, tests and docs cite the reliability plan as `docs/reliability.md <ID>` (a scenario such
 * as `G4`, or `invariant 1`). Every such citation must name a section that exists there, so a
 * renumbered or dropped scenario cannot leave a comment pointing at nothing.
 */

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const plan = readFileSync(join(root, 'docs/reliability.md'), 'utf8');

/** Text files under `dir` that may cite the plan. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|md|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The scenario ids (`A1`, `L1–L5` expanded) and invariant numbers the plan defines. */
function definedSections(): Set<string> {
  const ids = new Set<string>();
  for (const [, id] of plan.matchAll(/^\| ([A-L]\d+) \|/gm)) ids.add(id!);
  for (const [, letter, from, to] of plan.matchAll(/^\| ([A-L])(\d+)–[A-L](\d+) \|/gm)) {
    for (let n = Number(from); n <= Number(to); n++) ids.add(`${letter}${n}`);
  }
  for (const [, n] of plan.matchAll(/^(\d+)\. \*\*/gm)) ids.add(`invariant ${n}`);
  return ids;
}

describe('citations of docs/reliability.md', () => {
  const defined = definedSections();

  it('the plan defines its invariants and scenarios', () => {
    expect([...defined].filter((id) => id.startsWith('invariant'))).toHaveLength(8);
    for (const id of ['A1', 'A3', 'B1', 'B3', 'D1', 'D2', 'F1', 'F5', 'G3', 'G4', 'G5', 'H3', 'I1', 'I2', 'I3', 'L5'])
      expect(defined).toContain(id);
  });

  it('every citation in the repository names a section the plan has', () => {
    const missing: string[] = [];
    let citations = 0;
    for (const file of [...files(join(root, 'apps')), ...files(join(root, 'packages')), ...files(join(root, 'docs'))]) {
      const text = readFileSync(file, 'utf8');
      // `docs/reliability.md G4`, `docs/reliability.md F1-F3`, `docs/reliability.md F1/F2`, `docs/reliability.md invariant 8`, `(docs/reliability.md A1, A3, D1/D2)`.
      for (const [, list] of text.matchAll(
        /docs\/reliability\.md,? ((?:invariant \d+|[A-L]\d+)(?:(?:[-–/]|, )(?:[A-L]?\d+))*)/g,
      )) {
        for (const id of expand(list!)) {
          citations += 1;
          if (!defined.has(id)) missing.push(`${relative(root, file)}: ${id}`);
        }
      }
    }
    expect(citations).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

/** `F1-F3` → F1, F2, F3; `D1/D2` → D1, D2; `A1, A3` → A1, A3; `invariant 8` → itself. */
function expand(list: string): string[] {
  if (list.startsWith('invariant')) return [list];
  const out: string[] = [];
  for (const part of list.split(/, |\//)) {
    const range = /^([A-L])(\d+)[-–]([A-L])?(\d+)$/.exec(part);
    if (range) {
      for (let n = Number(range[2]); n <= Number(range[4]); n++) out.push(`${range[1]}${n}`);
    } else out.push(part);
  }
  return out;
}
