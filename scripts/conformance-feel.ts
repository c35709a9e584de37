// Runs the DMN TCK's FEEL cases (`../shared/conformance/feel-tck.json`, beside the repository,
// never copied in) on every FEEL evaluation path and prints, per path:
//   feel-tck: N passed, M failed, K excluded
// plus failures by test folder and how many cases the paths answer differently.
//   npm run conformance:feel [-- --verbose]
// The gate is packages/definition/src/expression/feel-tck.test.ts (same cases, same exclusions);
// this script exits 1 when a case fails.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileExpression, evaluateExpression } from '../packages/definition/src/index.ts';
import {
  TCK_EXCLUDED,
  tckData,
  tckPassed,
  type TckAnswer,
  type TckCase,
} from '../packages/definition/src/expression/feel-tck-harness.ts';

/** What a path answered: a value (plain JSON), an error, or nothing (the case is excluded). */
type Answer = TckAnswer | { kind: 'excluded' };

interface PathRun {
  name: string;
  run: (c: TckCase, data: Record<string, unknown>) => TckAnswer;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(repoRoot, '../shared/conformance/feel-tck.json');
const verbose = process.argv.includes('--verbose');
const toData = tckData;
const passed = (c: TckCase, a: Answer): boolean => a.kind !== 'excluded' && tckPassed(c, a);

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
    name: 'evaluateExpression (public API)',
    run: (c, data) => {
      const r = evaluateExpression(c.expression, data);
      return r.ok ? { kind: 'value', value: r.value } : { kind: 'error', code: r.error.code };
    },
  },
  {
    name: 'compileExpression (engine: compiled once, evaluated per call)',
    run: (c, data) => {
      const r = compileExpression(c.expression).evaluate(data);
      return r.ok ? { kind: 'value', value: r.value } : { kind: 'error', code: r.error.code };
    },
  },
];

const folder = (id: string): string => id.split('/')[0] ?? id;
const testCase = (id: string): string => {
  const [fileAndCase = id] = id.split('/', 2).slice(1);
  return `${folder(id)}/${fileAndCase}`;
};

let anyFailed = false;

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
      const answer: Answer = TCK_EXCLUDED.has(c.id)
        ? { kind: 'excluded' }
        : run.run(c, toData(c.context) as Record<string, unknown>);
      answers[p]!.set(c.id, answer);
      if (answer.kind === 'excluded') {
        excluded++;
        testCases.set(testCase(c.id), false); // a kit test case with an excluded node does not pass
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
    if (fail > 0) anyFailed = true;
    if (testCases.size > 0) {
      const pct = ((100 * tcPassed) / testCases.size).toFixed(1);
      console.log(
        `  kit test cases (all result nodes pass; excluded nodes count as not passed): ${tcPassed} / ${testCases.size} (${pct} %)`,
      );
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
if (anyFailed) process.exitCode = 1;
