import { describe, expect, it } from 'vitest';
import { checkExpression, type CheckExpressionResult } from './index.ts';

const FIELDS = new Set(['amount', 'region', 'items', 'rate', 'limit', 'customer', 'order total', 'now']);

function okResult(
  source: string,
  kind: 'expression' | 'unaryTest' = 'expression',
): Extract<CheckExpressionResult, { ok: true }> {
  const result = checkExpression(source, { knownFields: FIELDS, kind });
  if (!result.ok) throw new Error(`expected ${source} to pass, got ${JSON.stringify(result.errors)}`);
  return result;
}

function errorCodes(source: string, kind: 'expression' | 'unaryTest' = 'expression'): string[] {
  const result = checkExpression(source, { knownFields: FIELDS, kind });
  if (result.ok) throw new Error(`expected ${source} to fail`);
  return result.errors.map((error) => error.code);
}

describe('checkExpression: names, bound variables and unknown fields', () => {
  // [source, root names, filter names, unknown roots]
  const cases: [string, string[], string[], string[]][] = [
    ['amount > 10', ['amount'], [], []],
    ['amout > 10', ['amout'], [], ['amout']],
    ['contract.status = "signed"', ['contract'], [], ['contract']],
    ['customer.address.city = "Berlin"', ['customer'], [], []],
    ['order total > 5', ['order total'], [], []],
    ['string length(region) > 3', ['region'], [], []],
    ['for x in items return x.price', ['items'], [], []],
    ['for x in items, y in x.lines return y.qty * rate', ['items', 'rate'], [], []],
    ['for i in 1..n return partial', ['n'], [], ['n']],
    ['some x in items satisfies x.price > limit', ['items', 'limit'], [], []],
    ['every x in items satisfies x.ok', ['items'], [], []],
    ['some x in items, y in x.tags satisfies y = region', ['items', 'region'], [], []],
    ['{a: 1, b: a + c}.b', ['c'], [], ['c']],
    ['{a: 1}.a', [], [], []],
    ['{"total sum": amount}.total sum', ['amount'], [], []],
    ['items[price > min price]', ['items'], ['min price', 'price'], []],
    ['items[item.price > limit].name', ['items'], ['limit'], []],
    ['sort(items, function(a, b) a.n < b.n)', ['items'], [], []],
    ['if approved then amount else 0', ['amount', 'approved'], [], ['approved']],
    ['x instance of string', ['x'], [], ['x']],
    ['date(start) + duration("P1D")', ['start'], [], ['start']],
    ['now > deadline', ['deadline', 'now'], [], ['deadline']],
    ['matches(emial, "^.+@.+$")', ['emial'], [], ['emial']],
    ['not(flag)', ['flag'], [], ['flag']],
    ['a.b.c.d', ['a'], [], ['a']],
    ['x in (1, 2, y)', ['x', 'y'], [], ['x', 'y']],
    ['amount between low and high', ['amount', 'high', 'low'], [], ['high', 'low']],
    // A built-in's name read as a value is a field (issue 13): undeclared, it is unknown.
    ['{f: count}.f(items)', ['count', 'items'], [], ['count']],
    ['sum(items.price) > rate', ['items', 'rate'], [], []],
    ['for x in items return {x: x, total: x.price * rate}', ['items', 'rate'], [], []],
  ];

  it.each(cases)('%s reads %j', (source, names, filterNames, unknown) => {
    const result = okResult(source);
    expect(result.names).toEqual(names);
    expect(result.filterNames).toEqual(filterNames);
    expect(result.unknown).toEqual(unknown);
    expect(result.issues.map((issue) => issue.code)).toEqual(unknown.map(() => 'EXPR_UNKNOWN_FIELD'));
  });

  it('reports static field paths from free roots only', () => {
    expect(okResult('customer.address.city = "Berlin" and count(items) > 0').paths).toEqual(['customer.address.city']);
    expect(okResult('for c in items return c.address.city').paths).toEqual([]);
    expect(okResult('sum(items.price) > 0').paths).toEqual(['items.price']);
  });

  it('lists the built-in functions called', () => {
    expect(okResult('count(items) + sum(items.price) > string length(region)').functions).toEqual([
      'count',
      'string length',
      'sum',
    ]);
  });

  it('explains an unknown field and suggests the closest declared one', () => {
    const result = checkExpression('amout > 10', { knownFields: new Set(['amount', 'region']) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.unknown).toEqual(['amout']);
    expect(result.issues).toEqual([
      {
        code: 'EXPR_UNKNOWN_FIELD',
        message: 'Unknown field "amout"; declared fields: amount, region. Did you mean "amount"?',
        offset: 0,
      },
    ]);
  });

  it('does not report unknown fields when no field list is given', () => {
    const result = checkExpression('whatever > 1');
    expect(result.ok && result.unknown).toEqual([]);
  });

  it('reads the input of unary tests as ?, not as a field', () => {
    const result = okResult('? > limit, "EU"', 'unaryTest');
    expect(result.names).toEqual(['limit']);
    expect(okResult('[1..10], > 100', 'unaryTest').names).toEqual([]);
    expect(okResult('not("EU", "US")', 'unaryTest').names).toEqual([]);
  });
});

describe('checkExpression: rejected expressions', () => {
  const cases: [string, string][] = [
    ['amount >', 'EXPR_SYNTAX'],
    ['', 'EXPR_SYNTAX'],
    ['amount == 10', 'EXPR_SYNTAX'],
    ["region = 'EU'", 'EXPR_SYNTAX'],
    ['now()', 'EXPR_FORBIDDEN'],
    ['today() > deadline', 'EXPR_FORBIDDEN'],
    ['{f: function(x) x + 1}.f(1)', 'EXPR_FORBIDDEN'],
    ['sort(items, function(a, b) external {java: "x"})', 'EXPR_FORBIDDEN'],
    ['customer.__proto__', 'EXPR_FORBIDDEN'],
    ['{constructor: 1}', 'EXPR_FORBIDDEN'],
    ['process.env', 'EXPR_FORBIDDEN'],
    ['cont(items)', 'EXPR_UNKNOWN_FUNCTION'],
    ['matches(region, "(a")', 'EXPR_REGEX'],
    ['matches(region, "(a)\\1")', 'EXPR_REGEX'],
    ['replace(region, "a", "b", "g")', 'EXPR_REGEX'],
    ['for i in 1..1000000000 return i', 'EXPR_LIMIT'],
    ['for i in [0..20000) return i', 'EXPR_LIMIT'],
    ['for i in 1.5..3 return i', 'EXPR_TYPE'],
    ['x instance of Widget', 'EXPR_FORBIDDEN'],
  ];

  it.each(cases)('%s -> %s', (source, code) => {
    expect(errorCodes(source)[0]).toBe(code);
  });

  it('suggests the closest built-in for a misspelled function', () => {
    const result = checkExpression('cont(items) > 0');
    expect(!result.ok && result.error.message).toContain('Did you mean "count"?');
  });

  it('tells how to pass the time instead of calling now()', () => {
    const result = checkExpression('now() > deadline');
    expect(!result.ok && result.error.message).toContain('pass the time as data');
  });

  it('rejects sources over the length limit before parsing', () => {
    const result = checkExpression(`${'1 + '.repeat(2000)}1`);
    expect(!result.ok && result.error.code).toBe('EXPR_TOO_LONG');
  });

  it('rejects nesting over the depth limit', () => {
    const result = checkExpression(`${'('.repeat(200)}1${')'.repeat(200)}`);
    expect(!result.ok && result.error.code).toBe('EXPR_TOO_DEEP');
  });

  it('honours overridden limits', () => {
    const result = checkExpression('amount + 1', { limits: { maxSourceLength: 5 } });
    expect(!result.ok && result.error.code).toBe('EXPR_TOO_LONG');
  });

  it('collects several forbidden constructs at once', () => {
    const result = checkExpression('now() > x.constructor and process = 1');
    expect(!result.ok && result.errors.map((error) => error.code)).toEqual([
      'EXPR_FORBIDDEN',
      'EXPR_FORBIDDEN',
      'EXPR_FORBIDDEN',
    ]);
  });

  it('gives the offset of a syntax error and a hint', () => {
    const result = checkExpression('amount && region');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.offset).toBe(7);
    expect(result.error.message).toContain('and');
  });

  it('never throws on non-string input', () => {
    expect(checkExpression(42 as unknown as string).ok).toBe(false);
    expect(checkExpression(null as unknown as string).ok).toBe(false);
    expect(checkExpression('a', null as unknown as undefined).ok).toBe(true);
  });
});
