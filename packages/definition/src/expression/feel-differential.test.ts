// Issue 13: one answer on every path. A seeded differential test over generated expressions
// (every literal form, fields named like built-ins and missing, decimals, temporal arithmetic)
// and random data: evaluateExpression, evaluateCondition, compileExpression().evaluate and
// compileExpression().condition must agree on every case. Prints its seed; SEED=<n> replays it.
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../feel-fast/compile-expression.ts';
import { evaluateCondition, evaluateExpression } from './evaluate-expression.ts';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
const CASES = 10_000;

function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('differential: every FEEL path gives one answer', () => {
  it(`agrees on ${CASES} generated expressions (seed ${seed})`, () => {
    console.log(`feel differential: seed ${seed} (SEED=${seed} replays it)`);
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const fields = [
      'amount',
      'discount',
      'region',
      'count',
      'product',
      'sum',
      'string',
      'closeDate',
      'items',
      'missing',
    ];
    const numbers = ['0', '7', '0.07', '100', '1.1', '-3', '.5', '1e2', '1.23e-4', '10', '3'];
    const strings = ['"EU"', '"a\\"b"', '"\\u00e9"', '"\\U01F40E"', '"x\\ty"', '""'];
    const temporals = [
      'date("2024-03-01")',
      'date(closeDate)',
      'duration("P1D")',
      'duration("PT36H")',
      'duration("P1Y2M")',
      '@"2024-01-31"',
      'date and time("2024-03-01T10:00:00Z")',
      'time("24:00:00")',
      '@"P10D"',
    ];
    const atom = (): string =>
      pick([
        () => pick(numbers),
        () => pick(strings),
        () => pick(temporals),
        () => pick(fields),
        () => pick(['true', 'false', 'null']),
        () => `${pick(fields)}.a`,
        () => `items[${pick(['1', '-1', 'item > 1', 'a = 1'])}]`,
        () => pick(['[1, 2.5, "x"]', '[]', '{a: 1, b: "c"}', '{}', '[1..3]', '(0..1]', '< 5']),
        () => pick(['@"12:00:00Z"', '@"2024-03-01T10:00:00@Asia/Shanghai"', '@"-P1Y"', 'time("10:00:00+00:00")']),
      ])();
    const expr = (depth: number): string => {
      if (depth <= 0 || random() < 0.3) return atom();
      const a = () => expr(depth - 1);
      return pick([
        () => `${a()} ${pick(['+', '-', '*', '/', '**'])} ${a()}`,
        () => `${a()} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${a()}`,
        () => `${a()} ${pick(['and', 'or'])} ${a()}`,
        () => `-(${a()})`,
        () => `if ${a()} then ${a()} else ${a()}`,
        () => `${a()} in [${a()}..${a()}]`,
        () => `${a()} between ${a()} and ${a()}`,
        () => `${pick(['count', 'sum', 'min', 'abs', 'string', 'not', 'floor', 'decimal', 'string length'])}(${a()})`,
        () => `for x in ${pick(['1..3', '3..1', 'items', '[1, 2]'])} return x ${pick(['+', '*'])} ${a()}`,
        () => `some x in items satisfies x > ${a()}`,
        () => `(${a()})`,
      ])();
    };
    const value = (): unknown =>
      pick([
        () => Math.round(random() * 2000) / 100,
        () => 0.07,
        () => pick(['EU', 'US', '2024-03-05', '']),
        () => random() < 0.5,
        () => null,
        () => ({ a: pick([1, 2, 'x']) }),
        () => [1, 2.5, 3],
      ])();
    let compared = 0;
    for (let i = 0; i < CASES; i++) {
      const source = expr(3);
      const data: Record<string, unknown> = {};
      for (const field of fields) if (field !== 'missing' && random() < 0.7) data[field] = value();
      if (random() < 0.5) data.closeDate = '2024-03-05';
      if (random() < 0.5) data.items = [1, 2, 3];
      const direct = evaluateExpression(source, data);
      const compiled = compileExpression(source);
      const viaCompiled = compiled.evaluate(data);
      expect(viaCompiled, `${source} over ${JSON.stringify(data)} (seed ${seed})`).toEqual(direct);
      const condition = evaluateCondition(source, data);
      expect(compiled.condition(data), `${source} (seed ${seed})`).toEqual(condition);
      if (direct.ok && typeof direct.value === 'number') expect(Object.is(direct.value, -0)).toBe(false);
      compared++;
    }
    expect(compared).toBe(CASES);
  });
});

describe('issue 13 regression examples', () => {
  const both = (source: string, data: Record<string, unknown>) => {
    const a = evaluateExpression(source, data);
    expect(compileExpression(source).evaluate(data)).toEqual(a);
    return a;
  };
  it.each<[string, Record<string, unknown>, unknown]>([
    ['discount * 100 > 7', { discount: 0.07 }, false],
    ['discount * 100 = 7', { discount: 0.07 }, true],
    ['0.1 + 0.2 = 0.3', {}, true],
    ['amount * 1.1', { amount: 1.1 }, 1.21],
    [
      'date(closeDate) + 3 * duration("P1D") < date(signedAt)',
      { closeDate: '2024-03-01', signedAt: '2024-03-05' },
      true,
    ],
    ['duration("P10D") / duration("P5D")', {}, 2],
    ['-duration("P1D")', {}, '-P1D'],
    ['date("2024-03-01") + duration("PT36H")', {}, '2024-03-02'],
    ['date("2024-01-31") + duration("P1M")', {}, '2024-02-29'],
    ['years and months duration(date("2020-01-15"), date("2021-03-14"))', {}, 'P1Y1M'],
    ['date and time("2024-03-01T24:00:00")', {}, '2024-03-02T00:00:00'],
    ['time("10:00:00+00:00")', {}, '10:00:00Z'],
    ['duration("P1Y") = duration("P365D")', {}, null],
    ['product = null', {}, true],
    ['"\\U01F40E"', {}, '🐎'],
    ['x > true', { x: null }, null],
    ['sublist([1, 2, 3], -2)', {}, [2, 3]],
    ['for i in 3..1 return i', {}, [3, 2, 1]],
    ['5[1]', {}, 5],
  ])('%s over %j is %j on every path', (source, data, expected) => {
    expect(both(source, data)).toMatchObject({ ok: true, value: expected });
  });

  it('10 / 3 has 34 significant digits inside and says so when it is rounded for JSON', () => {
    const r = both('10 / 3', {});
    expect(r).toMatchObject({ ok: true, value: 3.3333333333333335 });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['NUMBER_ROUNDED']);
    expect(both('string(10 / 3)', {})).toMatchObject({ ok: true, value: '3.333333333333333333333333333333333' });
  });
});
