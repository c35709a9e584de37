/**
 * The command table of `baton`. To add a command, write `commands/<name>.ts` exporting a
 * {@link Command} and list it here; `main()` and the help text pick it up. Its summary and usage
 * go in the message catalogue (`CommandName` in `messages/messages.ts`, then `en.ts` and `zh-CN.ts`).
 *
 * @module
 */
import type { Command } from './command.ts';
import { delegateCommand } from './delegate.ts';
import { deployCommand } from './deploy.ts';
import { instanceCommand } from './instance.ts';
import { taskCommand } from './task.ts';
import { instancesCommand } from './instances.ts';
import { loginCommand, logoutCommand } from './login.ts';
import { migrateCommand } from './migrate.ts';
import { tasksCommand } from './tasks.ts';
import { validateCommand } from './validate.ts';
import { versionsCommand } from './versions.ts';

/** Every `baton` sub-command, in the order `baton help` lists them. */
export const commands: readonly Command[] = [
  validateCommand,
  loginCommand,
  deployCommand,
  versionsCommand,
  instancesCommand,
  tasksCommand,
  taskCommand,
  instanceCommand,
  delegateCommand,
  migrateCommand,
  logoutCommand,
];

/** Finds the command named `name`, or `undefined`. */
export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

export type { Command, CommandContext } from './command.ts';
export { exitCodes } from './command.ts';
