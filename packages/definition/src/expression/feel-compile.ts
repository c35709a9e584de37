/**
 * Baton's FEEL evaluator: feelin's (lezer) parse tree compiled once into closures. The only
 * evaluator there is: `evaluateExpression` and the engine's `compileExpression` both run the
 * closures built here, so an expression has one meaning on every path by construction.
 * No dynamic code: a closure per syntax node.
 *
 * @module
 */

import { ExpressionAbort, clip } from './expression-errors.ts';
import { BUILTINS, callBuiltin, type Args } from './feel-builtins.ts';
import { Env, Frame, ITERATION_COST } from './feel-env.ts';
import { decodeFeelString } from './feel-string.ts';
import {
  formatDate,
  formatDateTime,
  formatDt,
  formatTime,
  formatYm,
  scaleDuration,
  temporalAdd,
  temporalSubtract,
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
  civilFromDays,
  dateTimeOffset,
  epochDays,
  feelCompare,
  feelEquals,
  inRange,
  isNum,
  typeName,
  type Num,
  type Value,
} from './feel-values.ts';

/** The parse-tree node of feelin's parser, as far as this module uses it. */
export interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
  parent: SyntaxNode | null;
  type: { isError: boolean; isSkipped: boolean };
}

/** A compiled node. */
export type Closure = (frame: Frame, env: Env) => Value;
/** A compiled unary test, applied to an input value. */
type Test = (input: Value, frame: Frame, env: Env) => boolean | null;

function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    if (!(c.type.isSkipped && !c.type.isError)) out.push(c);
  }
  return out;
}

class CompileError extends Error {}

/** `-` applied to a value. */
export function negateValue(v: Value): Value {
  if (isNum(v)) return v.negated().plus(0);
  if (v instanceof YmDuration) return new YmDuration(-v.months || 0);
  if (v instanceof DtDuration) return new DtDuration(v.seconds.negated().plus(0));
  return null;
}

export function add(a: Value, b: Value, env: Env): Value {
  if (a === null || b === null) return null;
  if (isNum(a)) return isNum(b) ? a.plus(b) : null;
  if (typeof a === 'string') return typeof b === 'string' ? env.string(a + b) : null;
  return temporalAdd(a, b) ?? null;
}

export function subtract(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (isNum(a)) return isNum(b) ? a.minus(b) : null;
  return temporalSubtract(a, b) ?? null;
}

export function multiply(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (isNum(a)) {
    if (isNum(b)) return a.times(b);
    if (b instanceof YmDuration || b instanceof DtDuration) return scaleDuration(b, a);
    return null;
  }
  if ((a instanceof YmDuration || a instanceof DtDuration) && isNum(b)) return scaleDuration(a, b);
  return null;
}

export function divide(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (isNum(a)) return isNum(b) && !b.isZero() ? a.dividedBy(b) : null;
  if (a instanceof YmDuration) {
    if (isNum(b)) return b.isZero() ? null : divideYm(a, b);
    if (b instanceof YmDuration) return b.months === 0 ? null : new Dec(a.months).dividedBy(b.months);
    return null;
  }
  if (a instanceof DtDuration) {
    if (isNum(b)) return b.isZero() ? null : new DtDuration(a.seconds.dividedBy(b).plus(0));
    if (b instanceof DtDuration) return b.seconds.isZero() ? null : a.seconds.dividedBy(b.seconds);
    return null;
  }
  return null;
}

function divideYm(a: YmDuration, b: Num): Value {
  const months = new Dec(a.months).dividedBy(b).truncated();
  return months.abs().lte(Number.MAX_SAFE_INTEGER) ? new YmDuration(months.toNumber() || 0) : null;
}

export function power(a: Value, b: Value): Value {
  if (!isNum(a) || !isNum(b)) return null;
  if (a.isZero() && b.isNegative()) return null;
  const r = a.pow(b);
  return r.isFinite() ? r : null;
}

/** FEEL's `and`/`or` over three values: non-booleans count as null. */
const bool = (v: Value): boolean | null => (typeof v === 'boolean' ? v : null);

