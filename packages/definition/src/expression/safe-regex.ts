/**
 * A small regular-expression engine whose running time is linear in the input (a Pike VM, as
 * in RE2), used for FEEL's `matches()`, `replace()` and `split()` instead of JavaScript's
 * backtracking `RegExp`, so that no pattern can cause catastrophic backtracking (ReDoS).
 *
 * Syntax and semantics follow JavaScript regular expressions with the `u` flag (what feelin
 * uses), minus the features that need backtracking: backreferences, lookahead/lookbehind and
 * `\p{...}` are rejected. Flags are FEEL's: `i`, `m`, `s` and `x`.
 *
 * @module
 */

const OP_CHAR = 0;
const OP_ANY = 1;
const OP_SPLIT = 2;
const OP_JMP = 3;
const OP_SAVE = 4;
const OP_CLEAR = 5;
const OP_ASSERT = 6;
const OP_MATCH = 7;

const ASSERT_START = 0;
const ASSERT_END = 1;
const ASSERT_WORD = 2;
const ASSERT_NOT_WORD = 3;

const MAX_CODE_POINT = 0x10ffff;

/** A set of code points: sorted, non-overlapping inclusive ranges `[lo0, hi0, lo1, hi1, ...]`. */
type CodePointRanges = number[];

interface CharSet {
  ranges: CodePointRanges;
  negated: boolean;
}

type RegexNode =
  | { t: 'empty' }
  | { t: 'char'; set: CharSet }
  | { t: 'any' }
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; options: RegexNode[] }
  | { t: 'group'; index: number | null; body: RegexNode }
  | { t: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean }
  | { t: 'assert'; kind: number };

interface Instruction {
  op: number;
  /** CHAR: the set. */
  set?: CharSet;
  /** SPLIT/JMP: preferred target; SAVE: slot; CLEAR: first slot; ASSERT: kind. */
  x: number;
  /** SPLIT: second target; CLEAR: last slot (exclusive). */
  y: number;
}

/** A compiled pattern. Opaque; create it with {@link compileSafeRegex}. */
export interface SafeRegex {
  readonly source: string;
  readonly flags: string;
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** @internal */
  readonly program: readonly Instruction[];
  /** @internal */
  readonly ignoreCase: boolean;
  /** @internal */
  readonly multiline: boolean;
  /** @internal */
  readonly dotAll: boolean;
}

/** The result of {@link compileSafeRegex}. */
export type SafeRegexResult = { ok: true; regex: SafeRegex } | { ok: false; message: string; offset?: number };

/** One match: UTF-16 offsets of the whole match and of each group (`-1` when unset). */
export interface SafeRegexMatch {
  index: number;
  end: number;
  /** `groups[2k]`, `groups[2k+1]` are start and end of group k (group 0 is the whole match). */
  groups: number[];
}

/** Called with the amount of work done; throws to abort (the evaluation budget). */
export type ChargeFunction = (steps: number) => void;

/** Size limits for compiling a pattern. */
export interface SafeRegexLimits {
  maxPatternLength: number;
  maxProgramSize: number;
}

class RegexSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const DIGIT: CodePointRanges = [0x30, 0x39];
const WORD: CodePointRanges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE: CodePointRanges = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];

function complement(ranges: CodePointRanges): CodePointRanges {
  const out: CodePointRanges = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i] ?? 0;
    const hi = ranges[i + 1] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

function normalizeRanges(ranges: CodePointRanges): CodePointRanges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] ?? 0, ranges[i + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: CodePointRanges = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) {
      out[last] = Math.max(out[last] ?? 0, hi);
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

function inRanges(ranges: CodePointRanges, c: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (c < (ranges[i] ?? 0)) return false;
    if (c <= (ranges[i + 1] ?? 0)) return true;
  }
  return false;
}

function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

const SYNTAX_CHARACTERS = new Set(Array.from('^$\\.*+?()[]{}|/', (ch) => ch.codePointAt(0) ?? 0));

/** Recursive-descent parser for the supported pattern syntax. */
class PatternParser {
  private readonly cps: number[];
  private readonly offsets: number[];
  private pos = 0;
  groupCount = 0;
  private depth = 0;

