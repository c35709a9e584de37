/**
 * FEEL's built-in functions (DMN 1.5, chapter 10.3.4) over Baton's values: decimal numbers,
 * the temporal types, lists, contexts and ranges. `now()` and `today()` are not here on purpose
 * (they read the clock); regular expressions run on the linear-time engine in `safe-regex.ts`.
 *
 * @module
 */

import { Decimal } from 'decimal.js';
import { ExpressionAbort, clip } from './expression-errors.ts';
import { CHARS_PER_STEP, type Env } from './feel-env.ts';
import {
  formatDate,
  formatDateTime,
  formatDt,
  formatTime,
  formatYm,
  makeDate,
  parseDate,
  parseDateTime,
  parseDuration,
  parseTime,
} from './feel-temporal.ts';
import {
  Dec,
  DtDuration,
  FeelContextValue,
  FeelDate,
  FeelDateTime,
  FeelFunction,
  FeelRange,
  FeelTime,
  YmDuration,
  ZERO,
  epochDays,
  feelCompare,
  feelEquals,
  inRange,
  isNum,
  type Num,
  type Value,
} from './feel-values.ts';
import { compileSafeRegex, regexReplace, regexSplit, regexTest, type SafeRegex } from './safe-regex.ts';

/** Arguments of a call: positional, or by parameter name. */
export type Args = { positional: Value[]; named?: undefined } | { named: Map<string, Value>; positional?: undefined };

type Arg = Value | undefined;
type Impl = (a: Arg[], env: Env, signature: number) => Value;

interface Builtin {
  /** Parameter lists; `name?` is optional, `...name` collects the rest. */
  signatures: string[][];
  impl: Impl;
  /** Picks among signatures of one arity by the positional values. */
  choose?: (positional: Value[]) => number;
}

const str = (v: Arg): v is string => typeof v === 'string';
const num = (v: Arg): v is Num => isNum(v);
const list = (v: Arg): v is Value[] => Array.isArray(v);
/** An integer argument; a fraction is truncated (`substring("foobar", 3, 3.8)` is "oba", as the DMN TCK expects). */
const int = (v: Arg): number | null =>
  isNum(v) && v.abs().lte(Number.MAX_SAFE_INTEGER) ? v.truncated().toNumber() || 0 : null;

/** Code points of a string (FEEL counts characters, not UTF-16 units). */
const chars = (s: string): string[] => Array.from(s);

function numbersOf(values: Value[]): Num[] | null {
  for (const v of values) if (!isNum(v)) return null;
  return values as Num[];
}

/** The list form or the varargs form (`min([1, 2])` and `min(1, 2)`). */
function listOrVarargs(a: Arg[], signature: number): Value[] | null {
  if (signature === 0) return list(a[0]) ? a[0] : null;
  const rest = a[0];
  return list(rest) && rest.length > 0 ? rest : null;
}

const LIST_OR_VARARGS = [['list'], ['...c']];

function roundTo(n: Num, scale: Arg, mode: Decimal.Rounding): Value {
  const s = int(scale);
  if (s === null || s < -6111 || s > 6176) return null;
  if (s >= 0) return n.toDecimalPlaces(s, mode).plus(0);
  const factor = new Dec(10).pow(-s);
  return n.dividedBy(factor).toDecimalPlaces(0, mode).times(factor).plus(0);
}

function toFeelString(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (isNum(v)) return v.toFixed();
  if (v instanceof FeelDate) return formatDate(v);
  if (v instanceof FeelTime) return formatTime(v);
  if (v instanceof FeelDateTime) return formatDateTime(v);
  if (v instanceof YmDuration) return formatYm(v);
  if (v instanceof DtDuration) return formatDt(v);
  if (Array.isArray(v))
    return `[${v.map((e) => (typeof e === 'string' ? JSON.stringify(e) : (toFeelString(e) ?? 'null'))).join(', ')}]`;
  if (v instanceof FeelContextValue) {
    return `{${[...v.entries].map(([k, e]) => `${k}: ${typeof e === 'string' ? JSON.stringify(e) : (toFeelString(e) ?? 'null')}`).join(', ')}}`;
  }
  if (v instanceof FeelRange) {
    const bound = (b: Value | undefined): string =>
      b === undefined ? '' : typeof b === 'string' ? JSON.stringify(b) : (toFeelString(b) ?? 'null');
    return `${v.startIncluded ? '[' : '('}${bound(v.start)}..${bound(v.end)}${v.endIncluded ? ']' : ')'}`;
  }
  return null;
}

function compileRegex(env: Env, fn: string, source: string, flagText: string): SafeRegex | null {
  if (!/^[smix]*$/.test(flagText)) {
    env.warn('INVALID_ARGUMENTS', `${fn}(): unknown regular-expression flags "${clip(flagText)}"`);
    return null;
  }
  const { pattern, flags } = xsdPattern(source, flagText);
  if (/(?:^|[^\\])(?:\\\\)*\\0/.test(pattern)) {
    // XML Schema has no `\0` escape (JavaScript reads it as NUL).
    env.warn('INVALID_ARGUMENTS', `${fn}(): invalid regular expression "${clip(source)}": \\0 is not an escape`);
    return null;
  }
  const key = `${flags}/${pattern}`;
  let compiled = env.regexCache.get(key);
  if (compiled === undefined) {
    const result = compileSafeRegex(pattern, flags, {
      maxPatternLength: env.limits.maxRegexPatternLength,
      maxProgramSize: env.limits.maxRegexProgramSize,
    });
    compiled = result.ok ? result.regex : result.message;
    env.regexCache.set(key, compiled);
  }
  if (typeof compiled === 'string') {
    env.warn('INVALID_ARGUMENTS', `${fn}(): invalid regular expression "${clip(pattern)}": ${compiled}`);
    return null;
  }
  return compiled;
}

function regexInput(env: Env, fn: string, input: string): string {
  if (input.length > env.limits.maxRegexInputLength) {
    throw new ExpressionAbort(
      'EXPR_LIMIT',
      `${fn}() received a string of ${input.length} characters; the limit for regular expressions is ${env.limits.maxRegexInputLength}.`,
    );
  }
  return input;
}

