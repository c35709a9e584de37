/**
 * Bounded, pure evaluation of FEEL expressions over instance data.
 *
 * @module
 */

import { evaluate as feelEvaluate, unaryTest as feelUnaryTest, SyntaxError as FeelSyntaxError } from 'feelin';
import { analyzeExpression, type ExpressionAnalysis, type ExpressionKind } from './analyze-expression.ts';
import {
  ExpressionAbort,
  clip,
  expressionError,
  type ExpressionError,
  type ExpressionWarning,
} from './expression-errors.ts';
import { resolveLimits, type ExpressionLimits } from './expression-limits.ts';
import { BUILTIN_FUNCTION_NAMES, CLOCK_FUNCTIONS, REGEX_FUNCTIONS } from './feel-names.ts';
import { createGuards, createSession, type EvaluationSession } from './evaluation-guards.ts';
import { fromFeelinValue } from './from-feel-value.ts';
import {
  copyFieldsForFeelin,
  isFeelContext,
  toFeelDataValue,
  toFeelinField,
  type FeelValue,
} from './to-feel-context.ts';

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

const MAX_WARNINGS = 20;
const ANALYSIS_CACHE_SIZE = 256;

/**
 * Analyses of recently evaluated sources. feelin has no compile step, so each evaluation parses
 * anyway; this saves our own parse and rewrite for expressions evaluated again (the normal case
 * for a deployed process). Deterministic memoization; entries are immutable.
 */
const analysisCache = new Map<string, ExpressionAnalysis>();

function analyzeCached(source: string, kind: ExpressionKind, limits: ExpressionLimits): ExpressionAnalysis {
  if (typeof source !== 'string') return analyzeExpression(source, kind, limits);
  const key = `${kind}|${limits.maxSourceLength}|${limits.maxSyntaxDepth}|${limits.maxSyntaxNodes}|${limits.maxIterationLength}|${limits.maxRegexPatternLength}|${limits.maxRegexProgramSize}|${source}`;
  const cached = analysisCache.get(key);
  if (cached !== undefined) return cached;
  const analysis = analyzeExpression(source, kind, limits);
  if (analysisCache.size >= ANALYSIS_CACHE_SIZE) {
    const oldest = analysisCache.keys().next();
    if (oldest.done !== true) analysisCache.delete(oldest.value);
  }
  analysisCache.set(key, analysis);
  return analysis;
}

/**
 * The evaluation scope: a non-plain object (so feelin neither copies it nor parses with it),
 * whose entries start non-enumerable (so feelin's parser, which reads `Object.keys`, never
 * sees data keys or values) and are made enumerable by `__baton_go()` as evaluation starts
 * (so that loops, which copy the scope with `Object.assign`, keep them).
 */
function createScope(entries: [string, unknown][]): { scope: object; activate: () => void } {
  const scope = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of entries) {
    Object.defineProperty(scope, key, { value, enumerable: false, writable: false, configurable: true });
  }
  let active = false;
  const activate = (): void => {
    if (active) return;
    active = true;
    for (const [key, value] of entries) {
      Object.defineProperty(scope, key, { value, enumerable: true, writable: false, configurable: false });
    }
  };
  return { scope, activate };
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
  if (err instanceof FeelSyntaxError) {
    return expressionError('EXPR_SYNTAX', `The expression could not be parsed: ${clip(err.message, 120)}.`);
  }
  const message = err instanceof Error ? err.message : String(err);
  const notImplemented = /^not implemented: (.*)$/.exec(message);
  if (notImplemented !== null) {
    return expressionError(
      'EXPR_EVAL',
      `The built-in ${clip(notImplemented[1] ?? '', 40)} is not supported by the FEEL interpreter; express the test another way.`,
    );
  }
  if (/unsupported range/.test(message)) {
    return expressionError('EXPR_EVAL', `A range has bounds of different or unsupported types: ${clip(message, 120)}.`);
  }
  return expressionError('EXPR_EVAL', `The expression failed: ${clip(message, 160)}.`);
}

interface FeelinWarning {
  type?: unknown;
  message?: unknown;
  position?: { from?: unknown };
}

