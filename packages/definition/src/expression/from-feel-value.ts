/**
 * Converting feelin results back to plain JSON data.
 *
 * @module
 */

import { FeelDate, FeelDateTime, FeelDuration, FeelFunction, FeelRange, FeelTime } from 'feelin';
import { expressionError, type ExpressionError } from './expression-errors.ts';
import type { ExpressionLimits } from './expression-limits.ts';
import type { FeelValue } from './to-feel-context.ts';

const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

class ConversionError extends Error {
  readonly error: ExpressionError;
  constructor(error: ExpressionError) {
    super(error.message);
    this.error = error;
  }
}

function fail(code: 'EXPR_TYPE' | 'EXPR_LIMIT' | 'EXPR_FORBIDDEN', message: string): never {
  throw new ConversionError(expressionError(code, message));
}

/**
 * Converts a value produced by feelin into JSON data: dates, times and durations become ISO
 * strings; functions, ranges, `NaN`/`Infinity` and other non-data values are `EXPR_TYPE`
 * errors; results over the size limits (nodes, depth, list length, total string length) are
 * `EXPR_LIMIT` errors. Pure; never throws.
 *
 * @internal
 */
export function fromFeelinValue(
  value: unknown,
  limits: ExpressionLimits,
): { ok: true; value: FeelValue } | { ok: false; error: ExpressionError } {
  let nodes = 0;
  let chars = 0;
  const convert = (current: unknown, depth: number, where: string): FeelValue => {
    if (++nodes > limits.maxResultNodes) {
      fail('EXPR_LIMIT', `The result has more than ${limits.maxResultNodes} values; return less data.`);
    }
    if (current === null || current === undefined) return null;
    switch (typeof current) {
      case 'boolean':
        return current;
      case 'number':
        if (!Number.isFinite(current))
          fail(
            'EXPR_TYPE',
            `The result${where} is ${String(current)}, which is not a number FEEL can store; check for overflow.`,
          );
        return Object.is(current, -0) ? 0 : current;
      case 'string':
        // The same string may be referenced many times ([s, s, s, ...]); count every use.
        chars += current.length;
        if (chars > limits.maxStringLength) {
          fail(
            'EXPR_LIMIT',
            `The strings in the result add up to more than ${limits.maxStringLength} characters; return less text.`,
          );
        }
        return current;
      case 'function':
        fail(
          'EXPR_TYPE',
          `The result${where} is a function; an expression must produce data. Call the function instead.`,
        );
        break;
      case 'object':
        break;
      default:
        fail('EXPR_TYPE', `The result${where} is not data (${typeof current}).`);
    }
    if (
      current instanceof FeelDate ||
      current instanceof FeelTime ||
      current instanceof FeelDateTime ||
      current instanceof FeelDuration
    ) {
      return current.toJSON();
    }
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
      fail(
        'EXPR_LIMIT',
        `The result nests deeper than ${limits.maxValueDepth} levels (or contains itself, e.g. \`partial\`).`,
      );
    }
    if (Array.isArray(current)) {
      if (current.length > limits.maxListLength) {
        fail(
          'EXPR_LIMIT',
          `The result${where} is a list of ${current.length} elements; the limit is ${limits.maxListLength}.`,
        );
      }
      const out: FeelValue[] = [];
      for (let i = 0; i < current.length; i++) out.push(convert(current[i], depth + 1, `${where}[${i + 1}]`));
      return out;
    }
    if (Object.getPrototypeOf(current) !== Object.prototype) {
      fail('EXPR_TYPE', `The result${where} is not plain data.`);
    }
    const out: Record<string, FeelValue> = {};
    for (const key of Object.keys(current)) {
      if (DANGEROUS_KEYS.has(key)) {
        fail('EXPR_FORBIDDEN', `The result${where} has the key "${key}", which is not allowed (prototype pollution).`);
      }
      const descriptor = Object.getOwnPropertyDescriptor(current, key);
      const entry: unknown = descriptor !== undefined && 'value' in descriptor ? descriptor.value : null;
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
    return { ok: true, value: convert(value, 0, '') };
  } catch (err) {
    if (err instanceof ConversionError) return { ok: false, error: err.error };
    return {
      ok: false,
      error: expressionError('EXPR_LIMIT', 'The result could not be converted to data: it is too large or too deep.'),
    };
  }
}
