/**
 * Static analysis of a FEEL expression: parse with feelin's own (lezer) parser, enforce the
 * size/depth limits and the forbidden constructs, collect the names it reads, and plan the
 * rewrite that routes hot spots through the evaluation guards.
 *
 * The parse always uses an empty variable context, so the meaning of an expression never
 * depends on the keys of the data it is later evaluated with (feelin otherwise lets data keys
 * such as `"a and b"` change how `a and b` is tokenized).
 *
 * @module
 */

import { parseExpression, parseUnaryTests } from 'feelin';
import { clip, expressionError, type ExpressionError } from './expression-errors.ts';
import type { ExpressionLimits } from './expression-limits.ts';
import {
  BUILTIN_FUNCTION_NAMES,
  CLOCK_FUNCTIONS,
  FEEL_TYPE_NAMES,
  REGEX_FUNCTIONS,
  RUNTIME_GLOBAL_NAMES,
  forbiddenNameReason,
} from './feel-names.ts';
import { decodeFeelString, invalidFeelEscape } from './feel-string.ts';
import { compileSafeRegex } from './safe-regex.ts';
import { xsdPattern } from './feel-builtins.ts';
import { suggestClosest } from './suggest-closest.ts';

/** Whether the source is a FEEL expression or a list of unary tests (DMN input entries). */
export type ExpressionKind = 'expression' | 'unaryTest';

type Tree = ReturnType<typeof parseExpression>;
type SyntaxNode = Tree['topNode'];

/**
 * The outcome of {@link analyzeExpression}.
 *
 * @internal
 */
export interface ExpressionAnalysis {
  errors: ExpressionError[];
  /** Free names read as values outside filter conditions (data fields), sorted. */
  names: string[];
  /** Free names read inside filter conditions (a list element's field or a data field), sorted. */
  filterNames: string[];
  /** Static dotted paths from free names, e.g. `contract.status`, sorted. */
  paths: string[];
  /** Built-in functions called, sorted. */
  functions: string[];
  /** First offset of each free name. */
  nameOffsets: Map<string, number>;
  /** The parse tree's top node (only when there are no errors), for the evaluator. */
  top?: SyntaxNode;
}

interface Scope {
  readonly bound: ReadonlySet<string>;
  readonly inFilter: boolean;
}

const MAX_ERRORS = 20;

/** Whether a parse tree node is a comment (skipped by feelin). */
function isSkipped(node: SyntaxNode): boolean {
  return node.type.isSkipped && !node.type.isError;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (!isSkipped(child)) out.push(child);
  }
  return out;
}

