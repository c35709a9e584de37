/**
 * The simulation of a model (`POST /api/analytics/models/:key/simulate`, `docs/analytics.md`,
 * "Simulation"): fits the pure Monte Carlo of `@baton/engine/simulation` from the history (per-step
 * working-time durations, stale-task shares, branch probabilities, arrival rate, role capacity),
 * runs the current and the target state side by side with the analyst's what-if edits, and
 * beside each a backtest: the same fit on months 1–3 predicting month 4.
 *
 * @module
 */
import type { BusinessCalendar } from '@baton/definition';
import {
  type DefinitionGraph,
  type GraphNode,
  type SimEdge,
  type SimNode,
  type SimulationModel,
  type WhatIfEdit,
  applyEdits,
  checkEdits,
  graphOf,
  normaliseEdges,
  pathsBetween,
  quantileOf,
  seededRandom,
  simulate,
} from '@baton/engine/simulation';
import type {
  LocalizedText,
  SimulationBacktest,
  SimulationRequest,
  SimulationResponse,
  SimulationScenario,
} from '@baton/client/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { AnalyticsModel } from './analytics-queries.ts';

const hour = 3_600_000;
const day = 24 * hour;
/** A month of the backtest: a twelfth of a year. */
export const monthMs = (365.25 / 12) * day;
/** A task open this long without completion counts as dropped (as in the abandoned share). */
const staleAfterMs = 30 * day;
/** Fewer own samples than this and a step borrows the other state's history of the same node. */
const minimumSamples = 5;
/** Cases the backtest simulates per month predicted (replications of the month). */
const backtestCases = 4000;

/** One task of the history. */
export interface TaskRow {
  version_id: number;
  instance_id: string;
  node_id: string;
  status: string;
  created_at: Date;
  completed_at: Date | null;
  completed_by: string | null;
}

/** One instance of the history with the end node it reached. */
export interface InstanceRow {
  id: string;
  version_id: number;
  created_at: Date;
  ended_at: Date | null;
  status: string;
  end_node: string | null;
}

/** The model's history, loaded once per request. */
export interface History {
  tasks: TaskRow[];
  instances: InstanceRow[];
  /** Tasks per instance, by creation. */
  byInstance: Map<string, TaskRow[]>;
}

/** Loads every task and instance of the model (read-only). */
export async function loadHistory(db: Kysely<Database>, modelId: number): Promise<History> {
  const { rows: tasks } = await sql<TaskRow>`select i.version_id, t.instance_id, t.node_id, t.status, t.created_at,
      t.completed_at, t.completed_by_username as completed_by
    from tasks t join instances i on i.id = t.instance_id
    where i.model_id = ${modelId} order by t.created_at, t.id`.execute(db);
  const { rows: instances } = await sql<InstanceRow>`select i.id, i.version_id, i.created_at, i.ended_at, i.status,
      (select e.node_id from events e where e.instance_id = i.id and e.type = 'node.entered'
        order by e.at desc, e.id desc limit 1) as end_node
    from instances i where i.model_id = ${modelId} order by i.created_at`.execute(db);
  const byInstance = new Map<string, TaskRow[]>();
  for (const t of tasks) {
    const list = byInstance.get(t.instance_id);
    if (list) list.push(t);
    else byInstance.set(t.instance_id, [t]);
  }
  return { tasks, instances, byInstance };
}

/** How a step's duration was found. */
type StepSource = SimulationScenario['steps'][number]['source'];

/** A fitted model and where each step's figures came from. */
interface Fitted {
  model: SimulationModel;
  steps: SimulationScenario['steps'];
}

const done = (t: TaskRow, cutoff: number) => t.completed_at !== null && t.completed_at.getTime() <= cutoff;

/**
 * Fits the model of one version's definition on the history of instances started in
 * `[from, cutoff)`, as it was known at `cutoff`. Steps with too few samples of their own borrow
 * the same node of `fallbackVersionId`; branch probabilities of gateways the version never passed
 * come from the fallback version's paths too; role capacity and the arrival rate come from every
 * version (the organisation's people and demand).
 */
