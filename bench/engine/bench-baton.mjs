// Baton engine throughput on the 10-step benchmark sales process, in memory, through the public
// `step` API: programmatic task completions, no I/O. Same modes and RESULT line as the peer
// harness (../shared/bench/peer/bench.mjs) so the figures compare one to one.
//
// usage: node --expose-gc --import tsx bench-baton.mjs [--mode=batch|sequential] [--n=10000] [--runs=5] [--warmup=2000]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileProcess, step } from '@baton/engine';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const MODE = args.mode ?? 'batch';
const N = Number(args.n ?? 10000);
const RUNS = Number(args.runs ?? 5);
const WARMUP = Number(args.warmup ?? 2000);
const gcFull = () => {
  globalThis.gc();
  globalThis.gc();
};

const definition = JSON.parse(readFileSync(new URL('./sales-process.json', import.meta.url), 'utf8'));
const proc = compileProcess(definition);
const actor = { id: 'rep', roles: ['sales-rep'] };
const employeesFor = (i) => (i % 2 === 0 ? 1000 : 50);
let now = Date.UTC(2026, 0, 5, 9);

function openTaskOf(effects) {
  for (const e of effects) if (e.type === 'task.created') return e.task;
  return undefined;
}

function startOne(i, stats) {
  const r = step(proc, null, { type: 'start', data: { employees: employeesFor(i) }, initiator: 'rep' }, { now: ++now });
  if (!r.ok) throw new Error(r.error.message);
  const t = openTaskOf(r.effects);
  stats.waits++;
  stats.waitsByNode[t.node] = (stats.waitsByNode[t.node] ?? 0) + 1;
  return { snapshot: r.snapshot, task: t.id };
}

function completeOne(h, stats) {
  const r = step(proc, h.snapshot, { type: 'complete', task: h.task, actor }, { now: ++now });
  if (!r.ok) throw new Error(r.error.message);
  if (r.snapshot.status === 'completed') {
    stats.completed++;
    return undefined;
  }
  const t = openTaskOf(r.effects);
  stats.waits++;
  stats.waitsByNode[t.node] = (stats.waitsByNode[t.node] ?? 0) + 1;
  return { snapshot: r.snapshot, task: t.id };
}

function runOnce(n) {
  const stats = { completed: 0, waits: 0, waitsByNode: {} };
  let heapMiBPer10k = null;
  const t0 = performance.now();
  let elapsed;
  if (MODE === 'sequential') {
    for (let i = 0; i < n; i++) {
      let h = startOne(i, stats);
      while (h) h = completeOne(h, stats);
    }
    elapsed = performance.now() - t0;
  } else {
    gcFull();
    const before = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    let queue = new Array(n);
    for (let i = 0; i < n; i++) queue[i] = startOne(i, stats);
    const startMs = performance.now() - t1;
    gcFull();
    heapMiBPer10k = ((process.memoryUsage().heapUsed - before) / 1048576) * (10000 / n);
    const t2 = performance.now();
    while (queue.length > 0) {
      const next = [];
      for (const h of queue) {
        const k = completeOne(h, stats);
        if (k) next.push(k);
      }
      queue = next;
    }
    elapsed = startMs + (performance.now() - t2);
  }
  const ent = Math.ceil(n / 2);
  const ok =
    stats.completed === n &&
    stats.waits === 3 * n &&
    stats.waitsByNode.qualifyEnterprise === ent &&
    stats.waitsByNode.qualifySmb === n - ent;
  if (!ok) throw new Error(`verification failed: ${JSON.stringify(stats)}`);
  return { instPerSec: (n / elapsed) * 1000, heapMiBPer10k };
}

runOnce(Math.min(WARMUP, N));
const results = [];
for (let r = 0; r < RUNS; r++) {
  const res = runOnce(N);
  results.push(res);
  console.log(
    `run ${r + 1}: ${res.instPerSec.toFixed(0)} inst/s${res.heapMiBPer10k !== null ? `, heap ${res.heapMiBPer10k.toFixed(1)} MiB per 10k waiting` : ''}`,
  );
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(
  'RESULT ' +
    JSON.stringify({
      engine: 'baton',
      mode: MODE,
      n: N,
      runs: RUNS,
      medianInstPerSec: median(results.map((r) => r.instPerSec)),
      ...(MODE === 'batch' ? { medianHeapMiBPer10kWaiting: median(results.map((r) => r.heapMiBPer10k)) } : {}),
    }),
);
