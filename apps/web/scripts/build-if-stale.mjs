#!/usr/bin/env node
/**
 * Builds the web app (`vite build`) when `dist/index.html` is missing or older than any of its
 * sources: `src/`, `index.html`, the Vite config, this package's `package.json` and the client
 * package it bundles. `npm start` and the web tests run it first, so a fresh clone and an edited
 * checkout both serve the current app; an up-to-date build costs a directory walk.
 *
 * Usage: node scripts/build-if-stale.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
  join(webDir, '..', '..', 'packages', 'client', 'src'),
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
const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const sourcesAt = Math.max(...sources.map(newest));
if (!force && builtAt > 0 && builtAt >= sourcesAt) {
  process.stdout.write('web: the build is up to date (apps/web/dist)\n');
  process.exit(0);
}
process.stdout.write(builtAt === 0 ? 'web: building the web app (no build yet)…\n' : 'web: rebuilding the web app (sources changed)…\n');
const vite = join(dirname(createRequire(join(webDir, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write(`web: the build failed (exit ${result.status ?? result.signal}); see the errors above.\n`);
  process.exit(result.status ?? 1);
}
