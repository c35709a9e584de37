#!/usr/bin/env node
/**
 * Builds the web app (`vite build`) when `dist/index.html` is missing or older than any of its
 * sources: `src/`, `index.html`, the Vite config and its `scripts/` plugins, this package's
 * `package.json`, and the client and definition packages it bundles (the definition schema
 * included). `npm start` and the web tests run it first, so a fresh clone and an edited checkout
 * both serve the current app; an up-to-date build costs a directory walk. Several
 * `npm start` at once (replicas on one machine) build once: the others wait for the lock
 * (`apps/web/.build-lock`), then find the build fresh.
 *
 * Usage: node scripts/build-if-stale.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(webDir, 'dist', 'index.html');
const sources = [
  join(webDir, 'src'),
  join(webDir, 'index.html'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'package.json'),
  join(webDir, 'scripts'),
  join(webDir, '..', '..', 'packages', 'client', 'src'),
  // The definition package is bundled too, and its schema is compiled into standalone validators.
  join(webDir, '..', '..', 'packages', 'definition', 'src'),
  join(webDir, '..', '..', 'packages', 'definition', 'schema'),
];

/** The newest modification time (ms) under `path`; 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const force = process.argv.includes('--force');
const isFresh = () => {
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  return builtAt > 0 && builtAt >= Math.max(...sources.map(newest));
};
if (!force && isFresh()) {
  process.stdout.write('web: the build is up to date (apps/web/dist)\n');
  process.exit(0);
}

// One build at a time: mkdir is atomic. A lock older than 10 minutes is left over from a killed build.
const lock = join(webDir, '.build-lock');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let waited = false; ; waited = true) {
  try {
    mkdirSync(lock);
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000)
      rmSync(lock, { recursive: true, force: true });
    else {
      if (!waited) process.stdout.write('web: another process is building the web app; waiting…\n');
      sleep(250);
    }
  }
}
try {
  if (!force && isFresh()) {
    process.stdout.write('web: the build is up to date (apps/web/dist)\n');
  } else {
    process.stdout.write(
      existsSync(built)
        ? 'web: rebuilding the web app (sources changed)…\n'
        : 'web: building the web app (no build yet)…\n',
    );
    const vite = join(
      dirname(createRequire(join(webDir, 'package.json')).resolve('vite/package.json')),
      'bin',
      'vite.js',
    );
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: webDir,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      process.stderr.write(`web: the build failed (exit ${result.status ?? result.signal}); see the errors above.\n`);
      process.exitCode = result.status ?? 1;
    }
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