/** Unicode blocks for XML Schema's `\p{IsBlock}` (the ones sales data meets). */
const BLOCKS: Record<string, string> = {
  BasicLatin: '\\u0000-\\u007F',
  'Latin-1Supplement': '\\u0080-\\u00FF',
  'LatinExtended-A': '\\u0100-\\u017F',
  'LatinExtended-B': '\\u0180-\\u024F',
  GreekandCoptic: '\\u0370-\\u03FF',
  Cyrillic: '\\u0400-\\u04FF',
  CJKUnifiedIdeographs: '\\u4E00-\\u9FFF',
  CJKSymbolsandPunctuation: '\\u3000-\\u303F',
  HalfwidthandFullwidthForms: '\\uFF00-\\uFFEF',
};

/** One character of a class body as a code point, or undefined when it is not a plain literal. */
function classChar(body: string, i: number): { cp: number; next: number } | undefined {
  const ch = body.codePointAt(i);
  if (ch === undefined || '[]^'.includes(String.fromCodePoint(ch))) return undefined;
  if (ch === 0x5c) {
    const esc = body[i + 1];
    if (esc === undefined || /[A-Za-z0-9]/.test(esc)) return undefined;
    return { cp: esc.codePointAt(0)!, next: i + 2 };
  }
  return { cp: ch, next: i + (ch > 0xffff ? 2 : 1) };
}

/** The ranges of a class body made of literals and ranges only, or undefined. */
function classRanges(body: string): [number, number][] | undefined {
  const out: [number, number][] = [];
  let i = 0;
  while (i < body.length) {
    const a = classChar(body, i);
    if (a === undefined) return undefined;
    if (body[a.next] === '-' && a.next + 1 < body.length) {
      const b = classChar(body, a.next + 1);
      if (b === undefined || b.cp < a.cp) return undefined;
      out.push([a.cp, b.cp]);
      i = b.next;
    } else {
      out.push([a.cp, a.cp]);
      i = a.next;
    }
  }
  return out;
}

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/**
 * XML Schema regex forms (the syntax FEEL's `matches`, `replace` and `split` use) rewritten to the
 * linear-time engine's syntax: the `x` flag removes whitespace before the pattern is read,
 * `\p{IsBlock}` becomes the block's range, and class subtraction `[A-Z-[OI]]` of literal
 * classes is computed. Backreferences stay unsupported (not linear-time).
 */
export function xsdPattern(source: string, flagText: string): { pattern: string; flags: string } {
  let pattern = source;
  let flags = flagText;
  if (flags.includes('x')) {
    // Whitespace is removed except inside character classes (XPath 3.0's `x` flag).
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === '\\') {
        let j = i + 1;
        while (!inClass && j < pattern.length && ' \t\n\r'.includes(pattern[j]!)) j++;
        out += `\\${pattern[j] ?? ''}`;
        i = j;
        continue;
      }
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      if (!inClass && (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r')) continue;
      out += ch;
    }
    pattern = out;
    flags = flags.replace(/x/g, '');
  }
  pattern = pattern.replace(
    /(?<!\\)((?:\\\\)*)\\([pP])\{Is([A-Za-z0-9-]+)\}/g,
    (all, pre: string, p: string, block: string) => {
      const range = BLOCKS[block];
      return range === undefined ? all : `${pre}[${p === 'P' ? '^' : ''}${range}]`;
    },
  );
  pattern = pattern.replace(/\[([^[\]^]+)-\[([^[\]^]+)\]\]/g, (all, base: string, minus: string) => {
    const a = classRanges(base);
    const b = classRanges(minus);
    if (a === undefined || b === undefined) return all;
    const kept: [number, number][] = [];
    for (const [lo, hi] of a) {
      let pieces: [number, number][] = [[lo, hi]];
      for (const [x, y] of b) {
        pieces = pieces.flatMap(([s, e]): [number, number][] => {
          if (y < s || x > e) return [[s, e]];
          const out: [number, number][] = [];
          if (x > s) out.push([s, x - 1]);
          if (y < e) out.push([y + 1, e]);
          return out;
        });
      }
      kept.push(...pieces);
    }
    return kept.length === 0
      ? '[^\\s\\S]'
      : `[${kept.map(([s, e]) => (s === e ? hex(s) : `${hex(s)}-${hex(e)}`)).join('')}]`;
  });
  return { pattern, flags };
}

const charge = (env: Env) => (steps: number) => env.charge(steps);

function sortValues(values: Value[], env: Env, precedes?: (a: Value, b: Value) => Value): Value[] | null {
  env.charge(values.length * Math.ceil(Math.log2(values.length + 2)) * 2);
  let failed = false;
  const out = values.slice().sort((a, b) => {
    if (failed) return 0;
    // One comparator call per comparison: `a` goes first when precedes(a, b) is true.
    if (precedes !== undefined) return precedes(a, b) === true ? -1 : 1;
    const c = feelCompare(a, b);
    if (c === null) {
      failed = true;
      return 0;
    }
    return c;
  });
  return failed ? null : out;
}

// ---- ranges: points and ranges with unbounded ends ------------------------------------------

type Bound = { v: Value; inc: boolean; inf: -1 | 0 | 1 };
const startOf = (r: FeelRange): Bound =>
  r.start === undefined ? { v: null, inc: false, inf: -1 } : { v: r.start, inc: r.startIncluded, inf: 0 };
const endOf = (r: FeelRange): Bound =>
  r.end === undefined ? { v: null, inc: false, inf: 1 } : { v: r.end, inc: r.endIncluded, inf: 0 };
const point = (p: Value): Bound => ({ v: p, inc: true, inf: 0 });

/** Compares two bounds' values (infinities included); null when not comparable. */
function cmpB(a: Bound, b: Bound): number | null {
  if (a.inf !== 0 || b.inf !== 0) return a.inf === b.inf ? 0 : a.inf - b.inf;
  return feelCompare(a.v, b.v);
}

