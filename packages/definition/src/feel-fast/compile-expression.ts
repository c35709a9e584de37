import { evaluatePrepared, prepareExpression, toConditionResult } from '../expression/evaluate-expression.ts';
import type { EvaluateConditionResult, EvaluateExpressionResult } from '../expression/evaluate-expression.ts';
import { resolveLimits } from '../expression/expression-limits.ts';

/** A FEEL expression prepared once and evaluated many times (conditions, triggers, computed fields). */
export interface CompiledExpression {
  readonly source: string;
  /**
   * Whether the expression compiled (it passed the static checks). There is one evaluator:
   * a compiled expression and {@link evaluateExpression} run the same closures.
   */
  readonly fast: boolean;
  evaluate(data: Readonly<Record<string, unknown>>): EvaluateExpressionResult;
  condition(data: Readonly<Record<string, unknown>>): EvaluateConditionResult;
}

/**
 * Prepares a FEEL expression for repeated evaluation: it is checked and compiled into closures
 * once (feelin's parser, Baton's evaluator), and each call only reads the fields it needs and
 * runs the closures, under the same guards and limits as {@link evaluateExpression}, which
 * runs the very same compiled form: one meaning on every path by construction (issue 13). An
 * expression the static check rejects reports its error on every call. Pure; never throws.
 *
 * @example
 * const guard = compileExpression('amount > 100000');
 * guard.condition({ amount: 200000 }); // { ok: true, value: true, warnings: [] }
 */
export function compileExpression(source: string): CompiledExpression {
  const limits = resolveLimits(undefined);
  const prepared = prepareExpression(source, 'expression', limits);
  return {
    source,
    fast: prepared.compiled !== undefined,
    evaluate: (data) => evaluatePrepared(prepared, data, limits),
    condition: (data) => toConditionResult(evaluatePrepared(prepared, data, limits)),
  };
}
