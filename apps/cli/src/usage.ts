/**
 * The help texts of `baton`.
 *
 * @module
 */
import type { Command } from './commands/command.ts';
import type { Messages } from './i18n.ts';

/** Builds the top-level usage text in the language of `messages`: synopsis, one line per command, how the language is chosen. */
export function formatUsage(commands: readonly Command[], messages: Messages): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary(messages)}`);
  return [
    messages.main.synopsis,
    '',
    messages.main.commandsHeading,
    ...lines,
    `  ${'help'.padEnd(width)}  ${messages.main.helpSummary}`,
    '',
    messages.main.languageNote,
    '',
  ].join('\n');
}

/** Suggests the closest of `candidates` to a mistyped `word`, or `undefined` when none is close. */
export function suggestCommand(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