/** Three-valued helpers over comparisons that may be null. */
const and3 = (...xs: (boolean | null)[]): boolean | null =>
  xs.includes(false) ? false : xs.includes(null) ? null : true;
const or3 = (...xs: (boolean | null)[]): boolean | null =>
  xs.includes(true) ? true : xs.includes(null) ? null : false;
const lt = (a: Bound, b: Bound): boolean | null => {
  const c = cmpB(a, b);
  return c === null ? null : c < 0;
};
const eq = (a: Bound, b: Bound): boolean | null => {
  const c = cmpB(a, b);
  return c === null ? null : c === 0;
};

type Shape = { s: Bound; e: Bound; isPoint: boolean };
function shape(v: Arg): Shape | null {
  if (v === undefined || v === null) return null;
  if (v instanceof FeelRange) return { s: startOf(v), e: endOf(v), isPoint: false };
  return { s: point(v), e: point(v), isPoint: true };
}

function rangeFn(name: string, fn: (a: Shape, b: Shape) => boolean | null, ranges: 'any' | 'ranges' = 'any'): Builtin {
  return {
    signatures: [
      ['point1', 'point2'],
      ['point', 'range'],
      ['range', 'point'],
      ['range1', 'range2'],
    ],
    impl: (a) => {
      const x = shape(a[0]);
      const y = shape(a[1]);
      if (x === null || y === null) return null;
      if (ranges === 'ranges' && (x.isPoint || y.isPoint)) return null;
      void name;
      return fn(x, y);
    },
  };
}

const before = (a: Shape, b: Shape): boolean | null => or3(lt(a.e, b.s), and3(eq(a.e, b.s), !a.e.inc || !b.s.inc));
const includes = (a: Shape, b: Shape): boolean | null =>
  and3(
    or3(lt(a.s, b.s), and3(eq(a.s, b.s), a.s.inc || !b.s.inc)),
    or3(lt(b.e, a.e), and3(eq(a.e, b.e), a.e.inc || !b.e.inc)),
  );
const starts = (a: Shape, b: Shape): boolean | null => {
  if (a.isPoint) return and3(b.s.inc, eq(a.s, b.s));
  return and3(eq(a.s, b.s), a.s.inc === b.s.inc, or3(lt(a.e, b.e), and3(eq(a.e, b.e), !a.e.inc || b.e.inc)));
};
const finishes = (a: Shape, b: Shape): boolean | null => {
  if (a.isPoint) return and3(b.e.inc, eq(a.e, b.e));
  return and3(eq(a.e, b.e), a.e.inc === b.e.inc, or3(lt(b.s, a.s), and3(eq(a.s, b.s), !a.s.inc || b.s.inc)));
};
const overlaps = (a: Shape, b: Shape): boolean | null =>
  and3(
    or3(lt(b.s, a.e), and3(eq(a.e, b.s), a.e.inc, b.s.inc)),
    or3(lt(a.s, b.e), and3(eq(a.s, b.e), a.s.inc, b.e.inc)),
  );
const overlapsBefore = (a: Shape, b: Shape): boolean | null =>
  and3(
    or3(lt(a.s, b.s), and3(eq(a.s, b.s), a.s.inc, !b.s.inc)),
    or3(lt(b.s, a.e), and3(eq(a.e, b.s), a.e.inc, b.s.inc)),
    or3(lt(a.e, b.e), and3(eq(a.e, b.e), !a.e.inc || b.e.inc)),
  );

// ---- dates ---------------------------------------------------------------------------------

function dateOf(v: Arg): FeelDate | null {
  if (v instanceof FeelDate) return v;
  if (v instanceof FeelDateTime) return v.date;
  return null;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function isoWeekday(d: FeelDate): number {
  return ((((epochDays(d.y, d.m, d.d) + 3) % 7) + 7) % 7) + 1;
}

function isoWeek(d: FeelDate): number {
  const days = epochDays(d.y, d.m, d.d);
  const thursday = days - isoWeekday(d) + 4;
  // the ISO year is the year of that Thursday
  const jan1 = (y: number) => epochDays(y, 1, 1);
  let y = d.y + 1;
  while (jan1(y) > thursday) y--;
  return Math.floor((thursday - jan1(y)) / 7) + 1;
}

function monthsBetween(from: FeelDate | FeelDateTime, to: FeelDate | FeelDateTime): number {
  const a = from instanceof FeelDate ? from : from.date;
  const b = to instanceof FeelDate ? to : to.date;
  let months = (b.y - a.y) * 12 + (b.m - a.m);
  // Whole months between the dates; the times of day do not count (as the DMN TCK expects).
  if (months > 0 && a.d > b.d) months--;
  if (months < 0 && b.d > a.d) months++;
  return months;
}

/** Parses `[1..10]`-style text for `range()`: endpoints are literals only. */
function parseRangeText(text: string, env: Env): Value {
  const m = /^\s*([[(\]])\s*(.*?)\s*\.\.\s*(.*?)\s*([\])[])\s*$/.exec(text);
  const single = /^\s*(<=|>=|<|>|=)\s*(.+?)\s*$/.exec(text);
  const literal = (t: string): Value | undefined => {
    if (t === '') return undefined;
    if (t === 'null') return null;
    if (/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return new Dec(t);
    const q = /^"((?:[^"\\]|\\.)*)"$/.exec(t);
    if (q !== null) return q[1]!;
    const at = /^@"([^"]*)"$/.exec(t);
    const call = /^(date and time|date|time|duration)\(\s*"([^"]*)"\s*\)$/.exec(t);
    const inner = at?.[1] ?? call?.[2];
    if (inner === undefined) return undefined;
    const fn =
      call?.[1] ??
      (inner.startsWith('P') || inner.startsWith('-P')
        ? 'duration'
        : /^\d{2}:/.test(inner)
          ? 'time'
          : inner.includes('T')
            ? 'date and time'
            : 'date');
    const v = callBuiltin(fn, { positional: [inner] }, env, 0);
    return v === null ? undefined : v;
  };
  if (m !== null) {
    const s = literal(m[2]!);
    const e = literal(m[3]!);
    if ((s === undefined && m[2] !== '') || (e === undefined && m[3] !== '')) return null;
    if (s === undefined && e === undefined) return null;
    if (s !== undefined && e !== undefined && s !== null && e !== null && feelCompare(s, e) === null) return null;
    return new FeelRange(s, e, m[1] === '[', m[4] === ']');
  }
  if (single !== null) {
    const v = literal(single[2]!);
    if (v === undefined) return null;
    switch (single[1]) {
      case '<':
        return new FeelRange(undefined, v, false, false);
      case '<=':
        return new FeelRange(undefined, v, false, true);
      case '>':
        return new FeelRange(v, undefined, false, false);
      case '>=':
        return new FeelRange(v, undefined, true, false);
      default:
        return new FeelRange(v, v, true, true);
    }
  }
  return null;
}

