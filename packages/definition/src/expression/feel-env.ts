/**
 * The state of one evaluation: the step budget, the size limits and the warnings. Every path
 * that evaluates FEEL (the public `evaluateExpression`, the engine's `compileExpression`)
 * evaluates through one {@link Env}, so the same limits apply everywhere.
 *
 * @module
 */

import { ExpressionAbort, clip, type ExpressionWarning } from './expression-errors.ts';
import type { ExpressionLimits } from './expression-limits.ts';
import type { SafeRegex } from './safe-regex.ts';
import type { Value } from './feel-values.ts';

/** String characters that cost one step when a string is built or walked. */
export const CHARS_PER_STEP = 8;
/** Steps per iteration of `for`/`some`/`every` and per filtered element. */
export const ITERATION_COST = 4;

const MAX_WARNINGS = 50;

/** A frame of names: loop variables, context entries, a filter's item, or the data itself. */
export class Frame {
  constructor(
    readonly vars: ReadonlyMap<string, Value>,
    readonly parent: Frame | null,
  ) {}

  lookup(name: string): Value | undefined {
    const value = this.vars.get(name);
    if (value !== undefined || this.vars.has(name)) return value ?? null;
    return this.parent === null ? undefined : this.parent.lookup(name);
  }
}

/** @internal */
export class Env {
  steps = 0;
  readonly warnings: ExpressionWarning[] = [];
  private regexes: Map<string, SafeRegex | string> | undefined;

  constructor(readonly limits: ExpressionLimits) {}

  /** Regular expressions compiled during this evaluation, by flags and pattern. */
  get regexCache(): Map<string, SafeRegex | string> {
    this.regexes ??= new Map();
    return this.regexes;
  }

  charge(steps: number): void {
    this.steps += steps;
    if (this.steps > this.limits.maxSteps) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `The expression did too much work (over ${this.limits.maxSteps} steps). Reduce the number of iterations, the list sizes or nested loops.`,
      );
    }
  }

  warn(code: string, message: string, offset?: number): void {
    if (this.warnings.length >= MAX_WARNINGS) return;
    if (this.warnings.some((w) => w.code === code && w.message === message && w.offset === offset)) return;
    this.warnings.push(
      offset === undefined ? { code, message: clip(message, 300) } : { code, message: clip(message, 300), offset },
    );
  }

  /** Checks a new list's length and charges for it. */
  list<T extends Value[]>(list: T): T {
    if (list.length > this.limits.maxListLength) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A list grew to ${list.length} elements; the limit is ${this.limits.maxListLength}.`,
      );
    }
    this.charge(1 + list.length);
    return list;
  }

  /** Checks a new string's length and charges for it. */
  string(text: string): string {
    if (text.length > this.limits.maxStringLength) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A string grew to ${text.length} characters; the limit is ${this.limits.maxStringLength}.`,
      );
    }
    this.charge(1 + text.length / CHARS_PER_STEP);
    return text;
  }

  /** Checks the length of a string handed to a parsing built-in (date, time, duration, number...). */
  parsed(fn: string, text: string): void {
    if (text.length > this.limits.maxParsedStringLength) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A string of ${text.length} characters was passed to ${fn}(); the limit for parsing functions is ${this.limits.maxParsedStringLength}.`,
      );
    }
  }

  iteration(length: number): void {
    if (length > this.limits.maxIterationLength) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A loop would iterate over ${length} elements; the limit is ${this.limits.maxIterationLength}.`,
      );
    }
  }
}