/** Temporal and range properties reachable with a path (`d.year`, `r.start included`). */
function property(v: Value, key: string): Value | undefined {
  if (v instanceof FeelDate || v instanceof FeelDateTime) {
    const date = v instanceof FeelDate ? v : v.date;
    switch (key) {
      case 'year':
        return new Dec(date.y);
      case 'month':
        return new Dec(date.m);
      case 'day':
        return new Dec(date.d);
      case 'weekday':
        return new Dec(((((epochDays(date.y, date.m, date.d) + 3) % 7) + 7) % 7) + 1);
    }
    if (v instanceof FeelDate) return undefined;
  }
  if (v instanceof FeelTime || v instanceof FeelDateTime) {
    const time = v instanceof FeelTime ? v : v.time;
    const whole = time.sod.floor().toNumber();
    switch (key) {
      case 'hour':
        return new Dec(Math.floor(whole / 3600));
      case 'minute':
        return new Dec(Math.floor((whole % 3600) / 60));
      case 'second':
        return time.sod.minus(whole - (whole % 60));
      case 'time offset': {
        const offset = v instanceof FeelDateTime ? dateTimeOffset(v) : time.offset;
        return offset === null ? null : new DtDuration(new Dec(offset));
      }
      case 'timezone':
        return time.zone;
    }
    return undefined;
  }
  if (v instanceof YmDuration) {
    if (key === 'years') return new Dec(Math.trunc(v.months / 12) || 0);
    if (key === 'months') return new Dec(v.months % 12 || 0);
    if (key === 'days' || key === 'hours' || key === 'minutes' || key === 'seconds') return null;
    return undefined;
  }
  if (v instanceof DtDuration) {
    const s = v.seconds;
    const sign = s.isNegative() ? -1 : 1;
    const a = s.abs();
    switch (key) {
      case 'days':
        return a.dividedToIntegerBy(86400).times(sign).plus(0);
      case 'hours':
        return a.mod(86400).dividedToIntegerBy(3600).times(sign).plus(0);
      case 'minutes':
        return a.mod(3600).dividedToIntegerBy(60).times(sign).plus(0);
      case 'seconds':
        return a.mod(60).times(sign).plus(0);
      case 'years':
      case 'months':
        return null;
    }
    return undefined;
  }
  if (v instanceof FeelRange) {
    switch (key) {
      case 'start':
        return v.start ?? null;
      case 'end':
        return v.end ?? null;
      case 'start included':
        return v.startIncluded;
      case 'end included':
        return v.endIncluded;
    }
  }
  return undefined;
}

function pathOf(v: Value, key: string): Value {
  if (v instanceof FeelContextValue) return v.entries.get(key) ?? null;
  const p = property(v, key);
  return p === undefined ? null : p;
}

/** The elements a `for`/`some`/`every` iterates over, or null when the value cannot be iterated. */
function iterationElements(start: Value, end: Value, env: Env): Value[] | null {
  if (isNum(start) && isNum(end)) {
    if (!start.isInteger() || !end.isInteger()) {
      throw new ExpressionAbort(
        'EXPR_TYPE',
        `The iteration range ${start.toFixed()}..${end.toFixed()} has a non-integer bound; iterate over integers, e.g. 1..10.`,
      );
    }
    const size = start.minus(end).abs().plus(1);
    env.iteration(size.gt(1e9) ? 1e9 : size.toNumber());
    const from = start.toNumber();
    const step = start.lte(end) ? 1 : -1;
    const out: Value[] = [];
    for (let i = 0, n = size.toNumber(); i < n; i++) out.push(new Dec(from + i * step));
    return out;
  }
  if (start instanceof FeelDate && end instanceof FeelDate) {
    const a = epochDays(start.y, start.m, start.d);
    const b = epochDays(end.y, end.m, end.d);
    env.iteration(Math.abs(b - a) + 1);
    const step = a <= b ? 1 : -1;
    const out: Value[] = [];
    for (let d = a; d !== b + step; d += step) out.push(civilFromDays(d));
    return out;
  }
  return null;
}

function rangeElements(r: FeelRange, env: Env): Value[] | null {
  if (r.start === undefined || r.end === undefined || r.start === null || r.end === null) return null;
  const order = feelCompare(r.start, r.end);
  if (order === null || order > 0) return null;
  const all = iterationElements(r.start, r.end, env);
  if (all === null) return null;
  const out = all.slice(r.startIncluded ? 0 : 1, r.endIncluded ? all.length : all.length - 1);
  return out;
}

/** Whether a node (or any node below it) is `?`. */
function mentionsInput(node: SyntaxNode): boolean {
  if (node.name === '?') return true;
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (mentionsInput(c)) return true;
  return false;
}