// ---- the table -----------------------------------------------------------------------------

const TABLE: Record<string, Builtin> = {
  // conversion
  date: {
    signatures: [['from'], ['year', 'month', 'day']],
    impl: (a, env, sig) => {
      if (sig === 1) {
        const [y, m, d] = [int(a[0]), int(a[1]), int(a[2])];
        return y === null || m === null || d === null ? null : makeDate(y, m, d);
      }
      const from = a[0];
      if (str(from)) {
        env.parsed('date', from);
        return parseDate(from);
      }
      return dateOf(from);
    },
  },
  'date and time': {
    signatures: [['from'], ['date', 'time']],
    impl: (a, env, sig) => {
      if (sig === 1) {
        const date = dateOf(a[0]);
        const time = a[1];
        if (date === null || !(time instanceof FeelTime)) return null;
        return new FeelDateTime(date, time);
      }
      const from = a[0];
      if (str(from)) {
        env.parsed('date and time', from);
        return parseDateTime(from);
      }
      if (from instanceof FeelDateTime) return from;
      if (from instanceof FeelDate) return new FeelDateTime(from, new FeelTime(ZERO, null, null));
      return null;
    },
  },
  time: {
    signatures: [['from'], ['hour', 'minute', 'second', 'offset?']],
    impl: (a, env, sig) => {
      if (sig === 1) {
        const h = int(a[0]);
        const m = int(a[1]);
        const s = a[2];
        const offset = a[3];
        if (h === null || m === null || !num(s) || h < 0 || h > 23 || m < 0 || m > 59 || s.isNeg() || s.gte(60))
          return null;
        let off: number | null = null;
        if (offset !== undefined && offset !== null) {
          if (!(offset instanceof DtDuration) || !offset.seconds.isInteger() || offset.seconds.abs().gt(18 * 3600))
            return null;
          off = offset.seconds.toNumber();
        }
        return new FeelTime(s.plus(h * 3600 + m * 60), off, null);
      }
      const from = a[0];
      if (str(from)) {
        env.parsed('time', from);
        return parseTime(from);
      }
      if (from instanceof FeelTime) return from;
      if (from instanceof FeelDateTime) return from.time;
      if (from instanceof FeelDate) return new FeelTime(ZERO, 0, null);
      return null;
    },
  },
  duration: {
    signatures: [['from']],
    impl: (a, env) => {
      const from = a[0];
      if (!str(from)) return null;
      env.parsed('duration', from);
      return parseDuration(from);
    },
  },
  'years and months duration': {
    signatures: [['from', 'to']],
    impl: (a) => {
      const [from, to] = a;
      if (
        !(from instanceof FeelDate || from instanceof FeelDateTime) ||
        !(to instanceof FeelDate || to instanceof FeelDateTime)
      )
        return null;
      return new YmDuration(monthsBetween(from, to) || 0);
    },
  },
  number: {
    signatures: [['from'], ['from', 'grouping separator', 'decimal separator']],
    impl: (a, env) => {
      const from = a[0];
      if (!str(from)) return null;
      env.parsed('number', from);
      const group = a[1] ?? null;
      const decimal = a[2] ?? null;
      if (group !== null && (!str(group) || ![' ', ',', '.'].includes(group))) return null;
      if (decimal !== null && (!str(decimal) || !['.', ','].includes(decimal))) return null;
      if (group !== null && group === decimal) return null;
      let text = from;
      if (group !== null) text = text.split(group).join('');
      if (decimal !== null) text = text.split(decimal).join('.');
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
      return new Dec(text);
    },
  },
  string: {
    signatures: [['from']],
    impl: (a, env) => {
      const s = toFeelString(a[0] ?? null);
      return s === null ? null : env.string(s);
    },
  },
  // boolean
  not: {
    signatures: [['negand']],
    impl: (a) => (typeof a[0] === 'boolean' ? !a[0] : null),
  },
  is: {
    signatures: [['value1', 'value2']],
    impl: (a) => {
      const [x, y] = [a[0] ?? null, a[1] ?? null];
      if (x === null || y === null) return x === y;
      if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y) || typeof x !== typeof y) return false;
      if (x instanceof FeelTime && y instanceof FeelTime)
        return x.sod.eq(y.sod) && x.offset === y.offset && x.zone === y.zone;
      if (x instanceof FeelDateTime && y instanceof FeelDateTime) {
        return (
          feelEquals(x.date, y.date) === true &&
          x.time.sod.eq(y.time.sod) &&
          x.time.offset === y.time.offset &&
          x.time.zone === y.time.zone
        );
      }
      return feelEquals(x, y) === true;
    },
  },
  // strings
  substring: {
    signatures: [['string', 'start position', 'length?']],
    impl: (a) => {
      const [s, start, length] = a;
      const from = int(start);
      if (!str(s) || from === null) return null;
      const cs = chars(s);
      if (from === 0 || Math.abs(from) > cs.length + (from > 0 ? 1 : 0))
        return from === 0 ? null : from > 0 ? '' : null;
      const begin = from > 0 ? from - 1 : cs.length + from;
      if (length === undefined || length === null) return cs.slice(begin).join('');
      const n = int(length) ?? (num(length) ? length.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber() : null);
      if (n === null || n < 0) return null;
      return cs.slice(begin, begin + n).join('');
    },
  },
  'string length': {
    signatures: [['string']],
    impl: (a) => (str(a[0]) ? new Dec(chars(a[0]).length) : null),
  },
  'upper case': { signatures: [['string']], impl: (a) => (str(a[0]) ? a[0].toUpperCase() : null) },
  'lower case': { signatures: [['string']], impl: (a) => (str(a[0]) ? a[0].toLowerCase() : null) },
  'substring before': {
    signatures: [['string', 'match']],
    impl: (a) => {
      const [s, m] = a;
      if (!str(s) || !str(m)) return null;
      const at = s.indexOf(m);
      return at < 0 ? '' : s.slice(0, at);
    },
  },
  'substring after': {
    signatures: [['string', 'match']],
    impl: (a) => {
      const [s, m] = a;
      if (!str(s) || !str(m)) return null;
      const at = s.indexOf(m);
      return at < 0 ? '' : s.slice(at + m.length);
    },
  },
  contains: { signatures: [['string', 'match']], impl: (a) => (str(a[0]) && str(a[1]) ? a[0].includes(a[1]) : null) },
  'starts with': {
    signatures: [['string', 'match']],
    impl: (a) => (str(a[0]) && str(a[1]) ? a[0].startsWith(a[1]) : null),
  },
  'ends with': {
    signatures: [['string', 'match']],
    impl: (a) => (str(a[0]) && str(a[1]) ? a[0].endsWith(a[1]) : null),
  },
  matches: {
    signatures: [['input', 'pattern', 'flags?']],
    impl: (a, env) => {
      const [input, pattern, flags] = a;
      if (!str(input) || !str(pattern) || (flags !== undefined && flags !== null && !str(flags))) return null;
      const regex = compileRegex(env, 'matches', pattern, str(flags) ? flags : '');
      if (regex === null) return null;
      return regexTest(regex, regexInput(env, 'matches', input), charge(env));
    },
  },
  replace: {
    signatures: [['input', 'pattern', 'replacement', 'flags?']],
    impl: (a, env) => {
      const [input, pattern, replacement, flags] = a;
      if (!str(input) || !str(pattern) || !str(replacement) || (flags !== undefined && flags !== null && !str(flags)))
        return null;
      const regex = compileRegex(env, 'replace', pattern, str(flags) ? flags : '');
      if (regex === null) return null;
      const out = regexReplace(regex, regexInput(env, 'replace', input), replacement, (steps) =>
        env.charge(steps + replacement.length / CHARS_PER_STEP),
      );
      return env.string(out);
    },
  },
  split: {
    signatures: [['string', 'delimiter']],
    impl: (a, env) => {
      const [input, delimiter] = a;
      if (!str(input) || !str(delimiter)) return null;
      const regex = compileRegex(env, 'split', delimiter, '');
      if (regex === null) return null;
      return env.list(regexSplit(regex, regexInput(env, 'split', input), charge(env)));
    },
  },
  'string join': {
    signatures: [['list'], ['list', 'delimiter']],
    impl: (a, env) => {
      const [l, delimiter] = a;
      if (!list(l)) return null;
      if (delimiter !== undefined && delimiter !== null && !str(delimiter)) return null;
      const parts: string[] = [];
      for (const e of l) {
        if (e === null) continue;
        if (!str(e)) return null;
        parts.push(e);
      }
      return env.string(parts.join(str(delimiter) ? delimiter : ''));
    },
  },
  // lists
  'list contains': {
    signatures: [['list', 'element']],
    impl: (a, env) => {
      const [l, e] = a;
      if (!list(l)) return null;
      env.charge(l.length);
      return l.some((x) => feelEquals(x, e ?? null) === true);
    },
  },
  count: { signatures: [['list']], impl: (a) => (list(a[0]) ? new Dec(a[0].length) : null) },
  min: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => extreme(listOrVarargs(a, sig), env, -1),
  },
  max: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => extreme(listOrVarargs(a, sig), env, 1),
  },
  sum: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null || ns.length === 0) return null;
      env.charge(ns.length);
      return ns.reduce((x, y) => x.plus(y), ZERO);
    },
  },
  product: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null || ns.length === 0) return null;
      env.charge(ns.length);
      return ns.reduce((x, y) => x.times(y), new Dec(1));
    },
  },
  mean: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null || ns.length === 0) return null;
      env.charge(ns.length);
      return ns.reduce((x, y) => x.plus(y), ZERO).dividedBy(ns.length);
    },
  },
  median: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null) return null;
      if (ns.length === 0) return null;
      const sorted = sortValues(ns, env) as Num[];
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).dividedBy(2);
    },
  },
  stddev: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null || ns.length < 2) return null;
      env.charge(ns.length * 2);
      const mean = ns.reduce((x, y) => x.plus(y), ZERO).dividedBy(ns.length);
      const sq = ns.reduce((x, y) => x.plus(y.minus(mean).pow(2)), ZERO);
      return sq.dividedBy(ns.length - 1).sqrt();
    },
  },
  mode: {
    signatures: LIST_OR_VARARGS,
    impl: (a, env, sig) => {
      const l = listOrVarargs(a, sig);
      if (l === null) return null;
      const ns = numbersOf(l);
      if (ns === null) return null;
      const sorted = sortValues(ns, env) as Num[];
      const counts: [Num, number][] = [];
      for (const n of sorted) {
        const last = counts[counts.length - 1];
        if (last !== undefined && last[0].eq(n)) last[1]++;
        else counts.push([n, 1]);
      }
      const most = Math.max(0, ...counts.map(([, c]) => c));
      return counts.filter(([, c]) => c === most).map(([n]) => n);
    },
  },
  all: {
    signatures: LIST_OR_VARARGS,
    impl: (a, _env, sig) => {
      const l = sig === 0 && typeof a[0] === 'boolean' ? [a[0]] : listOrVarargs(a, sig);
      if (l === null) return null;
      if (l.includes(false)) return false;
      return l.every((x) => x === true) ? true : null;
    },
  },
  any: {
    signatures: LIST_OR_VARARGS,
    impl: (a, _env, sig) => {
      const l = sig === 0 && typeof a[0] === 'boolean' ? [a[0]] : listOrVarargs(a, sig);
      if (l === null) return null;
      if (l.includes(true)) return true;
      return l.every((x) => x === false) ? false : null;
    },
  },
  sublist: {
    signatures: [['list', 'start position', 'length?']],
    impl: (a, env) => {
      const [l, start, length] = a;
      const from = int(start);
      if (!list(l) || from === null || from === 0 || Math.abs(from) > l.length) return null;
      const begin = from > 0 ? from - 1 : l.length + from;
      if (length === undefined || length === null) return env.list(l.slice(begin));
      const n = int(length);
      if (n === null || n < 0 || begin + n > l.length) return null;
      return env.list(l.slice(begin, begin + n));
    },
  },
  append: {
    signatures: [['list', '...item']],
    impl: (a, env) => {
      const [l, items] = a;
      if (!list(l) || !list(items)) return null;
      return env.list([...l, ...items]);
    },
  },
  concatenate: {
    signatures: [['...list']],
    impl: (a, env) => {
      const lists = a[0];
      if (!list(lists)) return null;
      const out: Value[] = [];
      for (const l of lists) {
        if (!list(l)) return null;
        env.list(out);
        out.push(...l);
      }
      return env.list(out);
    },
  },
  'insert before': {
    signatures: [['list', 'position', 'newItem']],
    impl: (a, env) => {
      const [l, position, item] = a;
      const p = int(position);
      if (!list(l) || p === null || p === 0 || Math.abs(p) > l.length) return null;
      const at = p > 0 ? p - 1 : l.length + p;
      return env.list([...l.slice(0, at), item ?? null, ...l.slice(at)]);
    },
  },
  remove: {
    signatures: [['list', 'position']],
    impl: (a, env) => {
      const [l, position] = a;
      const p = int(position);
      if (!list(l) || p === null || p === 0 || Math.abs(p) > l.length) return null;
      const at = p > 0 ? p - 1 : l.length + p;
      return env.list([...l.slice(0, at), ...l.slice(at + 1)]);
    },
  },
  'list replace': {
    signatures: [['list', 'position', 'newItem']],
    impl: (a, env) => {
      const [l, position, item] = a;
      if (!list(l)) return null;
      if (position instanceof FeelFunction) {
        const out: Value[] = [];
        for (const e of l) out.push(position.call([e, item ?? null]) === true ? (item ?? null) : e);
        return env.list(out);
      }
      const p = int(position);
      if (p === null || p === 0 || Math.abs(p) > l.length) return null;
      const at = p > 0 ? p - 1 : l.length + p;
      const out = l.slice();
      out[at] = item ?? null;
      return env.list(out);
    },
  },
  reverse: { signatures: [['list']], impl: (a, env) => (list(a[0]) ? env.list(a[0].slice().reverse()) : null) },
  'index of': {
    signatures: [['list', 'match']],
    impl: (a, env) => {
      const [l, m] = a;
      if (!list(l)) return null;
      env.charge(l.length);
      const out: Value[] = [];
      l.forEach((e, i) => {
        if (feelEquals(e, m ?? null) === true) out.push(new Dec(i + 1));
      });
      return out;
    },
  },
  union: {
    signatures: [['...list']],
    impl: (a, env) => {
      const lists = a[0];
      if (!list(lists)) return null;
      const all: Value[] = [];
      for (const l of lists) {
        if (!list(l)) return null;
        all.push(...l);
        env.list(all);
      }
      return distinct(all, env);
    },
  },
  'distinct values': { signatures: [['list']], impl: (a, env) => (list(a[0]) ? distinct(a[0], env) : null) },
  flatten: {
    signatures: [['list']],
    impl: (a, env) => {
      if (!list(a[0])) return null;
      const out: Value[] = [];
      const walk = (l: Value[], depth: number): void => {
        if (depth > env.limits.maxValueDepth)
          throw new ExpressionAbort('EXPR_LIMIT', `A list nests deeper than ${env.limits.maxValueDepth} levels.`);
        env.charge(l.length);
        for (const e of l) {
          if (Array.isArray(e)) walk(e, depth + 1);
          else out.push(e);
        }
        env.list(out.length > env.limits.maxListLength ? out : []);
      };
      walk(a[0], 0);
      return env.list(out);
    },
  },
  sort: {
    signatures: [['list', 'precedes?']],
    impl: (a, env) => {
      const [l, precedes] = a;
      if (!list(l)) return null;
      if (precedes === undefined || precedes === null) return sortValues(l, env);
      if (!(precedes instanceof FeelFunction)) return null;
      return sortValues(l, env, (x, y) => precedes.call([x, y]));
    },
  },
  // numbers
  decimal: {
    signatures: [['n', 'scale']],
    impl: (a) => (num(a[0]) ? roundTo(a[0], a[1], Decimal.ROUND_HALF_EVEN) : null),
  },
  floor: {
    signatures: [['n'], ['n', 'scale']],
    impl: (a, _e, sig) => (num(a[0]) ? roundTo(a[0], sig === 0 ? new Dec(0) : a[1], Decimal.ROUND_FLOOR) : null),
  },
  ceiling: {
    signatures: [['n'], ['n', 'scale']],
    impl: (a, _e, sig) => (num(a[0]) ? roundTo(a[0], sig === 0 ? new Dec(0) : a[1], Decimal.ROUND_CEIL) : null),
  },
  'round up': { signatures: [['n', 'scale']], impl: (a) => (num(a[0]) ? roundTo(a[0], a[1], Decimal.ROUND_UP) : null) },
  'round down': {
    signatures: [['n', 'scale']],
    impl: (a) => (num(a[0]) ? roundTo(a[0], a[1], Decimal.ROUND_DOWN) : null),
  },
  'round half up': {
    signatures: [['n', 'scale']],
    impl: (a) => (num(a[0]) ? roundTo(a[0], a[1], Decimal.ROUND_HALF_UP) : null),
  },
  'round half down': {
    signatures: [['n', 'scale']],
    impl: (a) => (num(a[0]) ? roundTo(a[0], a[1], Decimal.ROUND_HALF_DOWN) : null),
  },
  abs: {
    signatures: [['n']],
    impl: (a) => {
      const n = a[0];
      if (num(n)) return n.abs();
      if (n instanceof YmDuration) return new YmDuration(Math.abs(n.months));
      if (n instanceof DtDuration) return new DtDuration(n.seconds.abs());
      return null;
    },
  },
  modulo: {
    signatures: [['dividend', 'divisor']],
    impl: (a) => {
      const [x, y] = a;
      if (!num(x) || !num(y) || y.isZero()) return null;
      return x.minus(y.times(x.dividedBy(y).floor())).plus(0);
    },
  },
  sqrt: { signatures: [['number']], impl: (a) => (num(a[0]) && !a[0].isNeg() ? a[0].sqrt() : null) },
  log: { signatures: [['number']], impl: (a) => (num(a[0]) && a[0].gt(0) ? a[0].ln() : null) },
  exp: { signatures: [['number']], impl: (a) => (num(a[0]) ? a[0].exp() : null) },
  odd: {
    signatures: [['number']],
    impl: (a) => (num(a[0]) ? (a[0].isInteger() ? !a[0].mod(2).isZero() : false) : null),
  },
  even: {
    signatures: [['number']],
    impl: (a) => (num(a[0]) ? (a[0].isInteger() ? a[0].mod(2).isZero() : false) : null),
  },
  // dates
  'day of year': {
    signatures: [['date']],
    impl: (a) => {
      const d = dateOf(a[0]);
      return d === null ? null : new Dec(epochDays(d.y, d.m, d.d) - epochDays(d.y, 1, 1) + 1);
    },
  },
  'day of week': {
    signatures: [['date']],
    impl: (a) => {
      const d = dateOf(a[0]);
      return d === null ? null : WEEKDAYS[isoWeekday(d) - 1]!;
    },
  },
  'month of year': {
    signatures: [['date']],
    impl: (a) => {
      const d = dateOf(a[0]);
      return d === null ? null : MONTHS[d.m - 1]!;
    },
  },
  'week of year': {
    signatures: [['date']],
    impl: (a) => {
      const d = dateOf(a[0]);
      return d === null ? null : new Dec(isoWeek(d));
    },
  },
  // ranges
  before: rangeFn('before', before),
  after: rangeFn('after', (a, b) => before(b, a)),
  meets: rangeFn('meets', (a, b) => and3(a.e.inc, b.s.inc, eq(a.e, b.s)), 'ranges'),
  'met by': rangeFn('met by', (a, b) => and3(b.e.inc, a.s.inc, eq(b.e, a.s)), 'ranges'),
  overlaps: rangeFn('overlaps', overlaps, 'ranges'),
  'overlaps before': rangeFn('overlaps before', overlapsBefore, 'ranges'),
  'overlaps after': rangeFn('overlaps after', (a, b) => overlapsBefore(b, a), 'ranges'),
  finishes: rangeFn('finishes', finishes),
  'finished by': rangeFn('finished by', (a, b) => finishes(b, a)),
  includes: rangeFn('includes', includes),
  during: rangeFn('during', (a, b) => includes(b, a)),
  starts: rangeFn('starts', starts),
  'started by': rangeFn('started by', (a, b) => starts(b, a)),
  coincides: rangeFn('coincides', (a, b) => {
    if (a.isPoint !== b.isPoint) return null;
    return and3(eq(a.s, b.s), a.s.inc === b.s.inc, eq(a.e, b.e), a.e.inc === b.e.inc);
  }),
  range: {
    signatures: [['from']],
    impl: (a, env) => {
      const from = a[0];
      if (!str(from)) return null;
      env.parsed('range', from);
      return parseRangeText(from, env);
    },
  },
  // contexts
  'get value': {
    signatures: [['m', 'key']],
    impl: (a, env) => {
      const [m, key] = a;
      if (str(key)) env.parsed('get value', key);
      if (!(m instanceof FeelContextValue)) return null;
      if (str(key)) return m.entries.get(key) ?? null;
      if (list(key)) {
        let v: Value = m;
        for (const k of key) {
          if (!str(k) || !(v instanceof FeelContextValue)) return null;
          v = v.entries.get(k) ?? null;
        }
        return v;
      }
      return null;
    },
  },
  'get entries': {
    signatures: [['m']],
    impl: (a, env) => {
      const m = a[0];
      if (!(m instanceof FeelContextValue)) return null;
      return env.list(
        [...m.entries].map(
          ([key, value]) =>
            new FeelContextValue(
              new Map<string, Value>([
                ['key', key],
                ['value', value],
              ]),
            ),
        ),
      );
    },
  },
  context: {
    signatures: [['entries']],
    impl: (a, env) => {
      const entries = a[0];
      if (!list(entries)) return null;
      env.charge(entries.length);
      const map = new Map<string, Value>();
      for (const e of entries) {
        if (!(e instanceof FeelContextValue)) return null;
        const key = e.entries.get('key');
        if (!str(key) || !e.entries.has('value') || map.has(key)) return null;
        map.set(key, e.entries.get('value') ?? null);
      }
      return new FeelContextValue(map);
    },
  },
  'context put': {
    signatures: [
      ['context', 'key', 'value'],
      ['context', 'keys', 'value'],
    ],
    choose: (p) => (Array.isArray(p[1]) ? 1 : 0),
    impl: (a, _env, sig) => {
      const [c, key, value] = a;
      const put = (ctx: Value, keys: Value[]): Value => {
        if (!(ctx instanceof FeelContextValue) || keys.length === 0) return null;
        const [first, ...rest] = keys;
        if (!str(first)) return null;
        const map = new Map(ctx.entries);
        if (rest.length === 0) map.set(first, value ?? null);
        else {
          const inner = put(map.get(first) ?? new FeelContextValue(new Map()), rest);
          if (inner === null) return null;
          map.set(first, inner);
        }
        return new FeelContextValue(map);
      };
      if (sig === 0 && str(key)) return put(c ?? null, [key]);
      if (sig === 1 && list(key)) return put(c ?? null, key);
      return null;
    },
  },
  'context merge': {
    signatures: [['contexts']],
    impl: (a, env) => {
      const contexts = a[0];
      if (!list(contexts)) return null;
      const map = new Map<string, Value>();
      for (const c of contexts) {
        if (!(c instanceof FeelContextValue)) return null;
        env.charge(c.entries.size);
        for (const [k, v] of c.entries) map.set(k, v);
      }
      return new FeelContextValue(map);
    },
  },
};

