import type { ProcessDefinition } from '@baton/definition';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The elements of `list` that are objects with a string id; subprocesses get the same treatment inside. */
function elements(list: unknown): JsonObject[] {
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is JsonObject => isObject(e) && typeof e.id === 'string').map(withReadableChildren);
}

function withReadableChildren(element: JsonObject): JsonObject {
  if (element.type !== 'subProcess') return element;
  return { ...element, nodes: elements(element.nodes), edges: elements(element.edges) };
}

/**
 * A stored definition in the shape `diffDefinitions` reads, for drafts stored with validation
 * errors: `nodes` and `edges` (also inside subprocesses) become arrays holding only the objects
 * with a string `id`; everything else is kept as it is. A valid definition comes out unchanged in
 * content, so its diff is the same.
 */
export function diffableDefinition(stored: unknown): ProcessDefinition {
  const definition = isObject(stored) ? stored : {};
  return {
    ...definition,
    nodes: elements(definition.nodes),
    edges: elements(definition.edges),
  } as unknown as ProcessDefinition;
}
