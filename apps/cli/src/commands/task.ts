/**
 * `baton task ACTION ID...`: the approval operations on tasks — approve or reject (with a
 * comment and cc), 加签 add signers, 撤回 withdraw a completion, 退回 return, batch approval.
 *
 * @module
 */
import type { SignerPosition, TaskResult } from '@baton/client';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

/** The `task` command. */
export const taskCommand: Command = {
  name: 'task',
  summary: (m) => m.commands.task.summary,
  usage: (m) => m.commands.task.usage,
  run: runTask,
};

const actions = ['approve', 'reject', 'add-signers', 'withdraw', 'return', 'batch-approve'] as const;
type Action = (typeof actions)[number];
const positions: readonly SignerPosition[] = ['before', 'after', 'parallel'];

/** Splits `a,b , c` into names, dropping empty ones. */
export function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function runTask(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(
    context,
    taskCommand,
    args,
    {
      comment: { type: 'string' },
      cc: { type: 'string' },
      users: { type: 'string' },
      position: { type: 'string' },
      to: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 2, max: 101 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const [actionText, ...idTexts] = parsed.positionals as [string, ...string[]];
  if (!(actions as readonly string[]).includes(actionText))
    return usageError(context, taskCommand, messages.task.badAction(actionText, actions));
  const action = actionText as Action;
  const ids: number[] = [];
  for (const text of idTexts) {
    const id = Number(text);
    if (!Number.isSafeInteger(id) || id < 1) return usageError(context, taskCommand, messages.task.badId(text));
    ids.push(id);
  }
  if (action !== 'batch-approve' && ids.length !== 1)
    return usageError(context, taskCommand, messages.args.wrongCount(2, 2, parsed.positionals.length));
  const v = parsed.values;
  const comment = v.comment !== undefined ? { comment: v.comment } : {};
  if (action === 'add-signers') {
    if (splitList(v.users).length === 0) return usageError(context, taskCommand, messages.task.needUsers);
    if (!(positions as readonly string[]).includes(v.position ?? ''))
      return usageError(context, taskCommand, messages.task.badPosition(v.position ?? ''));
  }
  if (action === 'return' && (v.to === undefined || v.to === ''))
    return usageError(context, taskCommand, messages.task.needTo);
  const api = await connectOrReport(context, 'task');
  if (typeof api === 'number') return api;
  const c = api.client;
  const id = ids[0]!;
  try {
    if (action === 'batch-approve') {
      const result = await c.batchCompleteTasks({ tasks: ids, decision: 'approve', ...comment });
      if (v.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout(`${messages.task.batch(result.succeeded, result.failed)}\n`);
        for (const r of result.results)
          if (!r.ok && r.error) io.stderr(`${messages.task.batchFailed(r.id, r.error.code, r.error.message)}\n`);
      }
      return result.failed === 0 ? exitCodes.ok : exitCodes.failed;
    }
    let result: TaskResult;
    if (action === 'approve' || action === 'reject') {
      const cc = splitList(v.cc);
      result = await c.completeTask(id, { decision: action, ...comment, ...(cc.length > 0 ? { cc } : {}) });
    } else if (action === 'add-signers') {
      result = await c.addSigners(id, {
        users: splitList(v.users),
        position: v.position as SignerPosition,
        ...comment,
      });
    } else if (action === 'withdraw') {
      result = await c.withdrawTask(id, comment);
    } else {
      result = await c.returnTask(id, { to: v.to!, ...(v.reason !== undefined ? { reason: v.reason } : {}) });
    }
    io.stdout(
      v.json ? `${JSON.stringify(result, null, 2)}\n` : `${messages.task.done(action, id, result.task.status)}\n`,
    );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'task', error);
  }
}
