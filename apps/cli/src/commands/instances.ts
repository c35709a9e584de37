/**
 * `baton instances KEY`: lists the instances of a process model.
 *
 * @module
 */
import { instanceStatuses, type InstanceStatus } from '@baton/client';
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { formatTimestamp } from './format-timestamp.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

const usage = `Usage: baton instances KEY [--status STATUS] [--limit N] [--json]

Lists instances of process model KEY: id, status, version, business key, who started it, and
when it was started and last changed (UTC).

Options:
  --status STATUS  Only instances with this status: ${instanceStatuses.join(', ')}
  --limit N        At most N instances (1-500). Default: the server's (50)
  --json           Print the instances as JSON instead
  -h, --help       Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`;

/** The `instances` command. */
export const instancesCommand: Command = {
  name: 'instances',
  summary: 'List the instances of a process model',
  usage,
  run: runInstances,
};

async function runInstances(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, instancesCommand, args, { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, { min: 1, max: 1 });
  if (!parsed.ok) return parsed.exitCode;
  const status = parsed.values.status;
  if (status !== undefined && !(instanceStatuses as readonly string[]).includes(status)) {
    return usageError(io, instancesCommand, `--status "${status}" is not an instance status; use one of ${instanceStatuses.join(', ')}.`);
  }
  const limit = parsed.values.limit === undefined ? undefined : Number(parsed.values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) {
    return usageError(io, instancesCommand, `--limit "${parsed.values.limit}" must be a whole number from 1 to 500.`);
  }
  const api = await connectOrReport(io, 'instances');
  if (typeof api === 'number') return api;
  try {
    const instances = await api.listInstances({
      model: parsed.positionals[0]!,
      ...(status === undefined ? {} : { status: status as InstanceStatus }),
      ...(limit === undefined ? {} : { limit }),
    });
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(instances, null, 2)}\n`);
      return exitCodes.ok;
    }
    if (instances.length === 0) {
      io.stdout(`No instances of ${parsed.positionals[0]}${status === undefined ? '' : ` with status ${status}`}.\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        ['ID', 'STATUS', 'VERSION', 'BUSINESS KEY', 'INITIATOR', 'STARTED', 'UPDATED'],
        instances.map((i) => [i.id, i.status, String(i.version), i.businessKey ?? '-', i.initiator ?? '-', formatTimestamp(i.createdAt), formatTimestamp(i.updatedAt)]),
      ),
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(io, 'instances', error);
  }
}
