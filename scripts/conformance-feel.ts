// Runs the DMN TCK's FEEL cases (`../shared/conformance/feel-tck.json`, beside the repository,
// never copied in) on every FEEL evaluation path and prints, per path:
//   feel-tck: N passed, M failed, K excluded
// plus failures by test folder and how many cases the paths answer differently.
//   npm run conformance:feel [-- --verbose]
// Not a gate yet (issue 13): it always exits 0 unless the runner itself breaks.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileExpression, evaluateExpression } from '../packages/definition/src/index.ts';
import { FALLBACK, compileFastFeel } from '../packages/definition/src/feel-fast/compile-fast-feel.ts';

interface TckCase {
  source: string;
  id: string;
  kind: string;
  expression: string;
  context: Record<string, unknown>;
  expected: unknown;
  errorResult: boolean;
  typeRef?: string;
}

/** What a path answered: a value (plain JSON), an error, or nothing (the case is outside the path). */
type Answer = { kind: 'value'; value: unknown } | { kind: 'error'; code: string } | { kind: 'excluded' };

interface PathRun {
  name: string;
  run: (c: TckCase, data: Record<string, unknown>) => Answer;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(repoRoot, '../shared/conformance/feel-tck.json');
const verbose = process.argv.includes('--verbose');

/** Tagged temporal values become ISO strings: Baton's instance data is JSON, dates are strings. */
function toData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toData);
  if (value !== null && typeof value === 'object') {
    const tagged = value as { $t?: unknown; v?: unknown };
    if (typeof tagged.$t === 'string' && typeof tagged.v === 'string') return tagged.v;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toData(v)]));
  }
  return value;
}

/** Numbers: exactly for integers, within 1e-5 otherwise (as the kit's runners compare). */
function sameValue(expected: unknown, got: unknown): boolean {
  if (expected === null || got === null) return expected === got;
  if (typeof expected === 'number') {
    if (typeof got !== 'number') return false;
    if (Number.isInteger(expected)) return got === expected;
    return Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(got) && got.length === expected.length && expected.every((e, i) => sameValue(e, got[i] as unknown))
    );
  }
  if (typeof expected === 'object') {
    const tagged = expected as { $t?: unknown; v?: unknown };
    if (typeof tagged.$t === 'string') return typeof got === 'string' && got === tagged.v;
    if (typeof got !== 'object' || Array.isArray(got)) return false;
    const e = expected as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const keys = Object.keys(e);
    return keys.length === Object.keys(g).length && keys.every((k) => k in g && sameValue(e[k], g[k]));
  }
  return expected === got;
}

function passed(c: TckCase, answer: Answer): boolean {
  if (c.errorResult) return answer.kind === 'error' || (answer.kind === 'value' && answer.value === null);
  if (answer.kind === 'error') return c.expected === null;
  return answer.kind === 'value' && sameValue(c.expected, answer.value);
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if (a.kind === 'error' || b.kind === 'error') return a.kind === b.kind;
  if (a.kind === 'value' && b.kind === 'value') {
    if (typeof a.value === 'number' && typeof b.value === 'number') return Object.is(a.value, b.value);
    return JSON.stringify(a.value) === JSON.stringify(b.value);
  }
  return false;
}

const paths: PathRun[] = [
  {
    name: 'evaluateExpression (guarded interpreter)',
    run: (c, data) => {
      const r = evaluateExpression(c.expression, data);
      return r.ok ? { kind: 'value', value: r.value } : { kind: 'error', code: r.error.code };
    },
  },
  {
    name: 'compileExpression (engine: fast path, else interpreter)',
    run: (c, data) => {
      const r = compileExpression(c.expression).evaluate(data);
      return r.ok ? { kind: 'value', value: r.value } : { kind: 'error', code: r.error.code };
    },
  },
  {
    name: 'compileFastFeel (fast path alone, where the case is in its subset)',
    run: (c, data) => {
      const fast = compileFastFeel(c.expression);
      if (!fast) return { kind: 'excluded' };
      try {
        const v = fast(data);
        return v === FALLBACK ? { kind: 'excluded' } : { kind: 'value', value: v };
      } catch (err) {
        return { kind: 'error', code: err instanceof Error ? err.name : 'THROWN' };
      }
    },
  },
];

const folder = (id: string): string => id.split('/')[0] ?? id;
const testCase = (id: string): string => {
  const [fileAndCase = id] = id.split('/', 2).slice(1);
  return `${folder(id)}/${fileAndCase}`;
};

function main(): void {
  if (!existsSync(file)) {
    console.log(`feel-tck: skipped, ${path.relative(repoRoot, file)} is absent`);
    return;
  }
  const cases = JSON.parse(readFileSync(file, 'utf8')) as TckCase[];
  const answers = paths.map(() => new Map<string, Answer>());
  for (const [p, run] of paths.entries()) {
    let pass = 0;
    let fail = 0;
    let excluded = 0;
    const byFolder = new Map<string, string[]>();
    const testCases = new Map<string, boolean>();
    for (const c of cases) {
      const answer = run.run(c, toData(c.context) as Record<string, unknown>);
      answers[p]!.set(c.id, answer);
      if (answer.kind === 'excluded') {
        excluded++;
        continue;
      }
      const ok = passed(c, answer);
      testCases.set(testCase(c.id), (testCases.get(testCase(c.id)) ?? true) && ok);
      if (ok) {
        pass++;
        continue;
      }
      fail++;
      const got = answer.kind === 'error' ? `error ${answer.code}` : JSON.stringify(answer.value);
      const line = `  ${c.id}: ${c.expression} => ${got}, expected ${c.errorResult ? 'error/null' : JSON.stringify(c.expected)}`;
      byFolder.set(folder(c.id), [...(byFolder.get(folder(c.id)) ?? []), line]);
    }
    const tcPassed = [...testCases.values()].filter(Boolean).length;
    console.log(`\n${run.name}`);
    console.log(`feel-tck: ${pass} passed, ${fail} failed, ${excluded} excluded`);
    if (testCases.size > 0) {
      const pct = ((100 * tcPassed) / testCases.size).toFixed(1);
      console.log(`  kit test cases (all result nodes pass): ${tcPassed} / ${testCases.size} (${pct} %)`);
    }
    const top = [...byFolder.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    if (top.length > 0) console.log('  failures by test folder:');
    for (const [name, lines] of verbose ? top : top.slice(0, 15)) {
      console.log(`  ${String(lines.length).padStart(5)}  ${name}`);
      if (verbose) for (const line of lines) console.log(`    ${line}`);
    }
    if (!verbose && top.length > 15) console.log(`  ... ${top.length - 15} more folders (--verbose lists every case)`);
  }
  for (let a = 0; a < paths.length; a++) {
    for (let b = a + 1; b < paths.length; b++) {
      let both = 0;
      const differ: string[] = [];
      for (const c of cases) {
        const x = answers[a]!.get(c.id)!;
        const y = answers[b]!.get(c.id)!;
        if (x.kind === 'excluded' || y.kind === 'excluded') continue;
        both++;
        if (!sameAnswer(x, y)) {
          const show = (v: Answer) =>
            v.kind === 'value' ? JSON.stringify(v.value) : `error ${v.kind === 'error' ? v.code : ''}`;
          differ.push(`  ${c.id}: ${c.expression} => ${show(x)} vs ${show(y)}`);
        }
      }
      console.log(
        `\npaths differ: ${differ.length} of ${both} cases both answer (${paths[a]!.name.split(' ')[0]} vs ${paths[b]!.name.split(' ')[0]})`,
      );
      if (verbose) for (const line of differ) console.log(line);
    }
  }
}

main();
