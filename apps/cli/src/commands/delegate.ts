/**
 * `baton delegate`: 委托 — set an agent for a period, list delegations, end one early.
 *
 * @module
 */
import { formatTable } from '../format-table.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { formatTimestamp } from './format-timestamp.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

/** The `delegate` command. */
export const delegateCommand: Command = {
  name: 'delegate',
  summary: (m) => m.commands.delegate.summary,
  usage: (m) => m.commands.delegate.usage,
  run: runDelegate,
};

async function runDelegate(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(
    context,
    delegateCommand,
    args,
    {
      to: { type: 'string' },
      from: { type: 'string' },
      until: { type: 'string' },
      note: { type: 'string' },
      list: { type: 'boolean' },
      all: { type: 'boolean' },
      end: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const v = parsed.values;
  const modes = [v.list === true, v.end !== undefined, v.to !== undefined].filter(Boolean).length;
  if (modes !== 1 || (v.to !== undefined && v.until === undefined))
    return usageError(context, delegateCommand, messages.delegate.badMode);
  const endId = v.end === undefined ? undefined : Number(v.end);
  if (endId !== undefined && !(Number.isSafeInteger(endId) && endId >= 1))
    return usageError(context, delegateCommand, messages.delegate.badId(v.end!));
  const api = await connectOrReport(context, 'delegate');
  if (typeof api === 'number') return api;
  const c = api.client;
  try {
    if (v.list) {
      const all = await c.listDelegations(v.all ? { all: true } : {});
      if (v.json) io.stdout(`${JSON.stringify(all, null, 2)}\n`);
      else if (all.length === 0) io.stdout(`${messages.delegate.none}\n`);
      else
        io.stdout(
          formatTable(
            messages.delegate.header,
            all.map((d) => [
              String(d.id),
              d.user,
              d.agent,
              formatTimestamp(d.startsAt),
              formatTimestamp(d.endsAt),
              d.state,
            ]),
          ),
        );
      return exitCodes.ok;
    }
    if (endId !== undefined) {
      const ended = await c.endDelegation(endId);
      io.stdout(v.json ? `${JSON.stringify(ended, null, 2)}\n` : `${messages.delegate.ended(ended.id)}\n`);
      return exitCodes.ok;
    }
    const d = await c.createDelegation({
      agent: v.to!,
      until: v.until!,
      ...(v.from !== undefined ? { from: v.from } : {}),
      ...(v.note !== undefined ? { note: v.note } : {}),
    });
    io.stdout(
      v.json
        ? `${JSON.stringify(d, null, 2)}\n`
        : `${messages.delegate.set(d.agent, formatTimestamp(d.startsAt), formatTimestamp(d.endsAt), d.id)}\n`,
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'delegate', error);
  }
}