/** Whether the subtree reads `partial` (so `for` must keep a snapshot of its results). */
function mentionsName(node: SyntaxNode, src: string, name: string): boolean {
  if (node.name === 'VariableName' && src.slice(node.from, node.to).replace(/\s+/g, ' ').trim() === name) return true;
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (mentionsName(c, src, name)) return true;
  return false;
}

/** `instance of`: a compiled type test. */
type TypeTest = (v: Value) => boolean;

const NAMED_TYPES: Record<string, TypeTest> = {
  Any: (v) => v !== null,
  Null: (v) => v === null,
  number: (v) => isNum(v),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  date: (v) => v instanceof FeelDate,
  time: (v) => v instanceof FeelTime,
  'date and time': (v) => v instanceof FeelDateTime,
  duration: (v) => v instanceof YmDuration || v instanceof DtDuration,
  'days and time duration': (v) => v instanceof DtDuration,
  'years and months duration': (v) => v instanceof YmDuration,
  context: (v) => v instanceof FeelContextValue,
  list: (v) => Array.isArray(v),
  range: (v) => v instanceof FeelRange,
  function: (v) => v instanceof FeelFunction,
};

class Compiler {
  constructor(private readonly src: string) {}

  private text(node: SyntaxNode): string {
    return this.src.slice(node.from, node.to);
  }

  /** A name node's FEEL name: its identifier parts joined by single spaces. */
  nameOf(node: SyntaxNode): string {
    const parts = kids(node).map((child) => (child.name === 'Name' ? this.nameOf(child) : this.text(child)));
    return parts.length === 0 ? this.text(node).trim() : parts.join(' ');
  }

  expression(node: SyntaxNode): Closure {
    if (node.type.isError) throw new CompileError('syntax');
    switch (node.name) {
      case 'Expression':
      case 'ParenthesizedExpression': {
        const inner = kids(node).filter((k) => k.name !== '(' && k.name !== ')');
        if (inner.length !== 1) throw new CompileError(node.name);
        return this.expression(inner[0]!);
      }
      case 'NumericLiteral': {
        const value = new Dec(this.text(node).replace(/\s+/g, ''));
        return () => value;
      }
      case 'StringLiteral': {
        const value = decodeFeelString(this.text(node));
        return () => value;
      }
      case 'BooleanLiteral': {
        const value = this.text(node) === 'true';
        return () => value;
      }
      case 'null':
        return () => null;
      case '?':
        return (frame) => frame.lookup('?') ?? null;
      case 'VariableName':
        return this.variable(node);
      case 'PathExpression':
        return this.path(node);
      case 'FilterExpression':
        return this.filter(node);
      case 'FunctionInvocation':
        return this.invocation(node);
      case 'DateTimeLiteral':
        return this.dateTimeLiteral(node);
      case 'List': {
        const items = kids(node)
          .filter((k) => k.name !== '[' && k.name !== ']')
          .map((k) => this.expression(k));
        return (frame, env) => env.list(items.map((item) => item(frame, env)));
      }
      case 'Context':
        return this.context(node);
      case 'ArithmeticExpression':
        return this.arithmetic(node);
      case 'Comparison':
        return this.comparison(node);
      case 'Conjunction':
      case 'Disjunction': {
        const [l, , r] = kids(node);
        const left = this.expression(l!);
        const right = this.expression(r!);
        if (node.name === 'Conjunction') {
          return (frame, env) => {
            const a = bool(left(frame, env));
            if (a === false) return false;
            const b = bool(right(frame, env));
            if (b === false) return false;
            return a === true && b === true ? true : null;
          };
        }
        return (frame, env) => {
          const a = bool(left(frame, env));
          if (a === true) return true;
          const b = bool(right(frame, env));
          if (b === true) return true;
          return a === false && b === false ? false : null;
        };
      }
      case 'IfExpression': {
        const parts = kids(node);
        const cond = this.expression(parts[1]!);
        const then = this.expression(parts[3]!);
        const otherwise = this.expression(parts[5]!);
        return (frame, env) => (cond(frame, env) === true ? then(frame, env) : otherwise(frame, env));
      }
      case 'ForExpression':
        return this.forExpression(node);
      case 'QuantifiedExpression':
        return this.quantified(node);
      case 'InstanceOfExpression': {
        const parts = kids(node);
        const value = this.expression(parts[0]!);
        const test = this.type(parts[parts.length - 1]!);
        return (frame, env) => test(value(frame, env));
      }
      case 'SimplePositiveUnaryTest':
        return this.rangeLiteral(node);
      case 'FunctionDefinition':
        return this.functionDefinition(node);
      default:
        throw new CompileError(`unsupported ${node.name}`);
    }
  }

