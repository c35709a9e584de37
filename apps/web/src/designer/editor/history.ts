/**
 * The undo history of the designer's draft: snapshots of the definition (immutable, so unchanged
 * parts are shared), each with the label the history list shows. Pure.
 *
 * The rules (WEBAPP.md): only what is saved is recorded — selection, measured sizes and drag ticks
 * are not; a drag or a burst of typing is one step (edits with the same `coalesce` key in a row,
 * less than {@link coalesceWindowMs} apart, replace the last step instead of adding one); loading a
 * model starts a new history; at most {@link historyLimit} steps are kept.
 *
 * @module
 */
import type { LocalizedText, ProcessDefinition } from '@baton/definition';

/** A value of a {@link HistoryLabel}: as it is, a catalogue key, or a name in both languages. */
export type LabelValue = string | number | { key: string } | { text: LocalizedText | undefined; fallback: string };

/**
 * What the history list shows for a step: a text already in the user's language, or a catalogue
 * key with values, translated when shown (the list then follows a change of language).
 */
export type HistoryLabel = string | { key: string; values?: Record<string, LabelValue> };

/** The most steps the history keeps (the oldest are dropped). */
export const historyLimit = 50;
/** Edits with the same coalesce key closer together than this are one step. */
export const coalesceWindowMs = 1000;

/** One step: the definition after it, and what it did. */
export interface HistoryEntry {
  /** What the step did, as the history list shows it. */
  label: HistoryLabel;
  /** The definition after the step. */
  definition: ProcessDefinition;
  /** Edits with the same key in a row are merged into this step. */
  coalesce?: string;
  /** When the step was last changed (ms), for coalescing. */
  at: number;
}

/** The history: its steps, oldest first, and the one the draft is at. Entry 0 is the opened definition. */
export interface History {
  entries: readonly HistoryEntry[];
  index: number;
}

/** A new history whose only step is `definition` as opened. */
export function startHistory(definition: ProcessDefinition, label: HistoryLabel, now = 0): History {
  return { entries: [{ label, definition, at: now }], index: 0 };
}

/** The definition the history is at. */
export function currentDefinition(history: History): ProcessDefinition {
  return history.entries[history.index]!.definition;
}

/**
 * `history` with `definition` recorded as a new step after the current one (the undone steps
 * after it are dropped), or merged into the current step when it has the same `coalesce` key and
 * is recent. Recording the definition the history is already at changes nothing.
 */
export function record(
  history: History,
  definition: ProcessDefinition,
  label: HistoryLabel,
  { coalesce, now = 0 }: { coalesce?: string; now?: number } = {},
): History {
  const current = history.entries[history.index]!;
  if (definition === current.definition) return history;
  const kept = history.entries.slice(0, history.index + 1);
  if (
    coalesce !== undefined &&
    history.index > 0 &&
    history.index === history.entries.length - 1 &&
    current.coalesce === coalesce &&
    now - current.at < coalesceWindowMs
  ) {
    kept[kept.length - 1] = { ...current, definition, at: now };
    return { entries: kept, index: kept.length - 1 };
  }
  const entry: HistoryEntry = { label, definition, at: now };
  if (coalesce !== undefined) entry.coalesce = coalesce;
  kept.push(entry);
  const entries = kept.length > historyLimit ? kept.slice(kept.length - historyLimit) : kept;
  return { entries, index: entries.length - 1 };
}

/** Whether there is a step to undo. */
export const canUndo = (history: History): boolean => history.index > 0;
/** Whether there is an undone step to redo. */
export const canRedo = (history: History): boolean => history.index < history.entries.length - 1;

/** The history one step back (unchanged when there is none). */
export function undo(history: History): History {
  return canUndo(history) ? { ...history, index: history.index - 1 } : history;
}

/** The history one step forward (unchanged when there is none). */
export function redo(history: History): History {
  return canRedo(history) ? { ...history, index: history.index + 1 } : history;
}

/** The history at step `index` (clamped), as a click in the history list does. */
export function jumpTo(history: History, index: number): History {
  const clamped = Math.min(Math.max(Math.trunc(index), 0), history.entries.length - 1);
  return clamped === history.index ? history : { ...history, index: clamped };
}
