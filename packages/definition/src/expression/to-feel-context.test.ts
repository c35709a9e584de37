import { describe, expect, it } from 'vitest';
import { evaluateExpression, isFeelContext, toFeelContext } from './index.ts';

describe('toFeelContext', () => {
  it('copies JSON data into frozen null-prototype objects', () => {
    const data = { amount: 10, customer: { name: 'Acme', tags: ['a', 'b'] }, ok: true, none: null };
    const result = toFeelContext(data);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const context = result.context as unknown as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(context))).toEqual(data);
    expect(Object.getPrototypeOf(context)).toBeNull();
    expect(Object.getPrototypeOf(context.customer)).toBeNull();
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen((context.customer as Record<string, unknown>).tags)).toBe(true);
    expect(context.customer).not.toBe(data.customer);
    expect(isFeelContext(context)).toBe(true);
    expect(isFeelContext(data)).toBe(false);
  });

  it('drops what is not JSON data and never invokes getters', () => {
    let calls = 0;
    const data = {
      fn: () => 1,
      sym: Symbol('x'),
      big: 1n,
      undef: undefined,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      negativeZero: -0,
      when: new Date('2024-01-02T03:04:05Z'),
      invalidDate: new Date('nope'),
      map: new Map(),
      instance: new (class Thing {
        x = 1;
      })(),
      get secret(): string {
        calls++;
        return 'x';
      },
      list: [() => 1, undefined, 1],
      constructor: { prototype: { polluted: true } },
      ['__proto__']: { polluted: true },
      prototype: 1,
    };
    Object.defineProperty(data, '__proto__', { value: { polluted: true }, enumerable: true });
    const result = toFeelContext(data);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.parse(JSON.stringify(result.context))).toEqual({
      nan: null,
      inf: null,
      negativeZero: 0,
      when: '2024-01-02T03:04:05.000Z',
      list: [null, null, 1],
    });
    expect(calls).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats null and undefined as an empty context', () => {
    for (const data of [null, undefined]) {
      const result = toFeelContext(data);
      expect(result.ok && Object.keys(result.context)).toEqual([]);
    }
  });

  it('rejects data that is not an object', () => {
    for (const data of [1, 'x', [1], true]) {
      expect(toFeelContext(data)).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
    }
    expect(toFeelContext(new Map())).toMatchObject({ ok: false, error: { code: 'EXPR_TYPE' } });
  });

  it('enforces the depth, size, string and key limits with EXPR_LIMIT', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { deep };
    expect(toFeelContext({ deep })).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
    expect(toFeelContext({ list: new Array(200_000).fill(0) })).toMatchObject({
      ok: false,
      error: { code: 'EXPR_LIMIT' },
    });
    expect(toFeelContext({ s: 'x'.repeat(2 * 1024 * 1024) })).toMatchObject({
      ok: false,
      error: { code: 'EXPR_LIMIT' },
    });
    expect(toFeelContext({ o: { ['k'.repeat(300)]: 1 } })).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toFeelContext(cyclic)).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
  });

  it('honours overridden limits', () => {
    expect(toFeelContext({ a: [1, 2, 3] }, { maxDataNodes: 3 })).toMatchObject({
      ok: false,
      error: { code: 'EXPR_LIMIT' },
    });
    expect(toFeelContext({ a: [1, 2, 3] }, { maxDataNodes: 5 }).ok).toBe(true);
  });

  it('is idempotent on its own output', () => {
    const first = toFeelContext({ a: 1 });
    if (!first.ok) throw new Error(first.error.message);
    const second = toFeelContext(first.context);
    expect(second.ok && second.context).toBe(first.context);
  });

  it('lets evaluation copy only the fields an expression reads', () => {
    // The unread field breaks every limit, yet the expression evaluates.
    const huge = { a: 2, unread: { list: new Array(500_000).fill('x'.repeat(10)) } };
    expect(evaluateExpression('a * 2', huge)).toMatchObject({ ok: true, value: 4 });
    expect(evaluateExpression('count(unread.list)', huge)).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
  });
});
