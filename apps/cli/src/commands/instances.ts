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

/** The `instances` command. */
export const instancesCommand: Command = {
  name: 'instances',
  summary: (m) => m.commands.instances.summary,
  usage: (m) => m.commands.instances.usage,
  run: runInstances,
};

async function runInstances(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(
    context,
    instancesCommand,
    args,
    { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    { min: 1, max: 1 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const status = parsed.values.status;
  if (status !== undefined && !(instanceStatuses as readonly string[]).includes(status)) {
    return usageError(context, instancesCommand, messages.instances.badStatus(status, instanceStatuses));
  }
  const limit = parsed.values.limit === undefined ? undefined : Number(parsed.values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) {
    return usageError(context, instancesCommand, messages.instances.badLimit(parsed.values.limit!));
  }
  const api = await connectOrReport(context, 'instances');
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
      io.stdout(`${messages.instances.none(parsed.positionals[0]!, status)}\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        messages.instances.header,
        instances.map((i) => [
          i.id,
          i.status,
          String(i.version),
          i.businessKey ?? '-',
          i.initiator ?? '-',
          formatTimestamp(i.createdAt),
          formatTimestamp(i.updatedAt),
        ]),
      ),
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'instances', error);
  }
}