export function fitModel(input: {
  definition: DefinitionGraph;
  versionId: number;
  fallbackVersionId: number | null;
  history: History;
  calendar: BusinessCalendar;
  from: number;
  cutoff: number;
  names: Map<string, LocalizedText>;
}): Fitted {
  const { definition, versionId, fallbackVersionId, history, calendar, from, cutoff } = input;
  const graph = graphOf(definition);
  const inWindow = (t: { created_at: Date }) => t.created_at.getTime() >= from && t.created_at.getTime() < cutoff;
  const tasksOf = (v: number | null) => history.tasks.filter((t) => t.version_id === v && inWindow(t));
  const own = tasksOf(versionId);
  const fallback = fallbackVersionId === null ? [] : tasksOf(fallbackVersionId);
  const workingHours = (t: TaskRow) =>
    calendar.workingMillisBetween(t.created_at.getTime(), t.completed_at!.getTime()) / hour;

  /**
   * Durations and the dropped share from one cohort: the tasks created at least
   * {@link staleAfterMs} before the cutoff (every one has had that long to finish). Taking also
   * the later tasks that happened to finish by the cutoff would keep their short durations and
   * lose their long ones: durations fitted too short.
   */
  const stepFigures = (tasks: TaskRow[], node: string) => {
    const cohort = tasks.filter(
      (t) =>
        t.node_id === node &&
        t.created_at.getTime() < cutoff - staleAfterMs &&
        (t.status !== 'cancelled' || done(t, cutoff)),
    );
    const finished = cohort.filter((t) => done(t, cutoff));
    const samples = finished.map(workingHours).sort((a, b) => a - b);
    const stale = cohort.length - finished.length;
    return { samples, abandon: cohort.length > 0 ? stale / cohort.length : 0 };
  };

  const nodes: SimNode[] = [];
  const steps: Fitted['steps'] = [];
  for (const n of graph) {
    if (n.kind !== 'task') {
      nodes.push({ id: n.id, kind: n.kind });
      continue;
    }
    let figures = stepFigures(own, n.id);
    let source: StepSource = 'history';
    if (figures.samples.length < minimumSamples) {
      const borrowed = stepFigures(fallback, n.id);
      if (borrowed.samples.length >= minimumSamples) {
        figures = borrowed;
        source = 'otherState';
      } else source = figures.samples.length > 0 ? 'history' : 'none';
    }
    const s = figures.samples;
    nodes.push({
      id: n.id,
      kind: 'task',
      role: n.role,
      duration: { kind: 'empirical', hours: s },
      abandon: Math.round(figures.abandon * 10_000) / 10_000,
      deadlineHours: n.deadlineHours,
      escalationHours: 4,
    });
    steps.push({
      nodeId: n.id,
      name: input.names.get(n.id) ?? null,
      role: n.role,
      source,
      samples: s.length,
      medianHours: s.length > 0 ? round2(quantileOf(s, 0.5)) : null,
      p90Hours: s.length > 0 ? round2(quantileOf(s, 0.9)) : null,
      abandon: Math.round(figures.abandon * 10_000) / 10_000,
      deadlineHours: n.deadlineHours,
    });
  }

  // Branch probabilities: the observed moves between tasks (and ends) laid onto the gateway edges.
  const start = definition.nodes.find((n) => n.type === 'start')?.id ?? graph[0]!.id;
  const taskIds = new Set(graph.filter((n) => n.kind === 'task').map((n) => n.id));
  const weights = (version: number | null) => {
    const moves = new Map<string, number>();
    const count = (a: string, b: string) => moves.set(`${a}\u0000${b}`, (moves.get(`${a}\u0000${b}`) ?? 0) + 1);
    for (const i of history.instances) {
      if (i.version_id !== version || !inWindow(i)) continue;
      // Another version's steps that this graph lacks are skipped: its moves go from the step
      // before to the step after (the target's start → follow-up where the current state had
      // re-entry and assignment in between).
      const tasks = (history.byInstance.get(i.id) ?? []).filter(
        (t) => t.created_at.getTime() < cutoff && taskIds.has(t.node_id),
      );
      let previous = start;
      let open = false;
      for (const t of tasks) {
        count(previous, t.node_id);
        previous = t.node_id;
        open = !done(t, cutoff);
      }
      const ended = i.status === 'completed' && i.ended_at !== null && i.ended_at.getTime() <= cutoff;
      if (ended && !open && i.end_node) count(previous, i.end_node);
    }
    const edgeWeight = new Map<string, number>();
    for (const [key, n] of moves) {
      const [a, b] = key.split('\u0000') as [string, string];
      const paths = pathsBetween(definition, graph, a, b);
      for (const path of paths)
        for (const e of path)
          edgeWeight.set(`${e.from}\u0000${e.to}`, (edgeWeight.get(`${e.from}\u0000${e.to}`) ?? 0) + n / paths.length);
    }
    return edgeWeight;
  };
  const ownWeights = weights(versionId);
  const fallbackWeights = fallbackVersionId === null ? new Map<string, number>() : weights(fallbackVersionId);
  const observedFrom = (w: Map<string, number>, node: string) =>
    definition.edges.filter((e) => e.from === node).reduce((s, e) => s + (w.get(`${e.from}\u0000${e.to}`) ?? 0), 0);
  const edges: SimEdge[] = definition.edges.map((e) => {
    const key = `${e.from}\u0000${e.to}`;
    const useOwn = observedFrom(ownWeights, e.from) > 0;
    return { from: e.from, to: e.to, weight: (useOwn ? ownWeights : fallbackWeights).get(key) ?? 0 };
  });

  return {
    model: {
      start,
      nodes,
      edges: normaliseEdges(edges),
      roles: fitRoles(graph, history, from, cutoff),
      arrivalsPerWorkingHour: arrivalRate(history, calendar, from, cutoff),
    },
    steps,
  };
}

