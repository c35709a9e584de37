/**
 * Turning untrusted instance data into a safe, plain-data FEEL context (docs/reliability.md F1/F2).
 *
 * @module
 */

import { clip, expressionError, type ExpressionError } from './expression-errors.ts';
import { resolveLimits, type ExpressionLimits } from './expression-limits.ts';

/** A JSON value as FEEL sees it and as evaluation returns it. */
export type FeelValue = null | boolean | number | string | FeelValue[] | { [key: string]: FeelValue };

declare const feelContextBrand: unique symbol;

/**
 * Instance data made safe for evaluation by {@link toFeelContext}: deep-frozen, null-prototype
 * objects, copied arrays, JSON values only. Evaluating many expressions against one
 * `FeelContext` skips the copy each time.
 */
export type FeelContext = { readonly [key: string]: FeelValue } & { readonly [feelContextBrand]: true };

/** The result of {@link toFeelContext}. */
export type ToFeelContextResult = { ok: true; context: FeelContext } | { ok: false; error: ExpressionError };

/** Keys that are dropped from data: they are how prototype pollution starts. */
const DROPPED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const SAFE_CONTEXTS = new WeakSet<object>();

class DataLimitError extends Error {}

/** Marker for "leave this out" (functions, symbols, undefined, accessors, exotic objects). */
const OMIT = Symbol('omit');

function isPlainPrototype(proto: unknown): boolean {
  return proto === null || proto === Object.prototype;
}

/** Copies one value into frozen null-prototype objects (dangerous keys are dropped). */
function copyValue(
  value: unknown,
  depth: number,
  budget: { nodes: number },
  limits: ExpressionLimits,
  path: string,
): FeelValue | typeof OMIT {
  if (--budget.nodes < 0) {
    throw new DataLimitError(
      `The instance data has more than ${limits.maxDataNodes} values; the limit is ${limits.maxDataNodes}.`,
    );
  }
  switch (typeof value) {
    case 'string':
      if (value.length > limits.maxDataStringLength) {
        throw new DataLimitError(
          `The string at ${clip(path)} has ${value.length} characters; the limit is ${limits.maxDataStringLength}.`,
        );
      }
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      // functions, symbols, bigint, undefined: not JSON
      return OMIT;
  }
  if (value === null) return null;
  if (depth >= limits.maxDataDepth) {
    throw new DataLimitError(`The instance data nests deeper than ${limits.maxDataDepth} levels at ${clip(path)}.`);
  }
  if (Array.isArray(value)) {
    const length = value.length;
    if (length > budget.nodes) {
      throw new DataLimitError(
        `The list at ${clip(path)} has ${length} elements; the data may hold at most ${limits.maxDataNodes} values.`,
      );
    }
    const out: FeelValue[] = new Array<FeelValue>(length);
    for (let i = 0; i < length; i++) {
      // Read through the descriptor so that getters are never invoked.
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      const element =
        descriptor !== undefined && 'value' in descriptor
          ? copyValue(descriptor.value, depth + 1, budget, limits, `${path}/${i}`)
          : OMIT;
      out[i] = element === OMIT ? null : element;
    }
    return Object.freeze(out) as FeelValue[];
  }
  if (value instanceof Date) {
    // What JSON.stringify would produce; an invalid date is left out.
    try {
      return Date.prototype.toISOString.call(value);
    } catch {
      return OMIT;
    }
  }
  if (!isPlainPrototype(Object.getPrototypeOf(value))) {
    // Maps, class instances, boxed primitives, typed arrays: not plain data.
    return OMIT;
  }
  const out = Object.create(null) as Record<string, FeelValue>;
  for (const key of Object.keys(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key.length > limits.maxDataKeyLength) {
      throw new DataLimitError(
        `A key at ${clip(path)} has ${key.length} characters; the limit is ${limits.maxDataKeyLength}.`,
      );
    }
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const copied = copyValue(descriptor.value, depth + 1, budget, limits, `${path}/${key}`);
    if (copied !== OMIT) out[key] = copied;
  }
  return Object.freeze(out);
}

/**
 * Copies instance data into a safe FEEL context: only JSON values survive (objects become
 * frozen null-prototype copies, arrays are copied), functions, symbols and `undefined` are
 * dropped, accessor properties are dropped without being invoked, `Date`s become ISO strings,
 * other non-plain objects are dropped, and the keys `__proto__`, `constructor` and `prototype`
 * are dropped. `null`/`undefined` data gives an empty context. Pure. Never throws: data over
 * the limits (depth 32, 100,000 values, strings of 1 MiB, keys of 256 characters) gives an
 * `EXPR_LIMIT` error, and data that is not an object gives `EXPR_TYPE`.
 *
 * @example
 * const result = toFeelContext({ amount: 1200, region: 'EU', notify: () => {} });
 * // result.ok && result.context -> { amount: 1200, region: 'EU' }
 */
export function toFeelContext(data: unknown, limits?: Partial<ExpressionLimits>): ToFeelContextResult {
  const resolved = resolveLimits(limits);
  if (data === null || data === undefined) {
    const empty = Object.freeze(Object.create(null) as object);
    SAFE_CONTEXTS.add(empty);
    return { ok: true, context: empty as FeelContext };
  }
  if (isFeelContext(data)) return { ok: true, context: data };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      error: expressionError(
        'EXPR_TYPE',
        `Instance data must be a JSON object, got ${Array.isArray(data) ? 'a list' : typeof data}.`,
      ),
    };
  }
  try {
    const copied = copyValue(data, 0, { nodes: resolved.maxDataNodes }, resolved, '');
    if (copied === OMIT || copied === null || typeof copied !== 'object' || Array.isArray(copied)) {
      return {
        ok: false,
        error: expressionError(
          'EXPR_TYPE',
          'Instance data must be a plain JSON object (not a class instance, Map or Date).',
        ),
      };
    }
    SAFE_CONTEXTS.add(copied);
    return { ok: true, context: copied as unknown as FeelContext };
  } catch (err) {
    if (err instanceof DataLimitError) return { ok: false, error: expressionError('EXPR_LIMIT', err.message) };
    // A stack overflow, or a throwing proxy trap: report, never rethrow.
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
}

/**
 * Whether `value` is a context made by {@link toFeelContext} (and therefore safe to use as is).
 */
export function isFeelContext(value: unknown): value is FeelContext {
  return typeof value === 'object' && value !== null && SAFE_CONTEXTS.has(value);
}
