/**
 * Live validation shared by the whole designer: one {@link LiveProblemsProvider} per opened
 * version validates the editor's draft (see {@link useLiveValidation}) and hands the problems to
 * the Problems panel, the properties panel and the canvas badges, so validation runs once.
 *
 * Each badge reads only its own element's problems from a small external store: a run that
 * leaves an element's problems as they were does not re-render its node or edge.
 *
 * @module
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useEditorSelector } from '../editor/store.ts';
import { useDirectory } from '../properties/use-directory.ts';
import { type ElementProblems, problemsByElement } from './problems.ts';
import { type LiveValidation, useLiveValidation } from './use-live-validation.ts';

const signature = (entry: ElementProblems) =>
  entry.problems.map((p) => `${p.severity}|${p.code}|${p.path}|${p.message}`).join('\n');

/** The latest live validation and each element's problems, with change notification. */
export class LiveProblemsStore {
  private live: LiveValidation = { problems: [], checking: false };
  private byElement = new Map<string, ElementProblems>();
  private readonly listeners = new Set<() => void>();

  /** Replaces the validation; an element whose problems are unchanged keeps its entry object. */
  set(live: LiveValidation): void {
    if (live === this.live) return;
    const next = problemsByElement(live.problems);
    for (const [id, entry] of next) {
      const before = this.byElement.get(id);
      if (before && signature(before) === signature(entry)) next.set(id, before);
    }
    this.live = live;
    this.byElement = next;
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getLive = (): LiveValidation => this.live;

  /** The problems of node or edge `id`; undefined when it has none. */
  element(id: string): ElementProblems | undefined {
    return this.byElement.get(id);
  }
}

// Outside a provider (a canvas that shows no draft) nothing has problems.
const LiveProblemsContext = createContext<LiveProblemsStore>(new LiveProblemsStore());

/** Today's local date, `YYYY-MM-DD` (for the calendar-coverage warning). */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Validates the editor's draft (inside an `EditorProvider`) for everything below it. */
export function LiveProblemsProvider({ children }: { children: ReactNode }) {
  const definition = useEditorSelector((s) => s.definition);
  const directory = useDirectory();
  const calendars = useMemo(() => directory.calendars.map((c) => c.key), [directory.calendars]);
  const today = useMemo(localToday, []);
  const live = useLiveValidation(definition, { calendars, today });
  const [store] = useState(() => new LiveProblemsStore());
  useEffect(() => store.set(live), [store, live]);
  return <LiveProblemsContext.Provider value={store}>{children}</LiveProblemsContext.Provider>;
}

/** The draft's live validation (all problems, whether a run is pending). */
export function useLiveProblems(): LiveValidation {
  const store = useContext(LiveProblemsContext);
  return useSyncExternalStore(store.subscribe, store.getLive);
}

/** The problems of one node or edge, for its badge; undefined when it has none. */
export function useElementProblems(id: string): ElementProblems | undefined {
  const store = useContext(LiveProblemsContext);
  return useSyncExternalStore(store.subscribe, () => store.element(id));
}