  constructor(pattern: string) {
    this.cps = [];
    this.offsets = [];
    let offset = 0;
    for (const ch of pattern) {
      this.cps.push(ch.codePointAt(0) ?? 0);
      this.offsets.push(offset);
      offset += ch.length;
    }
    this.offsets.push(offset);
  }

  private fail(message: string, at = this.pos): never {
    throw new RegexSyntaxError(message, this.offsets[Math.min(at, this.offsets.length - 1)] ?? 0);
  }

  private peek(ahead = 0): number | undefined {
    return this.cps[this.pos + ahead];
  }

  private eat(c: string): boolean {
    if (this.peek() === c.codePointAt(0)) {
      this.pos++;
      return true;
    }
    return false;
  }

  parse(): RegexNode {
    const node = this.parseDisjunction();
    if (this.pos < this.cps.length) {
      this.fail(this.peek() === 0x29 ? 'unmatched ")"' : 'unexpected character');
    }
    return node;
  }

  private parseDisjunction(): RegexNode {
    if (++this.depth > 200) this.fail('pattern nests too deeply');
    const options: RegexNode[] = [this.parseAlternative()];
    while (this.eat('|')) options.push(this.parseAlternative());
    this.depth--;
    return options.length === 1 ? (options[0] as RegexNode) : { t: 'alt', options };
  }