/** A rough but deterministic syntax-error message with a hint for common mistakes. */
function describeSyntaxError(source: string, at: number): string {
  const near = source.slice(at, at + 12);
  const hints: [RegExp, string][] = [
    [/^==/, 'FEEL compares with a single "=", e.g. `status = "won"`'],
    [/^(&&|\|\|)/, 'FEEL uses `and` / `or`'],
    [/^!=?/, 'FEEL negates with `not(...)` and compares with `!=`'],
    [/^'/, 'FEEL strings use double quotes, e.g. "won"'],
    [/^[$#]\{/, 'template strings are not FEEL; build strings with `+`'],
    [/^`/, 'backticks are not FEEL; names may contain spaces without quoting'],
    [/^;/, 'FEEL has no statements; write a single expression'],
  ];
  const hint = hints.find(([pattern]) => pattern.test(near.trimStart()))?.[1];
  const where = at >= source.length ? 'at the end' : `at offset ${at} near "${clip(near, 12)}"`;
  return `Syntax error ${where}${hint === undefined ? '; check brackets, quotes and operators' : `: ${hint}`}.`;
}

/**
 * The deepest bracket nesting and the longest run of minus signs, outside strings and
 * comments. Checked before parsing because feelin's parser slows down super-linearly on deep
 * nesting (4,000 characters of nested contexts take seconds).
 */
function prescanNesting(source: string): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  let minusRun = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '"') {
      for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === '\\') i++;
      minusRun = 0;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth = Math.max(0, depth - 1);
    }
    if (ch === '-') {
      minusRun++;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r' && ch !== '(') {
      minusRun = 0;
    }
    const level = Math.max(depth, minusRun);
    if (level > max) {
      max = level;
      at = i;
    }
  }
  return { depth: max, at };
}

function parse(source: string, kind: ExpressionKind): Tree {
  return kind === 'unaryTest' ? parseUnaryTests(source, {}, undefined) : parseExpression(source, {}, undefined);
}

/** The numeric value of a literal (`12`, `-3.5`), or undefined. */
function numericLiteral(source: string, node: SyntaxNode): number | undefined {
  if (node.name === 'NumericLiteral') return Number(source.slice(node.from, node.to));
  if (node.name === 'ArithmeticExpression') {
    const kids = childrenOf(node);
    if (
      kids.length === 2 &&
      kids[0] !== undefined &&
      kids[1] !== undefined &&
      kids[1].name === 'NumericLiteral' &&
      source.slice(kids[0].from, kids[0].to) === '-'
    ) {
      return -Number(source.slice(kids[1].from, kids[1].to));
    }
  }
  if (node.name === 'ParenthesizedExpression') {
    const inner = childrenOf(node)[1];
    return inner === undefined ? undefined : numericLiteral(source, inner);
  }
  return undefined;
}

class Analyzer {
  readonly errors: ExpressionError[] = [];
  readonly valueNames = new Set<string>();
  readonly filterNames = new Set<string>();
  readonly calleeNames = new Set<string>();
  readonly functions = new Set<string>();
  readonly paths = new Set<string>();
  readonly nameOffsets = new Map<string, number>();

  constructor(
    private readonly source: string,
    private readonly limits: ExpressionLimits,
  ) {}

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  /** A name node's FEEL name: its identifier parts joined by single spaces (as feelin does). */
  private nameOf(node: SyntaxNode): string {
    const parts = childrenOf(node).map((child) => (child.name === 'Name' ? this.nameOf(child) : this.text(child)));
    return parts.length === 0 ? this.text(node).trim() : parts.join(' ');
  }

  error(error: ExpressionError): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(error);
  }

  private forbid(node: SyntaxNode, message: string): void {
    this.error(expressionError('EXPR_FORBIDDEN', message, node.from));
  }

  // ---- names -------------------------------------------------------------------------

  private checkName(node: SyntaxNode, name: string, role: string): boolean {
    const reason = forbiddenNameReason(name);
    if (reason !== undefined) {
      this.forbid(node, `The ${role} "${clip(name)}" is not allowed: ${reason}. Rename the field or context key.`);
      return false;
    }
    return true;
  }

  private reference(node: SyntaxNode, name: string, scope: Scope, callee: boolean): void {
    if (!this.checkName(node, name, 'name')) return;
    if (scope.bound.has(name)) return;
    if (RUNTIME_GLOBAL_NAMES.has(name)) {
      this.forbid(
        node,
        `"${name}" is not available: expressions can only read process data and call FEEL built-in functions.`,
      );
      return;
    }
    if (!this.nameOffsets.has(name)) this.nameOffsets.set(name, node.from);
    if (callee) {
      this.calleeNames.add(name);
    } else if (scope.inFilter) {
      this.filterNames.add(name);
    } else {
      this.valueNames.add(name);
    }
  }

  // ---- walk --------------------------------------------------------------------------

  visit(node: SyntaxNode, scope: Scope): void {
    switch (node.name) {
      case 'VariableName':
        this.reference(node, this.nameOf(node), scope, false);
        return;
      case 'PathExpression':
        this.visitPath(node, scope);
        return;
      case 'FilterExpression':
        this.visitFilter(node, scope);
        return;
      case 'FunctionInvocation':
        this.visitInvocation(node, scope);
        return;
      case 'DateTimeLiteral':
        this.visitDateTimeLiteral(node, scope);
        return;
      case 'ForExpression':
      case 'QuantifiedExpression':
        this.visitIteration(node, scope);
        return;
      case 'Context':
        this.visitContext(node, scope);
        return;
      case 'FunctionDefinition':
        this.forbid(
          node,
          'User-defined functions are not allowed (they permit unbounded recursion). Use built-in functions; a comparator `function(a, b) a.amount < b.amount` is allowed only as the second argument of sort().',
        );
        return;
      case 'InstanceOfExpression':
        this.visitInstanceOf(node, scope);
        return;
      case 'Comparison':
        this.visitComparison(node, scope);
        return;
      case 'ArithmeticExpression':
        this.visitArithmetic(node, scope);
        return;
      case 'SimplePositiveUnaryTest': {
        const kids = childrenOf(node);
        for (const kid of kids) this.visit(kid, scope);
        return;
      }
      case 'StringLiteral':
        this.visitStringLiteral(node);
        return;
      case 'NumericLiteral':
        this.visitNumericLiteral(node);
        return;
      case 'BacktickIdentifier':
        this.forbid(node, 'Backtick names are not supported; names may contain spaces without quoting.');
        return;
      default:
        for (const kid of childrenOf(node)) this.visit(kid, scope);
    }
  }

  /**
   * Number literals may have an exponent (`1.23e4`, `1e-2`). DMN's grammar (rule 37) shows none,
   * but the DMN TCK expects `12300 = 1.23e4` and the engines it lists accept it. Issue 8 rejected
   * the form because feelin's interpreter read `1e2` as 1 while the compiled path read 100; now
   * there is one evaluator, which reads the literal as an exact decimal (issue 13), so the form
   * is allowed. A literal too large for a decimal (over 6,144 digits of exponent) is rejected.
   */
  private visitNumericLiteral(node: SyntaxNode): void {
    const raw = this.text(node).replace(/\s+/g, '');
    const exponent = /[eE]([-+]?\d+)$/.exec(raw);
    if (exponent !== null && Math.abs(Number(exponent[1])) > 6000) {
      this.error(
        expressionError(
          'EXPR_SYNTAX',
          `The number "${clip(raw)}" is out of range: FEEL numbers have at most 34 significant digits and an exponent up to 6,000.`,
          node.from,
        ),
      );
    }
  }

  private visitStringLiteral(node: SyntaxNode): void {
    const raw = this.text(node);
    const invalid = invalidFeelEscape(raw);
    if (invalid !== undefined) {
      this.error(
        expressionError(
          'EXPR_SYNTAX',
          `Invalid escape "${clip(invalid.text)}" in a string: ${invalid.message}.`,
          node.from + invalid.at,
        ),
      );
      return;
    }
    // feelin decodes some escapes differently from the standard (`\U0041`, `\u00e9e`, `\'`):
    // hand it a literal it decodes to the standard's value (issue 13).
    const value = decodeFeelString(raw);
    if (value === '__proto__' || value === 'constructor' || value === 'prototype') {
      this.forbid(node, `The string "${value}" is not allowed: it names a JavaScript object internal.`);
    }
  }

  private visitPath(node: SyntaxNode, scope: Scope): void {
    const segments: string[] = [];
    let base: SyntaxNode = node;
    while (base.name === 'PathExpression') {
      const kids = childrenOf(base);
      const target = kids[0];
      const pathName = kids[2];
      if (target === undefined || pathName === undefined) break;
      const segment = this.nameOf(pathName);
      this.checkName(pathName, segment, 'path segment');
      segments.unshift(segment);
      base = target;
    }
    this.visit(base, scope);
    if (base.name === 'VariableName' && !scope.inFilter) {
      const root = this.nameOf(base);
      if (!scope.bound.has(root)) this.paths.add([root, ...segments].join('.'));
    }
  }

  private visitFilter(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const target = kids[0];
    const condition = kids[2];
    if (target !== undefined) {
      this.visit(target, scope);
    }
    if (condition !== undefined) {
      this.visit(condition, { bound: new Set([...scope.bound, 'item']), inFilter: true });
    }
  }

  private visitArguments(params: SyntaxNode | undefined, scope: Scope, callee: string | null): void {
    if (params === undefined) return;
    const args: { name: string | null; index: number; node: SyntaxNode }[] = [];
    if (params.name === 'NamedParameters') {
      childrenOf(params).forEach((param, index) => {
        const kids = childrenOf(param);
        const paramName = kids[0];
        const value = kids[1];
        if (paramName === undefined || value === undefined) return;
        const name = this.nameOf(paramName);
        if (this.checkName(paramName, name, 'parameter name')) args.push({ name, index, node: value });
      });
    } else {
      childrenOf(params).forEach((node, index) => args.push({ name: null, index, node }));
    }
    for (const arg of args) {
      if (arg.node.name === 'FunctionDefinition') {
        const isComparator = callee === 'sort' && (arg.name === 'precedes' || (arg.name === null && arg.index === 1));
        if (isComparator) {
          this.visitComparator(arg.node, scope);
        } else {
          this.visit(arg.node, scope);
        }
        continue;
      }
      this.visit(arg.node, scope);
    }
    if (callee !== null && REGEX_FUNCTIONS.has(callee)) this.checkRegexArguments(callee, args);
  }

  private checkRegexArguments(callee: string, args: { name: string | null; index: number; node: SyntaxNode }[]): void {
    const patternName = callee === 'split' ? 'delimiter' : 'pattern';
    const flagsIndex = callee === 'replace' ? 3 : callee === 'matches' ? 2 : -1;
    const find = (name: string, index: number): SyntaxNode | undefined =>
      args.find((arg) => (arg.name === null ? arg.index === index : arg.name === name))?.node;
    const pattern = find(patternName, 1);
    const flags = flagsIndex < 0 ? undefined : find('flags', flagsIndex);
    if (pattern?.name !== 'StringLiteral') return;
    if (flags !== undefined && flags.name !== 'StringLiteral' && flags.name !== 'null') return;
    const rawFlags = flags?.name === 'StringLiteral' ? decodeFeelString(this.text(flags)) : '';
    const xsd = xsdPattern(decodeFeelString(this.text(pattern)), rawFlags);
    if (/(?:^|[^\\])(?:\\\\)*\\0/.test(xsd.pattern)) {
      this.error(
        expressionError('EXPR_REGEX', `Invalid regular expression in ${callee}(): \\0 is not an escape.`, pattern.from),
      );
      return;
    }
    const flagText = xsd.flags;
    const compiled = compileSafeRegex(xsd.pattern, flagText, {
      maxPatternLength: this.limits.maxRegexPatternLength,
      maxProgramSize: this.limits.maxRegexProgramSize,
    });
    if (!compiled.ok) {
      this.error(
        expressionError('EXPR_REGEX', `Invalid regular expression in ${callee}(): ${compiled.message}.`, pattern.from),
      );
    }
  }

  private visitComparator(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    if (kids.some((kid) => kid.name === 'external')) {
      this.forbid(node, 'External functions are not allowed.');
      return;
    }
    const bound = new Set(scope.bound);
    const formal = kids.find((kid) => kid.name === 'FormalParameters');
    for (const param of formal === undefined ? [] : childrenOf(formal)) {
      const paramName = childrenOf(param)[0];
      if (paramName === undefined) continue;
      const name = this.nameOf(paramName);
      if (this.checkName(paramName, name, 'parameter name')) bound.add(name);
    }
    const body = childrenOf(kids.find((kid) => kid.name === 'FunctionBody') ?? node)[0];
    if (body === undefined) return;
    const inner = { bound, inFilter: scope.inFilter };
    this.visit(body, inner);
  }

  private visitInvocation(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const callee = kids[0];
    const params = kids.find((kid) => kid.name === 'PositionalParameters' || kid.name === 'NamedParameters');
    let builtin: string | null = null;
    if (callee?.name === 'VariableName') {
      const name = this.nameOf(callee);
      if (!scope.bound.has(name)) {
        if (CLOCK_FUNCTIONS.has(name)) {
          this.forbid(
            callee,
            `${name}() reads the real clock and is not allowed: pass the time as data, e.g. the field \`now\`.`,
          );
        } else if (
          !BUILTIN_FUNCTION_NAMES.has(name) &&
          forbiddenNameReason(name) === undefined &&
          !RUNTIME_GLOBAL_NAMES.has(name)
        ) {
          const suggestion = suggestClosest(
            name,
            [...BUILTIN_FUNCTION_NAMES].filter((builtin) => builtin !== '@'),
          );
          this.error(
            expressionError(
              'EXPR_UNKNOWN_FUNCTION',
              `Unknown function "${clip(name)}"${suggestion === undefined ? '' : `. Did you mean "${suggestion}"?`} Only FEEL built-in functions can be called.`,
              callee.from,
            ),
          );
        } else if (BUILTIN_FUNCTION_NAMES.has(name)) {
          builtin = name;
          this.functions.add(name);
        }
      }
      this.reference(callee, name, scope, true);
    } else if (callee?.name === 'SpecialFunctionName') {
      builtin = this.nameOf(callee);
      this.functions.add(builtin);
    } else if (callee !== undefined) {
      this.visit(callee, scope);
    }
    this.visitArguments(params, scope, builtin);
  }

  private visitDateTimeLiteral(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const constructor = kids[0];
    if (constructor?.name === 'DateTimeConstructor') {
      const name = this.nameOf(constructor);
      this.functions.add(name);
      this.visitArguments(
        kids.find((kid) => kid.name === 'PositionalParameters' || kid.name === 'NamedParameters'),
        scope,
        name,
      );
      return;
    }
    for (const kid of kids) this.visit(kid, scope);
  }

  private visitIteration(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const isFor = node.name === 'ForExpression';
    const clauses = kids.find((kid) => kid.name === 'InExpressions');
    const bound = new Set(scope.bound);
    for (const clause of clauses === undefined ? [] : childrenOf(clauses)) {
      const [nameNode, , source] = childrenOf(clause);
      if (source !== undefined) this.visitIterationSource(source, { bound: new Set(bound), inFilter: scope.inFilter });
      if (nameNode !== undefined) {
        const name = this.nameOf(nameNode);
        if (this.checkName(nameNode, name, 'loop variable')) bound.add(name);
      }
    }
    if (isFor) bound.add('partial');
    const body = kids[kids.length - 1];
    if (body === undefined || body === clauses) return;
    const inner = { bound, inFilter: scope.inFilter };
    this.visit(body, inner);
  }

  private visitIterationSource(source: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(source);
    if (kids.length === 3 && kids[1]?.name === '..' && kids[0] !== undefined && kids[2] !== undefined) {
      const [start, , end] = kids as [SyntaxNode, SyntaxNode, SyntaxNode];
      this.visit(start, scope);
      this.visit(end, scope);
      this.checkLiteralRange(source, start, end, true, true);
      return;
    }
    for (const kid of kids) this.visit(kid, scope);
    const interval = kids[0]?.name === 'SimplePositiveUnaryTest' ? childrenOf(kids[0])[0] : undefined;
    if (interval?.name === 'Interval') {
      const parts = childrenOf(interval);
      const start = parts[1];
      const end = parts[3];
      if (start !== undefined && end !== undefined) {
        this.checkLiteralRange(
          interval,
          start,
          end,
          this.text(parts[0] ?? interval) === '[',
          this.text(parts[4] ?? interval) === ']',
        );
      }
    }
  }

  private checkLiteralRange(
    node: SyntaxNode,
    startNode: SyntaxNode,
    endNode: SyntaxNode,
    startIncluded: boolean,
    endIncluded: boolean,
  ): void {
    const start = numericLiteral(this.source, startNode);
    const end = numericLiteral(this.source, endNode);
    if (start === undefined || end === undefined) return;
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      this.error(
        expressionError(
          'EXPR_TYPE',
          `The iteration range ${clip(this.text(node))} has a non-integer bound; iterate over integers, e.g. 1..10.`,
          node.from,
        ),
      );
      return;
    }
    const size = Math.abs(end - start) + 1 - (startIncluded ? 0 : 1) - (endIncluded ? 0 : 1);
    if (size > this.limits.maxIterationLength) {
      this.error(
        expressionError(
          'EXPR_LIMIT',
          `The iteration range ${clip(this.text(node))} has ${size} elements; the limit is ${this.limits.maxIterationLength}.`,
          node.from,
        ),
      );
    }
  }

  private visitContext(node: SyntaxNode, scope: Scope): void {
    const bound = new Set(scope.bound);
    for (const entry of childrenOf(node).filter((kid) => kid.name === 'ContextEntry')) {
      const [key, value] = childrenOf(entry);
      let keyName: string | undefined;
      const keyNode = key === undefined ? undefined : childrenOf(key)[0];
      if (keyNode?.name === 'StringLiteral') {
        keyName = decodeFeelString(this.text(keyNode));
      } else if (keyNode !== undefined) {
        keyName = this.nameOf(keyNode);
      }
      if (value !== undefined) this.visit(value, { bound: new Set(bound), inFilter: scope.inFilter });
      if (keyName !== undefined && key !== undefined && this.checkName(key, keyName, 'context key')) bound.add(keyName);
    }
  }

  private visitInstanceOf(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const value = kids[0];
    if (value !== undefined) {
      this.visit(value, scope);
    }
    const type = kids[kids.length - 1];
    if (type !== undefined) this.checkType(type);
  }

  private checkType(node: SyntaxNode): void {
    for (const kid of childrenOf(node)) {
      if (kid.name === 'QualifiedName') {
        const name = this.text(kid).replace(/\s+/g, ' ').trim();
        if (!FEEL_TYPE_NAMES.has(name)) {
          const suggestion = suggestClosest(name, FEEL_TYPE_NAMES);
          this.forbid(
            kid,
            `Unknown type "${clip(name)}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} Known types: ${[...FEEL_TYPE_NAMES].join(', ')}.`,
          );
        }
      } else if (kid.name === 'Name') {
        this.checkName(kid, this.nameOf(kid), 'context key');
      } else {
        this.checkType(kid);
      }
    }
  }

  private visitComparison(node: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(node);
    const right = kids[2];
    if (
      kids[1]?.name === 'CompareOp' &&
      right?.name === 'SimplePositiveUnaryTest' &&
      childrenOf(right)[0]?.name === 'CompareOp'
    ) {
      // `a == 1` parses as `a = (= 1)`, a comparison with a unary test that is always null.
      this.error(
        expressionError(
          'EXPR_SYNTAX',
          `Two comparison operators in a row in "${clip(this.text(node))}": FEEL compares with a single "=", e.g. \`status = "won"\`.`,
          right.from,
        ),
      );
      return;
    }
    for (const kid of kids) this.visit(kid, scope);
  }

  private visitArithmetic(node: SyntaxNode, scope: Scope): void {
    for (const kid of childrenOf(node)) this.visit(kid, scope);
  }
}

/**
 * Parses and analyses a FEEL expression. Pure; never throws.
 *
 * @internal
 */
export function analyzeExpression(source: unknown, kind: ExpressionKind, limits: ExpressionLimits): ExpressionAnalysis {
  const result: ExpressionAnalysis = {
    errors: [],
    names: [],
    filterNames: [],
    paths: [],
    functions: [],
    nameOffsets: new Map(),
  };
  if (typeof source !== 'string') {
    result.errors.push(
      expressionError(
        'EXPR_SYNTAX',
        `An expression must be a string, got ${source === null ? 'null' : typeof source}.`,
      ),
    );
    return result;
  }
  if (source.length > limits.maxSourceLength) {
    result.errors.push(
      expressionError(
        'EXPR_TOO_LONG',
        `The expression is ${source.length} characters long; the limit is ${limits.maxSourceLength}. Split the logic into several steps.`,
        limits.maxSourceLength,
      ),
    );
    return result;
  }
  if (source.trim() === '') {
    result.errors.push(
      expressionError('EXPR_SYNTAX', 'The expression is empty; write a FEEL expression such as `amount > 1000`.', 0),
    );
    return result;
  }
  const nesting = prescanNesting(source);
  if (nesting.depth > limits.maxSyntaxDepth / 2) {
    result.errors.push(
      expressionError(
        'EXPR_TOO_DEEP',
        `Brackets or minus signs nest ${nesting.depth} levels deep; the limit is ${Math.floor(limits.maxSyntaxDepth / 2)}. Flatten the expression or split it into several values.`,
        nesting.at,
      ),
    );
    return result;
  }
  let tree: Tree;
  try {
    tree = parse(source, kind);
  } catch {
    result.errors.push(expressionError('EXPR_SYNTAX', describeSyntaxError(source, 0), 0));
    return result;
  }
  // Size, depth and syntax errors, without recursion.
  const cursor = tree.cursor();
  let depth = 1;
  let nodes = 0;
  walk: for (;;) {
    nodes++;
    if (cursor.type.isError) {
      const at = cursor.from;
      result.errors.push(expressionError('EXPR_SYNTAX', describeSyntaxError(source, at), at));
      return result;
    }
    if (depth > limits.maxSyntaxDepth) {
      result.errors.push(
        expressionError(
          'EXPR_TOO_DEEP',
          `The expression nests deeper than ${limits.maxSyntaxDepth} levels; flatten it or split it into several values.`,
          cursor.from,
        ),
      );
      return result;
    }
    if (nodes > limits.maxSyntaxNodes) {
      result.errors.push(
        expressionError(
          'EXPR_TOO_LONG',
          `The expression has more than ${limits.maxSyntaxNodes} syntax nodes; simplify it.`,
          cursor.from,
        ),
      );
      return result;
    }
    if (cursor.firstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (cursor.nextSibling()) continue walk;
      if (!cursor.parent()) break walk;
      depth--;
    }
  }

  const analyzer = new Analyzer(source, limits);
  analyzer.visit(tree.topNode, { bound: new Set(), inFilter: false });
  result.errors.push(...analyzer.errors);
  result.names = [...analyzer.valueNames].sort();
  result.filterNames = [...analyzer.filterNames].filter((name) => !analyzer.valueNames.has(name)).sort();
  result.paths = [...analyzer.paths].sort();
  result.functions = [...analyzer.functions].sort();
  result.nameOffsets = analyzer.nameOffsets;
  if (result.errors.length > 0) return result;
  result.top = tree.topNode;
  return result;
}
