import { describe, expect, it } from 'vitest';
import { WriteBatcher } from './write-batcher.ts';
import type { StepWrite, StepWritten } from './write-step.ts';

const step = (instanceId: string) => ({ instanceId }) as StepWrite;
const written = (rev: number) => ({ rev }) as StepWritten;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A writer whose statements finish when the test says so; records each statement's instances. */
function controlledWriter() {
  const statements: Array<{ ids: string[]; finish(): void; fail(error: Error): void }> = [];
  const writeMany = (steps: StepWrite[]) =>
    new Promise<Array<StepWritten | undefined>>((resolve, reject) => {
      statements.push({
        ids: steps.map((s) => s.instanceId),
        finish: () => resolve(steps.map((s, i) => (s.instanceId.startsWith('lost') ? undefined : written(i + 1)))),
        fail: reject,
      });
    });
  return { statements, writeMany };
}

describe('WriteBatcher (group commit)', () => {
  it('sends a lone write at once, and what queues behind a busy slot as one statement, one step per instance', async () => {
    const w = controlledWriter();
    const batcher = new WriteBatcher(w.writeMany, 1);
    const first = batcher.write(step('a'));
    await tick();
    expect(w.statements.map((s) => s.ids)).toEqual([['a']]);
    const queued = [
      batcher.write(step('b')),
      batcher.write(step('c')),
      batcher.write(step('b')),
      batcher.write(step('lost-d')),
    ];
    await tick();
    expect(w.statements).toHaveLength(1);
    w.statements[0]!.finish();
    expect(await first).toEqual(written(1));
    await tick();
    // The second write for "b" waits for the first one's statement.
    expect(w.statements.map((s) => s.ids)).toEqual([['a'], ['b', 'c', 'lost-d']]);
    w.statements[1]!.finish();
    await tick();
    expect(w.statements.map((s) => s.ids)).toEqual([['a'], ['b', 'c', 'lost-d'], ['b']]);
    w.statements[2]!.finish();
    const results = await Promise.all(queued);
    expect(results).toEqual([written(1), written(2), written(1), undefined]);
  });

  it('retries a failed batch one step at a time, so only the step that fails gets the error', async () => {
    const calls: string[][] = [];
    const batcher = new WriteBatcher(async (steps) => {
      calls.push(steps.map((s) => s.instanceId));
      if (steps.some((s) => s.instanceId === 'bad')) throw new Error('constraint');
      return steps.map(() => written(7));
    }, 1);
    const hold = batcher.write(step('x'));
    const [ok, bad] = [batcher.write(step('ok')), batcher.write(step('bad'))];
    await hold;
    await expect(ok).resolves.toEqual(written(7));
    await expect(bad).rejects.toThrow('constraint');
    expect(calls).toEqual([['x'], ['ok', 'bad'], ['ok'], ['bad']]);
  });
});
