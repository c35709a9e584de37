/**
 * The instance-data boundary of FEEL evaluation. Data comes in as JSON and goes out as JSON:
 *
 * - in: a JSON number becomes a FEEL decimal through its shortest round-trip text
 *   (`String(0.07)` is `"0.07"`, exactly what was typed), never through its binary value; strings,
 *   booleans, `null`, arrays and plain objects map to FEEL strings, booleans, null, lists and
 *   contexts. Only the fields an expression reads are converted, under the data limits, with
 *   the sanitising rules of `toFeelContext` (accessors are never invoked, dangerous keys and
 *   non-data values are dropped, `Date` becomes its ISO string).
 * - out: a decimal becomes the JSON number nearest to it; when that number does not print back
 *   as the same decimal (`10 / 3` has 34 digits, a double holds about 17) the result carries a
 *   `NUMBER_ROUNDED` warning. A decimal beyond the range of a JSON number is `EXPR_TYPE`.
 *   Dates, times, date-times and durations become their ISO 8601 text; ranges and functions are
 *   not data (`EXPR_TYPE`).
 *
 * @module
 */

import { clip, expressionError, type ExpressionError, type ExpressionWarning } from './expression-errors.ts';
import type { ExpressionLimits } from './expression-limits.ts';
import { formatDate, formatDateTime, formatDt, formatTime, formatYm } from './feel-temporal.ts';
import {
  Dec,
  DtDuration,
  FeelContextValue,
  FeelDate,
  FeelDateTime,
  FeelFunction,
  FeelRange,
  FeelTime,
  YmDuration,
  isNum,
  type Value,
} from './feel-values.ts';
import type { FeelValue } from './to-feel-context.ts';

const DROPPED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

class BoundaryError extends Error {
  constructor(readonly error: ExpressionError) {
    super(error.message);
  }
}

const OMIT = Symbol('omit');

/** A JSON number as a FEEL decimal: through its shortest round-trip text. */
export function numberToDecimal(n: number): Value {
  if (!Number.isFinite(n)) return null;
  // Safe integers are exact either way; the text route is for fractions (`0.07`, not its binary value).
  if (Number.isSafeInteger(n)) return new Dec(n === 0 ? 0 : n);
  return new Dec(String(n));
}