/** The built-ins by name (a null-prototype table: no inherited names). */
export const BUILTINS: Record<string, Builtin> = Object.assign(Object.create(null) as Record<string, Builtin>, TABLE);

function extreme(l: Value[] | null, env: Env, sign: 1 | -1): Value {
  if (l === null || l.length === 0) return null;
  env.charge(l.length);
  let best = l[0] ?? null;
  for (const v of l.slice(1)) {
    const c = feelCompare(v, best);
    if (c === null) return null;
    if (c * sign > 0) best = v;
  }
  if (l.length === 1 && feelCompare(best, best) === null) return null;
  return best;
}

function distinct(l: Value[], env: Env): Value[] {
  const out: Value[] = [];
  for (const e of l) {
    env.charge(1 + (e !== null && typeof e === 'object' ? 4 : 1) * out.length);
    if (!out.some((x) => feelEquals(x, e) === true)) out.push(e);
  }
  return env.list(out);
}

void inRange;

const LIST_PARAMS: ReadonlySet<string> = new Set(['list', 'contexts', 'entries']);
/** Built-ins whose parameters are all single values (strings, numbers, dates). */
const SCALAR_FUNCTIONS: ReadonlySet<string> = new Set([
  'date',
  'date and time',
  'time',
  'duration',
  'years and months duration',
  'number',
  'not',
  'substring',
  'string length',
  'upper case',
  'lower case',
  'substring before',
  'substring after',
  'contains',
  'starts with',
  'ends with',
  'matches',
  'replace',
  'split',
  'decimal',
  'floor',
  'ceiling',
  'round up',
  'round down',
  'round half up',
  'round half down',
  'abs',
  'modulo',
  'sqrt',
  'log',
  'exp',
  'odd',
  'even',
  'day of year',
  'day of week',
  'month of year',
  'week of year',
]);