/**
 * Role capacity over every version: the holders are the people who completed the role's tasks,
 * and each carries as many tasks at once as the busiest moment of the history needed (the peak
 * of tasks open together, shared out): the history's durations already include any waiting, so
 * at the history's load nobody queues, and fewer holders or more cases show where queues start.
 */
function fitRoles(graph: readonly GraphNode[], history: History, from: number, cutoff: number) {
  const roles: Record<string, { holders: number; slotsPerHolder: number }> = {};
  const byRole = new Map<string, string[]>();
  for (const n of graph) if (n.role) byRole.set(n.role, [...(byRole.get(n.role) ?? []), n.id]);
  for (const [role, nodeIds] of byRole) {
    const tasks = history.tasks.filter(
      (t) =>
        nodeIds.includes(t.node_id) &&
        t.created_at.getTime() >= from &&
        t.created_at.getTime() < cutoff &&
        t.status === 'completed' &&
        done(t, cutoff),
    );
    const holders = Math.max(1, new Set(tasks.map((t) => t.completed_by)).size);
    const points: Array<[number, number]> = [];
    for (const t of tasks) points.push([t.created_at.getTime(), 1], [t.completed_at!.getTime(), -1]);
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let peak = 0;
    for (const [, d] of points) peak = Math.max(peak, (open += d));
    roles[role] = { holders, slotsPerHolder: Math.max(1, Math.ceil(peak / holders)) };
  }
  return roles;
}

