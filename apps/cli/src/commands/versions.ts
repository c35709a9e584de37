/**
 * `baton versions KEY`: lists a process model's versions.
 *
 * @module
 */
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { formatTimestamp } from './format-timestamp.ts';
import { parseCommandArgs } from './parse-command-args.ts';

/** The `versions` command. */
export const versionsCommand: Command = {
  name: 'versions',
  summary: (m) => m.commands.versions.summary,
  usage: (m) => m.commands.versions.usage,
  run: runVersions,
};

async function runVersions(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(context, versionsCommand, args, { json: { type: 'boolean' } }, { min: 1, max: 1 });
  if (!parsed.ok) return parsed.exitCode;
  const api = await connectOrReport(context, 'versions');
  if (typeof api === 'number') return api;
  try {
    const versions = [...(await api.client.listVersions(parsed.positionals[0]!))].sort((a, b) => a.number - b.number);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(versions, null, 2)}\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        messages.versions.header,
        versions.map((v) => [
          String(v.number),
          v.state,
          v.status,
          v.contentHash?.slice(0, 12) ?? '-',
          formatTimestamp(v.publishedAt),
        ]),
      ),
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'versions', error);
  }
}
