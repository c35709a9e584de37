/**
 * A small interpreting JSON Schema validator for task and start forms in the browser: it walks
 * the schema, never compiles it to code (no `eval`, no `new Function`: ajv is refused by the
 * app's CSP). It covers the subset process definitions use for forms and data — `type`, `enum`,
 * `const`, `required`, `properties`, `additionalProperties`, `items`, `minItems`/`maxItems`,
 * `uniqueItems`, `minLength`/`maxLength`, `pattern`, `format` (date, date-time, time, email, uri,
 * uuid), `minimum`/`maximum` (and the exclusive ones), `multipleOf`, `allOf`/`anyOf`/`oneOf`/`not`,
 * `if`/`then`/`else`. Unknown keywords are ignored: the server checks the full schema again and
 * its errors land on the same fields. Pure.
 *
 * @module
 */

/** One problem, with the JSON Pointer of the value it is about (`/customer/name`). */
export interface FormIssue {
  path: string;
  keyword: string;
  /** What the keyword asked for (`{ limit: 3 }`, `{ format: 'date' }`, `{ allowed: [...] }`). */
  params: Record<string, unknown>;
}

type Schema = Record<string, unknown> | boolean;

const escape = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
}

function isTime(s: string, zoneRequired: boolean): boolean {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return false;
  if (zoneRequired && m[4] === undefined) return false;
  return Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3] ?? 0) <= 60;
}

/** The formats checked here; any other passes (the server checks it). */
export const checkedFormats: Record<string, (s: string) => boolean> = {
  date: isDate,
  'date-time': (s) => {
    const [date, time, ...rest] = s.split(/[tT ]/);
    return rest.length === 0 && date !== undefined && time !== undefined && isDate(date) && isTime(time, true);
  },
  time: (s) => isTime(s, true),
  email: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s),
  uri: (s) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s),
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
};

const patterns = new Map<string, RegExp | null>();
function regexOf(source: string): RegExp | null {
  if (!patterns.has(source)) {
    try {
      patterns.set(source, new RegExp(source, 'u'));
    } catch {
      patterns.set(source, null);
    }
  }
  return patterns.get(source) ?? null;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function check(schema: Schema, value: unknown, path: string, out: FormIssue[]): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, keyword: 'false', params: {} });
    return;
  }
  const s = schema;
  const push = (keyword: string, params: Record<string, unknown> = {}) => out.push({ path, keyword, params });

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      push('type', { type: types.join(', ') });
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) push('enum', { allowed: s.enum });
  if ('const' in s && !deepEqual(s.const, value)) push('const', { allowed: [s.const] });

  if (typeof value === 'string') {
    const length = [...value].length;
    const min = num(s.minLength);
    const max = num(s.maxLength);
    if (min !== undefined && length < min) push('minLength', { limit: min });
    if (max !== undefined && length > max) push('maxLength', { limit: max });
    if (typeof s.pattern === 'string') {
      const re = regexOf(s.pattern);
      if (re && !re.test(value)) push('pattern', { pattern: s.pattern });
    }
    if (typeof s.format === 'string') {
      const test = checkedFormats[s.format];
      if (test && !test(value)) push('format', { format: s.format });
    }
  }

  if (typeof value === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = s;
    if (typeof minimum === 'number' && value < minimum) push('minimum', { limit: minimum });
    if (typeof maximum === 'number' && value > maximum) push('maximum', { limit: maximum });
    if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum)
      push('exclusiveMinimum', { limit: exclusiveMinimum });
    if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum)
      push('exclusiveMaximum', { limit: exclusiveMaximum });
    if (typeof multipleOf === 'number' && multipleOf > 0) {
      const q = value / multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) push('multipleOf', { limit: multipleOf });
    }
  }

  if (Array.isArray(value)) {
    const min = num(s.minItems);
    const max = num(s.maxItems);
    if (min !== undefined && value.length < min) push('minItems', { limit: min });
    if (max !== undefined && value.length > max) push('maxItems', { limit: max });
    if (s.uniqueItems === true && value.some((v, i) => value.findIndex((w) => deepEqual(v, w)) !== i))
      push('uniqueItems');
    if (s.items !== undefined && (typeof s.items === 'object' || typeof s.items === 'boolean'))
      value.forEach((item, i) => check(s.items as Schema, item, `${path}/${i}`, out));
  }

  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<
      string,
      Schema
    >;
    if (Array.isArray(s.required))
      for (const name of s.required as string[])
        if (!(name in obj) || obj[name] === undefined)
          out.push({ path: `${path}/${escape(name)}`, keyword: 'required', params: { property: name } });
    for (const [name, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      const p = `${path}/${escape(name)}`;
      if (name in properties) check(properties[name]!, v, p, out);
      else if (s.additionalProperties === false) out.push({ path: p, keyword: 'additionalProperties', params: {} });
      else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null)
        check(s.additionalProperties as Schema, v, p, out);
    }
  }

  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, value, path, out);
  const passes = (sub: Schema) => {
    const inner: FormIssue[] = [];
    check(sub, value, path, inner);
    return inner.length === 0;
  };
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(passes)) push('anyOf');
  if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter(passes).length !== 1) push('oneOf');
  if (s.not !== undefined && passes(s.not as Schema)) push('not');
  if (s.if !== undefined) {
    const branch = passes(s.if as Schema) ? s.then : s.else;
    if (branch !== undefined) check(branch as Schema, value, path, out);
  }
}

/** Every problem of `value` against `schema`, in document order; empty when it is valid. Pure. */
export function validateForm(schema: Record<string, unknown> | boolean, value: unknown): FormIssue[] {
  const out: FormIssue[] = [];
  check(schema, value, '', out);
  return out;
}
