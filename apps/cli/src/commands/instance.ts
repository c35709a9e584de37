/**
 * `baton instance withdraw|comment ID`: 撤回 an instance (its initiator) or comment on it.
 *
 * @module
 */
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

/** The `instance` command. */
export const instanceCommand: Command = {
  name: 'instance',
  summary: (m) => m.commands.instance.summary,
  usage: (m) => m.commands.instance.usage,
  run: runInstance,
};

const actions = ['withdraw', 'comment'] as const;

async function runInstance(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const parsed = parseCommandArgs(
    context,
    instanceCommand,
    args,
    { comment: { type: 'string' }, json: { type: 'boolean' } },
    { min: 2, max: 3 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const [action, id, text] = parsed.positionals as [string, string, string | undefined];
  if (!(actions as readonly string[]).includes(action))
    return usageError(context, instanceCommand, messages.instance.badAction(action, actions));
  const wanted = action === 'comment' ? 3 : 2;
  if (parsed.positionals.length !== wanted)
    return usageError(context, instanceCommand, messages.args.wrongCount(wanted, wanted, parsed.positionals.length));
  const api = await connectOrReport(context, 'instance');
  if (typeof api === 'number') return api;
  try {
    const comment = parsed.values.comment;
    const result =
      action === 'withdraw'
        ? await api.client.withdrawInstance(id, comment !== undefined ? { comment } : {})
        : await api.client.commentInstance(id, { text: text! });
    if (parsed.values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else
      io.stdout(
        `${action === 'withdraw' ? messages.instance.withdrawn(id, result.instance.status) : messages.instance.commented(id)}\n`,
      );
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'instance', error);
  }
}
