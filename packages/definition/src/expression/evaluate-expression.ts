/**
 * Bounded, pure evaluation of FEEL expressions over instance data.
 *
 * @module
 */

import { analyzeExpression, type ExpressionAnalysis, type ExpressionKind } from './analyze-expression.ts';
import {
  ExpressionAbort,
  clip,
  expressionError,
  type ExpressionError,
  type ExpressionWarning,
} from './expression-errors.ts';
import { resolveLimits, type ExpressionLimits } from './expression-limits.ts';
import { readDataFields, readDataValue, toJsonResult } from './feel-boundary.ts';
import { compileTree, type CompiledFeel } from './feel-compile.ts';
import { Env, Frame } from './feel-env.ts';
import type { Value } from './feel-values.ts';
import { isFeelContext, type FeelValue } from './to-feel-context.ts';

/** Options for {@link evaluateExpression} and {@link evaluateCondition}. */
export interface EvaluateExpressionOptions {
  /** `'unaryTest'` evaluates DMN-style unary tests (`> 10`, `"EU", "US"`) against `input`. @default 'expression' */
  kind?: ExpressionKind;
  /** The value unary tests are applied to (`?`). Ignored for expressions. @default null */
  input?: unknown;
  /** Overrides for the resource limits. */
  limits?: Partial<ExpressionLimits>;
}

/** The result of {@link evaluateExpression}. */
export type EvaluateExpressionResult =
  { ok: true; value: FeelValue; warnings: ExpressionWarning[] } | { ok: false; error: ExpressionError };

/** The result of {@link evaluateCondition}. */
export type EvaluateConditionResult =
  { ok: true; value: boolean; warnings: ExpressionWarning[] } | { ok: false; error: ExpressionError };

const ANALYSIS_CACHE_SIZE = 256;

/**
 * An expression analysed (checked statically) and compiled into closures, ready to evaluate.
 *
 * @internal
 */
export interface PreparedExpression {
  readonly kind: ExpressionKind;
  readonly analysis: ExpressionAnalysis;
  /** The root fields to read from the data. */
  readonly fields: readonly string[];
  readonly compiled?: CompiledFeel;
  readonly error?: ExpressionError;
}

/**
 * Prepared forms of recently evaluated sources (deterministic memoization; entries are
 * immutable), so re-evaluating a deployed expression neither parses nor compiles again.
 */
const preparedCache = new Map<string, PreparedExpression>();

/**
 * Analyses and compiles an expression once. Pure; never throws.
 *
 * @internal
 */
export function prepareExpression(source: string, kind: ExpressionKind, limits: ExpressionLimits): PreparedExpression {
  const key =
    typeof source === 'string'
      ? `${kind}|${limits.maxSourceLength}|${limits.maxSyntaxDepth}|${limits.maxSyntaxNodes}|${limits.maxIterationLength}|${limits.maxRegexPatternLength}|${limits.maxRegexProgramSize}|${source}`
      : undefined;
  if (key !== undefined) {
    const cached = preparedCache.get(key);
    if (cached !== undefined) return cached;
  }
  const analysis = analyzeExpression(source, kind, limits);
  const fields = [...analysis.names, ...analysis.filterNames];
  let prepared: PreparedExpression;
  const firstError = analysis.errors[0];
  if (firstError !== undefined || analysis.top === undefined) {
    prepared = {
      kind,
      analysis,
      fields,
      error: firstError ?? expressionError('EXPR_SYNTAX', 'The expression could not be parsed.'),
    };
  } else {
    try {
      prepared = { kind, analysis, fields, compiled: compileTree(analysis.top, source, kind) };
    } catch (err) {
      prepared = { kind, analysis, fields, error: describeThrown(err) };
    }
  }
  if (key !== undefined) {
    if (preparedCache.size >= ANALYSIS_CACHE_SIZE) {
      const oldest = preparedCache.keys().next();
      if (oldest.done !== true) preparedCache.delete(oldest.value);
    }
    preparedCache.set(key, prepared);
  }
  return prepared;
}

