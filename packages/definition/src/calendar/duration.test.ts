import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarError } from './calendar-error.ts';
import { type Duration, durationPattern, formatDuration, parseDuration } from './duration.ts';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const d = (parts: Partial<Duration>): Duration => ({ weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0, ...parts });

describe('parseDuration', () => {
  it.each([
    ['P3D', d({ days: 3 })],
    ['PT48H', d({ hours: 48 })],
    ['PT30M', d({ minutes: 30 })],
    ['P1DT4H', d({ days: 1, hours: 4 })],
    ['P2W', d({ weeks: 2 })],
    ['PT1H30M', d({ hours: 1, minutes: 30 })],
    ['PT45S', d({ seconds: 45 })],
    ['P1W2D', d({ weeks: 1, days: 2 })],
    ['P1DT2H3M4S', d({ days: 1, hours: 2, minutes: 3, seconds: 4 })],
    ['PT0S', d({})],
    ['P0D', d({})],
  ])('parses %s', (text, expected) => {
    expect(parseDuration(text)).toEqual({ ok: true, duration: expected });
  });

  it('tells months (P2M) from minutes (PT2M)', () => {
    expect(parseDuration('PT2M')).toEqual({ ok: true, duration: d({ minutes: 2 }) });
    const months = parseDuration('P2M');
    expect(months.ok).toBe(false);
    if (!months.ok) expect(months.message).toMatch(/months.*no fixed length in working time/);
  });

  it('rejects years, saying why and what to use instead', () => {
    const result = parseDuration('P1Y');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('"P1Y"');
      expect(result.message).toMatch(/years.*ambiguous|years and months have no fixed length/);
      expect(result.message).toMatch(/P30D|P4W/);
    }
  });

  it.each([
    ['', /must start with "P"/],
    ['P', /no amount/],
    ['PT', /no amount/],
    ['P1DT', /ends with "T"/],
    ['-P1D', /sign/],
    ['p3d', /upper case: "P3D"/],
    ['PT1.5H', /fraction/],
    ['PT1,5H', /fraction/],
    [' P3D', /spaces/],
    ['3D', /must start with "P"/],
    ['P4H', /before "T"/],
    ['PT1H1D', /not an ISO 8601 duration/],
    ['P1D2W', /in that order/],
    ['P99999999999999999999D', /too large/],
  ])('rejects %j with a message that says how to fix it', (text, message) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('never throws, even on non-strings', () => {
    expect(parseDuration(42 as unknown as string).ok).toBe(false);
    expect(parseDuration(null as unknown as string).ok).toBe(false);
  });

  it('accepts exactly the strings durationPattern matches (property)', () => {
    const pattern = new RegExp(durationPattern);
    const text = fc.string({
      unit: fc.constantFrom('P', 'T', 'W', 'D', 'H', 'M', 'S', 'Y', '0', '1', '7', '.', '-'),
      maxLength: 10,
    });
    fc.assert(
      fc.property(text, (s) => {
        expect(parseDuration(s).ok).toBe(pattern.test(s));
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [d({ days: 3 }), 'P3D'],
    [d({ days: 1, hours: 4 }), 'P1DT4H'],
    [d({ weeks: 2 }), 'P2W'],
    [d({ hours: 1, minutes: 30 }), 'PT1H30M'],
    [d({}), 'PT0S'],
    [d({ weeks: 1, days: 2, seconds: 5 }), 'P1W2DT5S'],
  ])('formats %j as %s', (duration, text) => {
    expect(formatDuration(duration)).toBe(text);
  });

  it('round-trips through parseDuration (property)', () => {
    const part = fc.nat({ max: 1000 });
    fc.assert(
      fc.property(fc.record({ weeks: part, days: part, hours: part, minutes: part, seconds: part }), (duration) => {
        expect(parseDuration(formatDuration(duration))).toEqual({ ok: true, duration });
      }),
      { seed, numRuns: 500 },
    );
  });

  it('throws CAL_BAD_ARGUMENT for a negative or fractional field', () => {
    expect(() => formatDuration(d({ hours: -1 }))).toThrow(CalendarError);
    expect(() => formatDuration(d({ minutes: 1.5 }))).toThrow(/"minutes" is 1.5/);
  });
});
