/**
 * The FEEL expression layer: static checks, safe data contexts and bounded evaluation on top of
 * feelin's parser, Baton's evaluator. See README.md in this folder for what is allowed and why.
 *
 * @module
 */

export { checkExpression } from './check-expression.ts';
export type { CheckExpressionOptions, CheckExpressionResult } from './check-expression.ts';
export { evaluateExpression, evaluateCondition } from './evaluate-expression.ts';
export type {
  EvaluateExpressionOptions,
  EvaluateExpressionResult,
  EvaluateConditionResult,
} from './evaluate-expression.ts';
export type { ExpressionKind } from './analyze-expression.ts';
export { toFeelContext, isFeelContext } from './to-feel-context.ts';
export type { FeelContext, FeelValue, ToFeelContextResult } from './to-feel-context.ts';
export { expressionErrorCodes } from './expression-errors.ts';
export type { ExpressionError, ExpressionErrorCode, ExpressionWarning } from './expression-errors.ts';
export { DEFAULT_EXPRESSION_LIMITS } from './expression-limits.ts';
export type { ExpressionLimits } from './expression-limits.ts';
export { suggestClosest, editDistance } from './suggest-closest.ts';
export { compileSafeRegex, regexSearch, regexTest, regexReplace, regexSplit } from './safe-regex.ts';
export type { SafeRegex, SafeRegexResult, SafeRegexMatch, SafeRegexLimits, ChargeFunction } from './safe-regex.ts';
