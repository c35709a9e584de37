/**
 * FEEL values as Baton's evaluator holds them: decimal numbers (decimal.js, 34 significant
 * digits, half-even rounding, like IEEE 754 decimal128), temporal values, lists, contexts and
 * ranges; FEEL equality and ordering; the instance-data boundary (JSON in, JSON out).
 *
 * @module
 */

import { Decimal } from 'decimal.js';

/** FEEL's number: a decimal with 34 significant digits (DMN: IEEE 754-2008 decimal128). */
export const Dec = Decimal.clone({
  precision: 34,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
  minE: -6143,
  maxE: 6144,
  modulo: Decimal.ROUND_FLOOR,
});
/** A FEEL number. */
export type Num = Decimal;

export const ZERO: Num = new Dec(0);
export const ONE: Num = new Dec(1);

export function isNum(v: unknown): v is Num {
  return v instanceof Dec;
}

/** A calendar date (proleptic Gregorian; years may be negative or above 9999). */
export class FeelDate {
  constructor(
    readonly y: number,
    readonly m: number,
    readonly d: number,
  ) {}
}

/** A time of day: seconds since midnight (with fraction), and an offset (seconds) or a zone id. */
export class FeelTime {
  constructor(
    readonly sod: Num,
    readonly offset: number | null,
    readonly zone: string | null,
  ) {}
}

/** A date and time; local when the time has neither offset nor zone. */
export class FeelDateTime {
  constructor(
    readonly date: FeelDate,
    readonly time: FeelTime,
  ) {}
}

/** A years-and-months duration, in months. */
export class YmDuration {
  constructor(readonly months: number) {}
}

/** A days-and-time duration, in seconds (with fraction). */
export class DtDuration {
  constructor(readonly seconds: Num) {}
}

/** A range (interval); an absent end (`undefined`) is unbounded, as in `< 10`. */
export class FeelRange {
  constructor(
    readonly start: Value | undefined,
    readonly end: Value | undefined,
    readonly startIncluded: boolean,
    readonly endIncluded: boolean,
    /** Set for the unary tests `= x` and `!= x` used as values: a test of (in)equality, not an interval. */
    readonly test?: '=' | '!=',
  ) {}
}

/** A FEEL context: ordered entries, no prototype involved. */
export class FeelContextValue {
  constructor(readonly entries: Map<string, Value>) {}
}

/** A function value: a built-in, or the comparator lambda of `sort()`. */
export class FeelFunction {
  constructor(
    readonly name: string,
    readonly params: readonly string[],
    readonly call: (args: Value[]) => Value,
  ) {}
}

export type Temporal = FeelDate | FeelTime | FeelDateTime | YmDuration | DtDuration;

/** Any FEEL value. */
export type Value = null | boolean | string | Num | Temporal | Value[] | FeelContextValue | FeelRange | FeelFunction;

/** The FEEL type name of a value, as `instance of` and messages use it. */
export function typeName(v: Value): string {
  if (v === null) return 'Null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof Dec) return 'number';
  if (v instanceof FeelDate) return 'date';
  if (v instanceof FeelTime) return 'time';
  if (v instanceof FeelDateTime) return 'date and time';
  if (v instanceof YmDuration) return 'years and months duration';
  if (v instanceof DtDuration) return 'days and time duration';
  if (Array.isArray(v)) return 'list';
  if (v instanceof FeelContextValue) return 'context';
  if (v instanceof FeelRange) return 'range';
  return 'function';
}

// ---- days from civil (Howard Hinnant), valid for any integer year -------------------------

export function epochDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): FeelDate {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return new FeelDate(era * 400 + yoe + (m <= 2 ? 1 : 0), m, d);
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// ---- time zones (IANA ids through Intl; offsets in seconds) -------------------------------

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(zone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      format = null;
    }
    if (zoneFormats.size < 1000) zoneFormats.set(zone, format);
  }
  return format;
}

/** Whether `zone` is an IANA time zone id known to the runtime. */
export function isKnownZone(zone: string): boolean {
  return zoneFormat(zone) !== null;
}

/** The offset of `zone` at the UTC instant `epochSeconds`, or null. */
function offsetAtInstant(zone: string, epochSeconds: number): number | null {
  const format = zoneFormat(zone);
  if (format === null || !Number.isFinite(epochSeconds) || Math.abs(epochSeconds) > 8.64e12) return null;
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(epochSeconds * 1000))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local =
    epochDays(year, Number(parts.month), Number(parts.day)) * 86400 +
    Number(parts.hour) * 3600 +
    Number(parts.minute) * 60 +
    Number(parts.second);
  return local - Math.floor(epochSeconds);
}

/** The offset of `zone` for a local wall-clock time (seconds since the epoch, as if UTC). */
export function zoneOffsetForLocal(zone: string, localSeconds: number): number | null {
  const first = offsetAtInstant(zone, localSeconds);
  if (first === null) return null;
  const second = offsetAtInstant(zone, localSeconds - first);
  return second ?? first;
}

// ---- instants --------------------------------------------------------------------------

/** Seconds since the epoch of a date-time's wall clock (ignoring its offset). */
export function localSeconds(dt: FeelDateTime): Num {
  return new Dec(epochDays(dt.date.y, dt.date.m, dt.date.d)).times(86400).plus(dt.time.sod);
}

/** The offset of a date-time in seconds, or null when it is local. */
export function dateTimeOffset(dt: FeelDateTime): number | null {
  if (dt.time.offset !== null) return dt.time.offset;
  if (dt.time.zone !== null) return zoneOffsetForLocal(dt.time.zone, localSeconds(dt).floor().toNumber());
  return null;
}

