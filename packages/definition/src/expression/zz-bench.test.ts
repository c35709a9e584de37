import { it } from 'vitest';
import { evaluateExpression } from './index.ts';
it('bench', () => {
  const items = Array.from({ length: 5000 }, (_, i) => ({ price: i, name: 'n' + i, tags: ['a', 'b'] }));
  const cases: [string, unknown][] = [
    ['count(for i in 1..10000 return "xxxxxxxxxx")', {}],
    ['count(for i in 1..10000 return i)', {}],
    ['sum(for x in items return x.price)', { items }],
    ['count(items[price > 10])', { items }],
    ['count(items[item.price > 10])', { items }],
    ['some x in items satisfies x.price < 0', { items }],
    ['count(for a in 1..1000, b in 1..1000 return 1)', {}],
    ['count(items.price)', { items }],
    ['string join(for i in 1..10000 return "xxxxxxxxxx")', {}],
    ['amount > 10 and region = "EU"', { amount: 20, region: 'EU' }],
  ];
  for (let k = 0; k < 3; k++) for (const [s, d] of cases) {
    const t0 = performance.now(); const r = evaluateExpression(s, d); const t = performance.now() - t0;
    if (k === 2) console.log(s.padEnd(55), t.toFixed(1).padStart(7), JSON.stringify(r).slice(0, 90));
  }
});
