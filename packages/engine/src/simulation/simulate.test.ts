import { describe, expect, it } from 'vitest';
import { builtinCalendars, createCalendar } from '@baton/definition';
import { applyEdits, graphOf, normaliseEdges, pathsBetween } from './model.ts';
import { type SimulationModel, WorkingAxis, simulate } from './simulate.ts';

const calendar = createCalendar(builtinCalendars['cn-mainland']);
/** Monday 2026-03-02 09:00 in Beijing. */
const monday = Date.UTC(2026, 2, 2, 1);
const hour = 3_600_000;

/** start → review (one role) → end. */
function oneStep(hours: number, holders: number, arrivalsPerWorkingHour: number): SimulationModel {
  return {
    start: 's',
    nodes: [
      { id: 's', kind: 'pass' },
      { id: 'review', kind: 'task', role: 'legal', duration: { kind: 'fixed', hours } },
      { id: 'e', kind: 'end' },
    ],
    edges: [
      { from: 's', to: 'review', weight: 1 },
      { from: 'review', to: 'e', weight: 1 },
    ],
    roles: { legal: { holders, slotsPerHolder: 1 } },
    arrivalsPerWorkingHour,
  };
}

describe('simulate', () => {
  it('is reproducible: the same seed gives the same answer, another seed another one', () => {
    const model = oneStep(4, 2, 0.3);
    const a = simulate(model, { seed: 3, calendar, start: monday, cases: 500 });
    const b = simulate(model, { seed: 3, calendar, start: monday, cases: 500 });
    const c = simulate(model, { seed: 4, calendar, start: monday, cases: 500 });
    expect(b).toEqual(a);
    expect(c.cycleClockHours).not.toEqual(a.cycleClockHours);
  });

  it('counts durations in working time on the calendar: 8 working hours from Friday afternoon end on Monday', () => {
    const axis = new WorkingAxis(calendar, monday);
    const friday15 = monday + 4 * 24 * hour + 6 * hour;
    const at = axis.toClock(axis.toAxis(friday15) + 8 * hour);
    expect(calendar.workingMillisBetween(friday15, at)).toBe(8 * hour);
    expect(at - friday15).toBeGreaterThan(48 * hour);
    // With no queue, every case takes exactly its 8 working hours.
    const r = simulate(oneStep(8, 1000, 0.2), { seed: 1, calendar, start: monday, cases: 300 });
    expect(r.cycleWorkingHours).toEqual({ p50: 8, p90: 8, mean: 8 });
    expect(r.cycleClockHours.p50!).toBeGreaterThan(8);
  });

  it('queues tasks when every holder of the role is busy; one more holder shortens the wait', () => {
    // 0.45 cases per working hour × 4 h = 1.8 holders' worth of work on 2 holders: 90 % busy.
    const busy = simulate(oneStep(4, 2, 0.45), { seed: 2, calendar, start: monday, cases: 3000 });
    expect(busy.roles[0]!.utilisation).toBeGreaterThan(0.8);
    expect(busy.roles[0]!.meanWaitHours).toBeGreaterThan(1);
    const more = simulate(applyEdits(oneStep(4, 2, 0.45), [{ type: 'holders', role: 'legal', add: 1 }]), {
      seed: 2,
      calendar,
      start: monday,
      cases: 3000,
    });
    expect(more.roles[0]!.holders).toBe(3);
    expect(more.roles[0]!.utilisation).toBeLessThan(busy.roles[0]!.utilisation);
    expect(more.cycleWorkingHours.mean!).toBeLessThan(busy.cycleWorkingHours.mean!);
  });

  it('what-ifs: a deadline caps a long step, a removed step takes no time, a new duration moves the median', () => {
    const model: SimulationModel = {
      ...oneStep(0, 1000, 0.2),
      nodes: [
        { id: 's', kind: 'pass' },
        { id: 'review', kind: 'task', role: 'legal', duration: { kind: 'lognormal', medianHours: 20, sigma: 1 } },
        { id: 'e', kind: 'end' },
      ],
    };
    const run = (m: SimulationModel) => simulate(m, { seed: 9, calendar, start: monday, cases: 2000, targetDays: 7 });
    const base = run(model);
    const capped = run(applyEdits(model, [{ type: 'deadline', step: 'review', hours: 16, escalationHours: 4 }]));
    expect(capped.cycleWorkingHours.p90).toBe(20);
    expect(capped.withinTarget!).toBeGreaterThan(base.withinTarget!);
    const removed = run(applyEdits(model, [{ type: 'remove', step: 'review' }]));
    expect(removed.cycleWorkingHours.p90).toBe(0);
    const faster = run(applyEdits(model, [{ type: 'duration', step: 'review', medianHours: 5 }]));
    expect(faster.cycleWorkingHours.p50!).toBeLessThan(base.cycleWorkingHours.p50! / 2);
  });

  it('follows branch probabilities and drops cases at a step; rework loops lengthen the cycle', () => {
    const model: SimulationModel = {
      start: 's',
      nodes: [
        { id: 's', kind: 'pass' },
        { id: 'quote', kind: 'task', role: null, duration: { kind: 'fixed', hours: 2 }, abandon: 0.2 },
        { id: 'ok', kind: 'pass' },
        { id: 'e', kind: 'end' },
      ],
      edges: normaliseEdges([
        { from: 's', to: 'quote', weight: 1 },
        { from: 'quote', to: 'ok', weight: 1 },
        { from: 'ok', to: 'e', weight: 3 },
        { from: 'ok', to: 'quote', weight: 1 },
      ]),
      roles: {},
      arrivalsPerWorkingHour: 0.5,
    };
    const r = simulate(model, { seed: 5, calendar, start: monday, cases: 4000 });
    // A visit finishes with 0.8 (20 % dropped), then ends with 0.75 or loops: P(end) = 0.6 / (1 − 0.2) = 0.75.
    expect(r.completed / r.cases).toBeGreaterThan(0.72);
    expect(r.completed / r.cases).toBeLessThan(0.78);
    expect(r.cycleWorkingHours.mean!).toBeGreaterThan(2.3);
  });
});

describe('the graph of a definition', () => {
  const definition = {
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'a', type: 'userTask', owner: { type: 'role', role: 'legal' }, deadline: { duration: 'P1DT4H' } },
      { id: 'g', type: 'exclusiveGateway' },
      { id: 'b', type: 'userTask', owner: { type: 'fromField', field: 'rep', fallback: { type: 'initiator' } } },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { from: 'start', to: 'a' },
      { from: 'a', to: 'g' },
      { from: 'g', to: 'b' },
      { from: 'g', to: 'end' },
      { from: 'b', to: 'end' },
    ],
  };
  it('takes roles from owner rules (else the step is its own pool) and deadlines in working hours', () => {
    const graph = graphOf(definition);
    expect(graph.find((n) => n.id === 'a')).toMatchObject({ kind: 'task', role: 'legal', deadlineHours: 12 });
    expect(graph.find((n) => n.id === 'b')).toMatchObject({ kind: 'task', role: 'step:b', deadlineHours: null });
    expect(graph.find((n) => n.id === 'g')?.kind).toBe('pass');
    expect(pathsBetween(definition, graph, 'a', 'end')).toEqual([
      [
        { from: 'a', to: 'g' },
        { from: 'g', to: 'end' },
      ],
    ]);
  });
});
