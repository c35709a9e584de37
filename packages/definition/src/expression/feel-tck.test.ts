// The DMN TCK gate (issue 13): every FEEL case of the kit, read from
// ../shared/conformance/feel-tck.json beside the repository (never copied in), on every
// evaluation path; a case that neither passes nor is in the documented exclusion list fails.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../feel-fast/compile-expression.ts';
import { evaluateExpression } from './evaluate-expression.ts';
import { TCK_EXCLUDED, TCK_EXCLUSIONS, tckData, tckPassed, type TckAnswer, type TckCase } from './feel-tck-harness.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const file = path.resolve(repoRoot, '../shared/conformance/feel-tck.json');
const present = existsSync(file);
if (!present) console.log(`feel-tck: skipped, ${path.relative(repoRoot, file)} is absent`);
const cases: TckCase[] = present ? (JSON.parse(readFileSync(file, 'utf8')) as TckCase[]) : [];

const answer = (r: ReturnType<typeof evaluateExpression>): TckAnswer =>
  r.ok ? { kind: 'value', value: r.value } : { kind: 'error', code: r.error.code };

describe.runIf(present)('DMN TCK FEEL cases (../shared/conformance/feel-tck.json)', () => {
  it('keeps the exclusion list short, and every excluded case exists in the kit', () => {
    expect(TCK_EXCLUDED.size).toBeLessThanOrEqual(60);
    const ids = new Set(cases.map((c) => c.id));
    for (const id of TCK_EXCLUDED.keys()) expect(ids.has(id), id).toBe(true);
    for (const { reason } of Object.values(TCK_EXCLUSIONS)) expect(reason.length).toBeGreaterThan(20);
  });

  it('passes every case that is not excluded, with the same answer on every path', () => {
    const failures: string[] = [];
    let passed = 0;
    for (const c of cases) {
      if (TCK_EXCLUDED.has(c.id)) continue;
      const data = tckData(c.context) as Record<string, unknown>;
      const viaEvaluate = answer(evaluateExpression(c.expression, data));
      const compiled = compileExpression(c.expression);
      const viaCompiled = answer(compiled.evaluate(data));
      if (JSON.stringify(viaEvaluate) !== JSON.stringify(viaCompiled)) {
        failures.push(`${c.id}: paths differ ${JSON.stringify(viaEvaluate)} vs ${JSON.stringify(viaCompiled)}`);
        continue;
      }
      if (viaEvaluate.kind === 'value' && typeof viaEvaluate.value === 'boolean') {
        const condition = compiled.condition(data);
        if (!condition.ok || condition.value !== viaEvaluate.value) failures.push(`${c.id}: condition() differs`);
      }
      if (tckPassed(c, viaEvaluate)) passed++;
      else
        failures.push(
          `${c.id}: ${c.expression} => ${JSON.stringify(viaEvaluate)}, expected ${JSON.stringify(c.expected)}`,
        );
    }
    expect(failures).toEqual([]);
    expect(passed + TCK_EXCLUDED.size).toBe(cases.length);
  });
});
