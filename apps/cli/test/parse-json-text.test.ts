import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { findSyntaxErrorOffset, parseJsonText } from '../src/parse-json-text.ts';
import { repoRoot } from './capture-io.ts';

describe('parseJsonText', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJsonText('{ "a": [1, 2] }')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseJsonText('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('locates a trailing comma at the line and column of the closing brace', () => {
    const result = parseJsonText('{\n  "a": 1,\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 1 });
  });

  it('locates a misspelt literal at the first character that breaks it', () => {
    // Node 20's message for this one ("Unexpected token '\n'") carries no position at all.
    expect(parseJsonText('{\n  "a": tru\n}')).toMatchObject({ ok: false, line: 2, column: 11 });
  });

  it('locates an unquoted property name', () => {
    expect(parseJsonText('{\n  "a": 1,\n  b: 2\n}')).toMatchObject({ ok: false, line: 3, column: 3 });
  });

  it('locates a bad escape inside a string', () => {
    expect(parseJsonText('["ok", "bad \\q"]')).toMatchObject({ ok: false, line: 1, column: 14 });
  });

  it('locates text after the document', () => {
    expect(parseJsonText('{}\n{}')).toMatchObject({ ok: false, line: 2, column: 1 });
  });

  it('puts "unexpected end" at the end of the text', () => {
    expect(parseJsonText('{\n  "a": ')).toMatchObject({ ok: false, line: 2, column: 8 });
  });

  it('puts an empty file at line 1, column 1', () => {
    expect(parseJsonText('')).toMatchObject({ ok: false, line: 1, column: 1 });
  });

  it('puts every failing truncation of a real definition at its end, and accepts the whole', () => {
    const text = readFileSync(`${repoRoot}examples/lead-to-contract/definition.json`, 'utf8');
    expect(findSyntaxErrorOffset(text)).toBe(text.length);
    let failures = 0;
    for (let cut = 0; cut < text.length; cut += 13) {
      const prefix = text.slice(0, cut);
      const result = parseJsonText(prefix);
      if (result.ok) continue;
      failures++;
      expect(findSyntaxErrorOffset(prefix)).toBe(cut);
    }
    expect(failures).toBeGreaterThan(100);
  });

  it('agrees with JSON.parse on which one-character corruptions are valid', () => {
    const text = '{ "a": [1, -2.5e3, true, null], "b": { "c": "x\\u00e9" } }';
    const replacements = ['"', ',', '}', ']', ':', ' ', 'x', '0', '-', '.', 'e', '\\'];
    const invalid: number[] = [];
    for (let i = 0; i < text.length; i++) {
      for (const r of replacements) {
        const corrupted = text.slice(0, i) + r + text.slice(i + 1);
        let valid = true;
        try {
          JSON.parse(corrupted);
        } catch {
          valid = false;
        }
        const offset = findSyntaxErrorOffset(corrupted);
        // Valid text scans to its end; an offset inside the text is a claim that it is invalid.
        if (valid) expect(offset, corrupted).toBe(corrupted.length);
        else invalid.push(offset);
      }
    }
    // Most corruptions are caught inside the text, not only at its end.
    expect(invalid.filter((o) => o < text.length).length).toBeGreaterThan(invalid.length / 2);
  });
});
