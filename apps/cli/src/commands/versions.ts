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

const usage = `Usage: baton versions KEY [--json]

Lists the versions of process model KEY, oldest first: number, state (current or target),
status (draft, published, retired), the first 12 characters of the content hash, and when it
was published (UTC).

Options:
  --json      Print the versions as JSON instead
  -h, --help  Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`;

/** The `versions` command. */
export const versionsCommand: Command = {
  name: 'versions',
  summary: "List a process model's versions",
  usage,
  run: runVersions,
};

async function runVersions(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, versionsCommand, args, { json: { type: 'boolean' } }, { min: 1, max: 1 });
  if (!parsed.ok) return parsed.exitCode;
  const api = await connectOrReport(io, 'versions');
  if (typeof api === 'number') return api;
  try {
    const versions = [...(await api.client.listVersions(parsed.positionals[0]!))].sort((a, b) => a.number - b.number);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(versions, null, 2)}\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        ['NUMBER', 'STATE', 'STATUS', 'HASH', 'PUBLISHED'],
        versions.map((v) => [String(v.number), v.state, v.status, v.contentHash?.slice(0, 12) ?? '-', formatTimestamp(v.publishedAt)]),
      ),
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(io, 'versions', error);
  }
}