  private parseAlternative(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c /* | */ || c === 0x29 /* ) */) break;
      items.push(this.parseTerm());
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? (items[0] as RegexNode) : { t: 'seq', items };
  }

  private parseTerm(): RegexNode {
    const start = this.pos;
    const c = this.peek();
    if (c === 0x5e /* ^ */) {
      this.pos++;
      this.rejectQuantifier('an anchor');
      return { t: 'assert', kind: ASSERT_START };
    }
    if (c === 0x24 /* $ */) {
      this.pos++;
      this.rejectQuantifier('an anchor');
      return { t: 'assert', kind: ASSERT_END };
    }
    if (c === 0x5c /* \ */ && (this.peek(1) === 0x62 || this.peek(1) === 0x42) /* b B */) {
      this.pos += 2;
      this.rejectQuantifier('a word boundary');
      return { t: 'assert', kind: this.cps[this.pos - 1] === 0x62 ? ASSERT_WORD : ASSERT_NOT_WORD };
    }
    const atom = this.parseAtom();
    return this.parseQuantifier(atom, start);
  }

  private rejectQuantifier(what: string): void {
    const c = this.peek();
    if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.looksLikeQuantifier())) {
      this.fail(`${what} cannot be repeated`);
    }
  }

  private looksLikeQuantifier(): boolean {
    let i = this.pos + 1;
    let digits = 0;
    while (this.cps[i] !== undefined && (this.cps[i] ?? 0) >= 0x30 && (this.cps[i] ?? 0) <= 0x39) {
      i++;
      digits++;
    }
    return digits > 0;
  }

  private parseQuantifier(atom: RegexNode, start: number): RegexNode {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === 0x2a /* * */) {
      this.pos++;
      min = 0;
      max = Number.POSITIVE_INFINITY;
    } else if (c === 0x2b /* + */) {
      this.pos++;
      min = 1;
      max = Number.POSITIVE_INFINITY;
    } else if (c === 0x3f /* ? */) {
      this.pos++;
      min = 0;
      max = 1;
    } else if (c === 0x7b /* { */) {
      if (!this.looksLikeQuantifier()) this.fail('lone "{"; write \\{ to match a brace');
      this.pos++;
      min = this.parseCount();
      max = min;
      if (this.eat(',')) {
        max = this.peek() === 0x7d ? Number.POSITIVE_INFINITY : this.parseCount();
      }
      if (!this.eat('}')) this.fail('unterminated {n,m} quantifier');
      if (max < min) this.fail('numbers out of order in {n,m} quantifier', start);
    } else {
      return atom;
    }
    const greedy = !this.eat('?');
    const next = this.peek();
    if (next === 0x2a || next === 0x2b || next === 0x3f || (next === 0x7b && this.looksLikeQuantifier())) {
      this.fail('nothing to repeat (two quantifiers in a row)');
    }
    return { t: 'repeat', body: atom, min, max, greedy };
  }

  private parseCount(): number {
    let value = 0;
    let digits = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      digits++;
      this.pos++;
      if (value > 1000) this.fail('repetition count above 1000');
    }
    if (digits === 0) this.fail('expected a number in {n,m} quantifier');
    return value;
  }

  private parseAtom(): RegexNode {
    const c = this.peek();
    if (c === undefined) this.fail('unexpected end of pattern');
    if (c === 0x2e /* . */) {
      this.pos++;
      return { t: 'any' };
    }
    if (c === 0x28 /* ( */) return this.parseGroup();
    if (c === 0x5b /* [ */) return { t: 'char', set: this.parseClass() };
    if (c === 0x5c /* \ */) {
      this.pos++;
      const escaped = this.parseEscape(false);
      return { t: 'char', set: escaped };
    }
    if (c === 0x2a || c === 0x2b || c === 0x3f) this.fail('nothing to repeat');
    if (c === 0x7b) this.fail('lone "{"; write \\{ to match a brace');
    if (c === 0x7d) this.fail('lone "}"; write \\} to match a brace');
    if (c === 0x5d) this.fail('lone "]"; write \\] to match a bracket');
    this.pos++;
    return { t: 'char', set: { ranges: [c, c], negated: false } };
  }

  private parseGroup(): RegexNode {
    const open = this.pos;
    this.pos++;
    let index: number | null;
    if (this.eat('?')) {
      if (this.eat(':')) {
        index = null;
      } else if (this.peek() === 0x3c /* < */ && this.peek(1) !== 0x3d && this.peek(1) !== 0x21) {
        this.pos++;
        let nameLength = 0;
        while (this.peek() !== undefined && this.peek() !== 0x3e /* > */) {
          const ch = this.peek() ?? 0;
          if (!isWordChar(ch) && ch !== 0x24) this.fail('invalid group name');
          this.pos++;
          nameLength++;
        }
        if (!this.eat('>') || nameLength === 0) this.fail('invalid group name');
        index = ++this.groupCount;
      } else if (this.peek() === 0x3d || this.peek() === 0x21 || this.peek() === 0x3c) {
        this.fail('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported', open);
      } else {
        this.fail('invalid group: only (...), (?:...) and (?<name>...) are supported', open);
      }
    } else {
      index = ++this.groupCount;
    }
    const body = this.parseDisjunction();
    if (!this.eat(')')) this.fail('missing ")"', open);
    return { t: 'group', index, body };
  }

  /** Parses what follows a backslash; returns the set it stands for. */
  private parseEscape(inClass: boolean): CharSet {
    const at = this.pos - 1;
    const c = this.peek();
    if (c === undefined) this.fail('pattern ends with a backslash', at);
    this.pos++;
    const single = (cp: number): CharSet => ({ ranges: [cp, cp], negated: false });
    switch (String.fromCodePoint(c)) {
      case 'd':
        return { ranges: DIGIT, negated: false };
      case 'D':
        return { ranges: DIGIT, negated: true };
      case 'w':
        return { ranges: WORD, negated: false };
      case 'W':
        return { ranges: WORD, negated: true };
      case 's':
        return { ranges: SPACE, negated: false };
      case 'S':
        return { ranges: SPACE, negated: true };
      case 'n':
        return single(0x0a);
      case 'r':
        return single(0x0d);
      case 't':
        return single(0x09);
      case 'f':
        return single(0x0c);
      case 'v':
        return single(0x0b);
      case 'b':
        if (inClass) return single(0x08);
        break;
      case '-':
        if (inClass) return single(0x2d);
        break;
      case '0': {
        const next = this.peek();
        if (next !== undefined && next >= 0x30 && next <= 0x39) this.fail('octal escapes are not supported', at);
        return single(0);
      }
      case 'c': {
        const letter = this.peek();
        if (letter !== undefined && ((letter >= 0x41 && letter <= 0x5a) || (letter >= 0x61 && letter <= 0x7a))) {
          this.pos++;
          return single(letter % 32);
        }
        this.fail('invalid \\c escape', at);
        break;
      }
      case 'x': {
        if (isHex(this.peek()) && isHex(this.peek(1))) {
          const value = parseInt(String.fromCodePoint(this.peek() ?? 0, this.peek(1) ?? 0), 16);
          this.pos += 2;
          return single(value);
        }
        this.fail('invalid \\x escape: use \\xHH', at);
        break;
      }
      case 'u':
        return single(this.parseUnicodeEscape(at));
      case 'p':
      case 'P':
        this.fail('Unicode property escapes (\\p{...}) are not supported', at);
        break;
      case 'k':
        this.fail('backreferences (\\k<name>) are not supported', at);
        break;
      default:
        if (c >= 0x31 && c <= 0x39) this.fail('backreferences (\\1 ... \\9) are not supported', at);
        if (SYNTAX_CHARACTERS.has(c)) return single(c);
    }
    this.fail(`invalid escape "\\${String.fromCodePoint(c)}"`, at);
  }

  private parseUnicodeEscape(at: number): number {
    if (this.eat('{')) {
      let value = 0;
      let digits = 0;
      while (isHex(this.peek())) {
        value = value * 16 + parseInt(String.fromCodePoint(this.peek() ?? 0), 16);
        digits++;
        this.pos++;
        if (value > MAX_CODE_POINT) this.fail('code point above 10FFFF', at);
      }
      if (digits === 0 || !this.eat('}')) this.fail('invalid \\u{...} escape', at);
      return value;
    }
    const hex4 = (): number | undefined => {
      for (let k = 0; k < 4; k++) if (!isHex(this.peek(k))) return undefined;
      const value = parseInt(String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 4)), 16);
      this.pos += 4;
      return value;
    };
    const lead = hex4();
    if (lead === undefined) this.fail('invalid \\u escape: use \\uHHHH or \\u{H...}', at);
    if (lead >= 0xd800 && lead <= 0xdbff && this.peek() === 0x5c && this.peek(1) === 0x75) {
      const save = this.pos;
      this.pos += 2;
      const trail = hex4();
      if (trail !== undefined && trail >= 0xdc00 && trail <= 0xdfff) {
        return (lead - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
      }
      this.pos = save;
    }
    return lead;
  }

  private parseClass(): CharSet {
    const open = this.pos;
    this.pos++;
    const negated = this.eat('^');
    const ranges: CodePointRanges = [];
    const classAtom = (): CharSet | number => {
      const c = this.peek();
      if (c === undefined) this.fail('missing "]"', open);
      this.pos++;
      if (c === 0x5c) {
        const set = this.parseEscape(true);
        if (!set.negated && set.ranges.length === 2 && set.ranges[0] === set.ranges[1]) return set.ranges[0] ?? 0;
        return set;
      }
      return c;
    };
    while (this.peek() !== 0x5d /* ] */) {
      if (this.peek() === undefined) this.fail('missing "]"', open);
      const first = classAtom();
      if (this.peek() === 0x2d /* - */ && this.peek(1) !== 0x5d && this.peek(1) !== undefined) {
        this.pos++;
        const second = classAtom();
        if (typeof first !== 'number' || typeof second !== 'number') {
          this.fail('a class escape like \\d cannot be a range bound', open);
        }
        if (second < first) this.fail('range out of order in character class', open);
        ranges.push(first, second);
        continue;
      }
      if (typeof first === 'number') {
        ranges.push(first, first);
      } else {
        ranges.push(...(first.negated ? complement(first.ranges) : first.ranges));
      }
    }
    this.pos++;
    return { ranges: normalizeRanges(ranges), negated };
  }
}

