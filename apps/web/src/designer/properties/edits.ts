/**
 * Pure edits of a process definition for the properties panel: find and update a node or an
 * edge (at any depth of sub-processes), set one language of a label, the fields a process
 * declares, and a node's permission on a field. Each returns a new definition and never mutates
 * its input, so an editor store can record it as one undo step.
 *
 * @module
 */
import type { HistoryLabel } from '../editor/history.ts';
import type { DataSchema, Edge, JsonSchema, LocalizedText, ProcessDefinition, ProcessNode } from '@baton/definition';
import { builtinFieldNames } from '@baton/definition';

/** A function from one definition to the next: what the panel hands to `onChange`. */
export type DefinitionUpdater = (definition: ProcessDefinition) => ProcessDefinition;

/**
 * How the panel reports an edit: the updater, and a label for the undo history in the user's
 * language ("Rename step", "Change owner").
 */
export type DefinitionChange = (updater: DefinitionUpdater, label: HistoryLabel) => void;

/** What is selected on the canvas: node and edge ids. The panel edits one element at a time. */
export interface DesignerSelection {
  nodes: readonly string[];
  edges: readonly string[];
}

/** The empty selection. */
export const emptySelection: DesignerSelection = { nodes: [], edges: [] };

interface Graph {
  nodes: ProcessNode[];
  edges: Edge[];
}

function mapGraph<T extends Graph>(graph: T, visit: (g: Graph) => Graph): T {
  const visited = visit(graph);
  const nodes = visited.nodes.map((n) => (n.type === 'subProcess' ? mapGraph(n, visit) : n));
  return nodes.every((n, i) => n === visited.nodes[i]) && visited === graph
    ? graph
    : { ...graph, nodes, edges: visited.edges };
}

