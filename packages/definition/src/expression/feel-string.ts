/**
 * FEEL string literals: decoding as the DMN standard says, and re-encoding for feelin.
 *
 * The standard's escapes (DMN 1.5, grammar rules 64-66) are `\"`, `\'`, `\\`, `\n`, `\r`, `\t`,
 * `\u` with exactly four hex digits (a UTF-16 code unit, so surrogate pairs combine) and `\U` with
 * exactly six (a code point). feelin 8.2.0 decodes differently (`\U0041` is "A", `\u00e9e` is
 * U+0E9E, `\'` stays two characters), so the analysis rewrites every literal whose two decodings
 * differ into {@link encodeForFeelin}'s form, which feelin decodes to the standard's value, and
 * the compiled path decodes with {@link decodeFeelString}: one value on every path (issue 13).
 * A backslash before any other character is kept as it is, so regular expressions such as
 * `"\d+"` read as written.
 *
 * @module
 */

const SPEC_ESCAPES = /\\(?:(["'\\nrt])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{6}))/g;
const SIMPLE: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t' };

function unquote(literal: string): string {
  let text = literal;
  if (text.startsWith('"')) text = text.slice(1);
  if (text.endsWith('"')) text = text.slice(0, -1);
  return text;
}

/**
 * The value of a FEEL string literal given its source text (with the quotes), as the standard
 * says. Assumes {@link invalidFeelEscape} found nothing; an invalid escape is kept as written. Pure.
 *
 * @internal
 */
export function decodeFeelString(literal: string): string {
  return unquote(literal).replace(SPEC_ESCAPES, (whole: string, simple?: string, unit?: string, codePoint?: string) => {
    if (simple !== undefined) return SIMPLE[simple] ?? whole;
    if (unit !== undefined) return String.fromCharCode(parseInt(unit, 16));
    const value = parseInt(codePoint ?? '', 16);
    return value <= 0x10ffff ? String.fromCodePoint(value) : whole;
  });
}

/**
 * The first escape in a string literal that the standard does not allow: `\u` without four hex
 * digits, `\U` without six or above U+10FFFF. `undefined` when there is none. Pure.
 *
 * @internal
 */
export function invalidFeelEscape(literal: string): { at: number; text: string; message: string } | undefined {
  const offset = literal.startsWith('"') ? 1 : 0;
  const text = unquote(literal);
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    const next = text[i + 1];
    if (next === 'u' && !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      return {
        at: offset + i,
        text: text.slice(i, i + 6),
        message: '\\u takes exactly four hex digits (\\u0041); write \\U and six digits for a code point (\\U01F40E)',
      };
    }
    if (next === 'U') {
      const digits = text.slice(i + 2, i + 8);
      if (!/^[0-9a-fA-F]{6}$/.test(digits)) {
        return {
          at: offset + i,
          text: text.slice(i, i + 8),
          message:
            '\\U takes exactly six hex digits (\\U000041, \\U01F40E); write \\u and four digits for a UTF-16 unit (\\u0041)',
        };
      }
      if (parseInt(digits, 16) > 0x10ffff) {
        return { at: offset + i, text: text.slice(i, i + 8), message: 'code points end at \\U10FFFF' };
      }
    }
    i++;
  }
  return undefined;
}

/**
 * A string literal (with quotes) that feelin 8.2.0 decodes to exactly `value`: backslashes,
 * quotes and line breaks escaped, every other character as it is. Pure.
 *
 * @internal
 */
export function encodeForFeelin(value: string): string {
  return `"${value.replace(/[\\"\n\r]/g, (ch) => (ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : `\\${ch}`))}"`;
}

const FEELIN_ESCAPES = /(\\")|(\\\\)|(\\n)|(\\r)|(\\t)|(\\u[a-fA-F0-9]{5,6})|((?:\\u[a-fA-F0-9]{1,4})+)/gi;

/**
 * The value feelin 8.2.0 gives a string literal (its `parseString`), to tell when a literal must
 * be rewritten. Pure.
 *
 * @internal
 */
export function decodeAsFeelin(literal: string): string {
  return unquote(literal).replace(
    FEELIN_ESCAPES,
    (
      whole: string,
      quote?: string,
      backslash?: string,
      newline?: string,
      cr?: string,
      tab?: string,
      codePoint?: string,
      charCodes?: string,
    ) => {
      if (quote) return '"';
      if (newline) return '\n';
      if (cr) return '\r';
      if (tab) return '\t';
      if (backslash) return '\\';
      if (codePoint) {
        const value = parseInt(codePoint.slice(2), 16);
        return value <= 0x10ffff ? String.fromCodePoint(value) : whole;
      }
      if (charCodes) {
        const codes = [...charCodes.matchAll(/\\u([a-fA-F0-9]+)/gi)].map((m) => parseInt(m[1] ?? '', 16));
        return String.fromCharCode(...codes);
      }
      return whole;
    },
  );
}
