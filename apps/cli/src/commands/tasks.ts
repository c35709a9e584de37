/**
 * `baton tasks`: lists the caller's inbox.
 *
 * @module
 */
import type { LocalizedText, Locale, Task } from '@baton/client';
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { formatTimestamp } from './format-timestamp.ts';
import { parseCommandArgs } from './parse-command-args.ts';

const usage = `Usage: baton tasks [--json]

Lists your inbox: the open and claimed tasks you are assigned to or may claim, with the task
name in your language (else English), the instance, the due time (UTC) and the assignee
("-" while nobody has claimed it).

Options:
  --json      Print the tasks as JSON instead
  -h, --help  Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`;

/** The `tasks` command. */
export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'List your inbox (open and claimed tasks)',
  usage,
  run: runTasks,
};

/** Picks the text for `locale`, else English, else any language, else `fallback`. */
export function pickText(text: LocalizedText | null | undefined, locale: Locale, fallback: string): string {
  return text?.[locale] ?? text?.en ?? text?.['zh-CN'] ?? fallback;
}

async function runTasks(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, tasksCommand, args, { json: { type: 'boolean' } }, { min: 0, max: 0 });
  if (!parsed.ok) return parsed.exitCode;
  const api = await connectOrReport(io, 'tasks');
  if (typeof api === 'number') return api;
  try {
    const [me, tasks] = await Promise.all([api.client.me(), api.listTasks()]);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(tasks, null, 2)}\n`);
      return exitCodes.ok;
    }
    if (tasks.length === 0) {
      io.stdout(`No open tasks for ${me.username}.\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        ['ID', 'TASK', 'PROCESS', 'INSTANCE', 'DUE', 'ASSIGNEE'],
        tasks.map((t: Task) => [
          String(t.id),
          pickText(t.nodeName, me.locale, t.nodeId),
          t.modelKey,
          t.businessKey === null ? t.instanceId : `${t.instanceId} (${t.businessKey})`,
          formatTimestamp(t.dueAt),
          t.assignee ?? '-',
        ]),
      ),
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(io, 'tasks', error);
  }
}
