import { useCallback, useEffect, useRef, useState } from 'react';

/** One page of a list as the server answers it. */
export interface Page<T> {
  items: T[];
  count: number;
  nextCursor: string | null;
}

/** A cursor-paged list: its items so far, and ways to load more or start again. */
export interface PagedList<T> {
  items: T[];
  count: number;
  loading: boolean;
  /** Whether the server has more pages. */
  hasMore: boolean;
  /** The error of the last load, if it failed. */
  error: unknown;
  loadMore: () => void;
  /** Loads again from the start, as many items as are shown now (at least one page): after a push or a reconnect. */
  reload: () => void;
}

const pageSize = 20;
const maxLimit = 200;

/**
 * Loads a list page by page (`fetchPage(limit, cursor)`), starting again whenever `key` (the
 * filters) changes. Answers that arrive after a newer load started are dropped, so a slow page
 * never overwrites a fresher one.
 */
export function usePagedList<T>(
  key: string,
  fetchPage: (limit: number, cursor?: string) => Promise<Page<T>>,
): PagedList<T> {
  const [state, setState] = useState<{
    items: T[];
    count: number;
    next: string | null;
    loading: boolean;
    error: unknown;
  }>({ items: [], count: 0, next: null, loading: true, error: undefined });
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const generation = useRef(0);
  const shown = useRef(0);

  const load = useCallback((limit: number, cursor?: string) => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    fetchRef.current(limit, cursor).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => {
          const items = cursor === undefined ? page.items : [...s.items, ...page.items];
          shown.current = items.length;
          return { items, count: page.count, next: page.nextCursor, loading: false, error: undefined };
        });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        setState((s) => ({ ...s, loading: false, error }));
      },
    );
  }, []);

  useEffect(() => {
    shown.current = 0;
    load(pageSize);
  }, [key, load]);

  const reload = useCallback(() => load(Math.min(maxLimit, Math.max(pageSize, shown.current))), [load]);
  const current = useRef(state);
  current.current = state;
  const loadMore = useCallback(() => {
    const s = current.current;
    if (s.next !== null && !s.loading) load(pageSize, s.next);
  }, [load]);

  return {
    items: state.items,
    count: state.count,
    loading: state.loading,
    hasMore: state.next !== null,
    error: state.error,
    loadMore,
    reload,
  };
}
