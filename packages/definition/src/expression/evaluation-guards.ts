/**
 * The runtime half of bounded evaluation. feelin is a tree-walking interpreter that cannot be
 * interrupted, so the analyser rewrites every hot spot of an expression (iteration sources,
 * loop bodies, filter targets, call arguments and results, `+`, comparison operands) into a
 * call of one of these helpers. Each helper charges the work it stands for to a step budget
 * and checks value sizes; when a limit is hit it throws {@link ExpressionAbort}, which unwinds
 * feelin (it does not catch errors thrown by functions it calls) up to the public boundary.
 *
 * @module
 */

import { FeelFunction, FeelRange } from 'feelin';
import { ExpressionAbort, clip, type ExpressionWarning } from './expression-errors.ts';
import type { ExpressionLimits } from './expression-limits.ts';
import { HELPER_PREFIX } from './feel-names.ts';
import { compileSafeRegex, regexReplace, regexSplit, regexTest, type SafeRegex } from './safe-regex.ts';

// Step costs, calibrated so that one step is roughly 100 ns of feelin work on the reference
// machine (2 cores, Node 20): a loop iteration makes feelin copy its scope several times, a
// filter element even more, while walking a value node is cheap.
/** Steps charged per iteration of `for`/`some`/`every` (plus the scope width). */
const ITERATION_COST = 40;
/** Steps charged per element a filter visits (plus scope and element width). */
const FILTER_COST = 80;
/** Steps charged per guard call (the call itself and the FEEL invocation around it). */
const GUARD_COST = 4;
/**
 * String characters that cost one step when a string is passed, walked or built. Low on
 * purpose: the budget then also bounds the text an evaluation can build (about 8 million
 * characters), which bounds its memory.
 */
const CHARS_PER_STEP = 8;

/**
 * Mutable state of one evaluation.
 *
 * @internal
 */
export interface EvaluationSession {
  steps: number;
  readonly limits: ExpressionLimits;
  readonly warnings: ExpressionWarning[];
  readonly regexCache: Map<string, SafeRegex | string>;
}

/** @internal */
export function createSession(limits: ExpressionLimits): EvaluationSession {
  return { steps: 0, limits, warnings: [], regexCache: new Map() };
}

function charge(session: EvaluationSession, steps: number): void {
  session.steps += steps;
  if (session.steps > session.limits.maxSteps) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `The expression did too much work (over ${session.limits.maxSteps} steps). Reduce the number of iterations, the list sizes or nested loops.`,
    );
  }
}

function isPlainContext(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

function checkString(session: EvaluationSession, value: string): void {
  if (value.length > session.limits.maxStringLength) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `A string grew to ${value.length} characters; the limit is ${session.limits.maxStringLength}.`,
    );
  }
}

function checkList(session: EvaluationSession, value: readonly unknown[]): void {
  if (value.length > session.limits.maxListLength) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `A list grew to ${value.length} elements; the limit is ${session.limits.maxListLength}.`,
    );
  }
}

/** Charges for the top level of a value and checks its size. */
function chargeShallow(session: EvaluationSession, value: unknown, base: number): void {
  let cost = base;
  if (typeof value === 'string') {
    checkString(session, value);
    cost += value.length / CHARS_PER_STEP;
  } else if (Array.isArray(value)) {
    checkList(session, value);
    cost += value.length;
  } else if (value !== null && typeof value === 'object' && isPlainContext(value)) {
    cost += Object.keys(value).length;
  }
  charge(session, cost);
}

/**
 * Walks a value (iteratively), charging one step per node and per 64 string characters.
 * Shared sub-values are counted each time they are reached, which is what feelin's deep
 * operations (equality, `string()`, `flatten`) pay too; a cyclic value (`partial` inside
 * itself) trips the depth limit.
 */
