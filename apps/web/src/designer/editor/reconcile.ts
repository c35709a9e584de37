/**
 * Keeps the canvas's node and edge objects when a new definition derives equal ones, so that an
 * edit re-renders only the nodes and edges it touched (memoised components compare by identity),
 * and keeps what React Flow added to them (measured size, selection). Pure.
 *
 * @module
 */
import type { LinkEdge, StepNode } from '../definition-to-flow.ts';

/** Whether two plain records have the same own values (one level deep). */
export function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.is(ra[k], rb[k]));
}

/**
 * The nodes of `next` (freshly derived), reusing each node of `previous` with the same id, type,
 * position and data; a changed node keeps its previous measured size and selection.
 */
export function reconcileNodes(previous: readonly StepNode[], next: readonly StepNode[]): StepNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  let same = previous.length === next.length;
  const out = next.map((n, i) => {
    const old = byId.get(n.id);
    if (!old) {
      same = false;
      return n;
    }
    if (
      old.type === n.type &&
      old.position.x === n.position.x &&
      old.position.y === n.position.y &&
      shallowEqual(old.data, n.data)
    ) {
      if (previous[i] !== old) same = false;
      return old;
    }
    same = false;
    const kept: StepNode = { ...n };
    if (old.measured) kept.measured = old.measured;
    if (old.selected !== undefined) kept.selected = old.selected;
    return kept;
  });
  return same ? (previous as StepNode[]) : out;
}

/** The edges of `next`, reusing each edge of `previous` that is the same; a changed edge keeps its selection. */
export function reconcileEdges(previous: readonly LinkEdge[], next: readonly LinkEdge[]): LinkEdge[] {
  const byId = new Map(previous.map((e) => [e.id, e]));
  let same = previous.length === next.length;
  const out = next.map((e, i) => {
    const old = byId.get(e.id);
    if (!old) {
      same = false;
      return e;
    }
    const { selected: _s, data: oldData, ...oldRest } = old;
    const { selected: _n, data: newData, ...newRest } = e;
    if (shallowEqual(oldData, newData) && shallowEqual(oldRest, newRest)) {
      if (previous[i] !== old) same = false;
      return old;
    }
    same = false;
    return old.selected === undefined ? e : { ...e, selected: old.selected };
  });
  return same ? (previous as LinkEdge[]) : out;
}
