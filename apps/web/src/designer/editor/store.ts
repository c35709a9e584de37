/**
 * The designer's editor state: the draft definition (the single source of truth; the canvas's
 * React Flow nodes and edges are derived from it), its undo history and the selection.
 *
 * ## The API for the other parts of the designer
 *
 * Inside `<EditorProvider store={…}>` (the designer page provides it):
 *
 * ```ts
 * const { definition, apply, select, selection, undo, redo, canUndo, canRedo, readOnly } = useEditor();
 * apply((def) => ({ ...def, name: { ...def.name, en: 'Quote' } }), t('editor.history.rename'));
 * apply({ node: 'qualify', patch: { owner: { type: 'role', role: 'sales-rep' } } }, 'Owner', { coalesce: 'owner:qualify' });
 * apply({ edge: 'e-1', patch: { condition: 'amount > 1000' } }, 'Condition', { coalesce: 'cond:e-1' });
 * select({ nodes: ['qualify'] });            // selection is not history
 * ```
 *
 * - `apply(change, label, { coalesce })`: `change` is a function `(definition) => definition` (pure,
 *   never mutating; return the same object for "no change") or a patch `{ node | edge, patch }`
 *   (fields set to `undefined` are removed). `label` is what the history list shows: a text in the
 *   user's language, or better `{ key, values }` with a catalogue key (values may be keys too,
 *   `{ key }`, or names `{ text, fallback }`), translated when shown. Pass the same `coalesce` key for a burst of typing in one field: edits with
 *   the same key less than a second apart are one undo step. A read-only editor ignores `apply`.
 * - `useEditorSelector(selector)` subscribes to a slice only (prefer it in components that render
 *   often); `useEditorStore()` gives the store itself, for event handlers.
 *
 * @module
 */
import type { Edge, ProcessDefinition } from '@baton/definition';
import { createContext, createElement, type ReactNode, useCallback, useContext, useSyncExternalStore } from 'react';
import { type EdgePatch, type NodePatch, patchEdge, patchNode } from './edits.ts';
import {
  type HistoryLabel,
  canRedo,
  canUndo,
  currentDefinition,
  type History,
  jumpTo,
  record,
  redo,
  startHistory,
  undo,
} from './history.ts';

/** What `apply` takes: a pure function of the definition, or a patch of one node or edge. */
export type EditorChange =
  | ((definition: ProcessDefinition) => ProcessDefinition)
  | { node: string; patch: NodePatch }
  | { edge: string; patch: EdgePatch };

/** Options of `apply`. */
export interface ApplyOptions {
  /** Edits with the same key in a row, less than a second apart, are one undo step. */
  coalesce?: string;
}

/** The selected nodes and edges, by id. Not part of the history. */
export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

/** The editor's state (immutable; a new object on every change). */
export interface EditorState {
  definition: ProcessDefinition;
  history: History;
  selection: Selection;
  /** True for a published version: nothing can be applied. */
  readOnly: boolean;
}

const noSelection: Selection = { nodes: [], edges: [] };

/** The outcome of a change on a definition (pure). */
export function applyChange(definition: ProcessDefinition, change: EditorChange): ProcessDefinition {
  if (typeof change === 'function') return change(definition);
  if ('node' in change) return patchNode(definition, change.node, change.patch);
  return patchEdge(definition, change.edge, change.patch);
}