function describeThrown(err: unknown): ExpressionError {
  if (err instanceof ExpressionAbort) return expressionError(err.code, err.message);
  if (err instanceof RangeError) {
    if (/call stack/i.test(err.message)) {
      return expressionError('EXPR_LIMIT', 'The expression recursed too deeply; simplify it.');
    }
    if (/invalid (string|array) length/i.test(err.message)) {
      return expressionError(
        'EXPR_LIMIT',
        'A string or list grew beyond what the runtime allows; reduce the data the expression builds.',
      );
    }
    return expressionError('EXPR_EVAL', `A value is out of range: ${clip(err.message, 120)}.`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return expressionError('EXPR_EVAL', `The expression failed: ${clip(message, 160)}.`);
}

/**
 * Evaluates a prepared expression over instance data: the one evaluation routine behind
 * {@link evaluateExpression} and the engine's `compileExpression`. Never throws.
 *
 * @internal
 */
export function evaluatePrepared(
  prepared: PreparedExpression,
  data: unknown,
  limits: ExpressionLimits,
  input?: unknown,
  stats?: { steps: number },
): EvaluateExpressionResult {
  if (prepared.error !== undefined || prepared.compiled === undefined) {
    return {
      ok: false,
      error: prepared.error ?? expressionError('EXPR_SYNTAX', 'The expression could not be parsed.'),
    };
  }
  const env = new Env(limits);
  try {
    let fields: Map<string, Value>;
    if (isFeelContext(data)) {
      const read = readDataFields(Object.assign({}, pick(data, prepared.fields)), prepared.fields, limits);
      if (!read.ok) return read;
      fields = read.fields;
    } else {
      const read = readDataFields(data, prepared.fields, limits);
      if (!read.ok) return read;
      fields = read.fields;
    }
    if (prepared.kind === 'unaryTest') {
      const value = readDataValue(input ?? null, limits);
      if (!value.ok) return value;
      fields.set('?', value.value);
    }
    const value = prepared.compiled.run(new Frame(fields, null), env);
    if (stats !== undefined) stats.steps = env.steps;
    const warnings = env.warnings.slice(0, MAX_WARNINGS);
    if (env.warnings.length > MAX_WARNINGS) {
      warnings.push({
        code: 'WARNINGS_TRUNCATED',
        message: `${env.warnings.length - MAX_WARNINGS} more warnings were left out.`,
      });
    }
    const json = toJsonResult(value, limits, warnings);
    if (!json.ok) return json;
    return { ok: true, value: json.value, warnings };
  } catch (err) {
    if (stats !== undefined) stats.steps = env.steps;
    return { ok: false, error: describeThrown(err) };
  }
}

const MAX_WARNINGS = 20;

function pick(context: object, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(context, name)) {
      Object.defineProperty(out, name, {
        value: (context as Record<string, unknown>)[name],
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return out;
}

/**
 * Evaluates a FEEL expression (or unary tests) over instance data, with bounded work and
 * memory, and returns plain JSON data. Numbers are decimals inside the evaluation (34
 * significant digits); see `feel-boundary.ts` for how JSON numbers go in and out. Pure: no
 * clock, no I/O, no `eval`/`Function`/`vm`. Only the root fields the expression names are read
 * (with the rules and limits of {@link toFeelContext}). Never throws. Missing fields evaluate to
 * `null` with a `NO_VARIABLE_FOUND` warning (FEEL semantics).
 *
 * Errors: `EXPR_SYNTAX`, `EXPR_TOO_LONG`, `EXPR_TOO_DEEP`, `EXPR_FORBIDDEN`,
 * `EXPR_UNKNOWN_FUNCTION`, `EXPR_REGEX` (rejected before running), `EXPR_LIMIT` (a resource
 * limit was hit), `EXPR_TYPE` (the result is not data), `EXPR_EVAL` (evaluation failed).
 *
 * @example
 * const result = evaluateExpression('for item in items return item.price * 2', { items: [{ price: 5 }] });
 * // { ok: true, value: [10], warnings: [] }
 */
export function evaluateExpression(
  source: string,
  data: unknown,
  options: EvaluateExpressionOptions = {},
): EvaluateExpressionResult {
  return evaluateWithStats(source, data, options).result;
}

/**
 * {@link evaluateExpression} plus the number of budget steps used (for tests and tuning).
 *
 * @internal
 */
export function evaluateWithStats(
  source: string,
  data: unknown,
  options: EvaluateExpressionOptions = {},
): { result: EvaluateExpressionResult; steps: number } {
  const stats = { steps: 0 };
  try {
    const opts = options ?? {};
    const limits = resolveLimits(opts.limits);
    const kind: ExpressionKind = opts.kind === 'unaryTest' ? 'unaryTest' : 'expression';
    const prepared = prepareExpression(source, kind, limits);
    return { result: evaluatePrepared(prepared, data, limits, opts.input, stats), steps: stats.steps };
  } catch (err) {
    return { result: { ok: false, error: describeThrown(err) }, steps: stats.steps };
  }
}

/**
 * A condition's boolean from an expression result (see {@link evaluateCondition}).
 *
 * @internal
 */
export function toConditionResult(result: EvaluateExpressionResult): EvaluateConditionResult {
  if (!result.ok) return result;
  if (typeof result.value === 'boolean') return { ok: true, value: result.value, warnings: result.warnings };
  if (result.value === null) {
    return {
      ok: true,
      value: false,
      warnings: [
        ...result.warnings,
        {
          code: 'NULL_CONDITION',
          message: 'The condition evaluated to null (usually missing data) and counts as not met.',
        },
      ],
    };
  }
  const got = Array.isArray(result.value)
    ? 'a list'
    : typeof result.value === 'object'
      ? 'a context'
      : `a ${typeof result.value}`;
  return {
    ok: false,
    error: expressionError(
      'EXPR_TYPE',
      `A condition must evaluate to true or false, got ${got}. Compare the value, e.g. \`amount > 0\`.`,
    ),
  };
}

/**
 * Evaluates a FEEL condition (a transition guard, a trigger) to a boolean. Same guarantees as
 * {@link evaluateExpression}. FEEL's three-valued logic makes a condition over missing data
 * `null`; that counts as "not met": `{ ok: true, value: false }` with a `NULL_CONDITION`
 * warning. Any other non-boolean result is an `EXPR_TYPE` error, because it is a modelling
 * mistake (e.g. `amount` instead of `amount > 0`). Never throws.
 *
 * @example
 * evaluateCondition('amount > 1000 and region = "EU"', { amount: 1500, region: 'EU' });
 * // { ok: true, value: true, warnings: [] }
 */
export function evaluateCondition(
  source: string,
  data: unknown,
  options: EvaluateExpressionOptions = {},
): EvaluateConditionResult {
  return toConditionResult(evaluateExpression(source, data, options));
}
