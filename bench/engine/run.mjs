#!/usr/bin/env node
// `npm run bench:engine`: Baton's engine and the two yardsticks in ../shared/bench/peer
// (bpmn-engine, and the same flow hand-written in raw xstate), each in its own Node process, in
// one invocation. Prints the three figures side by side; the last line is the summary.
//
// Env: N (default 10000, batch), BPMN_N (default 2000, sequential), RUNS (default 5),
//      PEER_DIR (default ../shared/bench/peer beside the repository).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const peer = resolve(process.env.PEER_DIR ?? join(root, '../shared/bench/peer'));
const N = Number(process.env.N ?? 10000);
const BPMN_N = Number(process.env.BPMN_N ?? 2000);
const RUNS = Number(process.env.RUNS ?? 5);

if (!existsSync(join(peer, 'bench.mjs'))) {
  console.error(`bench:engine: the peer harness was not found at ${peer}; set PEER_DIR.`);
  process.exit(2);
}
if (!existsSync(join(peer, 'node_modules'))) {
  console.log(`# installing the peer harness's packages (npm ci in ${peer})`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peer, stdio: 'inherit' });
}

function run(label, cwd, args) {
  console.log(`# ${label}: load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8000', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(
    out
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n') + '\n',
  );
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${label}: no RESULT line`);
  return JSON.parse(line.slice(7));
}

console.log(
  `# machine: ${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${cpus()[0]?.model ?? ''}`,
);
const baton = run(`baton batch N=${N}`, here, [
  '--import',
  'tsx',
  'bench-baton.mjs',
  '--mode=batch',
  `--n=${N}`,
  `--runs=${RUNS}`,
]);
const batonSeq = run(`baton sequential N=${N}`, here, [
  '--import',
  'tsx',
  'bench-baton.mjs',
  '--mode=sequential',
  `--n=${N}`,
  `--runs=${RUNS}`,
]);
const xstate = run(`xstate-raw batch N=${N}`, peer, [
  'bench.mjs',
  '--engine=xstate',
  '--mode=batch',
  `--n=${N}`,
  `--runs=${RUNS}`,
  '--warmup=2000',
]);
const bpmn = run(`bpmn-engine sequential N=${BPMN_N}`, peer, [
  'bench.mjs',
  '--engine=bpmn-engine',
  '--mode=sequential',
  `--n=${BPMN_N}`,
  `--runs=${Math.min(RUNS, 3)}`,
  '--warmup=200',
]);

const x = baton.medianInstPerSec;
const z = xstate.medianInstPerSec;
const y = bpmn.medianInstPerSec;
const r = x / y;
const h = baton.medianHeapMiBPer10kWaiting;
const pass = x >= 0.5 * z && r >= 50 && h <= 64;
console.log(
  `# baton sequential: ${batonSeq.medianInstPerSec.toFixed(0)} inst/s; baton/xstate-raw (batch): ${(x / z).toFixed(2)}; targets ${pass ? 'met' : 'NOT met'} (X >= 0.5 Z, R >= 50, H <= 64 MiB)`,
);
console.log(
  `engine: ${x.toFixed(0)} inst/s; bpmn-engine: ${y.toFixed(0)} inst/s; xstate-raw: ${z.toFixed(0)} inst/s; ratio-vs-bpmn-engine: ${r.toFixed(0)}; heap-per-10k-waiting: ${h.toFixed(1)} MiB`,
);
process.exitCode = pass ? 0 : 1;