  private variable(node: SyntaxNode): Closure {
    const name = this.nameOf(node);
    const at = node.from;
    return (frame, env) => {
      const v = frame.lookup(name);
      if (v !== undefined) return v;
      env.warn('NO_VARIABLE_FOUND', `Variable '${name}' not found`, at);
      return null;
    };
  }

  private path(node: SyntaxNode): Closure {
    const [base, , pathName] = kids(node);
    const of = this.expression(base!);
    const key = this.nameOf(pathName!);
    return (frame, env) => {
      const v = of(frame, env);
      if (Array.isArray(v)) {
        env.charge(v.length);
        return v.map((element) => pathOf(element, key));
      }
      return pathOf(v, key);
    };
  }

  private filter(node: SyntaxNode): Closure {
    const [target, , condition] = kids(node);
    const of = this.expression(target!);
    const cond = this.expression(condition!);
    const literalIndex =
      condition!.name === 'NumericLiteral' ||
      (condition!.name === 'ArithmeticExpression' && kids(condition!).length === 2);
    return (frame, env) => {
      const v = of(frame, env);
      if (v === null) return null;
      const list = Array.isArray(v) ? v : [v];
      if (literalIndex) return index(list, cond(frame, env));
      const out: Value[] = [];
      for (let i = 0; i < list.length; i++) {
        const element = list[i] ?? null;
        env.charge(ITERATION_COST * 4 + (element instanceof FeelContextValue ? element.entries.size : 0));
        // The element's entries are in scope, and `item` is the element (an entry named item wins).
        const withItem = new Frame(new Map([['item', element]]), frame);
        const r = cond(element instanceof FeelContextValue ? new Frame(element.entries, withItem) : withItem, env);
        if (isNum(r)) return index(list, r);
        if (r === true) out.push(element);
      }
      if (list.length === 0) {
        const r = cond(new Frame(new Map([['item', null]]), frame), env);
        if (isNum(r)) return null;
      }
      return out;
    };
  }

  private args(params: SyntaxNode | undefined): { named: boolean; names: string[]; values: Closure[] } {
    if (params === undefined) return { named: false, names: [], values: [] };
    if (params.name === 'NamedParameters') {
      const names: string[] = [];
      const values: Closure[] = [];
      for (const param of kids(params)) {
        const [paramName, value] = kids(param);
        names.push(this.nameOf(paramName!));
        values.push(this.expression(value!));
      }
      return { named: true, names, values };
    }
    return { named: false, names: [], values: kids(params).map((k) => this.expression(k)) };
  }

  private call(name: string, params: SyntaxNode | undefined, at: number): Closure {
    const { named, names, values } = this.args(params);
    if (!Object.prototype.hasOwnProperty.call(BUILTINS, name)) throw new CompileError(`unknown function ${name}`);
    return (frame, env) => {
      const evaluated = values.map((value) => value(frame, env));
      const args: Args = named
        ? { named: new Map(names.map((n, i) => [n, evaluated[i] ?? null])) }
        : { positional: evaluated };
      env.charge(2);
      return callBuiltin(name, args, env, at);
    };
  }

  private invocation(node: SyntaxNode): Closure {
    const parts = kids(node);
    const callee = parts[0]!;
    const params = parts.find((k) => k.name === 'PositionalParameters' || k.name === 'NamedParameters');
    if (callee.name === 'SpecialFunctionName') return this.call(this.nameOf(callee), params, callee.from);
    if (callee.name === 'VariableName') {
      const name = this.nameOf(callee);
      const builtin = Object.prototype.hasOwnProperty.call(BUILTINS, name)
        ? this.call(name, params, callee.from)
        : null;
      const { values } = this.args(params);
      return (frame, env) => {
        const bound = frame.lookup(name);
        if (bound !== undefined) {
          if (bound instanceof FeelFunction) return bound.call(values.map((value) => value(frame, env)));
          env.warn('NOT_A_FUNCTION', `'${name}' is data, not a function; the call is null`, callee.from);
          return null;
        }
        if (builtin !== null) return builtin(frame, env);
        env.warn('NO_FUNCTION_FOUND', `Function '${name}' not found`, callee.from);
        return null;
      };
    }
    const fn = this.expression(callee);
    const { values } = this.args(params);
    return (frame, env) => {
      const f = fn(frame, env);
      if (!(f instanceof FeelFunction)) return null;
      return f.call(values.map((value) => value(frame, env)));
    };
  }

