/**
 * Monte Carlo of a process's cycle time: cases arrive (a Poisson process in working time), walk
 * the definition's graph (branch probabilities per gateway edge), and wait for a free slot of
 * their step's role before its duration runs (a task waits when every holder of its role is busy).
 * Time runs on one axis of working milliseconds built from the business calendar's working
 * intervals, so durations are working time and cycle times come out in clock and working hours.
 *
 * Pure and reproducible: no clock, no I/O; the same model, options and seed give the same answer.
 *
 * @module
 */
import type { BusinessCalendar } from '@baton/definition';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** A step's duration in working hours. */
export type DurationModel =
  | { kind: 'empirical'; hours: readonly number[] }
  | { kind: 'lognormal'; medianHours: number; sigma: number }
  | { kind: 'fixed'; hours: number };

/** A node of the simulated graph. */
export interface SimNode {
  id: string;
  /** `task`: takes a duration and a slot of its role; `pass`: start, gateways, automatic tasks, removed steps; `end`. */
  kind: 'task' | 'pass' | 'end';
  /** Capacity pool of a task (a role, or the step itself); none: unlimited. */
  role?: string | null;
  duration?: DurationModel;
  /** Probability that a case stops for good at this task (a lead never followed up). */
  abandon?: number;
  /** Deadline in working hours: a longer task is escalated and finishes `escalationHours` after it. */
  deadlineHours?: number | null;
  escalationHours?: number;
}

/** An edge with its weight (weights of a node's outgoing edges are normalised). */
export interface SimEdge {
  from: string;
  to: string;
  weight: number;
}

/** A capacity pool: people holding a role and how many tasks each carries at once. */
export interface SimRole {
  holders: number;
  slotsPerHolder: number;
}

/** What {@link simulate} runs. */
export interface SimulationModel {
  start: string;
  nodes: readonly SimNode[];
  edges: readonly SimEdge[];
  roles: Readonly<Record<string, SimRole>>;
  /** Cases per working hour. */
  arrivalsPerWorkingHour: number;
}

/** How {@link simulate} runs the model. */
export interface SimulationOptions {
  seed: number;
  calendar: BusinessCalendar;
  /** The first arrival's earliest instant (epoch ms). */
  start: number;
  /** Stop arrivals after this many cases. */
  cases?: number;
  /** Stop arrivals at this instant (epoch ms). At least one of `cases` and `arrivalsUntil` is needed. */
  arrivalsUntil?: number;
  /** Count only cases completed by this instant (as an observation window ends). */
  observeUntil?: number;
  /** Share finishing within this many calendar days. */
  targetDays?: number;
}

/** Median, 90th percentile and mean. */
export interface SimSpread {
  p50: number | null;
  p90: number | null;
  mean: number | null;
}

/** What {@link simulate} answers. */
export interface SimulationResult {
  cases: number;
  completed: number;
  abandoned: number;
  /** Cases still running at `observeUntil` (or at the end of the calendar horizon). */
  unfinished: number;
  cycleClockHours: SimSpread;
  cycleWorkingHours: SimSpread;
  /** Of completed cases, the share within `targetDays` calendar days (null without a target). */
  withinTarget: number | null;
  /** Completed cases in bins of 2 calendar days (the last bin open-ended at the 95th percentile). */
  histogram: Array<{ fromDays: number; toDays: number; count: number }>;
  roles: Array<{ role: string; holders: number; slots: number; utilisation: number; meanWaitHours: number }>;
  /** Completed cases per end node: their share of the completed and their median cycle (clock hours). */
  outcomes: Array<{ end: string; share: number; p50ClockHours: number | null }>;
}

/** How many years of calendar the working-time axis covers after the start. */
const horizonDays = 3 * 366;
/** A case visiting more tasks than this is stopped (a loop with a probability close to 1). */
const maxTasksPerCase = 500;

/** A seeded generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of sorted values (linear interpolation). */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The calendar's working time from `start` on, as one axis: working interval `i` covers axis
 * `[cum[i], cum[i] + len[i])` and clock `[from[i], from[i] + len[i])`.
 */
export class WorkingAxis {
  private readonly from: number[] = [];
  private readonly cum: number[] = [];
  private readonly len: number[] = [];
  /** The working ms the axis covers. */
  readonly length: number;

