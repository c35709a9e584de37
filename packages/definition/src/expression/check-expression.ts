/**
 * Static checking of FEEL expressions (deploy-time validation).
 *
 * @module
 */

import { analyzeExpression, type ExpressionKind } from './analyze-expression.ts';
import { clip, expressionError, type ExpressionError } from './expression-errors.ts';
import { resolveLimits, type ExpressionLimits } from './expression-limits.ts';
import { BUILTIN_FUNCTION_NAMES, CLOCK_FUNCTIONS, REGEX_FUNCTIONS } from './feel-names.ts';
import { suggestClosest } from './suggest-closest.ts';

/** Options for {@link checkExpression}. */
export interface CheckExpressionOptions {
  /** The declared data fields; when given, reading any other root field is `EXPR_UNKNOWN_FIELD`. */
  knownFields?: ReadonlySet<string>;
  /** @default 'expression' */
  kind?: ExpressionKind;
  /** Overrides for the resource limits. */
  limits?: Partial<ExpressionLimits>;
}

/** The result of {@link checkExpression}. */
export type CheckExpressionResult =
  | {
      ok: true;
      /** Root data fields the expression reads (`contract.status` -> `contract`), sorted. */
      names: string[];
      /**
       * Names read inside filter conditions (`items[amount > 10]`): a field of the list element
       * or a root field; never reported as unknown. Sorted.
       */
      filterNames: string[];
      /** Static field paths read, e.g. `contract.status`, sorted. */
      paths: string[];
      /** FEEL built-in functions called, sorted. */
      functions: string[];
      /** Root names not in `knownFields` (empty when `knownFields` is not given), sorted. */
      unknown: string[];
      /** One `EXPR_UNKNOWN_FIELD` error per unknown name, with a "did you mean" suggestion. */
      issues: ExpressionError[];
    }
  | {
      ok: false;
      /** The first error. */
      error: ExpressionError;
      /** Every error found (at most 20). */
      errors: ExpressionError[];
    };

function listFields(fields: ReadonlySet<string>): string {
  const sorted = [...fields].sort();
  const shown = sorted.slice(0, 20).join(', ');
  return sorted.length > 20 ? `${shown} and ${sorted.length - 20} more` : shown || '(none)';
}

/**
 * Checks a FEEL expression without evaluating it: syntax, size and nesting limits, forbidden
 * constructs (user-defined functions, `now()`/`today()`, JavaScript internals such as
 * `__proto__` or `constructor`, runtime globals such as `process`), regular-expression
 * literals, literal iteration ranges, and, when `knownFields` is given, the root fields it
 * reads. Names bound inside the expression (`for x in ...`, `some x in ...`, context keys,
 * comparator parameters, `item`, `partial`) are not fields. Unknown fields do not make the
 * result fail: they are listed in `unknown` (with messages in `issues`) so that the caller
 * decides how severe they are. Pure; never throws.
 *
 * @example
 * checkExpression('amout > 10', { knownFields: new Set(['amount', 'region']) });
 * // { ok: true, names: ['amout'], unknown: ['amout'], issues: [{ code: 'EXPR_UNKNOWN_FIELD',
 * //   message: 'Unknown field "amout"; declared fields: amount, region. Did you mean "amount"?', offset: 0 }], ... }
 */
export function checkExpression(source: string, options: CheckExpressionOptions = {}): CheckExpressionResult {
  try {
    const opts = options ?? {};
    const limits = resolveLimits(opts.limits);
    const kind: ExpressionKind = opts.kind === 'unaryTest' ? 'unaryTest' : 'expression';
    const analysis = analyzeExpression(source, kind, limits);
    const first = analysis.errors[0];
    if (first !== undefined) return { ok: false, error: first, errors: analysis.errors };
    const unknown: string[] = [];
    const issues: ExpressionError[] = [];
    const known = opts.knownFields;
    if (known !== undefined && known !== null && typeof known.has === 'function') {
      for (const name of analysis.names) {
        if (known.has(name)) continue;
        // A name read as a value is a field even when it is also a built-in (`product = null`):
        // undeclared, it is null at run time, which is rarely what the modeller meant (issue 13).
        unknown.push(name);
        const suggestion = suggestClosest(name, known);
        const builtin =
          BUILTIN_FUNCTION_NAMES.has(name) && !CLOCK_FUNCTIONS.has(name) && !REGEX_FUNCTIONS.has(name)
            ? ` "${clip(name)}" is also a built-in function, but as a value it reads a field (null when missing): declare the field, or call the function, e.g. ${clip(name)}([1, 2]).`
            : '';
        issues.push(
          expressionError(
            'EXPR_UNKNOWN_FIELD',
            `Unknown field "${clip(name)}"; declared fields: ${listFields(known)}.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`}${builtin}`,
            analysis.nameOffsets.get(name),
          ),
        );
      }
    }
    return {
      ok: true,
      names: analysis.names,
      filterNames: analysis.filterNames,
      paths: analysis.paths,
      functions: analysis.functions,
      unknown,
      issues,
    };
  } catch {
    const error = expressionError('EXPR_SYNTAX', 'The expression could not be checked; simplify it.');
    return { ok: false, error, errors: [error] };
  }
}
