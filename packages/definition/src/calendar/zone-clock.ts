/**
 * Instant ↔ wall-clock conversion in an IANA time zone, built on `Intl.DateTimeFormat` only
 * (Node 20 has no `Temporal`).
 *
 * "Wall time" here is a number: the local date and time read as if it were UTC, in epoch
 * milliseconds (`daysFromCivil(y, m, d) * DAY_MS + time of day`). `wall = instant + offset`.
 *
 * @internal
 * @module
 */
import { DAY_MS, daysFromCivil } from './local-date.ts';

const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 200_000;

/** How to map a wall time that occurs twice (DST ends) or never (DST starts) to an instant. */
export type Disambiguation =
  /**
   * Like `Temporal`'s default: a repeated wall time maps to its first occurrence; a skipped one
   * is shifted forward by the length of the gap (02:30 on a spring-forward night becomes 03:30).
   */
  | 'compatible'
  /**
   * The first instant at which the wall clock reads the time or later: a repeated wall time maps
   * to its first occurrence; a skipped one maps to the instant the clock jumps (03:00). Unlike
   * `compatible`, this is monotonic in the wall time, so working intervals stay ordered.
   */
  | 'monotone';

/** Instant ↔ wall-time maths for one time zone. Offsets are cached per hour. @internal */
export interface ZoneClock {
  /** The IANA time zone name, as given. */
  readonly timeZone: string;
  /** The zone's UTC offset at instant `t`, in milliseconds (wall − instant). */
  offsetAt(t: number): number;
  /** The wall time at instant `t`. */
  wallAt(t: number): number;
  /** The local day number (days since 1970-01-01) at instant `t`. */
  localDay(t: number): number;
  /** The instant of wall time `wall`, disambiguated as asked. */
  toInstant(wall: number, disambiguation: Disambiguation): number;
  /**
   * The first whole-second instant in `(lo, hi]` whose offset differs from the offset at `lo`.
   * Precondition: the offsets at `lo` and `hi` differ.
   */
  firstOffsetChange(lo: number, hi: number): number;
}

const FAST_FORMAT = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;
const clocks = new Map<string, ZoneClock | null>();

/**
 * Returns the clock of an IANA time zone, or `undefined` when `Intl` does not know the zone.
 * Never throws. Clocks are cached per name. @internal
 */
export function findZoneClock(timeZone: string): ZoneClock | undefined {
  const cached = clocks.get(timeZone);
  if (cached !== undefined) return cached ?? undefined;
  let clock: ZoneClock | null;
  try {
    clock = makeZoneClock(timeZone);
  } catch {
    // Intl throws a RangeError for unknown zones; that is the answer, not a failure.
    clock = null;
  }
  clocks.set(timeZone, clock);
  return clock ?? undefined;
}

function makeZoneClock(timeZone: string): ZoneClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const hourCache = new Map<number, number>();

  /** Offset at a whole-second instant, straight from Intl. */
  function rawOffset(second: number): number {
    let year: number, month: number, day: number, hour: number, minute: number, sec: number, bc: boolean;
    // `format` is ~3x faster than `formatToParts`; the parts are the fallback should an ICU
    // version print the en-US pattern differently.
    const m = FAST_FORMAT.exec(format.format(second));
    if (m) {
      // en-US order: month/day/year
      month = Number(m[1]);
      day = Number(m[2]);
      year = Number(m[3]);
      bc = m[4] === 'BC';
      hour = Number(m[5]);
      minute = Number(m[6]);
      sec = Number(m[7]);
    } else {
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(second)) parts[part.type] = part.value;
      year = Number(parts.year);
      month = Number(parts.month);
      day = Number(parts.day);
      bc = parts.era === 'BC' || parts.era === 'B';
      hour = Number(parts.hour);
      minute = Number(parts.minute);
      sec = Number(parts.second);
    }
    if (hour === 24) hour = 0; // some ICU versions print midnight as 24 even with h23
    const wall =
      daysFromCivil(bc ? 1 - year : year, month, day) * DAY_MS + hour * HOUR_MS + minute * 60_000 + sec * 1000;
    return wall - second;
  }

  function offsetAt(t: number): number {
    const bucket = Math.floor(t / HOUR_MS);
    const hit = hourCache.get(bucket);
    if (hit !== undefined) return hit;
    const start = bucket * HOUR_MS;
    const first = rawOffset(start);
    const last = rawOffset(start + HOUR_MS - 1000);
    // An hour whose two ends agree has one offset throughout (no zone changes offset twice
    // within an hour). An hour containing a transition is never cached.
    if (first === last) {
      if (hourCache.size >= MAX_CACHED_HOURS) hourCache.clear();
      hourCache.set(bucket, first);
      return first;
    }
    return rawOffset(Math.floor(t / 1000) * 1000);
  }

  function firstOffsetChange(lo: number, hi: number): number {
    const base = offsetAt(lo);
    let a = Math.floor(lo / 1000);
    let b = Math.ceil(hi / 1000);
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (offsetAt(mid * 1000) === base) a = mid;
      else b = mid;
    }
    return b * 1000;
  }

  function toInstant(wall: number, disambiguation: Disambiguation): number {
    const before = offsetAt(wall - DAY_MS);
    const after = offsetAt(wall + DAY_MS);
    let best: number | undefined;
    for (const offset of before === after ? [before] : [before, after]) {
      const t = wall - offset;
      if (offsetAt(t) === offset && (best === undefined || t < best)) best = t;
    }
    if (best !== undefined) return best;
    if (before === after) {
      // Two transitions within two days (no real zone does this); refine once and accept.
      const offset = offsetAt(wall - before);
      return wall - offset;
    }
    // The wall time falls in a gap (the clock jumps forward over it).
    if (disambiguation === 'compatible') return wall - before;
    return firstOffsetChange(Math.min(wall - after, wall - before), Math.max(wall - after, wall - before));
  }

  return {
    timeZone,
    offsetAt,
    wallAt: (t) => t + offsetAt(t),
    localDay: (t) => Math.floor((t + offsetAt(t)) / DAY_MS),
    toInstant,
    firstOffsetChange,
  };
}
