import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@baton/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests only: the CLI package never imports server code; here a real server runs in-process,
// seeded as `npm start` seeds an empty database (demo users, the example process deployed).
import { buildApp } from '../../server/src/app.ts';
import { createDatabase, type BatonDatabase } from '../../server/src/db/database.ts';
import { migrateToLatest } from '../../server/src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../../server/src/seed/demo-data.ts';
import { seedExampleProcessIfEmpty } from '../../server/src/seed/example-process.ts';
import { main } from '../src/main.ts';
import { captureIo, repoRoot } from './capture-io.ts';

// Issue 8, defect 8: the README tour's `baton deploy` failed for the user it names (ops could
// deploy but not publish). This test reads the tour from README.md and runs every `baton`
// command in it, in order, as written (only the server address changes), with the demo users.

const password = 'tour-password-1';
let database: BatonDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let server: string;
let scratch: string;

beforeAll(async () => {
  database = await createDatabase({ pgliteDir: null });
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, password);
  const example = JSON.parse(
    await readFile(path.join(repoRoot, 'examples/lead-to-contract/definition.json'), 'utf8'),
  ) as unknown;
  expect(await seedExampleProcessIfEmpty(database.db, example)).toBe(true);
  app = await buildApp({ database, config: { sessionSecret: randomBytes(32).toString('hex'), logLevel: 'silent' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(path.join(tmpdir(), 'baton-cli-tour-'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 60_000);

/** The `npx baton …` lines of the README's "A one-screen tour" block, comments dropped, split into arguments. */
async function readTour(): Promise<string[][]> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('## A one-screen tour')[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npx baton '))
    .map((line) => line.slice('npx baton '.length).split(/\s+/));
}

describe('issue 8: the README tour', () => {
  it('walks every baton command of the tour with the demo users it names', async () => {
    const tour = await readTour();
    expect(tour.map((argv) => argv[0])).toEqual(
      expect.arrayContaining(['validate', 'login', 'deploy', 'versions', 'tasks']),
    );
    const env = { XDG_CONFIG_HOME: path.join(scratch, 'tour'), BATON_PASSWORD: password };
    const transcript: string[] = [];
    for (const argv of tour) {
      const args = argv.map((a) => a.replace('http://127.0.0.1:3000', server));
      const c = captureIo(repoRoot, { env, fetch: (url, init) => globalThis.fetch(url, init) });
      const code = await main(args, c.io);
      transcript.push(`$ baton ${args.join(' ')}\n${c.stdout()}${c.stderr()}`);
      expect(code, transcript.join('\n')).toBe(0);
    }
    const all = transcript.join('\n');
    // Validation ran, the deploy reached the pilot team, and the versions and inbox steps answered.
    expect(all).toMatch(/Checked \d+ files: \d+ valid, 0 invalid/);
    expect(all).toMatch(/as rep1/);
    expect(all).toMatch(/sales-east/);
    expect(all).toMatch(/NUMBER\s+STATE\s+STATUS/);
    const admin = createClient({ baseUrl: server, fetch: (url, init) => globalThis.fetch(url, init) });
    await admin.login('admin', password);
    expect(
      (await admin.listDeployments('lead-to-contract')).some(
        (d) => d.active && d.cohort.type === 'teams' && d.cohort.teams.includes('sales-east'),
      ),
    ).toBe(true);
  }, 60_000);
});
