import type { Edge, ProcessDefinition, ProcessNode } from '@baton/definition';
import {
  compileProcess,
  step,
  type Command,
  type CompiledProcess,
  type Directory,
  type Effect,
  type HistoryEvent,
  type InstanceSnapshot,
  type StepResult,
  type TaskState,
} from '../src/index.ts';

/** Builds a definition from nodes and edges written as `a->b` strings or edge objects. */
export function definition(
  nodes: ProcessNode[],
  edges: (string | Edge)[],
  extra: Partial<ProcessDefinition> = {},
): ProcessDefinition {
  return {
    schemaVersion: 1,
    key: 'test',
    name: { en: 'Test', 'zh-CN': '测试' },
    nodes,
    edges: edges.map((e, i) => {
      if (typeof e !== 'string') return e;
      const [from, to] = e.split('->') as [string, string];
      return { id: `e${i}_${from}_${to}`, from, to };
    }),
    ...extra,
  };
}

/** Parses an ISO local date-time in Asia/Shanghai (UTC+8, no DST) to epoch ms. */
export function cst(text: string): number {
  return Date.parse(`${text}+08:00`);
}

/**
 * Drives one instance through `step` with a simulated clock: every command is checked to be
 * accepted, the snapshot is round-tripped through JSON after each step, and timers are kept
 * in a queue that `advanceTo` fires in due order.
 */
export class Driver {
  readonly process: CompiledProcess;
  snapshot: InstanceSnapshot | null = null;
  now: number;
  effects: Effect[] = [];
  all: Effect[] = [];
  timers = new Map<string, number>();
  directory: Directory | undefined;

  constructor(def: ProcessDefinition, now = cst('2025-03-03T09:00:00'), directory?: Directory) {
    this.process = compileProcess(def);
    this.now = now;
    this.directory = directory;
  }

  send(command: Command): StepResult {
    const result = step(this.process, this.snapshot, command, {
      now: this.now,
      ...(this.directory ? { directory: this.directory } : {}),
    });
    if (result.ok) {
      // Every snapshot must survive JSON; continue from the parsed copy to prove it.
      this.snapshot = JSON.parse(JSON.stringify(result.snapshot)) as InstanceSnapshot;
      this.effects = result.effects;
      this.all.push(...result.effects);
      for (const e of result.effects) {
        if (e.type === 'timer.scheduled') this.timers.set(e.timer.id, e.timer.dueAt);
        if (e.type === 'timer.cancelled') this.timers.delete(e.timer);
        if (e.type === 'assignment.advanced' && this.directory)
          this.directory.cursors = { ...this.directory.cursors, [e.key]: e.cursor };
      }
    }
    return result;
  }

  ok(command: Command): Effect[] {
    const r = this.send(command);
    if (!r.ok) throw new Error(`command ${command.type} rejected: ${r.error.code} ${r.error.message}`);
    return r.effects;
  }

  start(data: Record<string, unknown> = {}, initiator = 'rep1', businessKey: string | null = null): this {
    this.ok({ type: 'start', data, initiator, businessKey });
    return this;
  }

  /** Fires, in due order, every timer due at or before `t`, then sets the clock to `t`. */
  advanceTo(t: number): void {
    for (;;) {
      const due = [...this.timers].filter(([, at]) => at <= t).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0];
      if (!due) break;
      this.now = Math.max(this.now, due[1]);
      this.timers.delete(due[0]);
      this.ok({ type: 'fireTimer', timer: due[0] });
    }
    this.now = t;
  }

  get snap(): InstanceSnapshot {
    if (!this.snapshot) throw new Error('not started');
    return this.snapshot;
  }

  openTasks(): TaskState[] {
    return Object.values(this.snap.tasks).filter((t) => t.status === 'open' || t.status === 'claimed');
  }

  task(node: string): TaskState {
    const t = this.openTasks().find((x) => x.node === node);
    if (!t)
      throw new Error(
        `no open task at ${node}; open: ${this.openTasks()
          .map((x) => x.node)
          .join(', ')}`,
      );
    return t;
  }

  complete(node: string, output: Record<string, unknown> = {}, actor?: string): Effect[] {
    const t = this.task(node);
    // A named actor completes as a candidate of the task (holding its roles and teams).
    const who = actor
      ? { id: actor, roles: t.candidates.roles, teams: t.candidates.teams }
      : { id: t.assignee ?? 'admin', privileged: !t.assignee };
    return this.ok({ type: 'complete', task: t.id, actor: who, output });
  }

  waitingAt(): string[] {
    return this.snap.tokens.map((t) => t.node).sort();
  }

  history(): HistoryEvent[] {
    return this.all.flatMap((e) => (e.type === 'history' ? [e.event] : []));
  }
}

export const user = (id: string, roles: string[], teams: string[], extra: Partial<Directory['users'][string]> = {}) =>
  [id, { roles, teams, ...extra }] as const;
