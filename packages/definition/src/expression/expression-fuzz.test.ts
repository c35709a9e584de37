/**
 * Seeded property tests: the public functions never throw and always return quickly on random
 * input, and on generated well-formed expressions they agree with plain feelin (the guards and
 * the rewrite are transparent). Prints the seed; set SEED to replay a run.
 */
import fc from 'fast-check';
import { evaluate as feelinEvaluate, FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin';
import { describe, expect, it } from 'vitest';
import { checkExpression, evaluateCondition, evaluateExpression, type FeelValue } from './index.ts';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const TIME_BOUND_MS = Number(process.env.EXPR_TIME_BOUND_MS ?? 1000);
console.log('expression fuzz seed', seed);

const DATA = {
  a: 3,
  b: -2,
  s: 'Hello',
  t: 'world',
  flag: true,
  xs: [1, 2, 3],
  ys: [
    { p: 1, q: 'x' },
    { p: 5, q: 'y' },
  ],
  c: { d: { e: 7 } },
  'order total': 12,
};

function timed<T>(run: () => T): T {
  const started = performance.now();
  const result = run();
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  return result;
}

function neverThrows(source: string, data: unknown = DATA): void {
  timed(() => checkExpression(source, { knownFields: new Set(Object.keys(DATA)) }));
  timed(() => checkExpression(source, { kind: 'unaryTest' }));
  const result = timed(() => evaluateExpression(source, data));
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) expect(result.error.code).toMatch(/^EXPR_[A-Z_]+$/);
  timed(() => evaluateExpression(source, data, { kind: 'unaryTest', input: 2 }));
  timed(() => evaluateCondition(source, data));
}

const TOKENS = [
  'a',
  'b',
  's',
  'xs',
  'ys',
  'c',
  'd',
  'e',
  'x',
  'y',
  'item',
  'partial',
  'order total',
  '?',
  'now',
  'today',
  '__proto__',
  'constructor',
  'prototype',
  'process',
  'this',
  'toString',
  '__bgo',
  '__bv',
  'matches',
  'replace',
  'split',
  'count',
  'sum',
  'sort',
  'string join',
  'string length',
  'flatten',
  'distinct values',
  'date',
  'duration',
  'get value',
  'context put',
  'for',
  'in',
  'return',
  'some',
  'every',
  'satisfies',
  'if',
  'then',
  'else',
  'function',
  'external',
  'instance',
  'of',
  'and',
  'or',
  'not',
  'between',
  'null',
  'true',
  'false',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  '..',
  '+',
  '-',
  '*',
  '/',
  '**',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '@',
  '"x"',
  '"(a+)+$"',
  '"__proto__"',
  '1',
  '0',
  '1000000000',
  '1.5',
  '-1',
  '"',
  '`',
  '#{',
  '${',
  '//',
  '/*',
  '*/',
  ';',
  '\\',
  '\u0000',
  '😀',
];

describe('never throws, always returns quickly', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120, unit: 'binary' }), (source) => neverThrows(source)),
      { seed, numRuns: 200 },
    );
  });

  it('on random FEEL-ish token soups', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.constantFrom(' ', ''), (tokens, glue) =>
        neverThrows(tokens.join(glue)),
      ),
      { seed, numRuns: 400 },
    );
  });

  it('on random data', () => {
    const source = 'count(v) + sum(for x in v return if x instance of number then x else 0) + string length(string(w))';
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 4,
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withNullPrototype: true,
        }),
        fc.anything({ maxDepth: 3 }),
        (v, w) => {
          neverThrows(source, { v, w });
          neverThrows('v', v);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});

// ---- generated well-formed expressions --------------------------------------------------

