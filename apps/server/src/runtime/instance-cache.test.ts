import { describe, expect, it } from 'vitest';
import type { InstanceRow } from '../db/schema.ts';
import { InstanceCache } from './instance-cache.ts';

const row = (id: string, rev = 1) => ({ id, rev }) as InstanceRow;

describe('InstanceCache', () => {
  it('finds a committed row by instance id and by the id of one of its tasks, with the task key', () => {
    const cache = new InstanceCache();
    cache.put(
      row('a', 3),
      new Map([
        ['k1', 11],
        ['k2', 12],
      ]),
    );
    expect(cache.get({ instanceId: 'a' })).toEqual({ row: row('a', 3), taskKey: undefined });
    expect(cache.get({ taskId: 12 })).toEqual({ row: row('a', 3), taskKey: 'k2' });
    expect(cache.get({ taskId: 99 })).toBeUndefined();
    cache.put(row('a', 4));
    expect(cache.get({ taskId: 11 })?.row.rev).toBe(4);
    cache.delete('a');
    expect(cache.get({ instanceId: 'a' })).toBeUndefined();
    expect(cache.get({ taskId: 11 })).toBeUndefined();
  });

  it('forgets the least recently stored rows beyond its capacity', () => {
    const cache = new InstanceCache(2);
    cache.put(row('a'));
    cache.put(row('b'));
    cache.put(row('a', 2));
    cache.put(row('c'));
    expect(cache.get({ instanceId: 'b' })).toBeUndefined();
    expect(cache.get({ instanceId: 'a' })?.row.rev).toBe(2);
    expect(cache.get({ instanceId: 'c' })).toBeDefined();
  });
});
