import type { ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import type { Directory } from '../src/index.ts';
import { Driver, cst, definition, user } from './driver.ts';

// Issue 8, defects 2 and 4, at the engine: a deadline counted past the calendar's holiday data
// is flagged; a fromField owner naming no user is refused (or falls back).
const start: ProcessNode = { id: 'start', type: 'start' };
const end: ProcessNode = { id: 'end', type: 'end' };
const directory = (): Directory => ({
  users: Object.fromEntries([
    user('rep1', ['sales-rep'], ['sales']),
    user('rep2', ['sales-rep'], ['sales']),
    user('boss', ['sales-manager'], ['sales']),
  ]),
  teams: { sales: { parent: null, manager: 'boss' } },
});

describe('issue 8: deadlines past the calendar', () => {
  const def = definition(
    [
      start,
      { id: 'call', type: 'userTask', owner: { type: 'initiator' }, deadline: { duration: 'P3D', time: 'working' } },
      end,
    ],
    ['start->call', 'call->end'],
    { calendar: 'cn-mainland' },
  );

  it('leaves a deadline inside the covered years unflagged', () => {
    const d = new Driver(def, cst('2026-12-03T10:00:00')).start();
    expect(d.task('call').deadlineWarning).toBeUndefined();
    expect(d.history().find((h) => h.type === 'task.created')?.data).not.toHaveProperty('deadlineWarning');
  });

  it('flags a working-time deadline that runs into an uncovered year, on the task and in history', () => {
    const d = new Driver(def, cst('2026-12-29T10:00:00')).start();
    expect(d.task('call')).toMatchObject({ deadlineWarning: 'beyond-calendar', dueAt: cst('2027-01-01T10:00:00') });
    expect(d.history().find((h) => h.type === 'task.created')?.data).toMatchObject({
      deadlineWarning: 'beyond-calendar',
    });
  });
});

describe('issue 8: fromField owners naming no user', () => {
  const withOwner = (owner: Record<string, unknown>) =>
    definition(
      [
        start,
        {
          id: 'pick',
          type: 'userTask',
          owner: { type: 'initiator' },
          outputs: { type: 'object', properties: { rep: { type: 'string' } } },
        },
        { id: 'work', type: 'userTask', owner } as ProcessNode,
        end,
      ],
      ['start->pick', 'pick->work', 'work->end'],
    );

  it('refuses a completion whose field names no user, with the path, and changes nothing', () => {
    const d = new Driver(
      withOwner({ type: 'fromField', field: 'rep' }),
      cst('2025-03-03T09:00:00'),
      directory(),
    ).start();
    const before = JSON.stringify(d.snap);
    const r = d.send({ type: 'complete', task: d.task('pick').id, actor: { id: 'rep1' }, output: { rep: 'ghost' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'ENG_UNKNOWN_USER', path: '/output/rep' } });
    expect(JSON.stringify(d.snap)).toBe(before);
    d.complete('pick', { rep: 'rep2' }, 'rep1');
    expect(d.task('work').assignee).toBe('rep2');
  });

  it('uses the fallback when the owner has one', () => {
    const d = new Driver(
      withOwner({ type: 'fromField', field: 'rep', fallback: { type: 'role', role: 'sales-manager' } }),
      cst('2025-03-03T09:00:00'),
      directory(),
    ).start();
    d.complete('pick', { rep: 'ghost' }, 'rep1');
    expect(d.task('work')).toMatchObject({ assignee: null, candidates: { roles: ['sales-manager'] } });
  });

  it('checks nothing without a directory (the engine used on its own)', () => {
    const d = new Driver(withOwner({ type: 'fromField', field: 'rep' })).start();
    d.complete('pick', { rep: 'ghost' }, 'rep1');
    expect(d.task('work').assignee).toBe('ghost');
  });
});
