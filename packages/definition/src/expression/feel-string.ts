/**
 * Decoding of FEEL string literals, exactly as feelin 8.2.0 does it (its `parseString`).
 *
 * @module
 */

const ESCAPES = /(\\")|(\\\\)|(\\n)|(\\r)|(\\t)|(\\u[a-fA-F0-9]{5,6})|((?:\\u[a-fA-F0-9]{1,4})+)/gi;

/**
 * The value of a FEEL string literal given its source text (with the quotes). Pure.
 *
 * @internal
 */
export function decodeFeelString(literal: string): string {
  let text = literal;
  if (text.startsWith('"')) text = text.slice(1);
  if (text.endsWith('"')) text = text.slice(0, -1);
  return text.replace(
    ESCAPES,
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
        const codes = charCodes
          .split('\\u')
          .filter((part) => part.length > 0)
          .map((part) => parseInt(part, 16));
        return String.fromCharCode(...codes);
      }
      return whole;
    },
  );
}
