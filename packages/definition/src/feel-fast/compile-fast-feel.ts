import { parseExpression } from 'feelin';
import { forbiddenNameReason } from '../expression/feel-names.ts';
import { decodeFeelString, invalidFeelEscape } from '../expression/feel-string.ts';

/**
 * Returned by a fast evaluator when a value falls outside the fast subset's semantics (mixed
 * types, lists in paths, dates, division by zero...): the caller then evaluates the expression
 * with the full, guarded FEEL interpreter instead.
 */
export const FALLBACK: unique symbol = Symbol('feel-fallback');

/** A compiled evaluator of the fast FEEL subset. Pure; reads own enumerable properties only. */
export type FastFeel = (data: Readonly<Record<string, unknown>>) => unknown;

/** The parse-tree cursor of feelin's lezer parser, as far as this module uses it. */
interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
  type: { isError: boolean };
}

const MAX_SOURCE = 500;

/**
 * Compiles the everyday subset of FEEL — literals, field paths, comparisons, arithmetic, `and`,
 * `or`, `not()`, `if … then … else`, parentheses — into a closure, once, so a condition such as
 * `amount > 100000 and region = "East"` evaluates in a microsecond instead of re-parsing every
 * time (feelin parses and builds its evaluator on every call: about 0.6 ms here).
 *
 * Returns `undefined` when the expression uses anything else: such expressions always take the
 * full interpreter. The closure returns {@link FALLBACK} when a value at run time needs FEEL
 * semantics the subset does not model; a differential test checks that every non-fallback result
 * equals feelin's.
 */
export function compileFastFeel(source: string): FastFeel | undefined {
  if (source.length > MAX_SOURCE) return undefined;
  let tree: { topNode: SyntaxNode };
  try {
    tree = parseExpression(source, {}, undefined);
  } catch {
    return undefined;
  }
  const top = tree.topNode;
  if (top.name !== 'Expression' || !top.firstChild || top.firstChild.nextSibling) return undefined;
  try {
    return compile(top.firstChild, source, 0) ?? undefined;
  } catch {
    return undefined;
  }
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.type.isError) throw new Error('error node');
    out.push(c);
  }
  return out;
}

const isPlainData = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return Array.isArray(v) || proto === Object.prototype || proto === null;
};