class ProgramTooLarge extends Error {}

/** Compiles the syntax tree into Pike VM instructions. */
class Compiler {
  readonly program: Instruction[] = [];
  constructor(private readonly maxSize: number) {}

  private emit(op: number, x = 0, y = 0, set?: CharSet): number {
    if (this.program.length >= this.maxSize) throw new ProgramTooLarge();
    this.program.push(set === undefined ? { op, x, y } : { op, x, y, set });
    return this.program.length - 1;
  }

  private patch(at: number, field: 'x' | 'y', target: number): void {
    const inst = this.program[at];
    if (inst !== undefined) inst[field] = target;
  }

  compile(node: RegexNode): void {
    switch (node.t) {
      case 'empty':
        return;
      case 'char':
        this.emit(OP_CHAR, 0, 0, node.set);
        return;
      case 'any':
        this.emit(OP_ANY);
        return;
      case 'assert':
        this.emit(OP_ASSERT, node.kind);
        return;
      case 'seq':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        node.options.forEach((option, i) => {
          if (i < node.options.length - 1) {
            const split = this.emit(OP_SPLIT);
            this.patch(split, 'x', this.program.length);
            this.compile(option);
            jumps.push(this.emit(OP_JMP));
            this.patch(split, 'y', this.program.length);
          } else {
            this.compile(option);
          }
        });
        for (const jump of jumps) this.patch(jump, 'x', this.program.length);
        return;
      }
      case 'group':
        if (node.index === null) {
          this.compile(node.body);
        } else {
          this.emit(OP_SAVE, node.index * 2);
          this.compile(node.body);
          this.emit(OP_SAVE, node.index * 2 + 1);
        }
        return;
      case 'repeat':
        this.compileRepeat(node.body, node.min, node.max, node.greedy);
        return;
    }
  }

  private compileBody(body: RegexNode): void {
    // JavaScript clears the captures inside a quantified group at the start of each iteration.
    const range = groupRange(body);
    if (range !== null) this.emit(OP_CLEAR, range[0] * 2, range[1] * 2 + 2);
    this.compile(body);
  }

  private compileRepeat(body: RegexNode, min: number, max: number, greedy: boolean): void {
    for (let i = 0; i < min; i++) this.compileBody(body);
    if (max === Number.POSITIVE_INFINITY) {
      const split = this.emit(OP_SPLIT);
      const bodyStart = this.program.length;
      this.compileBody(body);
      this.emit(OP_JMP, split);
      const end = this.program.length;
      this.patch(split, greedy ? 'x' : 'y', bodyStart);
      this.patch(split, greedy ? 'y' : 'x', end);
      return;
    }
    const exits: number[] = [];
    for (let i = min; i < max; i++) {
      const split = this.emit(OP_SPLIT);
      exits.push(split);
      this.patch(split, greedy ? 'x' : 'y', this.program.length);
      this.compileBody(body);
    }
    for (const split of exits) this.patch(split, greedy ? 'y' : 'x', this.program.length);
  }
}