function chargeDeep(session: EvaluationSession, root: unknown): void {
  if (root === null || typeof root !== 'object') {
    charge(
      session,
      GUARD_COST + (typeof root === 'string' ? (checkString(session, root), root.length / CHARS_PER_STEP) : 0),
    );
    return;
  }
  const values: object[] = [root];
  const depths: number[] = [0];
  let steps = GUARD_COST;
  while (values.length > 0) {
    const value = values.pop() as object;
    const depth = depths.pop() ?? 0;
    if (depth >= session.limits.maxValueDepth) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A value nests deeper than ${session.limits.maxValueDepth} levels (or contains itself, e.g. \`partial\`).`,
      );
    }
    let children: unknown[] | undefined;
    if (Array.isArray(value)) {
      checkList(session, value);
      children = value;
    } else if (isPlainContext(value)) {
      children = Object.values(value);
    }
    steps++;
    if (children !== undefined) {
      for (const child of children) {
        steps++;
        if (typeof child === 'string') {
          checkString(session, child);
          steps += child.length / CHARS_PER_STEP;
        } else if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
    if (steps > 4096) {
      charge(session, steps);
      steps = 0;
    }
  }
  charge(session, steps);
}

/** FEEL coerces a one-element list argument to its element for non-list parameters. */
function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function warn(session: EvaluationSession, code: string, message: string): void {
  if (session.warnings.length < 50) session.warnings.push({ code, message });
}

function compileCached(session: EvaluationSession, fn: string, pattern: string, flags: string): SafeRegex | null {
  const key = `${flags}/${pattern}`;
  let compiled = session.regexCache.get(key);
  if (compiled === undefined) {
    const result = compileSafeRegex(pattern, flags, {
      maxPatternLength: session.limits.maxRegexPatternLength,
      maxProgramSize: session.limits.maxRegexProgramSize,
    });
    compiled = result.ok ? result.regex : result.message;
    session.regexCache.set(key, compiled);
  }
  if (typeof compiled === 'string') {
    warn(session, 'INVALID_ARGUMENTS', `${fn}(): invalid regular expression "${clip(pattern)}": ${compiled}`);
    return null;
  }
  return compiled;
}

function regexInput(session: EvaluationSession, fn: string, value: unknown): string | null {
  const input = unwrapSingle(value);
  if (typeof input !== 'string') return null;
  if (input.length > session.limits.maxRegexInputLength) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `${fn}() received a string of ${input.length} characters; the limit for regular expressions is ${session.limits.maxRegexInputLength}.`,
    );
  }
  return input;
}

function optionalString(value: unknown): string | null | undefined {
  const unwrapped = unwrapSingle(value);
  if (unwrapped === undefined || unwrapped === null) return undefined;
  return typeof unwrapped === 'string' ? unwrapped : null;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** feelin's iteration over `"a".."e"`: single letters only, in alphabet order. */
function letterRange(start: string, end: string, startIncluded: boolean, endIncluded: boolean): string[] | null {
  let from = LETTERS.indexOf(start);
  let to = LETTERS.indexOf(end);
  if (start.length !== 1 || end.length !== 1 || from < 0 || to < 0) return null;
  const direction = from > to ? -1 : 1;
  if (!startIncluded) from += direction;
  if (!endIncluded) to -= direction;
  return Array.from(LETTERS.slice(Math.min(from, to), Math.max(from, to) + 1));
}

function numberRange(
  session: EvaluationSession,
  start: number,
  end: number,
  startIncluded: boolean,
  endIncluded: boolean,
): number[] {
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new ExpressionAbort(
      'EXPR_TYPE',
      `The iteration range ${start}..${end} has a non-integer bound; iterate over integers.`,
    );
  }
  const direction = start > end ? -1 : 1;
  const first = startIncluded ? start : start + direction;
  const last = endIncluded ? end : end - direction;
  const size = (last - first) * direction + 1;
  if (size <= 0) return [];
  if (size > session.limits.maxIterationLength) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `The iteration range ${start}..${end} has ${size} elements; the limit is ${session.limits.maxIterationLength}.`,
    );
  }
  const out: number[] = new Array<number>(size);
  for (let i = 0; i < size; i++) out[i] = first + i * direction;
  return out;
}

function iterationList(session: EvaluationSession, value: unknown, weight: number): unknown {
  let list: unknown = value;
  if (value instanceof FeelRange) {
    // feelin types range bounds as `any`; they are numbers, strings, temporal values or null.
    const start: unknown = value.start;
    const end: unknown = value.end;
    const startIncluded = value['start included'];
    const endIncluded = value['end included'];
    if (typeof start === 'number' && typeof end === 'number') {
      list = numberRange(session, start, end, startIncluded, endIncluded);
    } else if (typeof start === 'string' && typeof end === 'string') {
      list = letterRange(start, end, startIncluded, endIncluded);
    } else if (start === null && end === null) {
      list = [];
    } else {
      throw new ExpressionAbort(
        'EXPR_EVAL',
        'Only ranges of integers or single letters can be iterated; iterate over a list instead.',
      );
    }
  }
  if (Array.isArray(list)) {
    if (list.length > session.limits.maxIterationLength) {
      throw new ExpressionAbort(
        'EXPR_LIMIT',
        `A loop would iterate over ${list.length} elements; the limit is ${session.limits.maxIterationLength}.`,
      );
    }
    charge(session, list.length * (ITERATION_COST + weight));
  }
  return list;
}