function fromData(
  value: unknown,
  depth: number,
  budget: { nodes: number },
  limits: ExpressionLimits,
  path: string,
): Value | typeof OMIT {
  if (--budget.nodes < 0) {
    throw new BoundaryError(
      expressionError(
        'EXPR_LIMIT',
        `The instance data has more than ${limits.maxDataNodes} values; the limit is ${limits.maxDataNodes}.`,
      ),
    );
  }
  switch (typeof value) {
    case 'string':
      if (value.length > limits.maxDataStringLength) {
        throw new BoundaryError(
          expressionError(
            'EXPR_LIMIT',
            `The string at ${clip(path)} has ${value.length} characters; the limit is ${limits.maxDataStringLength}.`,
          ),
        );
      }
      return value;
    case 'number':
      return numberToDecimal(value);
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return OMIT;
  }
  if (value === null) return null;
  if (depth >= limits.maxDataDepth) {
    throw new BoundaryError(
      expressionError(
        'EXPR_LIMIT',
        `The instance data nests deeper than ${limits.maxDataDepth} levels at ${clip(path)}.`,
      ),
    );
  }
  if (Array.isArray(value)) {
    const length = value.length;
    if (length > budget.nodes) {
      throw new BoundaryError(
        expressionError(
          'EXPR_LIMIT',
          `The list at ${clip(path)} has ${length} elements; the data may hold at most ${limits.maxDataNodes} values.`,
        ),
      );
    }
    const out: Value[] = new Array<Value>(length);
    for (let i = 0; i < length; i++) {
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      const element =
        descriptor !== undefined && 'value' in descriptor
          ? fromData(descriptor.value, depth + 1, budget, limits, `${path}/${i}`)
          : OMIT;
      out[i] = element === OMIT ? null : element;
    }
    return out;
  }
  if (value instanceof Date) {
    try {
      return Date.prototype.toISOString.call(value);
    } catch {
      return OMIT;
    }
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return OMIT;
  const map = new Map<string, Value>();
  for (const key of Object.keys(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key.length > limits.maxDataKeyLength) {
      throw new BoundaryError(
        expressionError(
          'EXPR_LIMIT',
          `A key at ${clip(path)} has ${key.length} characters; the limit is ${limits.maxDataKeyLength}.`,
        ),
      );
    }
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const copied = fromData(descriptor.value, depth + 1, budget, limits, `${path}/${key}`);
    if (copied !== OMIT) map.set(key, copied);
  }
  return new FeelContextValue(map);
}

function boundaryFailure(err: unknown): { ok: false; error: ExpressionError } {
  if (err instanceof BoundaryError) return { ok: false, error: err.error };
  if (err instanceof RangeError) {
    return {
      ok: false,
      error: expressionError('EXPR_LIMIT', 'The instance data could not be copied: it is too large or too deep.'),
    };
  }
  return {
    ok: false,
    error: expressionError('EXPR_TYPE', 'The instance data could not be copied: it is not plain JSON data.'),
  };
}

/**
 * Reads the named root fields of instance data as FEEL values (absent fields are left out).
 *
 * @internal
 */
export function readDataFields(
  data: unknown,
  names: readonly string[],
  limits: ExpressionLimits,
): { ok: true; fields: Map<string, Value> } | { ok: false; error: ExpressionError } {
  const fields = new Map<string, Value>();
  if (data === null || data === undefined) return { ok: true, fields };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      error: expressionError(
        'EXPR_TYPE',
        `Instance data must be a JSON object, got ${Array.isArray(data) ? 'a list' : typeof data}.`,
      ),
    };
  }
  const budget = { nodes: limits.maxDataNodes };
  try {
    const proto: unknown = Object.getPrototypeOf(data);
    if (proto !== null && proto !== Object.prototype) {
      return {
        ok: false,
        error: expressionError(
          'EXPR_TYPE',
          'Instance data must be a plain JSON object (not a class instance, Map or Date).',
        ),
      };
    }
    for (const name of names) {
      if (DROPPED_KEYS.has(name) || !Object.prototype.hasOwnProperty.call(data, name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(data, name);
      if (descriptor === undefined || !('value' in descriptor) || !descriptor.enumerable) continue;
      const value = fromData(descriptor.value, 1, budget, limits, `/${name}`);
      if (value !== OMIT) fields.set(name, value);
    }
    return { ok: true, fields };
  } catch (err) {
    return boundaryFailure(err);
  }
}

/**
 * One loose value (the unary-test input) as a FEEL value.
 *
 * @internal
 */
export function readDataValue(
  value: unknown,
  limits: ExpressionLimits,
): { ok: true; value: Value } | { ok: false; error: ExpressionError } {
  try {
    const v = fromData(value, 0, { nodes: limits.maxDataNodes }, limits, '?');
    return { ok: true, value: v === OMIT ? null : v };
  } catch (err) {
    return boundaryFailure(err);
  }
}

/**
 * A FEEL value as JSON data, within the result limits.
 *
 * @internal
 */
export function toJsonResult(
  value: Value,
  limits: ExpressionLimits,
  warnings: ExpressionWarning[],
): { ok: true; value: FeelValue } | { ok: false; error: ExpressionError } {
  if (value === null || typeof value === 'boolean') return { ok: true, value };
  let nodes = 0;
  let chars = 0;
  let rounded = false;
  const fail = (code: 'EXPR_TYPE' | 'EXPR_LIMIT', message: string): never => {
    throw new BoundaryError(expressionError(code, message));
  };
  const text = (s: string): string => {
    chars += s.length;
    if (chars > limits.maxStringLength) {
      fail(
        'EXPR_LIMIT',
        `The strings in the result add up to more than ${limits.maxStringLength} characters; return less text.`,
      );
    }
    return s;
  };
  const convert = (current: Value, depth: number, where: string): FeelValue => {
    if (++nodes > limits.maxResultNodes)
      fail('EXPR_LIMIT', `The result has more than ${limits.maxResultNodes} values; return less data.`);
    if (current === null || typeof current === 'boolean') return current;
    if (typeof current === 'string') return text(current);
    if (isNum(current)) {
      const n = Number(current.toString());
      if (!Number.isFinite(n)) {
        fail(
          'EXPR_TYPE',
          `The result${where} is the number ${clip(current.toString(), 40)}, beyond what a JSON number holds; check for overflow.`,
        );
      }
      if (!rounded && !new Dec(String(n)).eq(current)) rounded = true;
      return n === 0 ? 0 : n;
    }
    if (current instanceof FeelDate) return text(formatDate(current));
    if (current instanceof FeelTime) return text(formatTime(current));
    if (current instanceof FeelDateTime) return text(formatDateTime(current));
    if (current instanceof YmDuration) return text(formatYm(current));
    if (current instanceof DtDuration) return text(formatDt(current));
    if (current instanceof FeelFunction) {
      fail(
        'EXPR_TYPE',
        `The result${where} is a function; an expression must produce data. Call the function instead.`,
      );
    }
    if (current instanceof FeelRange) {
      fail(
        'EXPR_TYPE',
        `The result${where} is a range; ranges cannot be stored. Return a list or a boolean test instead.`,
      );
    }
    if (depth >= limits.maxValueDepth) {
      fail('EXPR_LIMIT', `The result nests deeper than ${limits.maxValueDepth} levels.`);
    }
    if (Array.isArray(current)) {
      if (current.length > limits.maxListLength) {
        fail(
          'EXPR_LIMIT',
          `The result${where} is a list of ${current.length} elements; the limit is ${limits.maxListLength}.`,
        );
      }
      return current.map((e, i) => convert(e, depth + 1, `${where}[${i + 1}]`));
    }
    const out: Record<string, FeelValue> = {};
    for (const [key, entry] of (current as FeelContextValue).entries) {
      if (DROPPED_KEYS.has(key)) {
        fail(
          'EXPR_TYPE',
          `The result${where} has the key "${key}", which data may not hold (it names a JavaScript object internal).`,
        );
      }
      Object.defineProperty(out, key, {
        value: convert(entry, depth + 1, `${where}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  try {
    const result = convert(value, 0, '');
    if (rounded) {
      warnings.push({
        code: 'NUMBER_ROUNDED',
        message:
          'A number in the result has more significant digits than a JSON number holds; it was rounded to the nearest one.',
      });
    }
    return { ok: true, value: result };
  } catch (err) {
    if (err instanceof BoundaryError) return { ok: false, error: err.error };
    return {
      ok: false,
      error: expressionError('EXPR_LIMIT', 'The result could not be converted to data: it is too large or too deep.'),
    };
  }
}
