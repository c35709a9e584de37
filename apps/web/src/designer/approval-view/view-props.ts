/**
 * The props every designer view shares, so each plugs into the editor's store: the definition,
 * a change function taking an updater and an undo label (absent: read-only), and the selection.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import type { HistoryLabel } from '../editor/history.ts';

/** Applies `updater` to the definition as one undoable change named `label`. */
export type DefinitionChange = (
  updater: (definition: ProcessDefinition) => ProcessDefinition,
  label: HistoryLabel,
) => void;

/** What the approval view, the lanes view and the views bar take. */
export interface DesignerViewProps {
  definition: ProcessDefinition;
  /** Absent on a read-only version: the view shows, never edits. */
  onChange?: DefinitionChange;
  /** Ids of the selected nodes. */
  selection: readonly string[];
  onSelect: (ids: string[]) => void;
}
