/**
 * Runs a tidy-up in the worker ({@link ./tidy.worker.ts}), started on the first request and kept
 * for the next. The answer is an updater of the definition, for one undoable change.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import { applyPositions, type TidyGraph, tidyPositions, toTidyGraph } from './tidy-layout.ts';
import type { TidyRequest, TidyResponse } from './tidy.worker.ts';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (graph: TidyGraph) => void; reject: (error: Error) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  const created = new Worker(new URL('./tidy.worker.ts', import.meta.url), { type: 'module', name: 'baton-tidy' });
  created.addEventListener('message', (event: MessageEvent<TidyResponse>) => {
    const answer = event.data;
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if ('error' in answer) waiting.reject(new Error(answer.error));
    else waiting.resolve(answer.graph);
  });
  created.addEventListener('error', (event) => {
    for (const waiting of pending.values()) waiting.reject(new Error(event.message || 'worker failed'));
    pending.clear();
    worker = undefined;
  });
  worker = created;
  return created;
}

/**
 * Starts the worker (and so the download and start-up of ELK) ahead of a request: called when the
 * pointer or focus reaches the tidy-up button, so the click finds it ready.
 */
export function warmUpTidy(): void {
  getWorker();
}

/** Lays out `graph` with ELK in the worker. */
export function layoutInWorker(graph: TidyGraph): Promise<TidyGraph> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: TidyRequest = { kind: 'layout', id, graph };
    getWorker().postMessage(request);
  });
}

/**
 * Tidies up the whole flow, or the nodes in `selection`: resolves to an updater that writes the
 * new positions into the definition (apply it as one change, so one undo reverts it) and the
 * number of nodes it moves.
 */
export async function tidyUp(
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>,
  selection?: ReadonlySet<string>,
): Promise<{ update: <D extends Pick<ProcessDefinition, 'nodes'>>(def: D) => D; count: number }> {
  const laidOut = await layoutInWorker(toTidyGraph(definition, selection));
  const positions = tidyPositions(definition, laidOut);
  return { update: (def) => applyPositions(def, positions), count: positions.size };
}
