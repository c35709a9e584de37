/**
 * JSON parsing that says where the syntax error is.
 *
 * @module
 */

/** The result of {@link parseJsonText}: the value, or the parser's message with a 1-based position. */
export type ParseJsonTextResult =
  { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/**
 * Parses JSON text (a leading byte-order mark is ignored). On a syntax error, returns the
 * parser's message and the 1-based line and column of the first offending character (the end
 * of the text when it stops too early). Never throws.
 *
 * @example
 * parseJsonText('{\n  "a": 1,\n}'); // { ok: false, line: 3, column: 1, message: '...' }
 */
export function parseJsonText(text: string): ParseJsonTextResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 on Node 20 gives "at position N" for some errors only ("Unexpected token '\n', ... is
    // not valid JSON" has none), so the position comes from our own scan.
    return { ok: false, message, ...toLineColumn(body, findSyntaxErrorOffset(body)) };
  }
}

/**
 * Scans JSON text (RFC 8259) and returns the offset of the first character that cannot be
 * part of a valid document, or the text's length when the text ends too early or is valid.
 */
export function findSyntaxErrorOffset(text: string): number {
  const scanner = new Scanner(text);
  try {
    if (scanner.value()) {
      scanner.skipSpace();
      return scanner.at;
    }
    return Math.min(scanner.at, text.length);
  } catch {
    // Only absurd nesting depth overflows the stack; point at where the scan got to.
    return Math.min(scanner.at, text.length);
  }
}

class Scanner {
  at = 0;

  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  /** Scans one value; on failure `at` is left at the offending character. */
  value(): boolean {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.container('}', true);
    if (c === '[') return this.container(']', false);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (c === literal[0]) {
        for (const expected of literal) {
          if (this.text[this.at] !== expected) return false;
          this.at++;
        }
        return true;
      }
    }
    return false;
  }

  private container(close: string, isObject: boolean): boolean {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === close) {
      this.at++;
      return true;
    }
    for (;;) {
      if (isObject) {
        this.skipSpace();
        if (this.text[this.at] !== '"' || !this.string()) return false;
        this.skipSpace();
        if (this.text[this.at] !== ':') return false;
        this.at++;
      }
      if (!this.value()) return false;
      this.skipSpace();
      const c = this.text[this.at];
      if (c === close) {
        this.at++;
        return true;
      }
      if (c !== ',') return false;
      this.at++;
    }
  }

  private string(): boolean {
    this.at++;
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === '"') {
        this.at++;
        return true;
      }
      if (c < ' ') return false;
      if (c === '\\') {
        this.at++;
        const e = this.text[this.at];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            this.at++;
            if (!/^[0-9a-fA-F]$/.test(this.text[this.at] ?? '')) return false;
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          return false;
        }
      }
      this.at++;
    }
    return false;
  }

  private number(): boolean {
    if (this.text[this.at] === '-') this.at++;
    if (this.text[this.at] === '0') this.at++;
    else if (!this.digits()) return false;
    if (this.text[this.at] === '.') {
      this.at++;
      if (!this.digits()) return false;
    }
    if (this.text[this.at] === 'e' || this.text[this.at] === 'E') {
      this.at++;
      if (this.text[this.at] === '+' || this.text[this.at] === '-') this.at++;
      if (!this.digits()) return false;
    }
    return true;
  }

  private digits(): boolean {
    const start = this.at;
    while (this.at < this.text.length && this.text[this.at]! >= '0' && this.text[this.at]! <= '9') this.at++;
    return this.at > start;
  }
}

/** Converts a character offset in `text` to a 1-based line and column. */
function toLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
