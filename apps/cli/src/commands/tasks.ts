/**
 * `baton tasks`: lists the caller's inbox, or with `--list` one of the four lists (to do, done,
 * started, cc'd).
 *
 * @module
 */
import type { LocalizedText, Locale, Task, User } from '@baton/client';
import type { CliApi } from '../server-api.ts';
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { formatTimestamp } from './format-timestamp.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

const lists = ['todo', 'done', 'started', 'cc'] as const;
type ListName = (typeof lists)[number];

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
  const parsed = parseCommandArgs(
    context,
    tasksCommand,
    args,
    {
      json: { type: 'boolean' },
      list: { type: 'string' },
      process: { type: 'string' },
      step: { type: 'string' },
      overdue: { type: 'boolean' },
      unread: { type: 'boolean' },
      limit: { type: 'string' },
    },
    { min: 0, max: 0 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const { list, limit: limitText } = parsed.values;
  if (list !== undefined && !(lists as readonly string[]).includes(list))
    return usageError(context, tasksCommand, messages.tasks.badList(list));
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 200))
    return usageError(context, tasksCommand, messages.tasks.badLimit(limitText!));
  const api = await connectOrReport(context, 'tasks');
  if (typeof api === 'number') return api;
  try {
    if (list !== undefined) {
      const filters = {
        ...(parsed.values.process !== undefined ? { process: parsed.values.process } : {}),
        ...(parsed.values.step !== undefined ? { step: parsed.values.step } : {}),
        ...(limit !== undefined ? { limit } : {}),
      };
      return await printList(context, api, list as ListName, filters, {
        overdue: parsed.values.overdue === true,
        unread: parsed.values.unread === true,
        json: parsed.values.json === true,
      });
    }
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

/** Prints one of the four lists as a table (or JSON), then how many there are when not all are shown. */
async function printList(
  context: CommandContext,
  api: CliApi,
  list: ListName,
  filters: { process?: string; step?: string; limit?: number },
  flags: { overdue: boolean; unread: boolean; json: boolean },
): Promise<number> {
  const { io, messages } = context;
  const overdue = flags.overdue ? { overdue: true } : {};
  const c = api.client;
  let page: { items: unknown[]; count: number };
  let rows: string[][];
  let header: readonly string[] = messages.tasks.header;
  const me: User = await c.me();
  if (list === 'todo' || list === 'done') {
    const tasks =
      list === 'todo' ? await c.listTodo({ ...filters, ...overdue }) : await c.listDone({ ...filters, ...overdue });
    page = tasks;
    if (list === 'done') header = messages.tasks.doneHeader;
    rows = tasks.items.map((t) => [
      String(t.id),
      pickText(t.nodeName, me.locale, t.nodeId),
      t.modelKey,
      t.businessKey === null ? t.instanceId : `${t.instanceId} (${t.businessKey})`,
      formatTimestamp(t.dueAt),
      list === 'todo'
        ? t.onBehalfOf
          ? `${t.assignee ?? '-'} (${t.onBehalfOf})`
          : (t.assignee ?? '-')
        : formatTimestamp(t.completedAt),
    ]);
  } else if (list === 'started') {
    const started = await c.listStarted({ ...filters, ...overdue });
    page = started;
    header = messages.instances.header;
    rows = started.items.map((i) => [
      i.id,
      i.status,
      String(i.version),
      i.businessKey ?? '-',
      i.initiator ?? '-',
      formatTimestamp(i.createdAt),
      formatTimestamp(i.updatedAt),
    ]);
  } else {
    const cc = await c.listCc({ ...filters, ...(flags.unread ? { unread: true } : {}) });
    page = cc;
    header = messages.tasks.ccHeader;
    rows = cc.items.map((e) => [
      String(e.id),
      e.modelKey,
      e.businessKey === null ? e.instanceId : `${e.instanceId} (${e.businessKey})`,
      e.nodeId,
      e.by ?? '-',
      formatTimestamp(e.createdAt),
      e.readAt === null ? messages.tasks.unread : messages.tasks.read,
    ]);
  }
  if (flags.json) {
    io.stdout(`${JSON.stringify(page, null, 2)}\n`);
    return exitCodes.ok;
  }
  if (rows.length === 0) {
    io.stdout(`${messages.tasks.emptyList(list)}\n`);
    return exitCodes.ok;
  }
  io.stdout(formatTable(header, rows));
  if (page.count > rows.length) io.stdout(`${messages.tasks.more(rows.length, page.count)}\n`);
  return exitCodes.ok;
}
