/**
 * The simulation (`POST /api/analytics/models/:key/simulate`) on a seeded history: the current
 * state fitted on months 1–3 predicts month 4's median cycle time within 10 %, the answer is
 * reproducible, what-if edits move the prediction the way they must, bad edits are 400 with a path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, SimulationResponse, SimulationScenario } from '@baton/client';
import { seedHistory } from '../src/seed/history.ts';
import { salesModelKey, seedSalesExampleIfMissing } from '../src/seed/sales-examples.ts';
import { type TestApp, backends, startTestApp } from './harness.ts';

/** A fixed history: the backtest's figure is a property of this seed, printed to repeat it. */
const seed = process.env.SIMULATION_HISTORY_SEED ? Number(process.env.SIMULATION_HISTORY_SEED) : 42;

describe('simulation of the sales model', () => {
  let t: TestApp;
  beforeAll(async () => {
    process.stdout.write(`simulation.test: seed:history seed ${seed} (repeat with SIMULATION_HISTORY_SEED=${seed})\n`);
    t = await startTestApp(backends[0]!);
    await seedSalesExampleIfMissing(t.database.db);
    await seedHistory(t.app, { seed, leadsPerWeek: 20 });
  }, 600_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the current state fitted on months 1–3 predicts month 4’s median cycle time within 10 %', async () => {
    const answer: SimulationResponse = await t.client('owner').simulateModel(salesModelKey, { cases: 2000, seed: 7 });
    const current = answer.scenarios.find((s) => s.state === 'current' && !s.edited)!;
    const b = current.backtest!;
    process.stdout.write(`simulation.test: current-state backtest ${JSON.stringify(b)}\n`);
    expect(b.actualCases).toBeGreaterThan(30);
    expect(Math.abs(b.error!)).toBeLessThanOrEqual(0.1);
    // Not only the headline: the prediction lies inside the spread month 4's own cases allow, and
    // the mix of outcomes (lost leads after a week, deals after two months) is the one month 4 had.
    // (The median of that two-humped mix is fragile: see docs/analytics.md, "Simulation".)
    const [low, high] = b.actualP50Interval!;
    expect(b.predictedP50Hours!).toBeGreaterThanOrEqual(low);
    expect(b.predictedP50Hours!).toBeLessThanOrEqual(high);
    for (const o of b.outcomes) expect(Math.abs(o.predictedShare - o.actualShare), o.end).toBeLessThan(0.1);
  });

  it('answers the same for the same request; the target state beside the current one; what-ifs move the figures', async () => {
    const owner = t.client('owner');
    const edits = [{ type: 'deadline' as const, step: 'legal-review', hours: 8 }];
    const a = await owner.simulateModel(salesModelKey, { cases: 500, seed: 3, edits, applyTo: 'current' });
    const b = await owner.simulateModel(salesModelKey, { cases: 500, seed: 3, edits, applyTo: 'current' });
    expect(b.scenarios).toEqual(a.scenarios);
    expect(a.scenarios.map((s) => [s.state, s.version, s.edited])).toEqual([
      ['current', 1, false],
      ['current', 1, true],
      ['target', 2, false],
    ]);
    const [current, edited, target] = a.scenarios as [SimulationScenario, SimulationScenario, SimulationScenario];
    // The pilot's own history fits the target's steps; its removed steps are gone.
    expect(target.steps.find((s) => s.nodeId === 'first-follow-up')?.source).toBe('history');
    expect(target.steps.find((s) => s.nodeId === 'crm-reentry')).toBeUndefined();
    expect(target.result.cycleClockHours.p50!).toBeLessThan(current.result.cycleClockHours.p50!);
    // A legal deadline of one working day moves the cycle, not always down: a review past it is
    // escalated and still takes the model's escalated time after it, and the history's timers vary
    // by a few from run to run (seen: 195.75 against 195.63, 210.0 against 198.8 working hours).
    const [before, after] = [current.result.cycleWorkingHours.mean!, edited.result.cycleWorkingHours.mean!];
    expect(after).not.toBe(before);
    expect(Math.abs(after - before) / before).toBeLessThan(0.2);
    // The target fitted before its pilot borrows the current state's steps, mapped onto its own graph:
    // its backtest predicts every outcome, not only the lost deals.
    expect(target.backtest!.outcomes.find((o) => o.end === 'done')!.predictedShare).toBeGreaterThan(0.1);
    // …and says so: most of its steps borrowed (the page explains the backtest as a forecast of the pilot).
    const tb = target.backtest!;
    expect(tb.borrowedSteps * 2).toBeGreaterThanOrEqual(tb.fittedSteps);
    expect(tb.fittedCases).toBeLessThan(current.backtest!.fittedCases / 10);
    expect(current.backtest!.borrowedSteps * 2).toBeLessThan(current.backtest!.fittedSteps);

    const removed = await owner.simulateModel(salesModelKey, {
      cases: 500,
      seed: 3,
      applyTo: 'current',
      edits: [{ type: 'remove', step: 'month-end-attribution' }],
    });
    expect(removed.scenarios[1]!.result.cycleClockHours.p90!).toBeLessThan(current.result.cycleClockHours.p90!);
    const fewer = await owner.simulateModel(salesModelKey, {
      cases: 500,
      seed: 3,
      applyTo: 'current',
      edits: [{ type: 'holders', role: 'legal', add: -1 }],
    });
    const legal = (s: SimulationScenario) => s.result.roles.find((r) => r.role === 'legal')!;
    expect(legal(fewer.scenarios[1]!).holders).toBe(legal(current).holders - 1);
    expect(legal(fewer.scenarios[1]!).utilisation).toBeGreaterThan(legal(current).utilisation);
  });

  it('refuses bad requests with a path and a hint, and readers without the right', async () => {
    const unknownStep = await t.call('owner', (c) =>
      c.simulateModel(salesModelKey, { edits: [{ type: 'remove', step: 'no-such-step' }] }),
    );
    expect(unknownStep.statusCode).toBe(400);
    const issue = unknownStep.json<ApiErrorBody>().issues![0]!;
    expect(issue.path).toBe('/edits/0/step');
    expect(issue.message).toContain('legal-review');
    const extra = await t.request({
      method: 'POST',
      url: `/api/analytics/models/${salesModelKey}/simulate`,
      as: 'owner',
      body: { edits: [{ type: 'remove', step: 'legal-review', colour: 'red' }] },
    });
    expect(extra.statusCode).toBe(400);
    const unknownField = await t.request({
      method: 'POST',
      url: `/api/analytics/models/${salesModelKey}/simulate`,
      as: 'owner',
      body: { casses: 100 },
    });
    expect(unknownField.statusCode).toBe(400);
    const missingVersion = await t.call('owner', (c) => c.simulateModel(salesModelKey, { targetVersion: 9 }));
    expect(missingVersion.statusCode).toBe(404);
    const forbidden = await t.call('rep1', (c) => c.simulateModel(salesModelKey, {}));
    expect(forbidden.statusCode).toBe(403);
  });
});