  private dateTimeLiteral(node: SyntaxNode): Closure {
    const parts = kids(node);
    const first = parts[0]!;
    if (first.name === 'AtLiteral') {
      const literal = kids(first)[0]!;
      const text = decodeFeelString(this.text(literal));
      const fn =
        text.startsWith('P') || text.startsWith('-P')
          ? 'duration'
          : /^\d{2}:/.test(text)
            ? 'time'
            : text.includes('T')
              ? 'date and time'
              : 'date';
      return (_frame, env) => callBuiltin(fn, { positional: [text] }, env, node.from);
    }
    const params = parts.find((k) => k.name === 'PositionalParameters' || k.name === 'NamedParameters');
    return this.call(this.nameOf(first), params, first.from);
  }

  private context(node: SyntaxNode): Closure {
    const entries: [string, Closure][] = [];
    for (const entry of kids(node).filter((k) => k.name === 'ContextEntry')) {
      const [key, value] = kids(entry);
      const keyNode = kids(key!)[0]!;
      const name =
        keyNode.name === 'StringLiteral'
          ? decodeFeelString(this.text(keyNode))
          : this.text(keyNode).replace(/\s+/g, ' ').trim();
      entries.push([name, this.expression(value!)]);
    }
    const duplicate = entries.find(([name], i) => entries.findIndex(([other]) => other === name) !== i);
    return (frame, env) => {
      if (duplicate !== undefined) {
        env.warn('DUPLICATE_CONTEXT_KEY', `The context has the key "${clip(duplicate[0])}" twice; it is null`);
        return null;
      }
      const map = new Map<string, Value>();
      const inner = new Frame(map, frame);
      env.charge(entries.length);
      for (const [name, value] of entries) map.set(name, value(inner, env));
      return new FeelContextValue(map);
    };
  }

  private arithmetic(node: SyntaxNode): Closure {
    const parts = kids(node);
    if (parts.length === 2) {
      const operand = this.expression(parts[1]!);
      return (frame, env) => negateValue(operand(frame, env));
    }
    const [l, op, r] = parts;
    const left = this.expression(l!);
    const right = this.expression(r!);
    const symbol = this.text(op!);
    const at = op!.from;
    const apply =
      symbol === '+'
        ? add
        : symbol === '-'
          ? (a: Value, b: Value) => subtract(a, b)
          : symbol === '*'
            ? (a: Value, b: Value) => multiply(a, b)
            : symbol === '/'
              ? (a: Value, b: Value) => divide(a, b)
              : symbol === '**' || symbol === '^'
                ? (a: Value, b: Value) => power(a, b)
                : undefined;
    if (apply === undefined) throw new CompileError('operator');
    return (frame, env) => {
      const a = left(frame, env);
      const b = right(frame, env);
      const result = apply(a, b, env);
      if (result === null && a !== null && b !== null) {
        if (isNum(a) && isNum(b)) {
          env.warn(
            'INVALID_ARGUMENTS',
            `'${symbol}' has no number result here (division by zero or overflow); the result is null`,
            at,
          );
        } else {
          env.warn(
            'INVALID_TYPE',
            `Can't apply '${symbol}' to ${typeName(a)} and ${typeName(b)}; the result is null`,
            at,
          );
        }
      }
      return result;
    };
  }

