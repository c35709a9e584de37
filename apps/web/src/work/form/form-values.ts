/**
 * Form values as plain JSON, edited by path, and the problems of a form by field: pure helpers
 * of {@link SchemaForm}.
 *
 * @module
 */
import type { LocalizedText } from '@baton/definition';
import { readTitle } from '../../designer/properties/form-schema.ts';
import type { Language } from '../../i18n/index.ts';

/** A form's values (the JSON object sent as `output` or `data`). */
export type FormValues = Record<string, unknown>;

/**
 * `values` with the value at `path` (property names from the root) set, or removed when
 * `value` is undefined or an empty string; emptied objects on the way are removed too. Pure.
 */
export function setAt(values: FormValues, path: readonly string[], value: unknown): FormValues {
  const [head, ...rest] = path;
  if (head === undefined) return values;
  const next: FormValues = { ...values };
  const inner =
    rest.length === 0
      ? value
      : setAt(
          typeof values[head] === 'object' && values[head] !== null && !Array.isArray(values[head])
            ? (values[head] as FormValues)
            : {},
          rest,
          value,
        );
  const empty =
    inner === undefined ||
    inner === '' ||
    (rest.length > 0 && typeof inner === 'object' && inner !== null && Object.keys(inner).length === 0);
  if (empty) delete next[head];
  else next[head] = inner;
  return next;
}

/** The value at `path`, or undefined. Pure. */
export function getAt(values: FormValues, path: readonly string[]): unknown {
  let v: unknown = values;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as FormValues)[p] : undefined;
  return v;
}

/** The JSON Pointer of a path of property names. */
export function pointerOf(path: readonly string[]): string {
  return path.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Server issue paths (`/output/customer/name`) as form pointers (`/customer/name`): the prefix
 * (`/output`, `/data`) dropped; paths outside it are kept under `''` (the whole form). Pure.
 */
export function issuesUnder<T extends { path: string }>(issues: readonly T[], prefix: string): T[] {
  return issues.map((i) =>
    i.path === prefix || i.path.startsWith(`${prefix}/`)
      ? { ...i, path: i.path.slice(prefix.length) }
      : { ...i, path: '' },
  );
}

/** A property's label in `locale`: its bilingual title, else the other language, else its name. Pure. */
export function labelOf(schema: Record<string, unknown>, name: string, locale: Language): string {
  const title: LocalizedText = readTitle(schema);
  return title[locale] ?? title[locale === 'en' ? 'zh-CN' : 'en'] ?? name;
}

/** The pointers of every field {@link SchemaForm} draws for `schema` (groups included). Pure. */
export function fieldPointers(schema: Record<string, unknown>, path: readonly string[] = []): string[] {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [name, sub] of Object.entries(properties)) {
    if (typeof sub !== 'object' || sub === null) continue;
    const p = [...path, name];
    out.push(pointerOf(p));
    const s = sub as Record<string, unknown>;
    if (s.type === 'object' && typeof s.properties === 'object') out.push(...fieldPointers(s, p));
  }
  return out;
}

/**
 * `values` with an empty object for every group (object property with properties) left out, so
 * a check names the group's own missing fields rather than the whole group. Pure.
 */
export function withEmptyGroups(schema: Record<string, unknown>, values: FormValues): FormValues {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const out: FormValues = { ...values };
  for (const [name, sub] of Object.entries(properties)) {
    if (typeof sub !== 'object' || sub === null) continue;
    const s = sub as Record<string, unknown>;
    if (s.type !== 'object' || typeof s.properties !== 'object') continue;
    const inner = values[name];
    if (inner === undefined) out[name] = withEmptyGroups(s, {});
    else if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      out[name] = withEmptyGroups(s, inner as FormValues);
  }
  return out;
}
