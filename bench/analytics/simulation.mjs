#!/usr/bin/env -S npx tsx
// Part of `npm run bench:analytics`: how fast the Monte Carlo (`@baton/engine/simulation`) runs
// 10,000 simulated cases of the sales example's current state (issue 12: ≤ 2 s).
//
// The model is built from the example's definition with the shapes the history shows (log-normal
// working-time durations drawn into empirical samples, a fifth of leads dropped at the first
// follow-up, rework loops at the gateways, role capacity), so it walks the same graph and the same
// calendar (cn-mainland) as a fitted one. Pure: no database.
// Last line: simulation: 10000 cases p50 … ms (p99 … ms), … per case, load …; exits 1 when the p50 is over 2 s.
//
// Env: CASES (10000), ITERATIONS (7), SEED (1).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { builtinCalendars, createCalendar } from '@baton/definition';
import { graphOf, normaliseEdges, seededRandom, simulate } from '@baton/engine/simulation';

const CASES = Number(process.env.CASES ?? 10_000);
const ITERATIONS = Number(process.env.ITERATIONS ?? 7);
const SEED = Number(process.env.SEED ?? 1);

const definition = JSON.parse(
  readFileSync(new URL('../../examples/sales/current-state.json', import.meta.url), 'utf8'),
);
const calendar = createCalendar(builtinCalendars['cn-mainland']);
const random = seededRandom(SEED);
const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
const samples = (median, sigma) =>
  Array.from({ length: 500 }, () => median * Math.exp(sigma * normal())).sort((a, b) => a - b);
const medians = {
  'crm-reentry': 5,
  'assign-lead': 30,
  'first-follow-up': 14,
  proposal: 20,
  'quote-approval': 12,
  'legal-review': 25,
  'sign-contract': 40,
  'month-end-attribution': 80,
  'after-sales-start': 30,
};
const graph = graphOf(definition);
const branch = {
  'e-qualified-proposal': 0.55,
  'e-quote-ok-legal-review': 0.72,
  'e-legal-ok-sign-contract': 0.85,
  'e-signed-gw-month-end-attribution': 0.78,
};
const model = {
  start: definition.nodes.find((n) => n.type === 'start').id,
  nodes: graph.map((n) =>
    n.kind === 'task'
      ? {
          id: n.id,
          kind: 'task',
          role: n.role,
          duration: { kind: 'empirical', hours: samples(medians[n.id] ?? 8, 0.9) },
          abandon: n.id === 'first-follow-up' ? 0.15 : 0,
          deadlineHours: n.deadlineHours,
        }
      : { id: n.id, kind: n.kind },
  ),
  edges: normaliseEdges(
    definition.edges.map((e) => {
      const p = branch[e.id];
      const siblings = definition.edges.filter((x) => x.from === e.from);
      const other = siblings.map((x) => branch[x.id]).find((x) => x !== undefined);
      return { from: e.from, to: e.to, weight: p ?? (other !== undefined ? 1 - other : 1) };
    }),
  ),
  roles: Object.fromEntries(
    [...new Set(graph.map((n) => n.role).filter(Boolean))].map((r) => [r, { holders: 4, slotsPerHolder: 30 }]),
  ),
  // About 44 leads a week (the history's default) over 40 working hours.
  arrivalsPerWorkingHour: 1.1,
};

const times = [];
let last;
for (let i = 0; i < ITERATIONS; i++) {
  const t0 = performance.now();
  last = simulate(model, { seed: SEED + i, calendar, start: Date.UTC(2026, 0, 5), cases: CASES, targetDays: 30 });
  times.push(performance.now() - t0);
}
const sorted = [...times].sort((a, b) => a - b);
const p = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `simulation: ${last.cases} cases (${last.completed} completed, p50 ${Math.round(last.cycleClockHours.p50 / 24)} days) on ${cpus().length} cores`,
);
console.log(
  `simulation: ${CASES} cases p50 ${Math.round(p(0.5))} ms (p99 ${Math.round(p(0.99))} ms), ${((p(0.5) * 1000) / CASES).toFixed(1)} µs per case, load ${load}`,
);
if (p(0.5) > 2000) process.exitCode = 1;