  private comparison(node: SyntaxNode): Closure {
    const parts = kids(node);
    const left = this.expression(parts[0]!);
    const op = parts[1]!;
    if (op.name === 'between') {
      const low = this.expression(parts[2]!);
      const high = this.expression(parts[4]!);
      return (frame, env) => {
        const v = left(frame, env);
        const a = feelCompare(v, low(frame, env));
        const b = feelCompare(v, high(frame, env));
        if (a === null || b === null) return null;
        return a >= 0 && b <= 0;
      };
    }
    if (op.name === 'in') {
      const testNodes = parts[2]!.name === '(' ? kids(parts[3]!) : [parts[2]!];
      const tests = testNodes.map((t) => this.positiveTest(t));
      return (frame, env) => anyTest(tests, left(frame, env), frame, env);
    }
    const right = this.expression(parts[2]!);
    switch (this.text(op)) {
      case '=':
        return (frame, env) => deepEquals(left(frame, env), right(frame, env), env);
      case '!=':
        return (frame, env) => {
          const e = deepEquals(left(frame, env), right(frame, env), env);
          return e === null ? null : !e;
        };
      default: {
        const operator = this.text(op);
        return (frame, env) => {
          const a = left(frame, env);
          const b = right(frame, env);
          const c = feelCompare(a, b);
          if (c === null) {
            if (a !== null && b !== null) {
              env.warn(
                'INVALID_TYPE',
                `Can't compare ${typeName(a)} and ${typeName(b)} with '${operator}'; the result is null`,
                op.from,
              );
            }
            return null;
          }
          return operator === '<' ? c < 0 : operator === '<=' ? c <= 0 : operator === '>' ? c > 0 : c >= 0;
        };
      }
    }
  }

  /** `[a..b]`, `(a..b]`, `< 5` as a value. */
  private rangeLiteral(node: SyntaxNode): Closure {
    const parts = kids(node);
    if (parts[0]?.name === 'Interval') {
      const iv = kids(parts[0]);
      const open = this.text(iv[0]!);
      const close = this.text(iv[4]!);
      const start = this.expression(iv[1]!);
      const end = this.expression(iv[3]!);
      const startIncluded = open === '[';
      const endIncluded = close === ']';
      return (frame, env) => {
        const s = start(frame, env);
        const e = end(frame, env);
        if (s !== null && e !== null) {
          // Both ends must be of one ordered kind.
          if (feelCompare(s, e) === null) return null;
        }
        return new FeelRange(s, e, startIncluded, endIncluded);
      };
    }
    const op = this.text(parts[0]!);
    const operand = this.expression(parts[1]!);
    return (frame, env) => {
      const v = operand(frame, env);
      switch (op) {
        case '<':
          return new FeelRange(undefined, v, false, false);
        case '<=':
          return new FeelRange(undefined, v, false, true);
        case '>':
          return new FeelRange(v, undefined, false, false);
        case '>=':
          return new FeelRange(v, undefined, true, false);
        case '=':
        case '!=':
          return new FeelRange(v, v, true, true, op);
        default:
          return null;
      }
    };
  }

  /** One positive unary test (`> 5`, `[1..2]`, `"EU"`, `? > 3`, a list). */
  positiveTest(node: SyntaxNode): Test {
    const inner = node.name === 'PositiveUnaryTest' ? kids(node)[0]! : node;
    if (inner.name === 'SimplePositiveUnaryTest') {
      const parts = kids(inner);
      if (parts[0]?.name === 'CompareOp') {
        const op = this.text(parts[0]);
        const operand = this.expression(parts[1]!);
        return (input, frame, env) => {
          const v = operand(frame, env);
          if (op === '=') return deepEquals(input, v, env);
          if (op === '!=') {
            const e = deepEquals(input, v, env);
            return e === null ? null : !e;
          }
          const c = feelCompare(input, v);
          if (c === null) return null;
          return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
        };
      }
      const range = this.rangeLiteral(inner);
      return (input, frame, env) => {
        const r = range(frame, env);
        return r instanceof FeelRange ? inRange(input, r) : null;
      };
    }
    const usesInput = mentionsInput(inner);
    const expr = this.expression(inner);
    return (input, frame, env) => {
      const v = expr(usesInput ? new Frame(new Map([['?', input]]), frame) : frame, env);
      return valueTest(input, v, usesInput, env);
    };
  }

  /** DMN unary tests: `-`, `not(...)`, or a list of positive tests. */
  unaryTests(node: SyntaxNode): Test {
    const parts = kids(node);
    if (parts.length === 1 && parts[0]!.name === 'Wildcard') return () => true;
    if (parts[0]?.name === 'not') {
      const tests = kids(parts.find((k) => k.name === 'PositiveUnaryTests')!).map((t) => this.positiveTest(t));
      return (input, frame, env) => {
        const r = anyTest(tests, input, frame, env);
        return r === null ? null : !r;
      };
    }
    const list = parts.find((k) => k.name === 'PositiveUnaryTests');
    if (list === undefined) throw new CompileError('unary tests');
    const tests = kids(list).map((t) => this.positiveTest(t));
    return (input, frame, env) => anyTest(tests, input, frame, env);
  }

