import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSafeRegex, regexReplace, regexSearch, regexSplit, regexTest, type SafeRegex } from './safe-regex.ts';

const LIMITS = { maxPatternLength: 1000, maxProgramSize: 10_000 };
const noCharge = (): void => undefined;

function compile(pattern: string, flags = ''): SafeRegex {
  const result = compileSafeRegex(pattern, flags, LIMITS);
  if (!result.ok) throw new Error(`${pattern}: ${result.message}`);
  return result.regex;
}

/** The match as JavaScript's RegExp#exec reports it: [whole, group1, ...] or null. */
function execLike(regex: SafeRegex, input: string): (string | undefined)[] | null {
  const match = regexSearch(regex, input, 0, noCharge);
  if (match === null) return null;
  const out: (string | undefined)[] = [];
  for (let g = 0; g <= regex.groupCount; g++) {
    const start = match.groups[g * 2] ?? -1;
    const end = match.groups[g * 2 + 1] ?? -1;
    out.push(start >= 0 && end >= 0 ? input.slice(start, end) : undefined);
  }
  return out;
}

function jsExec(pattern: string, flags: string, input: string): (string | undefined)[] | null {
  const match = new RegExp(pattern, `u${flags}`).exec(input);
  return match === null ? null : [...match];
}

describe('compileSafeRegex', () => {
  const rejected: [string, RegExp][] = [
    ['(a', /missing "\)"/],
    ['a)', /unmatched/],
    ['(a)\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /backreferences/],
    ['(?=a)', /lookahead/],
    ['(?<!a)b', /lookahead/],
    ['\\p{L}', /Unicode property/],
    ['a**', /nothing to repeat/],
    ['*a', /nothing to repeat/],
    ['a{2,1}', /out of order/],
    ['[b-a]', /out of order/],
    ['[\\d-z]', /range bound/],
    ['{', /lone/],
    ['a{1001}', /above 1000/],
    ['(a{1000}){100}', /more than 10000 instructions/],
    ['\\q', /invalid escape/],
    ['^*', /cannot be repeated/],
  ];

  it.each(rejected)('rejects %s', (pattern, message) => {
    const result = compileSafeRegex(pattern, '', LIMITS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('rejects unknown flags and over-long patterns', () => {
    expect(compileSafeRegex('a', 'g', LIMITS)).toMatchObject({
      ok: false,
      message: expect.stringContaining('unknown flag') as unknown,
    });
    expect(compileSafeRegex('a'.repeat(1001), '', LIMITS)).toMatchObject({
      ok: false,
      message: expect.stringContaining('limit is 1000') as unknown,
    });
  });

  it('reports the offset of a syntax error', () => {
    expect(compileSafeRegex('ab(?=c)', '', LIMITS)).toMatchObject({ ok: false, offset: 2 });
  });
});

describe('regex semantics match JavaScript (u flag)', () => {
  const cases: [string, string, string][] = [
    ['a+', '', 'xaaay'],
    ['(a|ab)(c|bcd)(d*)', '', 'abcd'],
    ['^\\d{3}-\\d{4}$', '', '555-1234'],
    ['(?:(a)|b)+', '', 'ab'],
    ['a*?', '', 'aaa'],
    ['a{2,3}?', '', 'aaaa'],
    ['\\bfoo\\b', '', 'a foo b'],
    ['\\Bo\\B', '', 'foo'],
    ['[^@\\s]+@[^@\\s]+\\.[a-z]{2,}', '', 'mail: jo@example.org!'],
    ['x*', '', 'abc'],
    ['(?<year>\\d{4})-(\\d\\d)', '', 'on 2020-05-01'],
    ['A', 'i', 'xa'],
    ['[a-z]+', 'i', 'HeLLo'],
    ['[^a]', 'i', 'A'],
    ['^b', 'm', 'a\nb'],
    ['a$', 'm', 'a\nb'],
    ['a.c', 's', 'a\nc'],
    ['a.c', '', 'a\nc'],
    ['😀+', '', 'x😀😀y'],
    ['[😀-😂]', '', '😁'],
    ['\\u{1F600}|\\uD83D\\uDE01', '', '😁'],
    ['\\x41\\u0042\\cJ', '', 'AB\n'],
    ['[\\b]', '', 'a\bb'],
    ['[-a]+', '', 'x-a-'],
    ['\\/\\.\\*', '', 'a/.*'],
  ];

  it.each(cases)('/%s/%s on %j', (pattern, flags, input) => {
    const regex = compile(pattern, flags);
    expect(execLike(regex, input)).toEqual(jsExec(pattern, flags, input));
    expect(regexReplace(regex, input, '<$1|$&>', noCharge)).toBe(
      input.replace(new RegExp(pattern, `gu${flags}`), '<$1|$&>'),
    );
    expect(regexSplit(regex, input, noCharge)).toEqual(
      input.split(new RegExp(pattern, `u${flags}`)).map((part) => part ?? null),
    );
  });

  it("expands $0, $$, $` and $' in replacements", () => {
    const regex = compile('b(c)');
    expect(regexReplace(regex, 'abcd', "[$0|$1|$$|$`|$'|$2]", noCharge)).toBe('a[bc|c|$|a|d|$2]d');
  });

  it('matches the FEEL x flag by ignoring whitespace in the pattern', () => {
    expect(regexTest(compile('a b [ ]', 'x'), 'ab ', noCharge)).toBe(true);
  });

  // Generated patterns over a tiny alphabet, compared with RegExp on generated inputs.
  // Quantifiers are only applied to atoms that cannot match the empty string: repeating an
  // empty match is where backtracking and automaton engines legitimately differ.
  interface Gen {
    source: string;
    nullable: boolean;
  }
  const atom: fc.Arbitrary<Gen> = fc.constantFrom<Gen>(
    { source: 'a', nullable: false },
    { source: 'b', nullable: false },
    { source: '.', nullable: false },
    { source: '[ab]', nullable: false },
    { source: '[^a]', nullable: false },
    { source: '\\s', nullable: false },
    { source: '^', nullable: true },
    { source: '$', nullable: true },
    { source: '\\b', nullable: true },
  );
  const { pattern } = fc.letrec<{ pattern: Gen; term: Gen; group: Gen }>((tie) => ({
    pattern: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('term'),
      fc
        .tuple(tie('term'), tie('term'))
        .map(([x, y]) => ({ source: x.source + y.source, nullable: x.nullable && y.nullable })),
      fc
        .tuple(tie('term'), tie('term'))
        .map(([x, y]) => ({ source: `${x.source}|${y.source}`, nullable: x.nullable || y.nullable })),
    ),
    group: fc
      .tuple(fc.boolean(), tie('pattern'))
      .map(([capture, inner]) => ({ source: `(${capture ? '' : '?:'}${inner.source})`, nullable: inner.nullable })),
    term: fc.oneof(
      { depthSize: 'small' },
      atom,
      tie('group'),
      fc
        .tuple(fc.oneof(atom, tie('group')), fc.constantFrom('*', '+', '?', '{1,2}', '{0,3}', '{2}', '*?', '+?', '??'))
        .map(([inner, quantifier]) =>
          inner.nullable || inner.source === '^' || inner.source === '$' || inner.source === '\\b'
            ? inner
            : {
                source: inner.source + quantifier,
                nullable:
                  quantifier.startsWith('*') ||
                  quantifier.startsWith('?') ||
                  quantifier.startsWith('{0') ||
                  inner.nullable,
              },
        ),
    ),
  }));
  const input = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'c'), maxLength: 10 });

  it('agrees with RegExp on generated patterns and inputs (seeded)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
    console.log('safe-regex differential seed', seed);
    fc.assert(
      fc.property(pattern, input, fc.constantFrom('', 'i', 'm'), (gen, text, flags) => {
        const compiled = compileSafeRegex(gen.source, flags, LIMITS);
        expect(compiled.ok).toBe(true);
        if (!compiled.ok) return;
        expect(execLike(compiled.regex, text)).toEqual(jsExec(gen.source, flags, text));
        expect(regexReplace(compiled.regex, text, '<$1>', noCharge)).toBe(
          text.replace(new RegExp(gen.source, `gu${flags}`), '<$1>'),
        );
        expect(regexSplit(compiled.regex, text, noCharge)).toEqual(
          text.split(new RegExp(gen.source, `u${flags}`)).map((part) => part ?? null),
        );
      }),
      { seed, numRuns: 400 },
    );
  });
});

describe('regex work is linear and charged', () => {
  it('runs classic ReDoS patterns in bounded steps', () => {
    for (const [pattern, text] of [
      ['(a+)+$', `${'a'.repeat(20_000)}!`],
      ['(a|aa)*b', 'a'.repeat(20_000)],
      ['(.*a){20}x', 'a'.repeat(2000)],
      ['\\d+\\d+\\d+x', '1'.repeat(20_000)],
    ] as const) {
      let steps = 0;
      const regex = compile(pattern);
      expect(
        regexTest(regex, text, (n) => {
          steps += n;
        }),
      ).toBe(false);
      // linear: a small constant times input length times program size
      expect(steps).toBeLessThan(text.length * regex.program.length * 2);
    }
  });

  it('aborts when the charge function throws', () => {
    const regex = compile('(a|b)*c');
    let steps = 0;
    expect(() =>
      regexTest(regex, 'ab'.repeat(10_000), (n) => {
        steps += n;
        if (steps > 1000) throw new Error('budget');
      }),
    ).toThrow('budget');
    // the cached VM is reusable afterwards
    expect(regexTest(regex, 'abc', noCharge)).toBe(true);
  });
});
