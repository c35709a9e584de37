import { describe, expect, it } from 'vitest';
import { notifyPayloadLimit, packPairs } from './replica-fan-out.ts';

describe('packPairs', () => {
  const origin = 'a1b2c3d4e5f6';
  const pair = (n: number, pad = 0) =>
    JSON.stringify([{ type: 'probe', n, pad: 'é'.repeat(pad) }, { users: ['rep1'] }]);
  /** The payload the fan-out sends for an inline part (see `send`). */
  const payload = (pairs: string[], seq: number) => `{"o":"${origin}","s":${seq},"m":[${pairs.join(',')}]}`;

  it('keeps the order, fills payloads up to the limit in bytes (not characters), and never exceeds it', () => {
    const pairs = Array.from({ length: 300 }, (_, i) => pair(i, 50));
    const parts = packPairs(pairs, { origin, maxSeq: 999 });
    expect(parts.every((p) => p.kind === 'inline')).toBe(true);
    const flat = parts.flatMap((p) => (p.kind === 'inline' ? p.pairs : []));
    expect(flat).toEqual(pairs);
    for (const p of parts)
      if (p.kind === 'inline') expect(Buffer.byteLength(payload(p.pairs, 999))).toBeLessThanOrEqual(notifyPayloadLimit);
    // Full payloads: the next pair would not have fitted.
    const first = parts[0]!;
    if (first.kind !== 'inline') throw new Error('expected an inline part');
    expect(Buffer.byteLength(payload([...first.pairs, pairs[first.pairs.length]!], 999))).toBeGreaterThan(
      notifyPayloadLimit,
    );
  });

  it('sends a pair too large for any payload through the relay table, in its place', () => {
    const huge = pair(2, notifyPayloadLimit);
    expect(packPairs([pair(1), huge, pair(3)], { origin, maxSeq: 9 })).toEqual([
      { kind: 'inline', pairs: [pair(1)] },
      { kind: 'relay', pair: huge },
      { kind: 'inline', pairs: [pair(3)] },
    ]);
  });

  it('a pair that fits exactly is sent inline', () => {
    const overhead = Buffer.byteLength(payload([], 9));
    const base = Buffer.byteLength(pair(1));
    const exact = JSON.stringify([
      { type: 'probe', n: 1, pad: 'x'.repeat(notifyPayloadLimit - overhead - base) },
      { users: ['rep1'] },
    ]);
    expect(Buffer.byteLength(payload([exact], 9))).toBe(notifyPayloadLimit);
    expect(packPairs([exact], { origin, maxSeq: 9 })).toEqual([{ kind: 'inline', pairs: [exact] }]);
  });
});
