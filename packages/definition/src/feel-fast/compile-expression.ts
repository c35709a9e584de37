import { checkExpression } from '../expression/check-expression.ts';
import { evaluateCondition, evaluateExpression } from '../expression/evaluate-expression.ts';
import type { EvaluateConditionResult, EvaluateExpressionResult } from '../expression/evaluate-expression.ts';
import { resolveLimits } from '../expression/expression-limits.ts';
import { isCleanFeelData } from '../expression/to-feel-context.ts';
import { FALLBACK, compileFastFeel, type FastFeel } from './compile-fast-feel.ts';

/** A FEEL expression prepared once and evaluated many times (conditions, triggers, computed fields). */
export interface CompiledExpression {
  readonly source: string;
  /** Whether the everyday subset compiled to a closure (else every call takes the full interpreter). */
  readonly fast: boolean;
  evaluate(data: Readonly<Record<string, unknown>>): EvaluateExpressionResult;
  condition(data: Readonly<Record<string, unknown>>): EvaluateConditionResult;
}

/**
 * Prepares a FEEL expression for repeated evaluation. Expressions in the everyday subset
 * (comparisons, arithmetic, and/or/not, if-then-else over field paths and literals) run as a
 * compiled closure; everything else, and any value the subset does not model, goes through
 * {@link evaluateExpression} with all its guards and limits. The closure runs only on data that
 * is already what the interpreter's copy would be, within the same data-size limits. Values are
 * the same either way; the
 * fast path adds no warnings (a missing field is plainly `null`). An expression the static check
 * rejects (forbidden names such as `process`, limits) never gets a fast path, so its error is
 * reported as usual. Pure; never throws.
 *
 * @example
 * const guard = compileExpression('amount > 100000');
 * guard.condition({ amount: 200000 }); // { ok: true, value: true, warnings: [] }
 */
export function compileExpression(source: string): CompiledExpression {
  const check = checkExpression(source);
  const fast: FastFeel | undefined = check.ok ? compileFastFeel(source) : undefined;
  const names = check.ok ? [...check.names, ...check.filterNames] : [];
  const limits = resolveLimits(undefined);
  const primitive = (data: Readonly<Record<string, unknown>>): unknown => {
    if (!fast) return FALLBACK;
    try {
      // The fields the expression reads must be exactly what the interpreter would read after
      // its copy, within its data-size limits (issue 13: a 1 MB field is a limit error on every
      // path). Anything else goes to the interpreter, which copies and reports the same error.
      if (!isCleanFeelData(data, names, limits)) return FALLBACK;
      const v = fast(data);
      return v === null ||
        typeof v === 'boolean' ||
        typeof v === 'string' ||
        (typeof v === 'number' && Number.isFinite(v))
        ? v
        : FALLBACK;
    } catch {
      return FALLBACK;
    }
  };
  return {
    source,
    fast: fast !== undefined,
    evaluate(data) {
      const v = primitive(data);
      return v === FALLBACK
        ? evaluateExpression(source, data)
        : { ok: true, value: v as string | number | boolean | null, warnings: [] };
    },
    condition(data) {
      const v = primitive(data);
      if (v === true || v === false) return { ok: true, value: v, warnings: [] };
      // null (missing data) and non-boolean results take the full path for its warning or error.
      return evaluateCondition(source, data);
    },
  };
}