  constructor(calendar: BusinessCalendar, start: number, days = horizonDays) {
    let total = 0;
    const first = new Date(start - 2 * dayMs);
    for (let i = 0; i < days + 4; i++) {
      const date = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + i))
        .toISOString()
        .slice(0, 10);
      for (const interval of calendar.workingIntervalsOn(date)) {
        const s = Math.max(interval.start, start);
        if (interval.end <= s) continue;
        this.from.push(s);
        this.cum.push(total);
        this.len.push(interval.end - s);
        total += interval.end - s;
      }
    }
    this.length = total;
  }

  /** The clock instant of axis position `w` (the end of an interval when `w` is exactly there). */
  toClock(w: number): number {
    const { cum } = this;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cum[mid]! < w) lo = mid;
      else hi = mid - 1;
    }
    return this.from[lo]! + Math.min(w - cum[lo]!, this.len[lo]!);
  }

  /** The axis position of clock instant `t` (working time from the axis start up to `t`). */
  toAxis(t: number): number {
    const { from } = this;
    let lo = 0;
    let hi = from.length - 1;
    if (hi < 0 || t <= from[0]!) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (from[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.cum[lo]! + Math.min(t - from[lo]!, this.len[lo]!);
  }
}

/** A standard normal deviate (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Draws a duration in working hours. */
export function sampleHours(model: DurationModel, random: () => number): number {
  switch (model.kind) {
    case 'fixed':
      return model.hours;
    case 'lognormal':
      return model.medianHours * Math.exp(model.sigma * normal(random));
    case 'empirical': {
      const h = model.hours;
      if (h.length === 0) return 0;
      return quantileOf(h, random());
    }
  }
}

interface Event {
  at: number;
  seq: number;
  kind: 'arrival' | 'done';
  caseId: number;
  node: number;
}

/** A binary heap of timed items: the earliest `at` first, ties in `seq` (insertion) order. */
export class TimeHeap<T extends { at: number; seq: number }> {
  private readonly items: T[] = [];
  get size(): number {
    return this.items.length;
  }
  push(e: T): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && earlier(h[l]!, h[m]!)) m = l;
        if (r < h.length && earlier(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function earlier(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Median, 90th percentile and mean of values in ms, in hours (2 decimals). */
function spread(values: number[]): SimSpread {
  if (values.length === 0) return { p50: null, p90: null, mean: null };
  values.sort((a, b) => a - b);
  const r = (ms: number) => Math.round((ms / hourMs) * 100) / 100;
  return {
    p50: r(quantileOf(values, 0.5)),
    p90: r(quantileOf(values, 0.9)),
    mean: r(values.reduce((s, v) => s + v, 0) / values.length),
  };
}

/** One run's raw outcome (see {@link simulate}). */
interface RawRun {
  cases: number;
  abandoned: number;
  cycleClock: number[];
  cycleAxis: number[];
  /** The end node each completed case reached (index into the model's nodes). */
  cycleEnd: number[];
  roles: Array<{ slots: number; busyMs: number; waitMs: number; served: number; spanMs: number }>;
}

/**
 * Runs the Monte Carlo (see the module description) `replications` times with seeds `seed`,
 * `seed + 1`, … (independent copies of the same period, e.g. to predict one month with more
 * cases than a month has) and summarises them together.
 */
export function simulate(model: SimulationModel, options: SimulationOptions, replications = 1): SimulationResult {
  if (options.cases === undefined && options.arrivalsUntil === undefined)
    throw new RangeError('simulate: give cases or arrivalsUntil.');
  // The axis covers the arrivals (at the model's rate) plus two years for the last cases to finish.
  const arrivalDays =
    options.cases !== undefined && model.arrivalsPerWorkingHour > 0
      ? (options.cases / model.arrivalsPerWorkingHour / 8) * 1.6
      : Math.max(options.arrivalsUntil ?? 0, options.observeUntil ?? 0, options.start) / dayMs - options.start / dayMs;
  const days = Math.min(40 * 366, Math.max(horizonDays, Math.ceil(arrivalDays) + 2 * 366));
  const axis = new WorkingAxis(options.calendar, options.start, days);
  const runs: RawRun[] = [];
  for (let k = 0; k < Math.max(1, replications); k++)
    runs.push(runOnce(model, { ...options, seed: options.seed + k }, axis));
  const cycleClock = runs.flatMap((r) => r.cycleClock);
  const cycleAxis = runs.flatMap((r) => r.cycleAxis);
  const cycleEnd = runs.flatMap((r) => r.cycleEnd);
  const cases = runs.reduce((s, r) => s + r.cases, 0);
  const abandoned = runs.reduce((s, r) => s + r.abandoned, 0);
  const completed = cycleClock.length;
  const target = options.targetDays;
  const histogram: SimulationResult['histogram'] = [];
  if (completed > 0) {
    const sorted = [...cycleClock].sort((a, b) => a - b);
    const top = Math.max(2, Math.ceil(quantileOf(sorted, 0.95) / dayMs / 2) * 2);
    for (let d = 0; d < top; d += 2) histogram.push({ fromDays: d, toDays: d + 2, count: 0 });
    histogram.push({ fromDays: top, toDays: Math.ceil(sorted[sorted.length - 1]! / dayMs) + 1, count: 0 });
    for (const c of sorted) histogram[Math.min(histogram.length - 1, Math.floor(c / dayMs / 2))]!.count++;
  }
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return {
    cases,
    completed,
    abandoned,
    unfinished: cases - completed - abandoned,
    cycleClockHours: spread([...cycleClock]),
    cycleWorkingHours: spread(cycleAxis),
    withinTarget:
      target === undefined || completed === 0
        ? null
        : ratio(cycleClock.filter((c) => c <= target * dayMs).length, completed),
    histogram,
    outcomes: [...new Set(cycleEnd)].map((node) => {
      const mine = cycleClock.filter((_, i) => cycleEnd[i] === node);
      return { end: model.nodes[node]!.id, share: ratio(mine.length, completed), p50ClockHours: spread(mine).p50 };
    }),
    roles: Object.keys(model.roles).map((role, i) => {
      const busy = runs.reduce((s, r) => s + r.roles[i]!.busyMs, 0);
      const capacity = runs.reduce((s, r) => s + r.roles[i]!.slots * r.roles[i]!.spanMs, 0);
      const served = runs.reduce((s, r) => s + r.roles[i]!.served, 0);
      const wait = runs.reduce((s, r) => s + r.roles[i]!.waitMs, 0);
      return {
        role,
        holders: model.roles[role]!.holders,
        slots: runs[0]!.roles[i]!.slots,
        utilisation: Math.min(1, ratio(busy, capacity)),
        meanWaitHours: served > 0 ? Math.round((wait / served / hourMs) * 100) / 100 : 0,
      };
    }),
  };
}

function runOnce(model: SimulationModel, options: SimulationOptions, axis: WorkingAxis): RawRun {
  const random = seededRandom(options.seed);
  const index = new Map(model.nodes.map((n, i) => [n.id, i]));
  const nodes = model.nodes;
  // Outgoing edges per node with cumulative probabilities.
  const out: Array<{ to: number[]; cum: number[] }> = nodes.map(() => ({ to: [], cum: [] }));
  for (const [i] of nodes.entries()) {
    const edges = model.edges.filter((e) => e.from === nodes[i]!.id && index.has(e.to) && e.weight > 0);
    const total = edges.reduce((s, e) => s + e.weight, 0);
    let c = 0;
    for (const e of edges) {
      c += e.weight / total;
      out[i]!.to.push(index.get(e.to)!);
      out[i]!.cum.push(c);
    }
  }
  const startNode = index.get(model.start);
  if (startNode === undefined) throw new RangeError(`simulate: no node "${model.start}".`);
  const roleNames = Object.keys(model.roles);
  const roleIndex = new Map(roleNames.map((r, i) => [r, i]));
  const free = roleNames.map((r) => model.roles[r]!.holders * model.roles[r]!.slotsPerHolder);
  const slots = [...free];
  const queues: Array<Array<{ caseId: number; node: number; since: number; ms: number }>> = roleNames.map(() => []);
  const busyMs = roleNames.map(() => 0);
  const waitMs = roleNames.map(() => 0);
  const served = roleNames.map(() => 0);
  const taskRole = nodes.map((n) => (n.kind === 'task' && n.role ? (roleIndex.get(n.role) ?? -1) : -1));

  const arrivalsUntil = options.arrivalsUntil === undefined ? Infinity : axis.toAxis(options.arrivalsUntil);
  const observeUntil = options.observeUntil === undefined ? Infinity : axis.toAxis(options.observeUntil);
  const rate = model.arrivalsPerWorkingHour / hourMs;
  const maxCases = options.cases ?? Infinity;
  const caseStart: number[] = [];
  const caseTasks: number[] = [];
  const cycleAxis: number[] = [];
  const cycleEnd: number[] = [];
  const cycleClock: number[] = [];
  let abandoned = 0;
  let seq = 0;
  const heap = new TimeHeap<Event>();
  const end = Math.min(axis.length, observeUntil);

  const nextArrival = (after: number) => {
    if (caseStart.length >= maxCases || rate <= 0) return;
    const at = after - Math.log(1 - random()) / rate;
    if (at >= arrivalsUntil || at >= axis.length) return;
    heap.push({ at, seq: seq++, kind: 'arrival', caseId: caseStart.length, node: startNode });
    caseStart.push(at);
    caseTasks.push(0);
  };

  const startTask = (caseId: number, node: number, at: number, ms: number, waited: number) => {
    const r = taskRole[node]!;
    if (r >= 0) {
      busyMs[r]! += ms;
      waitMs[r]! += waited;
      served[r]!++;
    }
    heap.push({ at: at + ms, seq: seq++, kind: 'done', caseId, node });
  };

  /** Walks from `node` (entered at `at`) through pass nodes to a task or an end. */
  const advance = (caseId: number, from: number, at: number) => {
    let node = from;
    for (let guard = 0; guard < 10_000; guard++) {
      const n = nodes[node]!;
      if (n.kind === 'end') {
        if (at <= end) {
          cycleAxis.push(at - caseStart[caseId]!);
          cycleClock.push(axis.toClock(at) - axis.toClock(caseStart[caseId]!));
          cycleEnd.push(node);
        }
        return;
      }
      if (n.kind === 'task') {
        if ((n.abandon ?? 0) > 0 && random() < n.abandon!) {
          abandoned++;
          return;
        }
        if (++caseTasks[caseId]! > maxTasksPerCase) {
          abandoned++;
          return;
        }
        let hours = n.duration ? Math.max(0, sampleHours(n.duration, random)) : 0;
        if (n.deadlineHours !== null && n.deadlineHours !== undefined && hours > n.deadlineHours)
          hours = n.deadlineHours + (n.escalationHours ?? 0);
        const ms = hours * hourMs;
        const r = taskRole[node]!;
        if (r < 0) startTask(caseId, node, at, ms, 0);
        else if (free[r]! > 0) {
          free[r]!--;
          startTask(caseId, node, at, ms, 0);
        } else queues[r]!.push({ caseId, node, since: at, ms });
        return;
      }
      const o = out[node]!;
      if (o.to.length === 0) return; // a dead end: the case never finishes
      const u = random();
      let k = 0;
      while (k < o.cum.length - 1 && u >= o.cum[k]!) k++;
      node = o.to[k]!;
    }
  };

  nextArrival(0);
  for (let e = heap.pop(); e; e = heap.pop()) {
    if (e.at > end) break;
    if (e.kind === 'arrival') {
      nextArrival(e.at);
      advance(e.caseId, e.node, e.at);
      continue;
    }
    const r = taskRole[e.node]!;
    if (r >= 0) {
      const q = queues[r]!;
      const next = q.shift();
      if (next) startTask(next.caseId, next.node, e.at, next.ms, e.at - next.since);
      else free[r]!++;
    }
    const o = out[e.node]!;
    if (o.to.length === 0) continue;
    const u = random();
    let k = 0;
    while (k < o.cum.length - 1 && u >= o.cum[k]!) k++;
    advance(e.caseId, o.to[k]!, e.at);
  }

  const span = Math.max(1, Math.min(end, caseStart.length > 0 ? caseStart[caseStart.length - 1]! : 1));
  return {
    cases: caseStart.length,
    abandoned,
    cycleClock,
    cycleAxis,
    cycleEnd,
    roles: roleNames.map((_, i) => ({
      slots: slots[i]!,
      busyMs: busyMs[i]!,
      waitMs: waitMs[i]!,
      served: served[i]!,
      spanMs: span,
    })),
  };
}