/** Cases per working hour: every version's instances started in the window (the demand). */
function arrivalRate(history: History, calendar: BusinessCalendar, from: number, cutoff: number): number {
  const n = history.instances.filter((i) => i.created_at.getTime() >= from && i.created_at.getTime() < cutoff).length;
  const hours = calendar.workingMillisBetween(from, cutoff) / hour;
  return hours > 0 ? n / hours : 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The version rows the simulation reads. */
interface VersionRow {
  id: number;
  number: number;
  state: string;
  status: string;
  definition: Record<string, unknown>;
}

/** Runs the simulation request (see the module description). */
export async function simulateModel(
  db: Kysely<Database>,
  model: AnalyticsModel,
  request: SimulationRequest,
  now: number,
): Promise<SimulationResponse> {
  const versions = (await db
    .selectFrom('process_versions')
    .select(['id', 'number', 'state', 'status', 'definition'])
    .where('model_id', '=', model.id)
    .orderBy('number', 'desc')
    .execute()) as VersionRow[];
  const pick = (number: number | undefined, state: string): VersionRow | null => {
    if (number !== undefined) {
      const v = versions.find((x) => x.number === number);
      if (!v) throw new ApiError('API_VERSION_NOT_FOUND', { key: model.key, number: String(number) });
      return v;
    }
    return versions.find((x) => x.state === state && x.status !== 'draft') ?? null;
  };
  const current = pick(request.currentVersion, 'current');
  const target = pick(request.targetVersion, 'target');
  if (!current && !target) {
    const message = 'At /currentVersion: the model has no published current-state or target-state version to simulate.';
    throw new ApiError(
      'API_VALIDATION',
      { part: 'body', route: 'POST /api/analytics/models/:key/simulate', summary: message },
      { issues: [{ path: '/currentVersion', code: 'API_SIMULATION_NO_VERSION', message }] },
    );
  }
  const history = await loadHistory(db, model.id);
  const names = new Map<string, LocalizedText>();
  for (const v of [...versions].reverse())
    for (const n of (v.definition.nodes ?? []) as Array<{ id: string; name?: LocalizedText }>)
      if (n.name) names.set(n.id, n.name);
  const edits = (request.edits ?? []) as WhatIfEdit[];
  const applyTo = request.applyTo ?? 'both';
  const seed = request.seed ?? 1;
  const cases = request.cases ?? 2000;
  const targetDays = request.targetDays ?? 30;
  const historyStart = history.instances[0]?.created_at.getTime() ?? now;
  const fitTo = historyStart + 3 * monthMs;
  const testTo = fitTo + monthMs;
  const canBacktest = testTo <= now;

  const scenarios: SimulationScenario[] = [];
  for (const [state, version, other] of [
    ['current', current, target],
    ['target', target, current],
  ] as const) {
    if (!version) continue;
    const definition = version.definition as unknown as DefinitionGraph;
    const fit = (from: number, cutoff: number) =>
      fitModel({
        definition,
        versionId: version.id,
        fallbackVersionId: other?.id ?? null,
        history,
        calendar: model.calendar,
        from,
        cutoff,
        names,
      });
    const full = fit(historyStart, now);
    const backtest = canBacktest
      ? runBacktest(fit(historyStart, fitTo), version.id, history, model, seed, fitTo, testTo, now)
      : null;
    const run = (m: SimulationModel) => simulate(m, { seed, calendar: model.calendar, start: now, cases, targetDays });
    scenarios.push({
      state,
      version: version.number,
      edited: false,
      steps: full.steps,
      result: run(full.model),
      backtest,
    });
    if (edits.length > 0 && (applyTo === 'both' || applyTo === state)) {
      const problems = checkEdits(full.model, edits);
      if (problems.length > 0) {
        const issues = problems.map((p) => ({
          path: `/edits/${p.index}/${p.field}`,
          code: p.field === 'step' ? 'API_SIMULATION_UNKNOWN_STEP' : 'API_SIMULATION_UNKNOWN_ROLE',
          message: `At /edits/${p.index}/${p.field}: the ${state} state (version ${version.number}) has no ${p.field === 'step' ? 'user task' : 'role'} "${p.value}". Use one of: ${(p.field === 'step' ? full.steps.map((s) => s.nodeId) : Object.keys(full.model.roles)).join(', ')}.`,
        }));
        throw new ApiError(
          'API_VALIDATION',
          { part: 'body', route: 'POST /api/analytics/models/:key/simulate', summary: issues[0]!.message },
          { issues },
        );
      }
      scenarios.push({
        state,
        version: version.number,
        edited: true,
        steps: full.steps,
        result: run(applyEdits(full.model, edits)),
        backtest,
      });
    }
  }
  return {
    modelKey: model.key,
    calendar: model.calendarId,
    seed,
    cases,
    targetDays,
    historyFrom: new Date(historyStart).toISOString(),
    historyTo: new Date(now).toISOString(),
    backtestWindow: canBacktest
      ? {
          fitFrom: new Date(historyStart).toISOString(),
          fitTo: new Date(fitTo).toISOString(),
          testTo: new Date(testTo).toISOString(),
        }
      : null,
    scenarios,
  };
}

/**
 * The backtest: the model fitted on months 1–3 simulates the arrivals of month 4 (replicated to
 * about {@link backtestCases} cases), counting the cases finished by `now` as the history does;
 * the actual figure is the median cycle time of the version's instances started in month 4 and
 * completed by now.
 */
export function runBacktest(
  fitted: Fitted,
  versionId: number,
  history: History,
  model: AnalyticsModel,
  seed: number,
  fitTo: number,
  testTo: number,
  now: number,
): SimulationBacktest {
  const finished = history.instances.filter(
    (i) =>
      i.version_id === versionId &&
      i.status === 'completed' &&
      i.ended_at !== null &&
      i.created_at.getTime() >= fitTo &&
      i.created_at.getTime() < testTo,
  );
  const cycle = (i: InstanceRow) => i.ended_at!.getTime() - i.created_at.getTime();
  const actual = finished.map(cycle).sort((a, b) => a - b);
  const perMonth = fitted.model.arrivalsPerWorkingHour * (model.calendar.workingMillisBetween(fitTo, testTo) / hour);
  const replications = Math.min(50, Math.max(1, Math.ceil(backtestCases / Math.max(1, perMonth))));
  const predicted = simulate(
    fitted.model,
    { seed, calendar: model.calendar, start: fitTo, arrivalsUntil: testTo, observeUntil: now },
    replications,
  );
  const actualP50 = actual.length > 0 ? round2(quantileOf(actual, 0.5) / hour) : null;
  const predictedP50 = predicted.cycleClockHours.p50;
  const ends = [...new Set([...finished.map((i) => i.end_node ?? ''), ...predicted.outcomes.map((o) => o.end)])];
  const outcomes = ends.map((end) => {
    const mine = finished
      .filter((i) => (i.end_node ?? '') === end)
      .map(cycle)
      .sort((a, b) => a - b);
    const p = predicted.outcomes.find((o) => o.end === end);
    return {
      end,
      predictedShare: p?.share ?? 0,
      actualShare: actual.length > 0 ? Math.round((mine.length / actual.length) * 10_000) / 10_000 : 0,
      predictedP50Hours: p?.p50ClockHours ?? null,
      actualP50Hours: mine.length > 0 ? round2(quantileOf(mine, 0.5) / hour) : null,
    };
  });
  return {
    actualP50Interval: medianInterval(actual, seed),
    outcomes,
    predictedP50Hours: predictedP50,
    predictedP90Hours: predicted.cycleClockHours.p90,
    actualP50Hours: actualP50,
    actualP90Hours: actual.length > 0 ? round2(quantileOf(actual, 0.9) / hour) : null,
    actualCases: actual.length,
    predictedCases: predicted.completed,
    fittedCases: history.instances.filter((i) => i.version_id === versionId && i.created_at.getTime() < fitTo).length,
    fittedSteps: fitted.steps.length,
    borrowedSteps: fitted.steps.filter((st) => st.source !== 'history').length,
    error:
      actualP50 !== null && predictedP50 !== null && actualP50 > 0
        ? Math.round(((predictedP50 - actualP50) / actualP50) * 10_000) / 10_000
        : null,
  };
}

/**
 * A percentile bootstrap 90 % interval of the median of `sorted` (ms) in hours, from a seeded
 * generator (1,000 resamples); null under 10 values.
 */
function medianInterval(sorted: readonly number[], seed: number): [number, number] | null {
  if (sorted.length < 10) return null;
  const random = seededRandom(seed);
  const medians: number[] = [];
  const sample = new Array<number>(sorted.length);
  for (let r = 0; r < 1000; r++) {
    for (let i = 0; i < sorted.length; i++) sample[i] = sorted[Math.floor(random() * sorted.length)]!;
    sample.sort((a, b) => a - b);
    medians.push(quantileOf(sample, 0.5));
  }
  medians.sort((a, b) => a - b);
  return [round2(quantileOf(medians, 0.05) / hour), round2(quantileOf(medians, 0.95) / hour)];
}