/** The node with `id` anywhere in `definition` (sub-processes included), or `undefined`. Pure. */
export function findNode(graph: Graph, id: string): ProcessNode | undefined {
  for (const n of graph.nodes) {
    if (n.id === id) return n;
    if (n.type === 'subProcess') {
      const inner = findNode(n, id);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The edge with `id` anywhere in `definition`, with the nodes of its scope, or `undefined`. Pure. */
export function findEdge(graph: Graph, id: string): { edge: Edge; scope: Graph } | undefined {
  const edge = graph.edges.find((e) => e.id === id);
  if (edge) return { edge, scope: graph };
  for (const n of graph.nodes) {
    if (n.type !== 'subProcess') continue;
    const inner = findEdge(n, id);
    if (inner) return inner;
  }
  return undefined;
}

/** Replaces the node `id` with `update(node)`. Pure; returns `definition` itself when there is no such node. */
export function updateNode(
  definition: ProcessDefinition,
  id: string,
  update: (node: ProcessNode) => ProcessNode,
): ProcessDefinition {
  return mapGraph(definition, (g) =>
    g.nodes.some((n) => n.id === id) ? { ...g, nodes: g.nodes.map((n) => (n.id === id ? update(n) : n)) } : g,
  );
}

/** Replaces the edge `id` with `update(edge)`. Pure. */
export function updateEdge(definition: ProcessDefinition, id: string, update: (edge: Edge) => Edge): ProcessDefinition {
  return mapGraph(definition, (g) =>
    g.edges.some((e) => e.id === id) ? { ...g, edges: g.edges.map((e) => (e.id === id ? update(e) : e)) } : g,
  );
}

/** `object` with `key` set to `value`, or without `key` when `value` is `undefined` or `''`. Pure. */
export function withProperty<T extends object, K extends keyof T>(object: T, key: K, value: T[K] | undefined): T {
  const copy = { ...object };
  if (value === undefined || value === '') delete copy[key];
  else copy[key] = value;
  return copy;
}

/** `text` with the `language` entry set (removed when blank); `undefined` when nothing is left. Pure. */
export function withLocalized(
  text: LocalizedText | undefined,
  language: keyof LocalizedText,
  value: string,
): LocalizedText | undefined {
  const next = withProperty({ ...text }, language, value.trim() === '' ? undefined : value);
  return Object.keys(next).length === 0 ? undefined : next;
}

/** A field the process declares: its name, its schema, and where it is declared. */
export interface DeclaredField {
  name: string;
  schema: JsonSchema;
  /** `data` (the process data), or the id of the node whose outputs or result declare it. */
  declaredBy: string;
}

/**
 * Every field expressions and forms may use, in declaration order: the process data, each node's
 * outputs, automatic tasks' and events' result fields, compute tasks' fields (the same set the
 * validator accepts), without the engine's built-ins. Pure.
 */
export function declaredFields(definition: ProcessDefinition): DeclaredField[] {
  const out = new Map<string, DeclaredField>();
  const add = (name: string, schema: JsonSchema, declaredBy: string) => {
    if (!out.has(name)) out.set(name, { name, schema, declaredBy });
  };
  for (const [name, schema] of Object.entries(definition.data?.properties ?? {})) add(name, schema, 'data');
  const visit = (nodes: ProcessNode[]) => {
    for (const node of nodes) {
      for (const [name, schema] of Object.entries(node.outputs?.properties ?? {})) add(name, schema, node.id);
      if ((node.type === 'automaticTask' || node.type === 'event') && node.resultField)
        add(node.resultField.split('.')[0]!, {}, node.id);
      if (node.type === 'automaticTask' && node.action.kind === 'compute')
        for (const name of Object.keys(node.action.set ?? {})) add(name, {}, node.id);
      if (node.type === 'subProcess') visit(node.nodes);
    }
  };
  visit(definition.nodes);
  return [...out.values()];
}

/** The names a FEEL expression of `definition` may read: declared fields and the engine's built-ins. Pure. */
export function knownFieldNames(definition: ProcessDefinition): Set<string> {
  return new Set([...builtinFieldNames, ...declaredFields(definition).map((f) => f.name)]);
}

/** What a step may do with a field: show it read-only (`inputs`), edit it (its form), or not show it. */
export type FieldPermission = 'read' | 'edit' | 'hidden';

/** The permission of `node` on field `name`. Pure. */
export function fieldPermission(node: ProcessNode, name: string): FieldPermission {
  if (node.outputs?.properties && name in node.outputs.properties) return 'edit';
  if (node.inputs?.includes(name)) return 'read';
  return 'hidden';
}

/**
 * Sets the permission of node `nodeId` on field `name`: `edit` puts the field on the node's form
 * (with the schema it is declared with elsewhere), `read` lists it in `inputs`, `hidden` removes
 * it from both. Pure.
 */
export function withFieldPermission(
  definition: ProcessDefinition,
  nodeId: string,
  name: string,
  permission: FieldPermission,
): ProcessDefinition {
  const declared = declaredFields(definition).find((f) => f.name === name);
  return updateNode(definition, nodeId, (node) => {
    const inputs = (node.inputs ?? []).filter((f) => f !== name);
    const properties = { ...node.outputs?.properties };
    const ownSchema = properties[name];
    delete properties[name];
    const required = (node.outputs?.required ?? []).filter((f) => f !== name);
    if (permission === 'read') inputs.push(name);
    if (permission === 'edit') properties[name] = ownSchema ?? declared?.schema ?? { type: 'string' };
    let next = withProperty(node, 'inputs', inputs.length > 0 ? inputs : undefined);
    const outputs: DataSchema | undefined =
      Object.keys(properties).length > 0 || node.outputs
        ? withProperty<DataSchema, 'required'>(
            { ...node.outputs, type: 'object', properties },
            'required',
            required.length ? required : undefined,
          )
        : undefined;
    next = withProperty(
      next,
      'outputs',
      outputs && Object.keys(outputs.properties ?? {}).length > 0 ? outputs : undefined,
    );
    return next;
  });
}
