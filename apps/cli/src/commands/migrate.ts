/**
 * `baton migrate KEY --from N --to N`: process instance migration from the command line. Prints
 * the proposed mapping and a dry run (which instances cannot move, and why); then, unless
 * `--dry-run`, starts the migration and follows its progress until it is done.
 *
 * @module
 */
import type { MigrationBody, MigrationOperation } from '@baton/client';
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

/** The `migrate` command. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: (m) => m.commands.migrate.summary,
  usage: (m) => m.commands.migrate.usage,
  run: runMigrate,
};

/** How often the progress of a running migration is read (ms). */
const pollMs = 250;

/**
 * Parses `--map` values (`SOURCE=TARGET`) into a mapping; `{ ok: false, bad }` names the first
 * value that is not two non-empty node ids.
 *
 * @example
 * parseMappings(['review=check']); // { ok: true, mapping: { review: 'check' } }
 */
export function parseMappings(
  values: readonly string[],
): { ok: true; mapping: Record<string, string> } | { ok: false; bad: string } {
  const mapping: Record<string, string> = {};
  for (const value of values) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(value.trim());
    if (!match) return { ok: false, bad: value };
    mapping[match[1]!] = match[2]!;
  }
  return { ok: true, mapping };
}

async function runMigrate(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const m = messages.migrate;
  const parsed = parseCommandArgs(
    context,
    migrateCommand,
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      map: { type: 'string', multiple: true },
      instance: { type: 'string', multiple: true },
      'business-key-prefix': { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 1, max: 1 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const key = parsed.positionals[0]!;
  const versions: number[] = [];
  for (const option of ['from', 'to'] as const) {
    const text = parsed.values[option] ?? '';
    if (!/^[1-9]\d{0,8}$/.test(text)) return usageError(context, migrateCommand, m.badVersion(`--${option}`, text));
    versions.push(Number(text));
  }
  const [from, to] = versions as [number, number];
  const mappings = parseMappings(parsed.values.map ?? []);
  if (!mappings.ok) return usageError(context, migrateCommand, m.badMap(mappings.bad));
  const body: MigrationBody = {
    from,
    to,
    mapping: mappings.mapping,
    ...(parsed.values.instance ? { instances: parsed.values.instance } : {}),
    ...(parsed.values['business-key-prefix'] !== undefined
      ? { businessKeyPrefix: parsed.values['business-key-prefix'] }
      : {}),
  };

  const api = await connectOrReport(context, 'migrate');
  if (typeof api === 'number') return api;
  const { client } = api;
  try {
    const plan = await client.getMigrationPlan(key, from, to);
    const dry = await client.dryRunMigration(key, body);
    const dryRun = parsed.values['dry-run'] === true;
    if (parsed.values.json && dryRun) {
      io.stdout(`${JSON.stringify({ plan, dryRun: dry }, null, 2)}\n`);
      return dry.blocked.length === 0 ? exitCodes.ok : exitCodes.failed;
    }
    if (!parsed.values.json) {
      io.stdout(
        formatTable(
          m.header,
          plan.rows.map((r) => [r.source, body.mapping[r.source] ?? r.target ?? m.unmapped, String(r.instances)]),
        ),
      );
      io.stdout(`${m.summary(dry.total, dry.movable.length, dry.blocked.length)}\n`);
      for (const b of dry.blocked)
        io.stdout(
          `${m.blocked(b.instanceId, b.businessKey, b.problems.map((p) => `${p.code} ${p.message}`).join('; '))}\n`,
        );
    }
    if (dryRun) return dry.blocked.length === 0 ? exitCodes.ok : exitCodes.failed;
    if (dry.total === 0) {
      io.stdout(`${m.nothing}\n`);
      return exitCodes.ok;
    }
    let op: MigrationOperation = await client.startMigration(key, body);
    if (!parsed.values.json) io.stdout(`${m.started(op.id, op.total)}\n`);
    let shown = -1;
    while (op.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      op = await client.getMigration(op.id);
      if (!parsed.values.json && op.migrated + op.failed !== shown) {
        shown = op.migrated + op.failed;
        io.stdout(`${m.progress(op.migrated, op.failed, op.total)}\n`);
      }
    }
    if (parsed.values.json) io.stdout(`${JSON.stringify(op, null, 2)}\n`);
    else if (op.status === 'failed') io.stderr(`baton migrate: ${m.stopped(op.id)}\n`);
    else {
      io.stdout(`${m.done(op.id, op.migrated, op.failed)}\n`);
      for (const b of op.failures)
        io.stdout(
          `${m.blocked(b.instanceId, b.businessKey, b.problems.map((p) => `${p.code} ${p.message}`).join('; '))}\n`,
        );
    }
    return op.status === 'completed' && op.failed === 0 ? exitCodes.ok : exitCodes.failed;
  } catch (error) {
    return reportFailure(context, 'migrate', error);
  }
}
