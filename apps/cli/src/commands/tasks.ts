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

/** The `tasks` command. */
export const tasksCommand: Command = {
  name: 'tasks',
  summary: (m) => m.commands.tasks.summary,
  usage: (m) => m.commands.tasks.usage,
  run: runTasks,
};

/** Picks the text for `locale`, else English, else any language, else `fallback`. */
export function pickText(text: LocalizedText | null | undefined, locale: Locale, fallback: string): string {
  return text?.[locale] ?? text?.en ?? text?.['zh-CN'] ?? fallback;
}

async function runTasks(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(context, tasksCommand, args, { json: { type: 'boolean' } }, { min: 0, max: 0 });
  if (!parsed.ok) return parsed.exitCode;
  const api = await connectOrReport(context, 'tasks');
  if (typeof api === 'number') return api;
  try {
    const [me, tasks] = await Promise.all([api.client.me(), api.listTasks()]);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(tasks, null, 2)}\n`);
      return exitCodes.ok;
    }
    if (tasks.length === 0) {
      io.stdout(`${messages.tasks.none(me.username)}\n`);
      return exitCodes.ok;
    }
    io.stdout(
      formatTable(
        messages.tasks.header,
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
    return reportFailure(context, 'tasks', error);
  }
}