const { num, str, bool, list, any } = fc.letrec<{ num: string; str: string; bool: string; list: string; any: string }>(
  (tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: -20, max: 20 }).map(String),
      fc.constantFrom('a', 'b', 'c.d.e', 'order total', 'count(xs)', 'sum(xs)', 'min(xs)', 'max(xs)'),
      fc.tuple(tie('num'), fc.constantFrom('+', '-', '*'), tie('num')).map(([x, op, y]) => `(${x} ${op} ${y})`),
      tie('num').map((x) => `abs(${x})`),
      tie('str').map((x) => `string length(${x})`),
      tie('list').map((x) => `count(${x})`),
      fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, x, y]) => `(if ${c} then ${x} else ${y})`),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('"lit"', '""', 's', 't', 'ys[1].q', 'ys[-1].q'),
      fc.tuple(tie('str'), tie('str')).map(([x, y]) => `(${x} + ${y})`),
      tie('str').map((x) => `upper case(${x})`),
      tie('str').map((x) => `substring(${x}, 1, 2)`),
      tie('num').map((x) => `string(${x})`),
      tie('str').map((x) => `replace(${x}, "l+", "L")`),
      fc.tuple(tie('str'), tie('str')).map(([x, y]) => `{k: ${x}, l: ${y}}.l`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('flag', 'true', 'false', 'every y in ys satisfies y.p > 0'),
      fc
        .tuple(tie('num'), fc.constantFrom('>', '<', '=', '!=', '>='), tie('num'))
        .map(([x, op, y]) => `(${x} ${op} ${y})`),
      fc.tuple(tie('str'), tie('str')).map(([x, y]) => `(${x} = ${y})`),
      fc.tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool')).map(([x, op, y]) => `(${x} ${op} ${y})`),
      tie('bool').map((x) => `not(${x})`),
      tie('num').map((x) => `(some x in xs satisfies x > ${x})`),
      tie('num').map((x) => `list contains(xs, ${x})`),
      tie('str').map((x) => `contains(${x}, "l")`),
      tie('str').map((x) => `matches(${x}, "^[A-Z]")`),
      tie('num').map((x) => `(${x} between 1 and 5)`),
      tie('num').map((x) => `(${x} in [1..5])`),
    ),
    list: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('xs', 'ys.p', '[]'),
      fc.tuple(tie('num'), tie('num')).map(([x, y]) => `[${x}, ${y}]`),
      tie('num').map((x) => `(for x in xs return x + ${x})`),
      tie('num').map((x) => `(for i in 1..3 return i * ${x})`),
      tie('num').map((x) => `ys[p > ${x}].p`),
      tie('list').map((x) => `reverse(${x})`),
      tie('list').map((x) => `sort(${x}, function(p1, p2) p1 > p2)`),
      tie('list').map((x) => `distinct values(${x})`),
      fc.tuple(tie('list'), tie('num')).map(([x, y]) => `append(${x}, ${y})`),
      fc.tuple(tie('list'), tie('list')).map(([x, y]) => `concatenate(${x}, ${y})`),
      tie('str').map((x) => `split(${x}, "l")`),
    ),
    any: fc.oneof(tie('num'), tie('str'), tie('bool'), tie('list')),
  }),
);

/** plain feelin's value as JSON, or undefined when it is not representable as data. */
function plainJson(value: unknown): FeelValue | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (
    value instanceof FeelDate ||
    value instanceof FeelTime ||
    value instanceof FeelDateTime ||
    value instanceof FeelDuration
  )
    return value.toJSON();
  if (Array.isArray(value)) {
    const out: FeelValue[] = [];
    for (const element of value) {
      const converted = plainJson(element);
      if (converted === undefined) return undefined;
      out.push(converted);
    }
    return out;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, FeelValue> = {};
    for (const [key, element] of Object.entries(value)) {
      const converted = plainJson(element);
      if (converted === undefined) return undefined;
      out[key] = converted;
    }
    return out;
  }
  return undefined;
}

describe('agrees with plain feelin on generated expressions', () => {
  it.each([
    ['numbers', num],
    ['strings', str],
    ['booleans', bool],
    ['lists', list],
    ['anything', any],
  ] as const)('%s', (_label, arbitrary) => {
    let compared = 0;
    fc.assert(
      fc.property(arbitrary, (source) => {
        expect(checkExpression(source, { knownFields: new Set(Object.keys(DATA)) })).toMatchObject({
          ok: true,
          unknown: [],
        });
        // feelin orders mixed strings and numbers with JavaScript's rules (FEEL: not comparable), so
        // a comparator over such a list sorts differently; lists from split() are strings.
        if (source.includes('sort(') && source.includes('split(')) return;
        let plain: unknown;
        try {
          plain = feelinEvaluate(source, JSON.parse(JSON.stringify(DATA)) as Record<string, unknown>).value;
        } catch {
          return; // plain feelin fails on this input; nothing to compare
        }
        const expected = plainJson(plain);
        const ours = timed(() => evaluateExpression(source, DATA));
        if (expected === undefined) {
          expect(ours.ok ? 'ok' : ours.error.code).toMatch(/EXPR_TYPE|EXPR_LIMIT/);
          return;
        }
        if (!ours.ok && ours.error.code === 'EXPR_LIMIT') return; // a guard stopped a big expression
        expect(ours, source).toEqual({ ok: true, value: expected, warnings: expect.any(Array) as unknown });
        compared++;
      }),
      { seed, numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(40);
  });
});