function groupRange(node: RegexNode): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  const visit = (n: RegexNode): void => {
    switch (n.t) {
      case 'group':
        if (n.index !== null) {
          lo = Math.min(lo, n.index);
          hi = Math.max(hi, n.index);
        }
        visit(n.body);
        return;
      case 'seq':
        n.items.forEach(visit);
        return;
      case 'alt':
        n.options.forEach(visit);
        return;
      case 'repeat':
        visit(n.body);
        return;
      default:
        return;
    }
  };
  visit(node);
  return hi < 0 ? null : [lo, hi];
}

/** Removes unescaped whitespace outside character classes (the FEEL/XPath `x` flag). */
function stripExtendedWhitespace(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    if (!inClass && (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r')) continue;
    out += ch;
  }
  return out;
}

/**
 * Compiles a pattern for the linear-time engine. Pure; never throws.
 *
 * @param flags FEEL flags: any of `i` (ignore case), `m` (multi-line anchors), `s` (dot matches
 *   newlines), `x` (ignore whitespace in the pattern).
 * @example
 * const r = compileSafeRegex('^[0-9]{5}$', '', { maxPatternLength: 1000, maxProgramSize: 10000 });
 * r.ok && regexTest(r.regex, '12345', () => {}); // true
 */
export function compileSafeRegex(pattern: string, flags: string, limits: SafeRegexLimits): SafeRegexResult {
  if (typeof pattern !== 'string' || typeof flags !== 'string') {
    return { ok: false, message: 'pattern and flags must be strings' };
  }
  if (pattern.length > limits.maxPatternLength) {
    return {
      ok: false,
      message: `pattern is ${pattern.length} characters long; the limit is ${limits.maxPatternLength}`,
    };
  }
  for (const flag of flags) {
    if (!'imsx'.includes(flag)) {
      return { ok: false, message: `unknown flag "${flag}"; use any of "i", "m", "s", "x"` };
    }
  }
  const source = flags.includes('x') ? stripExtendedWhitespace(pattern) : pattern;
  try {
    const parser = new PatternParser(source);
    const tree = parser.parse();
    const compiler = new Compiler(limits.maxProgramSize);
    compiler.compile({ t: 'group', index: 0, body: tree });
    compiler.program.push({ op: OP_MATCH, x: 0, y: 0 });
    return {
      ok: true,
      regex: {
        source: pattern,
        flags,
        groupCount: parser.groupCount,
        program: compiler.program,
        ignoreCase: flags.includes('i'),
        multiline: flags.includes('m'),
        dotAll: flags.includes('s'),
      },
    };
  } catch (err) {
    if (err instanceof RegexSyntaxError) return { ok: false, message: err.message, offset: err.offset };
    if (err instanceof ProgramTooLarge) {
      return {
        ok: false,
        message: `pattern compiles to more than ${limits.maxProgramSize} instructions; use smaller {n,m} counts`,
      };
    }
    return { ok: false, message: 'pattern could not be compiled' };
  }
}

function caseVariants(c: number): [number, number] {
  const ch = String.fromCodePoint(c);
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  const l = lower.length === ch.length ? (lower.codePointAt(0) ?? c) : c;
  const u = upper.length === ch.length ? (upper.codePointAt(0) ?? c) : c;
  return [l, u];
}

function testSet(set: CharSet, c: number, ignoreCase: boolean): boolean {
  let hit = inRanges(set.ranges, c);
  if (!hit && ignoreCase) {
    const [l, u] = caseVariants(c);
    hit = (l !== c && inRanges(set.ranges, l)) || (u !== c && inRanges(set.ranges, u));
  }
  return hit !== set.negated;
}

/** Fixed cost of one search call, in steps (setting up the VM). */
const SEARCH_COST = 8;

/** A Pike VM over one compiled pattern; reusable across searches of that pattern. */
class PikeVm {
  private readonly program: readonly Instruction[];
  private readonly mark: Int32Array;
  private generation = 0;
  private currentPcs: Int32Array;
  private currentCaps: number[][];
  private currentCount = 0;
  private nextPcs: Int32Array;
  private nextCaps: number[][];
  private nextCount = 0;
  private readonly stackPc: number[] = [];
  private readonly stackCaps: number[][] = [];
  private readonly empty: number[];
  private input = '';
  work = 0;

  constructor(private readonly regex: SafeRegex) {
    this.program = regex.program;
    const size = regex.program.length;
    this.mark = new Int32Array(size);
    this.currentPcs = new Int32Array(size);
    this.nextPcs = new Int32Array(size);
    this.currentCaps = new Array<number[]>(size);
    this.nextCaps = new Array<number[]>(size);
    this.empty = new Array<number>((regex.groupCount + 1) * 2).fill(-1);
  }

  private assertHolds(kind: number, pos: number): boolean {
    const input = this.input;
    const prev = pos > 0 ? input.charCodeAt(pos - 1) : -1;
    const next = pos < input.length ? input.charCodeAt(pos) : -1;
    switch (kind) {
      case ASSERT_START:
        return pos === 0 || (this.regex.multiline && isLineTerminator(prev));
      case ASSERT_END:
        return pos === input.length || (this.regex.multiline && isLineTerminator(next));
      case ASSERT_WORD:
        return (prev >= 0 && isWordChar(prev)) !== (next >= 0 && isWordChar(next));
      default:
        return (prev >= 0 && isWordChar(prev)) === (next >= 0 && isWordChar(next));
    }
  }

  /** Follows the epsilon closure from `startPc`, appending consuming threads to the next list. */
  private addThread(startPc: number, startCaps: number[], pos: number): void {
    const { stackPc, stackCaps, mark, program } = this;
    stackPc.push(startPc);
    stackCaps.push(startCaps);
    const generation = this.generation;
    while (stackPc.length > 0) {
      const pc = stackPc.pop() as number;
      const caps = stackCaps.pop() as number[];
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      this.work++;
      const inst = program[pc] as Instruction;
      switch (inst.op) {
        case OP_JMP:
          stackPc.push(inst.x);
          stackCaps.push(caps);
          break;
        case OP_SPLIT:
          stackPc.push(inst.y, inst.x);
          stackCaps.push(caps, caps);
          break;
        case OP_SAVE: {
          const copy = caps.slice();
          copy[inst.x] = pos;
          stackPc.push(pc + 1);
          stackCaps.push(copy);
          break;
        }
        case OP_CLEAR: {
          const copy = caps.slice();
          for (let k = inst.x; k < inst.y && k < copy.length; k++) copy[k] = -1;
          stackPc.push(pc + 1);
          stackCaps.push(copy);
          break;
        }
        case OP_ASSERT:
          if (this.assertHolds(inst.x, pos)) {
            stackPc.push(pc + 1);
            stackCaps.push(caps);
          }
          break;
        default:
          this.nextPcs[this.nextCount] = pc;
          this.nextCaps[this.nextCount] = caps;
          this.nextCount++;
      }
    }
  }

  private swap(): void {
    const pcs = this.currentPcs;
    const caps = this.currentCaps;
    this.currentPcs = this.nextPcs;
    this.currentCaps = this.nextCaps;
    this.currentCount = this.nextCount;
    this.nextPcs = pcs;
    this.nextCaps = caps;
    this.nextCount = 0;
  }

  search(input: string, from: number, charge: ChargeFunction): number[] | null {
    const empty = this.empty;
    this.input = input;
    this.work = SEARCH_COST;
    this.currentCount = 0;
    this.nextCount = 0;
    try {
      return this.run(input, from, charge);
    } finally {
      // Drop references so the cached VM does not keep the input or capture arrays alive.
      this.input = '';
      this.currentCaps.fill(empty);
      this.nextCaps.fill(empty);
    }
  }

  private run(input: string, from: number, charge: ChargeFunction): number[] | null {
    const { program, regex, empty } = this;
    const length = input.length;
    let matched: number[] | null = null;
    let pos = from;
    this.generation++;
    this.addThread(0, empty, pos);
    this.swap();
    for (;;) {
      charge(this.work + this.currentCount);
      this.work = 0;
      if (this.currentCount === 0 && (matched !== null || pos >= length)) break;
      const c = pos < length ? (input.codePointAt(pos) as number) : -1;
      const nextPos = pos + (c > 0xffff ? 2 : 1);
      this.generation++;
      const count = this.currentCount;
      const pcs = this.currentPcs;
      const caps = this.currentCaps;
      for (let i = 0; i < count; i++) {
        const pc = pcs[i] as number;
        const inst = program[pc] as Instruction;
        if (inst.op === OP_MATCH) {
          matched = caps[i] as number[];
          break;
        }
        if (c < 0) continue;
        if (inst.op === OP_CHAR) {
          if (testSet(inst.set as CharSet, c, regex.ignoreCase)) this.addThread(pc + 1, caps[i] as number[], nextPos);
        } else if (inst.op === OP_ANY) {
          if (regex.dotAll || !isLineTerminator(c)) this.addThread(pc + 1, caps[i] as number[], nextPos);
        }
      }
      if (pos >= length) break;
      pos = nextPos;
      if (matched === null) this.addThread(0, empty, pos);
      this.swap();
    }
    return matched;
  }
}

const VMS = new WeakMap<SafeRegex, PikeVm>();

/**
 * Finds the leftmost match at or after `from` (JavaScript's leftmost-first priority). Work is
 * O(input × program) and is reported to `charge` as it happens.
 */
export function regexSearch(
  regex: SafeRegex,
  input: string,
  from: number,
  charge: ChargeFunction,
): SafeRegexMatch | null {
  let vm = VMS.get(regex);
  if (vm === undefined) {
    vm = new PikeVm(regex);
    VMS.set(regex, vm);
  }
  const matched = vm.search(input, from, charge);
  if (matched === null) return null;
  return { index: matched[0] ?? 0, end: matched[1] ?? 0, groups: matched.slice() };
}

/** Whether the pattern matches anywhere in `input` (FEEL `matches()`). */
export function regexTest(regex: SafeRegex, input: string, charge: ChargeFunction): boolean {
  return regexSearch(regex, input, 0, charge) !== null;
}

function advance(input: string, index: number): number {
  const c = input.codePointAt(index);
  return index + (c !== undefined && c > 0xffff ? 2 : 1);
}

/** Expands `$0`, `$&`, `$1`..`$99`, `` $` ``, `$'` and `$$` in a replacement (JavaScript rules). */
function expandReplacement(replacement: string, input: string, match: SafeRegexMatch, groupCount: number): string {
  if (!replacement.includes('$')) return replacement;
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i];
    if (ch !== '$' || i + 1 >= replacement.length) {
      out += ch;
      continue;
    }
    const next = replacement[i + 1] ?? '';
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '&' || next === '0') {
      out += input.slice(match.index, match.end);
      i++;
    } else if (next === '`') {
      out += input.slice(0, match.index);
      i++;
    } else if (next === "'") {
      out += input.slice(match.end);
      i++;
    } else if (next >= '1' && next <= '9') {
      const two = replacement[i + 2];
      let group = Number(next);
      let used = 1;
      if (two !== undefined && two >= '0' && two <= '9' && group * 10 + Number(two) <= groupCount) {
        group = group * 10 + Number(two);
        used = 2;
      }
      if (group > groupCount) {
        out += '$' + next;
        i++;
        continue;
      }
      const start = match.groups[group * 2] ?? -1;
      const end = match.groups[group * 2 + 1] ?? -1;
      if (start >= 0 && end >= 0) out += input.slice(start, end);
      i += used;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Replaces every match (FEEL `replace()`); the replacement may use `$0`..`$99`. Empty matches
 * advance by one code point, as in JavaScript.
 */
export function regexReplace(regex: SafeRegex, input: string, replacement: string, charge: ChargeFunction): string {
  const parts: string[] = [];
  let copied = 0;
  let from = 0;
  while (from <= input.length) {
    const match = regexSearch(regex, input, from, charge);
    if (match === null) break;
    parts.push(input.slice(copied, match.index), expandReplacement(replacement, input, match, regex.groupCount));
    charge(1 + (match.end - copied) / 16);
    copied = match.end;
    from = match.end === match.index ? advance(input, match.end) : match.end;
  }
  parts.push(input.slice(copied));
  return parts.join('');
}

/**
 * Splits `input` around the matches (FEEL `split()`, JavaScript `String.prototype.split`
 * semantics: captured groups are included, `null` for unset ones).
 */
export function regexSplit(regex: SafeRegex, input: string, charge: ChargeFunction): (string | null)[] {
  const size = input.length;
  if (size === 0) {
    const match = regexSearch(regex, input, 0, charge);
    return match !== null && match.index === 0 ? [] : [input];
  }
  const out: (string | null)[] = [];
  let p = 0;
  let q = 0;
  while (q < size) {
    const match = regexSearch(regex, input, q, charge);
    if (match === null || match.index >= size) break;
    const e = Math.min(match.end, size);
    if (e === p) {
      q = advance(input, match.index);
      continue;
    }
    out.push(input.slice(p, match.index));
    for (let g = 1; g <= regex.groupCount; g++) {
      const start = match.groups[g * 2] ?? -1;
      const end = match.groups[g * 2 + 1] ?? -1;
      out.push(start >= 0 && end >= 0 ? input.slice(start, end) : null);
    }
    charge(1 + regex.groupCount);
    p = e;
    q = p;
  }
  out.push(input.slice(p));
  return out;
}
