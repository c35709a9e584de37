import { evaluate as feelinEvaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateExpression, toFeelContext, type FeelValue } from './index.ts';

function valueOf(source: string, data: unknown = {}): FeelValue {
  const result = evaluateExpression(source, data);
  if (!result.ok) throw new Error(`${source}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

const deal = {
  amount: 1500,
  region: 'EU',
  customer: { name: 'Acme', address: { city: 'Berlin' }, tier: 'gold' },
  items: [
    { sku: 'A', price: 10, qty: 2, tags: ['new'] },
    { sku: 'B', price: 25, qty: 1, tags: [] },
    { sku: 'C', price: 5, qty: 10, tags: ['sale', 'new'] },
  ],
  'order total': 95,
  signed: '2024-03-01',
};

describe('evaluateExpression: FEEL semantics survive the guards', () => {
  const cases: [string, FeelValue][] = [
    ['amount > 1000 and region = "EU"', true],
    ['customer.address.city', 'Berlin'],
    ['order total + 5', 100],
    ['sum(for i in items return i.price * i.qty)', 95],
    ['items[price > 8].sku', ['A', 'B']],
    ['items[item.qty >= 10].sku', ['C']],
    ['items[1].sku', 'A'],
    ['items[-1].sku', 'C'],
    ['count(items[list contains(item.tags, "new") = true])', 2],
    ['count(items[list contains(tags, "new")])', 2], // a boolean filter is a test (feelin read it as an index)
    ['some i in items satisfies i.price > 20', true],
    ['every i in items satisfies i.price > 20', false],
    ['for i in 1..3 return i * 2', [2, 4, 6]],
    ['for i in 3..1 return i', [3, 2, 1]],
    ['for i in [1..3) return i', [1, 2]],
    ['for c in "a".."d" return c', null], // FEEL iterates ranges of integers and dates only
    ['for i in 1..4 return if i = 1 then 1 else partial[-1] * 2', [1, 2, 4, 8]],
    ['for a in [1, 2], b in [10, 20] return a + b', [11, 21, 12, 22]],
    ['{base: amount, vat: base * 0.2}.vat', 300],
    ['if customer.tier = "gold" then amount * 0.9 else amount', 1350],
    ['string length(customer.name) + 1', 5],
    ['upper case(region) + "-" + customer.name', 'EU-Acme'],
    ['sort(items, function(a, b) a.price < b.price).sku', ['C', 'A', 'B']],
    ['sort(items, function(a, b) a.qty > b.qty)[1].sku', 'C'],
    ['date(signed) + duration("P30D")', '2024-03-31'],
    ['date and time("2024-03-01T10:00:00") + duration("PT2H")', '2024-03-01T12:00:00'],
    ['duration("P1D") * 2', 'P2D'],
    ['date(signed) + 3 * duration("P1D")', '2024-03-04'],
    ['date(signed) + duration("PT36H")', '2024-03-02'],
    ['-duration("P1D")', '-P1D'],
    ['duration("P10D") / duration("P5D")', 2],
    ['matches(customer.name, "^ac", "i")', true],
    ['replace("+49 (0) 30-123", "[^0-9]", "")', '49030123'],
    ['replace("2024-03-01", "(\\d+)-(\\d+)-(\\d+)", "$3.$2.$1")', '01.03.2024'],
    ['split("a, b,c", ",\\s*")', ['a', 'b', 'c']],
    ['amount in [1000..2000]', true],
    ['region in ("EU", "US")', true],
    ['amount between 1000 and 2000', true],
    ['customer instance of context', true],
    ['get value(customer, "tier")', 'gold'],
    ['context put(customer, "tier", "silver").tier', 'silver'],
    ['distinct values([1, 2, 2, 3])', [1, 2, 3]],
    ['{a: [1, {b: "x"}]}', { a: [1, { b: 'x' }] }],
    ['missing', null],
    ['null', null],
  ];

  it.each(cases)('%s = %j', (source, expected) => {
    expect(valueOf(source, deal)).toEqual(expected);
  });

  it('agrees with plain feelin where feelin follows the standard (numbers that are exact in binary)', () => {
    const differs = ['list contains(tags', '"a".."d"', 'date', 'duration', 'sort(items'];
    for (const [source] of cases) {
      if (differs.some((d) => source.includes(d))) continue;
      const plain = feelinEvaluate(source, JSON.parse(JSON.stringify(deal)) as Record<string, unknown>).value;
      expect(valueOf(source, deal), source).toEqual(JSON.parse(JSON.stringify(plain ?? null)));
    }
  });

  it('says why an operator gave null (a type mismatch a gateway would otherwise route silently)', () => {
    const compared = evaluateExpression('amount > "1000"', deal);
    expect(compared).toMatchObject({ ok: true, value: null });
    expect(compared.ok && compared.warnings).toEqual([
      { code: 'INVALID_TYPE', message: "Can't compare number and string with '>'; the result is null", offset: 7 },
    ]);
    const divided = evaluateExpression('amount / 0', deal);
    expect(divided.ok && divided.warnings.map((w) => w.code)).toEqual(['INVALID_ARGUMENTS']);
  });

  it('returns a warning with the source offset for a missing variable', () => {
    const result = evaluateExpression('amount + missing', deal);
    expect(result.ok && result.warnings[0]).toEqual({
      code: 'NO_VARIABLE_FOUND',
      message: "Variable 'missing' not found",
      offset: 9,
    });
  });

  it('evaluates unary tests against an input', () => {
    expect(evaluateExpression('> 1000, "x"', deal, { kind: 'unaryTest', input: 1500 })).toMatchObject({
      ok: true,
      value: true,
    });
    expect(evaluateExpression('[1..10], > limit', { limit: 100 }, { kind: 'unaryTest', input: 50 })).toMatchObject({
      ok: true,
      value: false,
    });
    expect(evaluateExpression('not("EU", "US")', {}, { kind: 'unaryTest', input: 'APAC' })).toMatchObject({
      ok: true,
      value: true,
    });
    expect(evaluateExpression('-', {}, { kind: 'unaryTest', input: 'anything' })).toMatchObject({
      ok: true,
      value: true,
    });
    expect(evaluateExpression('? > amount', deal, { kind: 'unaryTest', input: 2000 })).toMatchObject({
      ok: true,
      value: true,
    });
  });

  it('accepts a prepared FeelContext and returns the same results', () => {
    const prepared = toFeelContext(deal);
    if (!prepared.ok) throw new Error(prepared.error.message);
    expect(valueOf('sum(items.price) + amount', prepared.context)).toBe(1540);
    expect(valueOf('sum(items.price) + amount', prepared.context)).toBe(1540);
  });

  it('converts the result to plain JSON data', () => {
    const result = valueOf('{when: date("2024-03-01"), span: duration("PT1H"), at: time("10:00:00")}');
    expect(result).toEqual({ when: '2024-03-01', span: 'PT1H', at: '10:00:00' });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('rejects results that are not data', () => {
    expect(evaluateExpression('[1..10]', {})).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
    expect(evaluateExpression('{f: count}.f', { count: 3 })).toMatchObject({ ok: true, value: 3 });
    expect(evaluateExpression('10 ** 1000', {})).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
  });

  it('does not let data keys change how the expression parses', () => {
    // feelin alone would read `a and b` as the field "a and b" here.
    expect(valueOf('a and b', { 'a and b': 'X', a: true, b: false })).toBe(false);
    expect(feelinEvaluate('a and b', { 'a and b': 'X', a: true, b: false }).value).toBe('X');
  });

  it('never reads the clock: now is data', () => {
    expect(valueOf('date and time(now) > date and time("2024-01-01T00:00:00")', { now: '2024-06-01T00:00:00' })).toBe(
      true,
    );
    expect(valueOf('now', {})).toBeNull();
  });
});

describe('evaluateCondition', () => {
  it('returns the boolean', () => {
    expect(evaluateCondition('amount > 1000', deal)).toEqual({ ok: true, value: true, warnings: [] });
    expect(evaluateCondition('amount > 5000', deal)).toEqual({ ok: true, value: false, warnings: [] });
  });

  it('treats null as not met, with a warning', () => {
    const result = evaluateCondition('missing > 1', deal);
    expect(result.ok && result.value).toBe(false);
    expect(result.ok && result.warnings.map((warning) => warning.code)).toEqual([
      'NO_VARIABLE_FOUND',
      'NULL_CONDITION',
    ]);
  });

  it('rejects a non-boolean result as a modelling mistake', () => {
    const result = evaluateCondition('amount', deal);
    expect(result).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
    expect(!result.ok && result.error.message).toContain('amount > 0');
  });

  it('passes errors through', () => {
    expect(evaluateCondition('now() > 1', {})).toMatchObject({ ok: false, error: { code: 'EXPR_FORBIDDEN' } });
  });
});
