import type { ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { compileProcess, migrateInstance, proposeMapping, step } from '../src/index.ts';
import { Driver, cst, definition } from './driver.ts';

const task = (id: string, extra: Partial<ProcessNode> = {}): ProcessNode =>
  ({ id, type: 'userTask', owner: { type: 'role', role: 'sales-rep' }, ...extra }) as ProcessNode;
const start: ProcessNode = { id: 'start', type: 'start' };
const end: ProcessNode = { id: 'end', type: 'end' };

// v1: start → qualify → review → end. v2 renames review to check (deadline P1D in working time,
// Mainland China calendar) and adds a timer after it.
const v1 = definition(
  [start, task('qualify'), task('review', { deadline: { duration: 'PT4H', time: 'clock' } }), end],
  ['start->qualify', 'qualify->review', 'review->end'],
);
const v2 = definition(
  [
    start,
    task('qualify', { deadline: { duration: 'PT2H', calendar: 'cn-mainland' } }),
    task('check', { deadline: { duration: 'P1D', calendar: 'cn-mainland' } }),
    { id: 'wait', type: 'timer', timer: { duration: 'PT1H' } },
    end,
  ],
  ['start->qualify', 'qualify->check', 'check->wait', 'wait->end'],
);
const p1 = compileProcess(v1);
const p2 = compileProcess(v2);

function at(node: 'qualify' | 'review', now = cst('2025-09-30T10:00:00')): Driver {
  const d = new Driver(v1, now).start({}, 'rep1', 'BK-1');
  if (node === 'review') {
    d.now = cst('2025-09-30T11:00:00');
    d.complete('qualify');
  }
  return d;
}

describe('proposeMapping', () => {
  it('maps nodes with the same id and kind, and leaves the others for the user with their candidates', () => {
    const rows = proposeMapping(p1, p2);
    expect(rows).toEqual([
      { source: 'qualify', sourceType: 'userTask', target: 'qualify', candidates: ['qualify', 'check'] },
      { source: 'review', sourceType: 'userTask', target: null, candidates: ['qualify', 'check'] },
    ]);
  });

  it('does not map a node with the same id when its kind changed', () => {
    const v3 = definition(
      [start, { id: 'qualify', type: 'timer', timer: { duration: 'PT1H' } }, end],
      ['start->qualify', 'qualify->end'],
    );
    const row = proposeMapping(p1, compileProcess(v3)).find((r) => r.source === 'qualify');
    expect(row).toMatchObject({ target: null, candidates: [] });
  });
});

describe('migrateInstance', () => {
  it('moves a task to the mapped node, keeps its assignee, and recomputes the deadline from when the step began', () => {
    const d = at('review');
    const before = d.task('review');
    const now = cst('2025-09-30T15:00:00');
    const r = migrateInstance(p1, p2, d.snap, { review: 'check' }, { now, actor: 'ops', fromVersion: 1, toVersion: 2 });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const moved = r.snapshot.tasks[before.id]!;
    expect(moved).toMatchObject({ node: 'check', assignee: before.assignee, status: 'open' });
    // P1D working time in cn-mainland from Tue 2025-09-30 11:00: the National Day holiday
    // (Oct 1–8) is skipped, so one working day later is Thursday Oct 9, 11:00 (Oct 11, a
    // Saturday, is a make-up workday but comes later).
    expect(new Date(moved.dueAt!).toISOString()).toBe(new Date(cst('2025-10-09T11:00:00')).toISOString());
    expect(r.snapshot.tokens.map((t) => t.node)).toEqual(['check']);
    expect(Object.values(r.snapshot.timers)).toEqual([
      { id: `${moved.token}:due`, kind: 'deadline', token: moved.token, dueAt: moved.dueAt },
    ]);
    expect(r.effects).toContainEqual({ type: 'timer.cancelled', timer: `${moved.token}:due` });
    expect(r.effects.filter((e) => e.type === 'task.updated')).toHaveLength(1);
    const history = r.effects.flatMap((e) => (e.type === 'history' ? [e.event] : []));
    expect(history.map((h) => [h.type, h.data?.from, h.data?.to])).toEqual([
      ['token.migrated', 'review', 'check'],
      ['instance.migrated', undefined, undefined],
    ]);
    expect(history[0]).toMatchObject({ actor: 'ops', at: now, data: { fromVersion: 1, toVersion: 2 } });
    // The input is left as it was, and the result is plain JSON.
    expect(d.snap.tasks[before.id]!.node).toBe('review');
    expect(JSON.parse(JSON.stringify(r.snapshot))).toEqual(r.snapshot);
  });

  it('lets the migrated instance run on: completing the task follows the target version to its new timer', () => {
    const d = at('review');
    const r = migrateInstance(p1, p2, d.snap, { review: 'check' }, { now: cst('2025-09-30T12:00:00') });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const id = Object.values(r.snapshot.tasks).find((t) => t.node === 'check')!.id;
    const next = step(
      p2,
      r.snapshot,
      { type: 'complete', task: id, actor: { id: 'x', privileged: true } },
      {
        now: cst('2025-09-30T13:00:00'),
      },
    );
    if (!next.ok) throw new Error(next.error.message);
    expect(next.snapshot.tokens.map((t) => t.node)).toEqual(['wait']);
  });

  it('maps a node with the same id without being told, and gives it the deadline the target adds', () => {
    const d = at('qualify');
    const r = migrateInstance(p1, p2, d.snap, {}, { now: cst('2025-09-30T10:30:00') });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const t = Object.values(r.snapshot.tasks)[0]!;
    expect(t.node).toBe('qualify');
    expect(t.dueAt).toBe(cst('2025-09-30T12:00:00'));
    expect(r.effects.some((e) => e.type === 'timer.scheduled' && e.timer.dueAt === cst('2025-09-30T12:00:00'))).toBe(
      true,
    );
  });

  it('refuses an instance on a node the target lacks and the mapping leaves out, saying which node', () => {
    const d = at('review');
    const r = migrateInstance(p1, p2, d.snap, {}, { now: cst('2025-09-30T12:00:00') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ code: 'ENG_MIGRATION_UNMAPPED', node: 'review' })]);
  });

  it('refuses a mapping to a node of another kind and to a node that does not exist', () => {
    const d = at('review');
    const wrongKind = migrateInstance(p1, p2, d.snap, { review: 'wait' }, { now: d.now });
    const missing = migrateInstance(p1, p2, d.snap, { review: 'nowhere' }, { now: d.now });
    expect(!wrongKind.ok && wrongKind.problems[0]).toMatchObject({
      code: 'ENG_MIGRATION_INCOMPATIBLE',
      target: 'wait',
    });
    expect(!missing.ok && missing.problems[0]).toMatchObject({
      code: 'ENG_MIGRATION_UNKNOWN_TARGET',
      target: 'nowhere',
    });
  });

  it("refuses data the target's schema does not accept, naming the path", () => {
    const d = at('qualify');
    const r = migrateInstance(
      p1,
      p2,
      d.snap,
      {},
      {
        now: d.now,
        validateData: () => [{ path: '/data/amount', message: 'must be a number' }],
      },
    );
    expect(!r.ok && r.problems).toEqual([
      expect.objectContaining({ code: 'ENG_MIGRATION_DATA_INVALID', path: '/data/amount' }),
    ]);
  });

  it('refuses an ended instance', () => {
    const d = at('qualify');
    const ended = { ...d.snap, status: 'completed' as const };
    const r = migrateInstance(p1, p2, ended, {}, { now: d.now });
    expect(!r.ok && r.problems[0]!.code).toBe('ENG_INSTANCE_ENDED');
  });

  it('refuses a 会签 step under way when the target step has a different signer policy, and moves it when the policy matches', () => {
    const signers = (policy: 'all' | 'any') => ({ from: [{ type: 'users', users: ['a', 'b'] }], policy });
    const s1 = definition(
      [start, task('sign', { signers: signers('all') } as Partial<ProcessNode>), end],
      ['start->sign', 'sign->end'],
    );
    const sAny = compileProcess(
      definition(
        [start, task('sign', { signers: signers('any') } as Partial<ProcessNode>), end],
        ['start->sign', 'sign->end'],
      ),
    );
    const sAll = compileProcess(
      definition(
        [
          start,
          task('approve', {
            signers: signers('all'),
            deadline: { duration: 'PT3H', time: 'clock' },
          } as Partial<ProcessNode>),
          end,
        ],
        ['start->approve', 'approve->end'],
      ),
    );
    const d = new Driver(s1).start();
    const refused = migrateInstance(d.process, sAny, d.snap, {}, { now: d.now });
    // The shapes differ (all vs any): the kind check already refuses it.
    expect(!refused.ok && refused.problems[0]!.code).toBe('ENG_MIGRATION_INCOMPATIBLE');
    const moved = migrateInstance(d.process, sAll, d.snap, { sign: 'approve' }, { now: d.now });
    if (!moved.ok) throw new Error(JSON.stringify(moved.problems));
    const open = Object.values(moved.snapshot.tasks).filter((t) => t.status === 'claimed');
    expect(open.map((t) => [t.node, t.dueAt])).toEqual([
      ['approve', d.now + 3 * 3_600_000],
      ['approve', d.now + 3 * 3_600_000],
    ]);
    expect(Object.values(moved.snapshot.groups!)[0]!.node).toBe('approve');
  });

  it('does not fire again a deadline that already fired at the source', () => {
    const d = at('review');
    d.advanceTo(cst('2025-09-30T18:00:00')); // PT4H working from 11:00 (lunch 12–13): due 16:00, fired.
    expect(Object.keys(d.snap.timers)).toEqual([]);
    const r = migrateInstance(p1, p2, d.snap, { review: 'check' }, { now: d.now });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(Object.keys(r.snapshot.timers)).toEqual([]);
    expect(Object.values(r.snapshot.tasks).find((t) => t.status === 'open')!.dueAt).toBe(cst('2025-10-09T11:00:00'));
  });

  it('recomputes a waiting timer from when the token arrived', () => {
    const t1 = definition(
      [start, { id: 'wait', type: 'timer', timer: { duration: 'PT5H', time: 'clock' } }, end],
      ['start->wait', 'wait->end'],
    );
    const t2 = compileProcess(
      definition(
        [start, { id: 'wait', type: 'timer', timer: { duration: 'PT1H', time: 'clock' } }, end],
        ['start->wait', 'wait->end'],
      ),
    );
    const d = new Driver(t1).start();
    const r = migrateInstance(d.process, t2, d.snap, {}, { now: d.now + 60_000 });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(Object.values(r.snapshot.timers)).toEqual([
      expect.objectContaining({ kind: 'timer', dueAt: d.now + 3_600_000 }),
    ]);
  });
});
