import type { StepWrite, StepWritten } from './write-step.ts';

/** Writes a batch of steps of different instances as one statement (see `writeSteps`). */
export type BatchWriter = (steps: StepWrite[]) => Promise<Array<StepWritten | undefined>>;

interface Pending {
  step: StepWrite;
  resolve(written: StepWritten | undefined): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the run loop's writes outside transactions. A write goes out at once while
 * fewer than `maxInFlight` write statements are running; beyond that, writes wait and the next
 * free slot takes all that waited (at most `maxBatch`, one per instance) as ONE statement and
 * one commit. So a lone command pays nothing, and under load the database sees fewer, larger
 * statements. Each step keeps its own rev guard, so one losing its race does not affect the
 * others. If a batch statement fails, its steps are written one by one, so only the step that
 * caused the error fails.
 */
export class WriteBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly writeMany: BatchWriter,
    private readonly maxInFlight: number,
    private readonly maxBatch = 32,
  ) {}

  /** Writes one step; resolves once its statement has committed (undefined: its rev guard failed). */
  write(step: StepWrite): Promise<StepWritten | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ step, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const instances = new Set<string>();
      for (const pending of this.queue) {
        // One step per instance per statement: a second one waits for the first's outcome.
        if (batch.length < this.maxBatch && !instances.has(pending.step.instanceId)) {
          batch.push(pending);
          instances.add(pending.step.instanceId);
        } else rest.push(pending);
      }
      this.queue = rest;
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const written = await this.writeMany(batch.map((p) => p.step));
      batch.forEach((p, i) => p.resolve(written[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Find the culprit: each step alone.
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve((await this.writeMany([p.step]))[0]);
          } catch (single) {
            p.reject(single);
          }
        }),
      );
    }
  }
}