function collectWarnings(
  raw: unknown,
  session: EvaluationSession,
  mapOffset: (offset: number) => number,
): ExpressionWarning[] {
  const out: ExpressionWarning[] = [];
  const seen = new Set<string>();
  const list: FeelinWarning[] = Array.isArray(raw) ? (raw as FeelinWarning[]) : [];
  let dropped = 0;
  const all: FeelinWarning[] = [...list, ...session.warnings.map((w) => ({ type: w.code, message: w.message }))];
  for (const warning of all) {
    const code = typeof warning.type === 'string' ? warning.type : 'WARNING';
    const message = clip(typeof warning.message === 'string' ? warning.message : 'warning', 300);
    const from = warning.position?.from;
    const offset = typeof from === 'number' ? mapOffset(from) : undefined;
    const key = `${code}|${message}|${offset ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length >= MAX_WARNINGS) {
      dropped++;
      continue;
    }
    out.push(offset === undefined ? { code, message } : { code, message, offset });
  }
  if (dropped > 0) out.push({ code: 'WARNINGS_TRUNCATED', message: `${dropped} more warnings were left out.` });
  return out;
}

/**
 * Evaluates a FEEL expression (or unary tests) over instance data, with bounded work and
 * memory, and returns plain JSON data. Pure: no clock, no I/O, no `eval`/`Function`/`vm`. Only
 * the root fields the expression names are copied (with the rules and limits of
 * {@link toFeelContext}) and handed to the interpreter; a `FeelContext` is used without
 * copying.
 * Never throws. Missing fields evaluate to `null` with a `NO_VARIABLE_FOUND` warning (FEEL
 * semantics).
 *
 * Errors: `EXPR_SYNTAX`, `EXPR_TOO_LONG`, `EXPR_TOO_DEEP`, `EXPR_FORBIDDEN`,
 * `EXPR_UNKNOWN_FUNCTION`, `EXPR_REGEX` (rejected before running), `EXPR_LIMIT` (a resource
 * limit was hit), `EXPR_TYPE` (the result is not data), `EXPR_EVAL` (the interpreter failed).
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
    return { result: evaluateUnsafe(source, data, options ?? {}, stats), steps: stats.steps };
  } catch (err) {
    return { result: { ok: false, error: describeThrown(err) }, steps: stats.steps };
  }
}

function evaluateUnsafe(
  source: string,
  data: unknown,
  options: EvaluateExpressionOptions,
  stats: { steps: number },
): EvaluateExpressionResult {
  const limits = resolveLimits(options.limits);
  const kind: ExpressionKind = options.kind === 'unaryTest' ? 'unaryTest' : 'expression';
  const analysis = analyzeCached(source, kind, limits);
  const firstError = analysis.errors[0];
  if (firstError !== undefined) return { ok: false, error: firstError };

  const entries: [string, unknown][] = [];
  const included = new Set<string>();
  const wanted = [...analysis.names, ...analysis.filterNames];
  if (isFeelContext(data)) {
    for (const name of wanted) {
      if (Object.prototype.hasOwnProperty.call(data, name)) {
        entries.push([name, toFeelinField(data, name)]);
        included.add(name);
      }
    }
  } else {
    const copied = copyFieldsForFeelin(data, wanted, limits);
    if (!copied.ok) return copied;
    for (const [name, value] of copied.fields) {
      entries.push([name, value]);
      included.add(name);
    }
  }
  // The clock and the backtracking regex built-ins must never be reachable as values.
  for (const name of [...CLOCK_FUNCTIONS, ...REGEX_FUNCTIONS]) {
    if (!included.has(name)) entries.push([name, null]);
  }
  // A missing field is null even when its name is also a built-in (`product = null` on data
  // without `product`): feelin would otherwise resolve the name to the function, while the
  // compiled path reads null (issue 13). A name the expression also calls keeps the built-in.
  const missingBuiltins: string[] = [];
  for (const name of analysis.names) {
    if (included.has(name) || !BUILTIN_FUNCTION_NAMES.has(name) || analysis.functions.includes(name)) continue;
    if (CLOCK_FUNCTIONS.has(name) || REGEX_FUNCTIONS.has(name)) continue;
    entries.push([name, null]);
    included.add(name);
    missingBuiltins.push(name);
  }
  if (kind === 'unaryTest') {
    const input = toFeelDataValue(options.input ?? null, limits);
    if (!input.ok) return input;
    entries.push(['?', input.value]);
  }
  const session = createSession(limits);
  for (const name of missingBuiltins) {
    session.warnings.push({ code: 'NO_VARIABLE_FOUND', message: `Variable '${name}' not found` });
  }
  Object.defineProperty(stats, 'steps', { get: () => session.steps });
  const holder: { activate: () => void } = { activate: () => undefined };
  const guards = createGuards(session, () => holder.activate());
  for (const [name, guard] of Object.entries(guards)) entries.push([name, guard]);
  const { scope, activate } = createScope(entries);
  holder.activate = activate;

  const evaluated =
    kind === 'unaryTest'
      ? feelUnaryTest(analysis.rewritten, scope as Record<string, unknown>)
      : feelEvaluate(analysis.rewritten, scope as Record<string, unknown>);
  const warnings = collectWarnings(evaluated.warnings, session, analysis.mapOffset);
  const value = fromFeelinValue(evaluated.value, limits);
  if (!value.ok) return value;
  return { ok: true, value: value.value, warnings };
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
  const result = evaluateExpression(source, data, options);
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
