/**
 * The task form as rows of a field builder, and back: a pure, lossless-where-possible mapping
 * between a node's `outputs` (a JSON Schema object) and {@link FormField}s. Kinds the builder
 * knows (text, number, money, date, select, user, yes/no) round-trip; any other property is kept
 * as `custom` with its schema untouched (edit it in the raw JSON Schema editor).
 *
 * Bilingual titles: `x-title: { "zh-CN", "en" }` holds both, and `title` holds "中文 / English"
 * (the convention of the examples) so any JSON Schema form renderer shows both.
 *
 * @module
 */
import type { DataSchema, JsonSchema, LocalizedText } from '@baton/definition';

/** The field kinds of the builder. */
export const formFieldKinds = ['text', 'number', 'money', 'date', 'select', 'user', 'boolean', 'custom'] as const;
/** @see formFieldKinds */
export type FormFieldKind = (typeof formFieldKinds)[number];

/** One row of the field builder. */
export interface FormField {
  /** The data field the form writes (an identifier). */
  name: string;
  kind: FormFieldKind;
  title: LocalizedText;
  required: boolean;
  /** The choices of a `select`. */
  options: string[];
  /** The property's schema as found (kept for `custom` and for keywords the builder does not edit). */
  schema: Record<string, unknown>;
}

const builderKeys = ['type', 'format', 'enum', 'title', 'x-title', 'x-kind', 'minimum'] as const;

function kindOf(schema: Record<string, unknown>): FormFieldKind {
  const extra = Object.keys(schema).filter(
    (k) => !(builderKeys as readonly string[]).includes(k) && k !== 'description',
  );
  if (extra.length > 0) return 'custom';
  const { type, format } = schema;
  if (schema['x-kind'] === 'money' && type === 'number') return 'money';
  if (schema['x-kind'] === 'user' && type === 'string' && format === undefined) return 'user';
  if (schema['x-kind'] !== undefined || schema.minimum !== undefined) return 'custom';
  if (Array.isArray(schema.enum) && type === 'string' && schema.enum.every((v) => typeof v === 'string'))
    return 'select';
  if (schema.enum !== undefined) return 'custom';
  if (type === 'string' && format === undefined) return 'text';
  if (type === 'string' && format === 'date') return 'date';
  if ((type === 'number' || type === 'integer') && format === undefined) return type === 'number' ? 'number' : 'custom';
  if (type === 'boolean' && format === undefined) return 'boolean';
  return 'custom';
}

const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

/** Reads the two titles of a property: `x-title`, else "中文 / English" split, else the title in both. Pure. */
export function readTitle(schema: Record<string, unknown>): LocalizedText {
  const x = schema['x-title'];
  if (x && typeof x === 'object' && !Array.isArray(x)) {
    const t = x as Record<string, unknown>;
    const out: LocalizedText = {};
    if (typeof t['zh-CN'] === 'string') out['zh-CN'] = t['zh-CN'];
    if (typeof t.en === 'string') out.en = t.en;
    return out;
  }
  if (typeof schema.title !== 'string') return {};
  const parts = schema.title.split(' / ');
  if (parts.length === 2) {
    const [a = '', b = ''] = parts;
    if (hasCjk(a) && !hasCjk(b)) return { 'zh-CN': a, en: b };
    if (hasCjk(b) && !hasCjk(a)) return { 'zh-CN': b, en: a };
  }
  return hasCjk(schema.title) ? { 'zh-CN': schema.title } : { en: schema.title };
}

/** The builder rows of a form schema (none when there is no form). Pure. */
export function toFormFields(schema: DataSchema | undefined): FormField[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, raw]) => {
    const s: Record<string, unknown> = typeof raw === 'object' ? raw : {};
    const kind = typeof raw === 'boolean' ? 'custom' : kindOf(s);
    return {
      name,
      kind,
      title: readTitle(s),
      required: required.has(name),
      options: kind === 'select' ? (s.enum as string[]) : [],
      schema: s,
    };
  });
}

/** The schema of one builder row. Pure. */
export function toPropertySchema(field: FormField): JsonSchema {
  const base: Record<string, unknown> = {};
  if (typeof field.schema.description === 'string') base.description = field.schema.description;
  switch (field.kind) {
    case 'text':
      base.type = 'string';
      break;
    case 'number':
      base.type = 'number';
      break;
    case 'money':
      Object.assign(base, { type: 'number', minimum: 0, 'x-kind': 'money' });
      break;
    case 'date':
      Object.assign(base, { type: 'string', format: 'date' });
      break;
    case 'select':
      Object.assign(base, { type: 'string', enum: field.options.filter((o) => o.trim() !== '') });
      break;
    case 'user':
      Object.assign(base, { type: 'string', 'x-kind': 'user' });
      break;
    case 'boolean':
      base.type = 'boolean';
      break;
    case 'custom': {
      const custom: Record<string, unknown> = { ...field.schema };
      delete custom.title;
      delete custom['x-title'];
      Object.assign(base, custom);
      break;
    }
  }
  const zh = field.title['zh-CN']?.trim();
  const en = field.title.en?.trim();
  if (zh || en) {
    base.title = zh && en ? `${zh} / ${en}` : (zh ?? en);
    base['x-title'] = { ...(zh ? { 'zh-CN': zh } : {}), ...(en ? { en } : {}) };
  }
  return base;
}

/**
 * The form schema of builder rows, keeping the other top-level keywords of `previous`
 * (`additionalProperties`, `title`, …); `undefined` when there are no rows. Pure.
 */
export function toFormSchema(fields: readonly FormField[], previous?: DataSchema): DataSchema | undefined {
  if (fields.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const f of fields) properties[f.name] = toPropertySchema(f);
  const required = fields.filter((f) => f.required).map((f) => f.name);
  const schema: DataSchema = { ...previous, type: 'object', properties };
  if (required.length > 0) schema.required = required;
  else delete schema.required;
  return schema;
}

/** A new row of `kind`, named `field1`, `field2`, … (the first name not in `taken`). Pure. */
export function newFormField(kind: FormFieldKind, taken: readonly string[]): FormField {
  let i = 1;
  while (taken.includes(`field${i}`)) i++;
  return {
    name: `field${i}`,
    kind,
    title: {},
    required: false,
    options: kind === 'select' ? ['A', 'B'] : [],
    schema: {},
  };
}
