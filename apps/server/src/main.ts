/**
 * Starts the Baton server: reads the configuration, opens and migrates the database, seeds the
 * demo data into an empty database, listens, and shuts down cleanly on SIGTERM/SIGINT.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from './app.ts';
import { checkSessionSecret, shortFingerprintLength, watchSessionSecret } from './auth/session-fingerprint.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type BatonDatabase, createDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { demoUsers, seedDemoDataIfEmpty } from './seed/demo-data.ts';
import { seedExampleProcessIfEmpty } from './seed/example-process.ts';
import { seedHistory } from './seed/history.ts';
import { seedSalesExampleIfMissing } from './seed/sales-examples.ts';
import { loadCalendarsDir } from './calendars/calendar-registry.ts';

/** The example process published and deployed into an empty database (repository root `examples/`). */
const exampleDefinitionUrl = new URL('../../../examples/lead-to-contract/definition.json', import.meta.url);

/** The web app's build output, served on the API's port (`npm start` builds it first when stale). */
const webRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** How long a graceful shutdown may take before the process exits anyway. */
const shutdownGraceMs = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`baton: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, name: 'baton' });
  if (config.sessionSecretSource === 'generated') {
    logger.info(
      { file: join(config.dataDir, 'session-secret') },
      'generated a new session secret (mode 0600); set SESSION_SECRET to manage it yourself',
    );
  }

  let database: BatonDatabase | undefined;
  try {
    database = await createDatabase(config, logger);
    logger.info(
      { database: database.kind, ...(database.kind === 'pglite' ? { dir: config.pgliteDir } : {}) },
      database.kind === 'pglite'
        ? 'using the embedded PGlite database (no fsync: an OS crash or power loss can lose the last commits; use DATABASE_URL=postgres://… in production)'
        : 'using PostgreSQL',
    );
    const migrations = await migrateToLatest(database.db);
    for (const result of migrations.results ?? [])
      logger.info({ migration: result.migrationName, status: result.status }, 'migration');
    // Replicas on one PostgreSQL database must share the secret, or one's tokens fail on another.
    const secret = await checkSessionSecret(database, config);
    if (secret.outcome === 'rotated') {
      logger.warn(
        {
          previous: secret.previous.slice(0, shortFingerprintLength),
          fingerprint: secret.fingerprint.slice(0, shortFingerprintLength),
        },
        'SESSION_SECRET_ROTATE: replaced the session secret recorded for this database; tokens signed with the old secret are refused, and replicas still running with it must be restarted with the new SESSION_SECRET',
      );
    }
    await watchSessionSecret(database, config.sessionSecret, logger);

    const demoPasswordFile = join(config.dataDir, 'demo-password');
    const candidate = config.demoPassword ?? randomBytes(9).toString('base64url');
    const seeded = await seedDemoDataIfEmpty(database.db, candidate);
    let demoPassword: string | undefined;
    if (seeded) {
      demoPassword = candidate;
      if (!config.demoPassword) writeFileSync(demoPasswordFile, `${candidate}\n`, { mode: 0o600 });
      logger.info({ users: demoUsers.length }, 'seeded demo teams and users into the empty database');
    } else {
      demoPassword =
        config.demoPassword ??
        (existsSync(demoPasswordFile) ? readFileSync(demoPasswordFile, 'utf8').trim() : undefined);
    }

    await seedExample(database, logger);
    try {
      if (await seedSalesExampleIfMissing(database.db))
        logger.info({ model: 'lead-to-after-sales' }, 'published the sales example (current and target state)');
    } catch (error) {
      logger.warn({ err: error }, `the sales example was not seeded: ${(error as Error).message}`);
    }

    const calendars = config.calendarsDir === undefined ? [] : loadCalendarsDir(config.calendarsDir);
    if (config.calendarsDir !== undefined)
      logger.info({ dir: config.calendarsDir, calendars: calendars.map((c) => c.id) }, 'loaded business calendars');
    const app = await buildApp({
      database,
      config,
      logger,
      calendars,
      clockOffsetMs: config.clockOffsetMs,
      webRoot,
      timers: { intervalMs: config.pollIntervalMs },
      outbox: {
        intervalMs: config.pollIntervalMs,
        ...(config.httpActionAllow ? { httpAllow: config.httpActionAllow } : {}),
      },
    });
    if (seeded && process.argv.includes('--seed-history')) {
      // `npm start` (which passes --seed-history) on an empty database: six months of sales
      // history (npm run seed:history), before the workers start. Servers started otherwise (the
      // test rig, benchmarks, replicas) start empty.
      const seed = Math.floor(Math.random() * 2 ** 31);
      logger.info({ seed }, 'seeding six months of sales history into the empty database (npm run seed:history)');
      try {
        const history = await seedHistory(app, { seed });
        logger.info(
          { seed, leads: history.leads, commands: history.commands, seconds: history.elapsedMs / 1000 },
          'seeded the sales history',
        );
      } catch (error) {
        logger.warn({ err: error, seed }, `the sales history was not seeded: ${(error as Error).message}`);
      } finally {
        app.runtime.setClockOffset(config.clockOffsetMs);
      }
    }
    await app.listen({ port: config.port, host: config.host });
    // Timers and outbox deliveries start once the server listens; app.close() stops them and
    // releases this process's claims before the database closes.
    await app.runtime.startWorkers();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    printBanner({ base, demoPassword, source: config.demoPassword !== undefined ? 'DEMO_PASSWORD' : demoPasswordFile });

    const db = database;
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal during shutdown; exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: closing the HTTP server, then the database');
      const timer = setTimeout(() => {
        logger.error(`shutdown took longer than ${shutdownGraceMs} ms; exiting anyway`);
        process.exit(1);
      }, shutdownGraceMs);
      timer.unref();
      app
        .close()
        .then(() => db.close())
        .then(
          () => {
            logger.info('stopped');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'error during shutdown');
            process.exit(1);
          },
        );
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  } catch (error) {
    await database?.close().catch(() => {});
    if (error instanceof ConfigError) {
      process.stderr.write(`baton: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err: error }, `startup failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

async function seedExample(database: BatonDatabase, logger: pino.Logger): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(exampleDefinitionUrl, 'utf8'));
  } catch (error) {
    logger.warn(
      { err: error, file: exampleDefinitionUrl.pathname },
      'the example process definition could not be read; no example is seeded',
    );
    return;
  }
  try {
    if (await seedExampleProcessIfEmpty(database.db, json)) {
      logger.info(
        { model: (json as { key: string }).key },
        'published and deployed the example process into the empty database',
      );
    }
  } catch (error) {
    logger.warn({ err: error }, `the example process was not seeded: ${(error as Error).message}`);
  }
}

/** Prints where the server listens and, with demo users, how to log in (`source`: where the demo password comes from). */
function printBanner({
  base,
  demoPassword,
  source,
}: {
  base: string;
  demoPassword: string | undefined;
  source: string;
}): void {
  const lines = ['', `Baton is listening on ${base}  (web app: ${base}/  API docs: ${base}/docs)`];
  if (demoPassword !== undefined) {
    lines.push(
      `Demo users: ${demoUsers.map((u) => u.username).join(', ')}`,
      `Shared demo password: ${demoPassword}   (from ${source})`,
      'Log in:',
      `  curl -s -X POST ${base}/api/auth/login -H 'content-type: application/json' \\`,
      `    -d '{"username":"admin","password":"${demoPassword}"}'`,
      '  then send the returned token as:  Authorization: Bearer <token>',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

void main();
