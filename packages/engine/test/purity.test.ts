import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/reliability.md F4 and the "pure packages stay pure" rule, checked on the source text. The
// packages' tsconfig (`"types": []`, no DOM) catches Node and browser globals at type-check time;
// this catches what type-checking allows: evaluators, the clock and randomness.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const pure = ['packages/definition/src', 'packages/engine/src', 'packages/client/src'];
const forbidden: [RegExp, string][] = [
  [/\beval\s*\(/, 'eval'],
  [/new\s+Function\s*\(/, 'new Function'],
  [/['"]node:vm['"]|['"]vm2['"]/, 'vm'],
  [/\bDate\.now\s*\(/, 'the clock (Date.now)'],
  [/new\s+Date\s*\(\s*\)/, 'the clock (new Date())'],
  [/\bMath\.random\s*\(/, 'randomness'],
  [/\bperformance\.now\s*\(/, 'the clock (performance.now)'],
  [/\bfrom\s+['"]node:/, 'a Node built-in module'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('the pure packages', () => {
  it.each(pure)('%s uses no evaluator, clock, randomness or Node module', (dir) => {
    const found: string[] = [];
    for (const file of sources(join(root, dir))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line)) return;
          for (const [pattern, what] of forbidden)
            if (pattern.test(line)) found.push(`${file.slice(root.length)}:${i + 1}: ${what}`);
        });
    }
    expect(found).toEqual([]);
  });
});