  private iterations(node: SyntaxNode): {
    names: string[];
    sources: ({ single: Closure } | { start: Closure; end: Closure })[];
  } {
    const clauses = kids(node).find((k) => k.name === 'InExpressions')!;
    const names: string[] = [];
    const sources: ({ single: Closure } | { start: Closure; end: Closure })[] = [];
    for (const clause of kids(clauses)) {
      const [nameNode, , context] = kids(clause);
      names.push(this.nameOf(nameNode!));
      const ctx = kids(context!);
      if (ctx.length === 3 && ctx[1]!.name === '..') {
        sources.push({ start: this.expression(ctx[0]!), end: this.expression(ctx[2]!) });
      } else {
        sources.push({ single: this.expression(ctx[0]!) });
      }
    }
    return { names, sources };
  }

  /** Runs `visit` for every combination of the iteration variables; false from visit stops. */
  private product(
    names: string[],
    sources: ({ single: Closure } | { start: Closure; end: Closure })[],
  ): (frame: Frame, env: Env, visit: (inner: Frame) => boolean) => boolean {
    return (frame, env, visit) => {
      const loop = (level: number, outer: Frame): boolean => {
        if (level === names.length) return visit(outer);
        const source = sources[level]!;
        let elements: Value[] | null;
        if ('single' in source) {
          const v = source.single(outer, env);
          if (Array.isArray(v)) elements = v;
          else if (v instanceof FeelRange) elements = rangeElements(v, env);
          else elements = v === null ? null : [v];
        } else {
          elements = iterationElements(source.start(outer, env), source.end(outer, env), env);
        }
        if (elements === null) throw new NotIterable();
        env.iteration(elements.length);
        for (const element of elements) {
          env.charge(ITERATION_COST);
          if (!loop(level + 1, new Frame(new Map([[names[level]!, element]]), outer))) return false;
        }
        return true;
      };
      return loop(0, frame);
    };
  }

  private forExpression(node: SyntaxNode): Closure {
    const { names, sources } = this.iterations(node);
    const parts = kids(node);
    const bodyNode = parts[parts.length - 1]!;
    const body = this.expression(bodyNode);
    const usesPartial = mentionsName(bodyNode, this.src, 'partial');
    const run = this.product(names, sources);
    return (frame, env) => {
      const out: Value[] = [];
      try {
        run(frame, env, (inner) => {
          const scope = usesPartial
            ? new Frame(new Map([['partial', (env.charge(out.length), out.slice())]]), inner)
            : inner;
          out.push(body(scope, env));
          env.list(out.length % 1024 === 0 ? out : []);
          return true;
        });
      } catch (err) {
        if (err instanceof NotIterable) return null;
        throw err;
      }
      return env.list(out);
    };
  }

  private quantified(node: SyntaxNode): Closure {
    const parts = kids(node);
    const every = parts[0]!.name === 'every';
    const { names, sources } = this.iterations(node);
    const body = this.expression(parts[parts.length - 1]!);
    const run = this.product(names, sources);
    return (frame, env) => {
      let sawNull = false;
      let decided: boolean | undefined;
      try {
        run(frame, env, (inner) => {
          const v = body(inner, env);
          if (v === !every) {
            decided = !every;
            return false;
          }
          if (v !== every) sawNull = true;
          return true;
        });
      } catch (err) {
        if (err instanceof NotIterable) return null;
        throw err;
      }
      if (decided !== undefined) return decided;
      return sawNull ? null : every;
    };
  }

  private functionDefinition(node: SyntaxNode): Closure {
    const parts = kids(node);
    const formal = parts.find((k) => k.name === 'FormalParameters');
    const params =
      formal === undefined ? [] : kids(formal).map((p) => this.nameOf(kids(kids(p)[0]!)[0] ?? kids(p)[0]!));
    const bodyNode = kids(parts.find((k) => k.name === 'FunctionBody')!)[0]!;
    const body = this.expression(bodyNode);
    return (frame, env) =>
      new FeelFunction(COMPARATOR, params, (args) => {
        env.charge(ITERATION_COST);
        return body(new Frame(new Map(params.map((p, i) => [p, args[i] ?? null])), frame), env);
      });
  }

