/**
 * FEEL string literals: decoding as the DMN standard says.
 *
 * The standard's escapes (DMN 1.5, grammar rules 64-66) are `\"`, `\'`, `\\`, `\n`, `\r`, `\t`,
 * `\u` with exactly four hex digits (a UTF-16 code unit, so surrogate pairs combine) and `\U` with
 * exactly six (a code point). feelin 8.2.0 decodes differently (`\U0041` is "A", `\u00e9e` is
 * U+0E9E, `\'` stays two characters); Baton's evaluator decodes with {@link decodeFeelString}
 * (issue 13).
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
