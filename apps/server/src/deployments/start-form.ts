import type { ProcessDefinition } from '@baton/definition';

/**
 * The start form of a definition: its `data` schema, limited to the start node's `inputs` when
 * it names them, in the order it names them (top-level fields only; `required` kept for the
 * fields shown). Pure.
 */
export function startFormOf(definition: Pick<ProcessDefinition, 'data' | 'nodes'>): Record<string, unknown> {
  const schema = (definition.data ?? { type: 'object', properties: {} }) as Record<string, unknown>;
  const start = definition.nodes.find((n) => n.type === 'start');
  const inputs = start?.inputs;
  if (!inputs || inputs.length === 0) return schema;
  const fields = [...new Set(inputs.map((f) => f.split('.')[0]!))];
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return {
    ...schema,
    properties: Object.fromEntries(fields.filter((name) => name in properties).map((name) => [name, properties[name]])),
    required: required.filter((name) => fields.includes(name)),
  };
}
