/**
 * The tidy-up worker: runs ELK's layered layout off the main thread. ELK (about 450 kB gzip) is
 * loaded only here, the first time a modeller asks for a tidy-up. Messages: `{ kind: 'layout',
 * id, graph }` in; `{ id, graph }` or `{ id, error }` out.
 *
 * ELK's GWT bundle also installs its own `onmessage` dispatcher in a worker; it answers only
 * messages with a `cmd`, which ours never have.
 *
 * @module
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { TidyGraph } from './tidy-layout.ts';

/** A request to the worker. */
export interface TidyRequest {
  kind: 'layout';
  id: number;
  graph: TidyGraph;
}

/** The worker's answer. */
export type TidyResponse = { id: number; graph: TidyGraph } | { id: number; error: string };

const elk = new ELK();
const scope = self as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<TidyRequest>) => void): void;
  postMessage(message: TidyResponse): void;
};

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request?.kind !== 'layout') return;
  elk.layout(request.graph).then(
    (graph) => scope.postMessage({ id: request.id, graph: graph as TidyGraph }),
    (error: unknown) =>
      scope.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
