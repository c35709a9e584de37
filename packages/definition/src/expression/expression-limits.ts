/**
 * The resource limits of the FEEL expression layer (docs/reliability.md F3).
 *
 * @module
 */

/**
 * Resource limits for checking and evaluating one FEEL expression. Every limit is enforced
 * without a clock: sizes are checked statically or on the values, and work is counted in
 * abstract steps (one step is roughly 50 ns of interpreter work on the reference machine).
 */
export interface ExpressionLimits {
  /**
   * Longest accepted source, in UTF-16 code units. feelin's parser is super-linear on some
   * inputs (many context keys or loop variables), and it parses again on every evaluation, so
   * this also bounds the fixed cost of each evaluation. @default 2000
   */
  maxSourceLength: number;
  /**
   * Deepest accepted syntax tree (parser nodes, root = 1; `a + b + c` is one level per `+`).
   * Brackets and minus signs may nest at most half as deep; that is checked before parsing.
   * @default 150
   */
  maxSyntaxDepth: number;
  /** Most syntax nodes in one expression. @default 5000 */
  maxSyntaxNodes: number;
  /** Most elements one `for`/`some`/`every` iteration source may have (a range or a list). @default 10000 */
  maxIterationLength: number;
  /** Evaluation budget in steps; running out aborts with `EXPR_LIMIT`. @default 1000000 */
  maxSteps: number;
  /** Longest list an intermediate or final value may have. @default 100000 */
  maxListLength: number;
  /**
   * Longest string an intermediate value may have, and most string characters a final result
   * may hold in total, in UTF-16 code units. @default 1048576
   */
  maxStringLength: number;
  /** Deepest nesting of an intermediate or final value. @default 64 */
  maxValueDepth: number;
  /** Most nodes (values, keys) in a final result. @default 100000 */
  maxResultNodes: number;
  /** Deepest nesting of instance data. @default 32 */
  maxDataDepth: number;
  /** Most nodes (values and object keys) in instance data. @default 100000 */
  maxDataNodes: number;
  /** Longest string in instance data, in UTF-16 code units. @default 1048576 */
  maxDataStringLength: number;
  /** Longest object key in instance data. @default 256 */
  maxDataKeyLength: number;
  /** Longest string that a parsing built-in (`date`, `time`, `duration`, `number`, ...) may receive. @default 256 */
  maxParsedStringLength: number;
  /** Longest regular-expression pattern. @default 1000 */
  maxRegexPatternLength: number;
  /** Most instructions a compiled regular expression may have (counted repetition expands). @default 10000 */
  maxRegexProgramSize: number;
  /** Longest input of `matches`, `replace` and `split`. @default 100000 */
  maxRegexInputLength: number;
}

/** The default limits. Frozen; pass a partial override to the functions that take `limits`. */
export const DEFAULT_EXPRESSION_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  maxSourceLength: 2000,
  maxSyntaxDepth: 150,
  maxSyntaxNodes: 5000,
  maxIterationLength: 10_000,
  maxSteps: 1_000_000,
  maxListLength: 100_000,
  maxStringLength: 1_048_576,
  maxValueDepth: 64,
  maxResultNodes: 100_000,
  maxDataDepth: 32,
  maxDataNodes: 100_000,
  maxDataStringLength: 1_048_576,
  maxDataKeyLength: 256,
  maxParsedStringLength: 256,
  maxRegexPatternLength: 1000,
  maxRegexProgramSize: 10_000,
  maxRegexInputLength: 100_000,
});

/**
 * Merges a partial override into the defaults; ignores non-positive or non-finite numbers.
 *
 * @internal
 */
export function resolveLimits(overrides?: Partial<ExpressionLimits>): ExpressionLimits {
  const limits: ExpressionLimits = { ...DEFAULT_EXPRESSION_LIMITS };
  if (overrides === undefined || overrides === null || typeof overrides !== 'object') {
    return limits;
  }
  for (const key of Object.keys(DEFAULT_EXPRESSION_LIMITS) as (keyof ExpressionLimits)[]) {
    const value: unknown = Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      limits[key] = Math.floor(value);
    }
  }
  return limits;
}