  type(node: SyntaxNode): TypeTest {
    const inner = node.name === 'Type' ? kids(node)[0]! : node;
    switch (inner.name) {
      case 'QualifiedName':
      case 'SpecialType': {
        const name = inner.name === 'SpecialType' ? this.nameOf(inner) : this.text(inner).replace(/\s+/g, ' ').trim();
        const test = NAMED_TYPES[name];
        if (test === undefined) throw new CompileError(`type ${name}`);
        return test;
      }
      case 'ListType': {
        const element = this.type(kids(inner).find((k) => k.name === 'Type')!);
        return (v) => Array.isArray(v) && v.every((e) => e === null || element(e));
      }
      case 'ContextType': {
        const entryTypes = kids(kids(inner).find((k) => k.name === 'ContextEntryTypes')!).map((entry) => {
          const [name, type] = kids(entry);
          return [this.nameOf(name!), this.type(type!)] as const;
        });
        return (v) =>
          v instanceof FeelContextValue &&
          entryTypes.every(
            ([name, test]) =>
              v.entries.has(name) && (v.entries.get(name) === null || test(v.entries.get(name) ?? null)),
          );
      }
      case 'FunctionType':
        return (v) => v instanceof FeelFunction;
      default:
        throw new CompileError(`type ${inner.name}`);
    }
  }
}

class NotIterable extends Error {}

const COMPARATOR = 'comparator';

/** Equality that charges for walking lists and contexts. */
function deepEquals(a: Value, b: Value, env: Env): boolean | null {
  if (Array.isArray(a) || a instanceof FeelContextValue) env.charge(Array.isArray(a) ? a.length : a.entries.size);
  return feelEquals(a, b);
}

function index(list: Value[], i: Value): Value {
  if (!isNum(i) || !i.isInteger()) return null;
  const n = i.toNumber();
  if (n === 0 || Math.abs(n) > list.length) return null;
  return list[n > 0 ? n - 1 : list.length + n] ?? null;
}

/** How a value that a unary-test expression produced applies to the input. */
function valueTest(input: Value, v: Value, usesInput: boolean, env: Env): boolean | null {
  if (v instanceof FeelRange) return inRange(input, v);
  if (typeof v === 'boolean' && usesInput) return v;
  if (Array.isArray(v)) {
    if (Array.isArray(input)) {
      const direct = deepEquals(input, v, env);
      if (direct === true) return true;
    }
    env.charge(v.length);
    let sawNull = false;
    for (const element of v) {
      const r = element instanceof FeelRange ? inRange(input, element) : (feelEquals(input, element) ?? false);
      if (r === true) return true;
      if (r === null) sawNull = true;
    }
    return sawNull ? null : false;
  }
  return deepEquals(input, v, env);
}

function anyTest(tests: Test[], input: Value, frame: Frame, env: Env): boolean | null {
  let sawNull = false;
  for (const test of tests) {
    const r = test(input, frame, env);
    if (r === true) return true;
    if (r !== false) sawNull = true;
  }
  return sawNull ? null : false;
}

/** A FEEL expression or unary tests, compiled. */
export interface CompiledFeel {
  run(frame: Frame, env: Env): Value;
}

/**
 * Compiles an already checked parse tree. Throws {@link ExpressionAbort} (`EXPR_EVAL`) for a
 * construct the evaluator does not support.
 *
 * @internal
 */
export function compileTree(top: SyntaxNode, source: string, kind: 'expression' | 'unaryTest'): CompiledFeel {
  const compiler = new Compiler(source);
  try {
    if (kind === 'unaryTest') {
      const tests = compiler.unaryTests(top);
      return {
        // A test that cannot decide (null) does not match.
        run: (frame, env) => tests(frame.lookup('?') ?? null, frame, env) === true,
      };
    }
    const closure = compiler.expression(top);
    return { run: closure };
  } catch (err) {
    if (err instanceof CompileError) {
      throw new ExpressionAbort(
        'EXPR_EVAL',
        `The expression uses something the evaluator does not support (${clip(err.message, 60)}).`,
      );
    }
    throw err;
  }
}

export { typeName, formatDate, formatDateTime, formatDt, formatTime, formatYm };