type Helper = FeelFunction;

function helper(parameterNames: string[], fn: (...args: unknown[]) => unknown): Helper {
  // A ready FeelFunction: feelin would otherwise wrap a plain function anew on every call.
  return new FeelFunction(fn, parameterNames);
}

function weightOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 1;
}

/**
 * The guard functions, keyed by the names the rewritten source calls.
 *
 * @internal
 */
export function createGuards(session: EvaluationSession, activate: () => void): Record<string, Helper> {
  // Short names keep the rewritten source (which feelin parses on every evaluation) small:
  // v = value, a = argument, t = text, q = quadratic, f = filter, e = each, r = range.
  const p = HELPER_PREFIX;
  return {
    [`${p}go`]: helper([], () => {
      activate();
      return false;
    }),
    [`${p}v`]: helper(['value', 'weight'], (value, weight) => {
      chargeShallow(session, value, GUARD_COST + weightOf(weight));
      return value;
    }),
    [`${p}a`]: helper(['value'], (value) => {
      chargeDeep(session, value);
      return value;
    }),
    [`${p}t`]: helper(['value'], (value) => {
      const inner = unwrapSingle(value);
      if (typeof inner === 'string' && inner.length > session.limits.maxParsedStringLength) {
        throw new ExpressionAbort(
          'EXPR_LIMIT',
          `A string of ${inner.length} characters was passed to a parsing function (date, time, duration, number, get value); the limit is ${session.limits.maxParsedStringLength}.`,
        );
      }
      chargeDeep(session, value);
      return value;
    }),
    [`${p}q`]: helper(['value'], (value) => {
      chargeDeep(session, value);
      if (Array.isArray(value)) {
        const complex = value.filter((element) => element !== null && typeof element === 'object').length;
        charge(session, complex * complex * 2);
      }
      return value;
    }),
    [`${p}f`]: helper(['value', 'weight'], (value, weight) => {
      if (Array.isArray(value)) {
        checkList(session, value);
        let cost = value.length * (FILTER_COST + weightOf(weight));
        for (const element of value as readonly unknown[]) {
          if (element !== null && typeof element === 'object' && isPlainContext(element))
            cost += Object.keys(element).length * 2;
        }
        charge(session, cost);
      }
      return value;
    }),
    [`${p}e`]: helper(['value', 'weight'], (value, weight) => iterationList(session, value, weightOf(weight))),
    [`${p}r`]: helper(['start', 'end', 'weight'], (start, end, weight) => {
      if (typeof start === 'number' && typeof end === 'number') {
        return iterationList(session, numberRange(session, start, end, true, true), weightOf(weight));
      }
      if (typeof start === 'string' && typeof end === 'string') {
        return iterationList(session, letterRange(start, end, true, true), weightOf(weight));
      }
      if (start === null || end === null || start === undefined || end === undefined) return null;
      throw new ExpressionAbort(
        'EXPR_EVAL',
        'Only ranges of integers or single letters can be iterated; iterate over a list instead.',
      );
    }),
    [`${p}matches`]: helper(['input', 'pattern', 'flags'], (input, pattern, flags) => {
      const text = regexInput(session, 'matches', input);
      const source = optionalString(pattern);
      const flagText = optionalString(flags);
      if (text === null || typeof source !== 'string' || flagText === null) return null;
      const regex = compileCached(session, 'matches', source, flagText ?? '');
      if (regex === null) return null;
      return regexTest(regex, text, (steps) => charge(session, steps));
    }),
    [`${p}replace`]: helper(['input', 'pattern', 'replacement', 'flags'], (input, pattern, replacement, flags) => {
      const text = regexInput(session, 'replace', input);
      const source = optionalString(pattern);
      const replacementText = optionalString(replacement);
      const flagText = optionalString(flags);
      if (text === null || typeof source !== 'string' || typeof replacementText !== 'string' || flagText === null)
        return null;
      const regex = compileCached(session, 'replace', source, flagText ?? '');
      if (regex === null) return null;
      const result = regexReplace(regex, text, replacementText, (steps) => {
        charge(session, steps + replacementText.length / CHARS_PER_STEP);
      });
      checkString(session, result);
      return result;
    }),
    [`${p}split`]: helper(['string', 'delimiter'], (input, delimiter) => {
      const text = regexInput(session, 'split', input);
      const source = optionalString(delimiter);
      if (text === null || typeof source !== 'string') return null;
      const regex = compileCached(session, 'split', source, '');
      if (regex === null) return null;
      return regexSplit(regex, text, (steps) => charge(session, steps));
    }),
  };
}