/** Calls a built-in with positional or named arguments; a mismatch is null with a warning. */
export function callBuiltin(name: string, args: Args, env: Env, at: number): Value {
  const builtin = BUILTINS[name];
  if (builtin === undefined) return null;
  const values: Arg[] = [];
  let signature: number;
  if (args.positional !== undefined) {
    const n = args.positional.length;
    signature = builtin.signatures.findIndex((sig) => {
      const rest = sig.some((p) => p.startsWith('...'));
      const required = sig.filter((p) => !p.endsWith('?') && !p.startsWith('...')).length;
      return rest ? n >= required : n >= required && n <= sig.length;
    });
    // The list form of min/max/sum... takes one list; anything else is the varargs form.
    if (builtin.signatures === LIST_OR_VARARGS) signature = n === 1 && Array.isArray(args.positional[0]) ? 0 : 1;
    if (builtin.choose !== undefined && signature >= 0) signature = builtin.choose(args.positional);
    if (signature >= 0) {
      const sig = builtin.signatures[signature]!;
      sig.forEach((p, i) => {
        if (p.startsWith('...')) values.push(args.positional.slice(i));
        else values.push(args.positional[i]);
      });
    }
  } else {
    const given = [...args.named.keys()];
    const fits = (sig: string[]): boolean =>
      given.every((g) => sig.map((p) => p.replace(/^\.\.\.|\?$/g, '')).includes(g));
    signature = builtin.signatures.findIndex((sig) => {
      const required = sig.filter((p) => !p.endsWith('?')).map((p) => p.replace(/^\.\.\./, ''));
      return fits(sig) && required.every((r) => given.includes(r));
    });
    // A missing parameter is null (`is(value1: x)` is false).
    if (signature < 0) signature = builtin.signatures.findIndex(fits);
    if (builtin.signatures === LIST_OR_VARARGS && signature === 1 && given.length === 0) signature = -1;
    if (signature >= 0) {
      for (const p of builtin.signatures[signature]!) {
        const key = p.replace(/^\.\.\.|\?$/g, '');
        const v = args.named.get(key);
        values.push(p.startsWith('...') ? (v === undefined ? [] : Array.isArray(v) ? v : [v]) : v);
      }
    }
  }
  if (signature >= 0) {
    const sig = builtin.signatures[signature]!;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const param = sig[i]!.replace(/^\.\.\.|\?$/g, '');
      // FEEL's singleton rules: a value where a list is expected is a list of one; a list of one
      // where a single value is expected is that value.
      if (LIST_PARAMS.has(param) && !sig[i]!.startsWith('...')) {
        if (v !== undefined && v !== null && !Array.isArray(v)) values[i] = [v];
      } else if (SCALAR_FUNCTIONS.has(name) && Array.isArray(v) && v.length === 1) {
        values[i] = v[0] ?? null;
      }
    }
  }
  if (signature < 0) {
    env.warn('INVALID_ARGUMENTS', `${name}(): the arguments do not match its parameters`, at);
    return null;
  }
  const result = builtin.impl(values, env, signature);
  if (result === null) {
    const shown = values.some((v) => v === null || v === undefined);
    if (!shown) env.warn('INVALID_ARGUMENTS', `${name}() returned null for these arguments`, at);
  }
  return result;
}

export { toFeelString };