export function isZoned(dt: FeelDateTime | FeelTime): boolean {
  const time = dt instanceof FeelDateTime ? dt.time : dt;
  return time.offset !== null || time.zone !== null;
}

/**
 * A date-time's instant in seconds since the epoch. A local date-time counts as UTC when it is
 * compared or subtracted with a zoned one (as the DMN TCK expects).
 */
export function instant(dt: FeelDateTime): Num {
  const offset = dateTimeOffset(dt) ?? 0;
  return localSeconds(dt).minus(offset);
}

/** A date as a date-time at midnight UTC (DMN: for comparing and subtracting with date-times). */
export function dateAsDateTime(d: FeelDate): FeelDateTime {
  return new FeelDateTime(d, new FeelTime(ZERO, 0, null));
}

/** Seconds truncated to milliseconds: FEEL time equality and order (as the DMN TCK expects). */
const ms = (n: Num): Num => n.toDecimalPlaces(3, Decimal.ROUND_FLOOR);

function timeSeconds(t: FeelTime): Num | null {
  if (t.zone !== null && t.offset === null) return null;
  return t.sod.minus(t.offset ?? 0);
}

// ---- equality and order -----------------------------------------------------------------

/**
 * FEEL equality: `true`, `false`, or `null` when the values are not comparable (different
 * types). `null` equals only `null`.
 */
export function feelEquals(a: Value, b: Value): boolean | null {
  if (a === null || b === null) return a === b;
  if (typeof a === 'boolean' || typeof a === 'string') return typeof b === typeof a ? a === b : null;
  if (a instanceof Dec) return b instanceof Dec ? a.eq(b) : null;
  if (a instanceof FeelDate) {
    if (b instanceof FeelDate) return a.y === b.y && a.m === b.m && a.d === b.d;
    return null;
  }
  if (a instanceof FeelDateTime) {
    if (!(b instanceof FeelDateTime)) return null;
    if (isZoned(a) !== isZoned(b)) return false;
    if (isZoned(a)) return ms(instant(a)).eq(ms(instant(b)));
    return ms(localSeconds(a)).eq(ms(localSeconds(b)));
  }
  if (a instanceof FeelTime) {
    if (!(b instanceof FeelTime)) return null;
    if (isZoned(a) !== isZoned(b)) return false;
    const x = timeSeconds(a);
    const y = timeSeconds(b);
    if (x === null || y === null) return a.zone === b.zone && ms(a.sod).eq(ms(b.sod));
    return ms(x).eq(ms(y));
  }
  if (a instanceof YmDuration) return b instanceof YmDuration ? a.months === b.months : null;
  if (a instanceof DtDuration) return b instanceof DtDuration ? a.seconds.eq(b.seconds) : null;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return null;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const e = feelEquals(a[i] ?? null, b[i] ?? null);
      if (e !== true) return e;
    }
    return true;
  }
  if (a instanceof FeelContextValue) {
    if (!(b instanceof FeelContextValue)) return null;
    if (a.entries.size !== b.entries.size) return false;
    for (const [key, value] of a.entries) {
      if (!b.entries.has(key)) return false;
      const e = feelEquals(value, b.entries.get(key) ?? null);
      if (e !== true) return e;
    }
    return true;
  }
  if (a instanceof FeelRange) {
    if (!(b instanceof FeelRange)) return null;
    if (a.startIncluded !== b.startIncluded || a.endIncluded !== b.endIncluded || a.test !== b.test) return false;
    const bound = (x: Value | undefined, y: Value | undefined): boolean | null =>
      x === undefined || y === undefined ? x === y : feelEquals(x, y);
    const s = bound(a.start, b.start);
    if (s !== true) return s;
    return bound(a.end, b.end);
  }
  return a === b ? true : null;
}

/** FEEL ordering: negative, zero, positive, or `null` when the values cannot be ordered. */
export function feelCompare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a instanceof Dec) return b instanceof Dec ? a.cmp(b) : null;
  if (typeof a === 'string') return typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : null;
  if (a instanceof FeelDate) {
    if (b instanceof FeelDate) return epochDays(a.y, a.m, a.d) - epochDays(b.y, b.m, b.d);
    return null;
  }
  if (a instanceof FeelDateTime) {
    if (!(b instanceof FeelDateTime)) return null;
    if (!isZoned(a) && !isZoned(b)) return ms(localSeconds(a)).cmp(ms(localSeconds(b)));
    return ms(instant(a)).cmp(ms(instant(b)));
  }
  if (a instanceof FeelTime) {
    if (!(b instanceof FeelTime)) return null;
    const x = timeSeconds(a);
    const y = timeSeconds(b);
    if (x === null || y === null) return a.zone !== null && a.zone === b.zone ? ms(a.sod).cmp(ms(b.sod)) : null;
    return ms(x).cmp(ms(y));
  }
  if (a instanceof YmDuration) return b instanceof YmDuration ? a.months - b.months : null;
  if (a instanceof DtDuration) return b instanceof DtDuration ? a.seconds.cmp(b.seconds) : null;
  return null;
}

/** Whether a value lies in a range: true, false, or null (not comparable). */
export function inRange(v: Value, r: FeelRange): boolean | null {
  if (r.test !== undefined) {
    const e = feelEquals(v, r.start ?? null);
    return r.test === '=' || e === null ? e : !e;
  }
  if (r.start !== undefined) {
    if (r.start === null) return null;
    const c = feelCompare(v, r.start);
    if (c === null) return null;
    if (c < 0 || (c === 0 && !r.startIncluded)) return false;
  }
  if (r.end !== undefined) {
    if (r.end === null) return null;
    const c = feelCompare(v, r.end);
    if (c === null) return null;
    if (c > 0 || (c === 0 && !r.endIncluded)) return false;
  }
  return true;
}
