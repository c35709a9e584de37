import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The server's modules must not import each other in a circle: a value import cycle makes load
 * order decide whether a class or constant is defined when another module's top level reads it
 * (a `TypeError` or `undefined` that depends on which file was imported first). Type-only
 * imports (`import type`, `export type`, or braces whose every name is marked `type`) vanish at
 * compile time (`verbatimModuleSyntax`), so their cycles are harmless and not counted.
 */

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every non-test `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A relative import or re-export of a module, and whether it is only for types. */
interface ImportEdge {
  specifier: string;
  typeOnly: boolean;
}

/** The relative imports and re-exports of a module's text (static ones: dynamic `import()` loads lazily). */
function parseRelativeImports(text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  // `import x from './a'`, `import { a, type B } from './a'`, `import type …`, `export { … } from`, `export * from`.
  const withFrom = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const match of text.matchAll(withFrom)) {
    const clause = match[3]!.trim();
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    const names = braces
      ? braces[1]!
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : [];
    const everyNameTyped = names.length > 0 && names.every((n) => n.startsWith('type '));
    edges.push({ specifier: match[4]!, typeOnly: match[2] !== undefined || everyNameTyped });
  }
  // `import './a'` runs the module for its side effects: a value edge.
  for (const match of text.matchAll(/^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm))
    edges.push({ specifier: match[1]!, typeOnly: false });
  return edges;
}

/** The cycles of a directed graph, each as the path that closes it (`a → b → a`). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('the server import graph', () => {
  const files = sourceFiles(srcDir);
  const valueGraph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const edges = parseRelativeImports(readFileSync(file, 'utf8'));
    const targets: string[] = [];
    for (const edge of edges) {
      const target = resolve(dirname(file), edge.specifier);
      if (!files.includes(target)) unresolved.push(`${relative(srcDir, file)} → ${edge.specifier}`);
      if (!edge.typeOnly) targets.push(target);
    }
    valueGraph.set(file, targets);
  }

  it('has no cycle of value imports among the modules of src/', () => {
    const cycles = findCycles(valueGraph).map((cycle) => cycle.map((f) => relative(srcDir, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('resolves every relative import to a source file (no path left behind by a move)', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(unresolved).toEqual([]);
  });

  it('tells type-only imports from value imports, and finds a cycle when there is one', () => {
    const text = [
      "import type { A } from './a.ts';",
      "import { type B, type C } from './b.ts';",
      "import { type D, e } from './c.ts';",
      "import f from '../d.ts';",
      "export { g } from './e.ts';",
      "export type { H } from './f.ts';",
      "import {\n  type I,\n  j,\n} from './g.ts';",
      "import './h.ts';",
      "import { k } from 'kysely';",
    ].join('\n');
    expect(parseRelativeImports(text)).toEqual([
      { specifier: './a.ts', typeOnly: true },
      { specifier: './b.ts', typeOnly: true },
      { specifier: './c.ts', typeOnly: false },
      { specifier: '../d.ts', typeOnly: false },
      { specifier: './e.ts', typeOnly: false },
      { specifier: './f.ts', typeOnly: true },
      { specifier: './g.ts', typeOnly: false },
      { specifier: './h.ts', typeOnly: false },
    ]);
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });
});
