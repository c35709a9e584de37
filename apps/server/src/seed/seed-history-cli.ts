/**
 * `npm run seed:history [-- --seed N] [--leads-per-week N] [--weeks N]`: opens the configured
 * database (PGlite by default, `DATABASE_URL` for PostgreSQL), migrates it, seeds the demo users
 * and the sales example when missing, then six months of history (see `history.ts`). Prints the
 * seed, so a run can be repeated.
 *
 * @module
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedDemoDataIfEmpty } from './demo-data.ts';
import { seedHistory } from './history.ts';
import { seedSalesExampleIfMissing } from './sales-examples.ts';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      'leads-per-week': { type: 'string' },
      weeks: { type: 'string' },
    },
  });
  const seed = values.seed === undefined ? randomInt(1, 2 ** 31 - 1) : Number(values.seed);
  if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer, got "${values.seed}"`);
  const config = loadConfig();
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, name: 'baton' });
  const database = await createDatabase(config, logger);
  try {
    await migrateToLatest(database.db);
    const candidate = config.demoPassword ?? randomBytes(9).toString('base64url');
    if (await seedDemoDataIfEmpty(database.db, candidate)) {
      const file = join(config.dataDir, 'demo-password');
      if (!config.demoPassword && !existsSync(file)) writeFileSync(file, `${candidate}\n`, { mode: 0o600 });
      process.stdout.write(`seeded the demo users (password in ${config.demoPassword ? 'DEMO_PASSWORD' : file})\n`);
    }
    await seedSalesExampleIfMissing(database.db);
    const app = await buildApp({ database, config, logger, calendars: [] });
    try {
      await app.ready();
      process.stdout.write(`seed:history: seed ${seed} (repeat with: npm run seed:history -- --seed ${seed})\n`);
      const cpuBefore = process.cpuUsage();
      const result = await seedHistory(app, {
        seed,
        ...(values['leads-per-week'] ? { leadsPerWeek: Number(values['leads-per-week']) } : {}),
        ...(values.weeks ? { weeks: Number(values.weeks) } : {}),
        log: (line) => process.stdout.write(`${line}\n`),
      });
      const cpu = process.cpuUsage(cpuBefore);
      process.stdout.write(
        `seed:history: CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (this process, PGlite included when embedded) in ${(result.elapsedMs / 1000).toFixed(1)} s of wall time\n`,
      );
      process.stdout.write(
        `seed:history: time per action: ${Object.entries(result.timing)
          .map(([k, v]) => `${k} ${v.count} × ${(v.ms / v.count).toFixed(1)} ms = ${(v.ms / 1000).toFixed(1)} s`)
          .join('; ')}\n` +
          `seed:history: ${result.leads} leads, ${result.commands} commands, ${result.timersFired} timer firings, ${result.refused} refused${result.refused > 0 ? ` (${JSON.stringify(result.refusedCodes)})` : ''}, in ${(result.elapsedMs / 1000).toFixed(1)} s (seed ${result.seed})\n`,
      );
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`seed:history failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
