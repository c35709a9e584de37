import { describe, expect, it } from 'vitest';
import { editDistance, suggestClosest } from './index.ts';

describe('editDistance', () => {
  it.each([
    ['amount', 'amount', 0],
    ['amout', 'amount', 1],
    ['amuont', 'amount', 1],
    ['region', 'regoin', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ] as const)('%s -> %s = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('stays bounded on long strings', () => {
    expect(editDistance('a'.repeat(100_000), 'b'.repeat(100_000))).toBe(64);
  });
});

describe('suggestClosest', () => {
  const fields = ['amount', 'region', 'customer', 'order total', 'approved'];

  it.each([
    ['amout', 'amount'],
    ['Amount', 'amount'],
    ['regoin', 'region'],
    ['custmer', 'customer'],
    ['order totl', 'order total'],
    ['aproved', 'approved'],
  ])('suggests %s -> %s', (name, expected) => {
    expect(suggestClosest(name, fields)).toBe(expected);
  });

  it('suggests nothing when no candidate is close', () => {
    expect(suggestClosest('zzz', fields)).toBeUndefined();
    expect(suggestClosest('x', ['y', 'z'])).toBeUndefined();
    expect(suggestClosest('amount', [])).toBeUndefined();
  });

  it('accepts any iterable', () => {
    expect(suggestClosest('amout', new Set(fields))).toBe('amount');
  });
});