/** Ids of `selection` that still exist in `definition`. */
function prune(selection: Selection, definition: ProcessDefinition): Selection {
  if (selection.nodes.length === 0 && selection.edges.length === 0) return selection;
  const nodes = selection.nodes.filter((id) => definition.nodes.some((n) => n.id === id));
  const edges = selection.edges.filter((id) => definition.edges.some((e: Edge) => e.id === id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length
    ? selection
    : { nodes, edges };
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** The editor store: state plus the operations; subscribe with {@link useEditorSelector}. */
export class EditorStore {
  private state: EditorState;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  constructor(
    definition: ProcessDefinition,
    options: { readOnly?: boolean; openedLabel: HistoryLabel; now?: () => number },
  ) {
    this.now = options.now ?? (() => Date.now());
    this.state = {
      definition,
      history: startHistory(definition, options.openedLabel, this.now()),
      selection: noSelection,
      readOnly: options.readOnly ?? false,
    };
  }

  /** The current state. */
  getState = (): EditorState => this.state;

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(next: EditorState) {
    if (next === this.state) return;
    this.state = next;
    for (const l of [...this.listeners]) l();
  }

  private go(history: History) {
    if (history === this.state.history) return;
    const definition = currentDefinition(history);
    this.set({ ...this.state, history, definition, selection: prune(this.state.selection, definition) });
  }

  /** Applies `change` as one undo step labelled `label` (see the module comment). */
  apply = (change: EditorChange, label: HistoryLabel, options: ApplyOptions = {}): void => {
    if (this.state.readOnly) return;
    const definition = applyChange(this.state.definition, change);
    if (definition === this.state.definition) return;
    const history = record(this.state.history, definition, label, { ...options, now: this.now() });
    this.set({ ...this.state, definition, history, selection: prune(this.state.selection, definition) });
  };

  /** Selects these nodes and edges (ids not in the draft are dropped). Not recorded in the history. */
  select = (selection: Partial<Selection>): void => {
    const next = prune({ nodes: selection.nodes ?? [], edges: selection.edges ?? [] }, this.state.definition);
    const current = this.state.selection;
    if (sameIds(next.nodes, current.nodes) && sameIds(next.edges, current.edges)) return;
    this.set({ ...this.state, selection: next });
  };

  /** One step back. */
  undo = (): void => this.go(undo(this.state.history));
  /** One step forward. */
  redo = (): void => this.go(redo(this.state.history));
  /** To step `index` of the history list. */
  jumpTo = (index: number): void => this.go(jumpTo(this.state.history, index));

  /** Replaces the draft (a reload): a new history, no selection. */
  reset = (definition: ProcessDefinition, openedLabel: HistoryLabel, readOnly = this.state.readOnly): void => {
    this.set({
      definition,
      history: startHistory(definition, openedLabel, this.now()),
      selection: noSelection,
      readOnly,
    });
  };
}

const EditorContext = createContext<EditorStore | null>(null);

/** Makes `store` the editor of the components inside. */
export function EditorProvider({ store, children }: { store: EditorStore; children: ReactNode }) {
  return createElement(EditorContext.Provider, { value: store }, children);
}

/** The editor store of the surrounding {@link EditorProvider}. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditorStore() needs an <EditorProvider> around it');
  return store;
}

/** A slice of the editor state; the component re-renders only when the slice changes (by `Object.is`). */
export function useEditorSelector<T>(selector: (state: EditorState) => T): T {
  const store = useEditorStore();
  const get = useCallback(() => selector(store.getState()), [store, selector]);
  return useSyncExternalStore(store.subscribe, get, get);
}

const selectDefinition = (s: EditorState) => s.definition;
const selectSelection = (s: EditorState) => s.selection;
const selectHistory = (s: EditorState) => s.history;
const selectReadOnly = (s: EditorState) => s.readOnly;

/** What {@link useEditor} gives. */
export interface Editor {
  definition: ProcessDefinition;
  apply: EditorStore['apply'];
  select: EditorStore['select'];
  selection: Selection;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  readOnly: boolean;
}

/** The draft and the operations on it (re-renders on every change of the draft or selection). */
export function useEditor(): Editor {
  const store = useEditorStore();
  const definition = useEditorSelector(selectDefinition);
  const selection = useEditorSelector(selectSelection);
  const history = useEditorSelector(selectHistory);
  const readOnly = useEditorSelector(selectReadOnly);
  return {
    definition,
    apply: store.apply,
    select: store.select,
    selection,
    undo: store.undo,
    redo: store.redo,
    canUndo: canUndo(history),
    canRedo: canRedo(history),
    readOnly,
  };
}
