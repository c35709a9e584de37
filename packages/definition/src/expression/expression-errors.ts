/**
 * The registry of FEEL expression error codes (`EXPR_*`). `docs/errors.md` should get one row
 * per code. A retired code is never reused.
 *
 * @module
 */

/** Every expression error code with what it means and how to fix it. */
export const expressionErrorCodes = {
  EXPR_SYNTAX: {
    what: 'The source is not valid FEEL (or is empty).',
    fix: 'Correct the expression at the offset the message gives.',
  },
  EXPR_TOO_LONG: {
    what: 'The source is longer than the limit, or has too many syntax nodes.',
    fix: 'Shorten the expression, or move the logic into several steps of the process.',
  },
  EXPR_TOO_DEEP: {
    what: 'The expression nests deeper than the limit (brackets, operators, calls).',
    fix: 'Flatten the expression, e.g. split it into several named values.',
  },
  EXPR_FORBIDDEN: {
    what: 'The expression uses a construct or name that is not allowed (user-defined functions, now(), __proto__, process, ...).',
    fix: 'Remove the construct; the message says which one and what to use instead.',
  },
  EXPR_UNKNOWN_FIELD: {
    what: 'The expression reads a field that the process data does not declare.',
    fix: 'Correct the spelling (the message suggests the closest field) or declare the field.',
  },
  EXPR_UNKNOWN_FUNCTION: {
    what: 'The expression calls a function that is not a FEEL built-in (data fields cannot hold functions).',
    fix: 'Correct the spelling (the message suggests the closest built-in) or compute the value another way.',
  },
  EXPR_REGEX: {
    what: 'A regular expression given to matches(), replace() or split() is invalid or uses an unsupported feature.',
    fix: 'Rewrite the pattern without backreferences, lookaround or \\p{...}; check its brackets and escapes.',
  },
  EXPR_LIMIT: {
    what: 'Evaluation hit a resource limit: too much data, too many steps, a too large range, list or string.',
    fix: 'Reduce the data or the work the expression does; the message names the limit.',
  },
  EXPR_TYPE: {
    what: 'A value has the wrong type: the result is not plain data (a function, a range, NaN), a condition is not boolean, or a range bound is not an integer.',
    fix: 'Make the expression return a boolean, number, string, date/duration, list or context.',
  },
  EXPR_EVAL: {
    what: 'The FEEL interpreter failed for another reason (an unsupported operation or built-in).',
    fix: 'Read the message; simplify the expression or avoid the named built-in.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

/** One of the expression error codes. */
export type ExpressionErrorCode = keyof typeof expressionErrorCodes;

/** Why an expression was rejected or could not be evaluated. Plain JSON. */
export interface ExpressionError {
  /** A stable code from {@link expressionErrorCodes}. */
  code: ExpressionErrorCode;
  /** What is wrong and how to fix it, in one or two sentences. */
  message: string;
  /** Where in the source the problem starts (UTF-16 offset), when known. */
  offset?: number;
}

/** A non-fatal note from evaluation (e.g. a missing variable that evaluated to `null`). */
export interface ExpressionWarning {
  /** `NO_VARIABLE_FOUND`, `INVALID_ARGUMENTS`, `NUMBER_ROUNDED`, `NULL_CONDITION`, ... */
  code: string;
  message: string;
  /** Where in the source the warning belongs (UTF-16 offset), when known. */
  offset?: number;
}

/**
 * An expression error raised inside the guarded evaluation and caught at the public boundary.
 *
 * @internal
 */
export class ExpressionAbort extends Error {
  readonly code: ExpressionErrorCode;
  constructor(code: ExpressionErrorCode, message: string) {
    super(message);
    this.name = 'ExpressionAbort';
    this.code = code;
  }
}

/** @internal */
export function expressionError(code: ExpressionErrorCode, message: string, offset?: number): ExpressionError {
  return offset === undefined ? { code, message } : { code, message, offset };
}

/**
 * Shortens a value or name for a message so that huge inputs never end up in error texts.
 *
 * @internal
 */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