function compile(node: SyntaxNode, src: string, depth: number): FastFeel | undefined {
  if (depth > 32 || node.type.isError) return undefined;
  const text = () => src.slice(node.from, node.to);
  switch (node.name) {
    case 'NumericLiteral': {
      // No exponent in FEEL (DMN rule 37); feelin would read `1e2` as 1. Checked expressions
      // never get here with one; direct callers get the interpreter's answer (issue 8).
      if (/[eE]/.test(text())) return undefined;
      const n = Number(text());
      return Number.isFinite(n) ? () => n : undefined;
    }
    case 'StringLiteral': {
      // Escapes the standard does not allow are the checker's syntax error, not a value.
      if (invalidFeelEscape(text()) !== undefined) return undefined;
      const s = decodeFeelString(text());
      return () => s;
    }
    case 'BooleanLiteral': {
      const b = text() === 'true';
      return () => b;
    }
    case 'null':
      return () => null;
    case 'VariableName': {
      const [id, ...rest] = children(node);
      if (!id || rest.length > 0 || id.name !== 'Identifier') return undefined;
      const name = src.slice(id.from, id.to);
      // `not` read as a value in an expression that also calls not(): the interpreter keeps the
      // built-in for a name the expression calls, so leave that rare case to it.
      if (forbiddenNameReason(name) !== undefined || name.includes(' ') || name === 'not') return undefined;
      return (data) => (Object.prototype.propertyIsEnumerable.call(data, name) ? data[name] : null);
    }
    case 'PathExpression': {
      const [base, dot, pathName] = children(node);
      if (!base || dot?.name !== '.' || pathName?.name !== 'PathName') return undefined;
      const id = pathName.firstChild;
      if (!id || id.name !== 'Identifier' || id.nextSibling) return undefined;
      const key = src.slice(id.from, id.to);
      if (forbiddenNameReason(key) !== undefined) return undefined;
      const of = compile(base, src, depth + 1);
      if (!of) return undefined;
      return (data) => {
        const v = of(data);
        if (v === FALLBACK || Array.isArray(v)) return FALLBACK;
        if (v === null || typeof v !== 'object') return null;
        if (!isPlainData(v)) return FALLBACK;
        return Object.prototype.propertyIsEnumerable.call(v, key) ? (v as Record<string, unknown>)[key] : null;
      };
    }
    case 'ParenthesizedExpression': {
      const parts = children(node);
      if (parts.length !== 3) return undefined;
      return compile(parts[1]!, src, depth + 1);
    }
    case 'Comparison': {
      const [l, op, r, ...rest] = children(node);
      if (!l || op?.name !== 'CompareOp' || !r || rest.length > 0) return undefined;
      const left = compile(l, src, depth + 1);
      const right = compile(r, src, depth + 1);
      if (!left || !right) return undefined;
      return comparison(src.slice(op.from, op.to), left, right);
    }
    case 'ArithmeticExpression': {
      const parts = children(node);
      if (parts.length === 2 && parts[0]!.name === 'ArithOp' && src.slice(parts[0]!.from, parts[0]!.to) === '-') {
        const operand = compile(parts[1]!, src, depth + 1);
        if (!operand) return undefined;
        return (data) => {
          const v = operand(data);
          if (v === FALLBACK) return FALLBACK;
          if (v === null) return null;
          return typeof v === 'number' ? 0 - v : FALLBACK;
        };
      }
      const [l, op, r, ...rest] = parts;
      if (!l || op?.name !== 'ArithOp' || !r || rest.length > 0) return undefined;
      const left = compile(l, src, depth + 1);
      const right = compile(r, src, depth + 1);
      if (!left || !right) return undefined;
      return arithmetic(src.slice(op.from, op.to), left, right);
    }
    case 'Conjunction':
    case 'Disjunction': {
      const [l, kw, r, ...rest] = children(node);
      if (!l || !kw || !r || rest.length > 0) return undefined;
      const left = compile(l, src, depth + 1);
      const right = compile(r, src, depth + 1);
      if (!left || !right) return undefined;
      const isAnd = node.name === 'Conjunction';
      return (data) => {
        const a = left(data);
        const b = right(data);
        if (a === FALLBACK || b === FALLBACK) return FALLBACK;
        if (isAnd) {
          if (a === false || b === false) return false;
          return a === true && b === true ? true : null;
        }
        if (a === true || b === true) return true;
        return a === false && b === false ? false : null;
      };
    }
    case 'IfExpression': {
      const parts = children(node);
      const [kIf, c, kThen, t, kElse, e] = parts;
      if (parts.length !== 6 || kIf?.name !== 'if' || kThen?.name !== 'then' || kElse?.name !== 'else')
        return undefined;
      const cond = compile(c!, src, depth + 1);
      const then = compile(t!, src, depth + 1);
      const otherwise = compile(e!, src, depth + 1);
      if (!cond || !then || !otherwise) return undefined;
      return (data) => {
        const v = cond(data);
        if (v === true) return then(data);
        if (v === false || v === null) return otherwise(data);
        // feelin treats other values as truthy, which FEEL does not: leave them to it.
        return FALLBACK;
      };
    }
    case 'FunctionInvocation': {
      const [fn, open, params, close, ...rest] = children(node);
      if (
        fn?.name !== 'VariableName' ||
        src.slice(fn.from, fn.to) !== 'not' ||
        open?.name !== '(' ||
        params?.name !== 'PositionalParameters' ||
        close?.name !== ')' ||
        rest.length > 0
      )
        return undefined;
      const args = children(params);
      if (args.length !== 1) return undefined;
      const arg = compile(args[0]!, src, depth + 1);
      if (!arg) return undefined;
      return (data) => {
        const v = arg(data);
        if (v === FALLBACK) return FALLBACK;
        return typeof v === 'boolean' ? !v : null;
      };
    }
    default:
      return undefined;
  }
}

function comparison(op: string, left: FastFeel, right: FastFeel): FastFeel | undefined {
  const ordered = (a: unknown, b: unknown): number | null | typeof FALLBACK => {
    if (a === null || b === null) return null;
    if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))
      return a < b ? -1 : a > b ? 1 : 0;
    return FALLBACK;
  };
  const equal = (a: unknown, b: unknown): boolean | typeof FALLBACK => {
    if (a === null || b === null) return a === b;
    const t = typeof a;
    if (t === typeof b && (t === 'number' || t === 'string' || t === 'boolean')) return a === b;
    return FALLBACK;
  };
  switch (op) {
    case '=':
    case '!=':
      return (data) => {
        const a = left(data);
        const b = right(data);
        if (a === FALLBACK || b === FALLBACK) return FALLBACK;
        const eq = equal(a, b);
        if (eq === FALLBACK) return FALLBACK;
        return op === '=' ? eq : !eq;
      };
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (data) => {
        const a = left(data);
        const b = right(data);
        if (a === FALLBACK || b === FALLBACK) return FALLBACK;
        const c = ordered(a, b);
        if (c === null || c === FALLBACK) return c;
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      };
    default:
      return undefined;
  }
}

function arithmetic(op: string, left: FastFeel, right: FastFeel): FastFeel | undefined {
  if (!['+', '-', '*', '/'].includes(op)) return undefined;
  return (data) => {
    const a = left(data);
    const b = right(data);
    if (a === FALLBACK || b === FALLBACK) return FALLBACK;
    if (a === null || b === null) return null;
    if (typeof a !== 'number' || typeof b !== 'number') return FALLBACK;
    if (op === '/' && b === 0) return FALLBACK;
    const r = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
    // FEEL numbers are decimals: there is no negative zero (`0 / -1` is 0, as in the interpreter).
    return r === 0 ? 0 : r;
  };
}
