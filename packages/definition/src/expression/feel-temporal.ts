/**
 * FEEL temporal values: parsing and printing (ISO 8601 / XML Schema forms, as DMN uses them) and
 * the arithmetic the standard defines on dates, times, date-times and the two kinds of durations.
 *
 * @module
 */

import {
  Dec,
  DtDuration,
  FeelDate,
  FeelDateTime,
  FeelTime,
  YmDuration,
  ZERO,
  civilFromDays,
  dateAsDateTime,
  daysInMonth,
  epochDays,
  instant,
  isKnownZone,
  isZoned,
  localSeconds,
  type Num,
  type Value,
} from './feel-values.ts';

const MAX_YEAR = 999_999_999;

export function makeDate(y: number, m: number, d: number): FeelDate | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (Math.abs(y) > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return new FeelDate(y, m, d);
}

/** An offset in seconds, or null when it is out of range (±18:00). */
function checkedOffset(seconds: number): number | null {
  return Math.abs(seconds) <= 18 * 3600 ? seconds : null;
}

const DATE_RE = /^(-?(?:[1-9]\d{4,8}|\d{4}))-(\d{2})-(\d{2})$/;
const TIME_RE =
  /^(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:(Z)|([+-])(\d{2}):(\d{2})(?::(\d{2}))?|@([A-Za-z][A-Za-z0-9_+\-/]{0,63}))?$/;

export function parseDate(text: string): FeelDate | null {
  const m = DATE_RE.exec(text);
  if (m === null) return null;
  return makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function parseTime(text: string): FeelTime | null {
  const m = TIME_RE.exec(text);
  if (m === null) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3]);
  const fraction = m[4] ?? '';
  if (mi > 59 || s > 59) return null;
  if (h > 23 && !(h === 24 && mi === 0 && s === 0 && /^\.?0*$/.test(fraction))) return null;
  let sod = new Dec((h % 24) * 3600 + mi * 60 + s);
  if (fraction !== '') sod = sod.plus(new Dec(`0${fraction}`));
  let offset: number | null = null;
  let zone: string | null = null;
  if (m[5] === 'Z') offset = 0;
  else if (m[6] !== undefined) {
    const oh = Number(m[7]);
    const om = Number(m[8]);
    const os = Number(m[9] ?? 0);
    if (om > 59 || os > 59) return null;
    offset = checkedOffset((m[6] === '-' ? -1 : 1) * (oh * 3600 + om * 60 + os));
    if (offset === null) return null;
  } else if (m[10] !== undefined) {
    if (!isKnownZone(m[10])) return null;
    zone = m[10];
  }
  return new FeelTime(sod, offset, zone);
}

/** `T24:00:00` is midnight at the end of the day: the next day at 00:00:00. */
export function parseDateTime(text: string): FeelDateTime | null {
  const at = text.indexOf('T');
  if (at < 0) {
    const date = parseDate(text);
    return date === null ? null : new FeelDateTime(date, new FeelTime(ZERO, null, null));
  }
  const date = parseDate(text.slice(0, at));
  const timeText = text.slice(at + 1);
  const time = parseTime(timeText);
  if (date === null || time === null) return null;
  if (timeText.startsWith('24')) {
    const next = civilFromDays(epochDays(date.y, date.m, date.d) + 1);
    return Math.abs(next.y) > MAX_YEAR ? null : new FeelDateTime(next, time);
  }
  return new FeelDateTime(date, time);
}

const DURATION_RE =
  /^(-)?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?$/;

/** Parses an ISO 8601 duration into one of FEEL's two kinds; `P1Y2D` (both kinds) is null. */
export function parseDuration(text: string): YmDuration | DtDuration | null {
  const m = DURATION_RE.exec(text);
  if (m === null) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const hasYm = m[2] !== undefined || m[3] !== undefined;
  const hasDt = m[4] !== undefined || m[5] !== undefined || m[6] !== undefined || m[7] !== undefined;
  if (hasYm && hasDt) {
    // A duration with both: FEEL keeps the kinds apart; the days and time are only valid when 0.
    return null;
  }
  if (hasYm) {
    const months = Number(m[2] ?? 0) * 12 + Number(m[3] ?? 0);
    if (!Number.isSafeInteger(months)) return null;
    return new YmDuration(sign * months || 0);
  }
  const seconds = new Dec(m[4] ?? 0)
    .times(86400)
    .plus(new Dec(m[5] ?? 0).times(3600))
    .plus(new Dec(m[6] ?? 0).times(60))
    .plus(new Dec((m[7] ?? '0').replace(/\.$/, '')));
  return new DtDuration(sign < 0 ? seconds.negated().plus(0) : seconds);
}

/** Parses a duration and keeps only its years and months (for `years and months duration`). */
export function parseAnyDuration(text: string): YmDuration | DtDuration | null {
  return parseDuration(text);
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

export function formatDate(d: FeelDate): string {
  return `${d.y < 0 ? '-' : ''}${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
}

function formatSeconds(sod: Num): string {
  const whole = sod.floor().toNumber();
  const h = Math.floor(whole / 3600);
  const mi = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const fraction = sod.minus(whole);
  const fractionText = fraction.isZero() ? '' : fraction.toFixed().slice(1);
  return `${pad(h)}:${pad(mi)}:${pad(s)}${fractionText}`;
}

function formatOffset(offset: number): string {
  if (offset === 0) return 'Z';
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${offset < 0 ? '-' : '+'}${pad(h)}:${pad(m)}${s === 0 ? '' : `:${pad(s)}`}`;
}

export function formatTime(t: FeelTime): string {
  const suffix = t.offset !== null ? formatOffset(t.offset) : t.zone !== null ? `@${t.zone}` : '';
  return formatSeconds(t.sod) + suffix;
}

export function formatDateTime(dt: FeelDateTime): string {
  return `${formatDate(dt.date)}T${formatTime(dt.time)}`;
}

export function formatYm(d: YmDuration): string {
  const a = Math.abs(d.months);
  const y = Math.floor(a / 12);
  const m = a % 12;
  const body = a === 0 ? '0M' : `${y > 0 ? `${y}Y` : ''}${m > 0 ? `${m}M` : ''}`;
  return `${d.months < 0 ? '-' : ''}P${body}`;
}

export function formatDt(d: DtDuration): string {
  const a = d.seconds.abs();
  if (a.isZero()) return 'PT0S';
  const days = a.dividedToIntegerBy(86400);
  let rest = a.minus(days.times(86400));
  const h = rest.dividedToIntegerBy(3600);
  rest = rest.minus(h.times(3600));
  const mi = rest.dividedToIntegerBy(60);
  const s = rest.minus(mi.times(60));
  let out = d.seconds.isNegative() ? '-P' : 'P';
  if (!days.isZero()) out += `${days.toFixed()}D`;
  if (!h.isZero() || !mi.isZero() || !s.isZero()) {
    out += 'T';
    if (!h.isZero()) out += `${h.toFixed()}H`;
    if (!mi.isZero()) out += `${mi.toFixed()}M`;
    if (!s.isZero()) out += `${s.toFixed()}S`;
  }
  return out;
}

// ---- arithmetic -------------------------------------------------------------------------

function addMonthsToDate(d: FeelDate, months: number): FeelDate | null {
  const total = d.y * 12 + (d.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  if (Math.abs(y) > MAX_YEAR) return null;
  return new FeelDate(y, m, Math.min(d.d, daysInMonth(y, m)));
}

/** Adds seconds to a date-time's wall clock (the offset or zone stays). */
function addSecondsToDateTime(dt: FeelDateTime, seconds: Num): FeelDateTime | null {
  const local = localSeconds(dt).plus(seconds);
  const days = local.dividedBy(86400).floor();
  const date = civilFromDays(days.toNumber());
  if (Math.abs(date.y) > MAX_YEAR) return null;
  return new FeelDateTime(date, new FeelTime(local.minus(days.times(86400)), dt.time.offset, dt.time.zone));
}

function addSecondsToTime(t: FeelTime, seconds: Num): FeelTime {
  const sod = t.sod.plus(seconds).mod(86400);
  return new FeelTime(sod.isNegative() ? sod.plus(86400) : sod, t.offset, t.zone);
}

/** `a + b` for temporal operands; undefined when neither operand is temporal. */
export function temporalAdd(a: Value, b: Value): Value | undefined {
  if (a instanceof YmDuration && b instanceof YmDuration) return new YmDuration(a.months + b.months);
  if (a instanceof DtDuration && b instanceof DtDuration) return new DtDuration(a.seconds.plus(b.seconds));
  if (a instanceof YmDuration || a instanceof DtDuration) {
    if (b instanceof FeelDate || b instanceof FeelDateTime || b instanceof FeelTime) return temporalAdd(b, a);
    return b === null ? null : a instanceof YmDuration || a instanceof DtDuration ? null : undefined;
  }
  if (a instanceof FeelDate) {
    if (b instanceof YmDuration) return addMonthsToDate(a, b.months);
    if (b instanceof DtDuration) {
      const dt = addSecondsToDateTime(new FeelDateTime(a, new FeelTime(ZERO, null, null)), b.seconds);
      return dt === null ? null : dt.date;
    }
    return null;
  }
  if (a instanceof FeelDateTime) {
    if (b instanceof YmDuration) {
      const date = addMonthsToDate(a.date, b.months);
      return date === null ? null : new FeelDateTime(date, a.time);
    }
    if (b instanceof DtDuration) return addSecondsToDateTime(a, b.seconds);
    return null;
  }
  if (a instanceof FeelTime) {
    if (b instanceof DtDuration) return addSecondsToTime(a, b.seconds);
    return null;
  }
  return undefined;
}

function negate(d: YmDuration | DtDuration): YmDuration | DtDuration {
  return d instanceof YmDuration ? new YmDuration(-d.months || 0) : new DtDuration(d.seconds.negated().plus(0));
}

/** `a - b` for temporal operands; undefined when neither operand is temporal. */
export function temporalSubtract(a: Value, b: Value): Value | undefined {
  if (b instanceof YmDuration || b instanceof DtDuration) {
    if (a instanceof YmDuration || a instanceof DtDuration || a instanceof FeelDate || a instanceof FeelDateTime) {
      return temporalAdd(a, negate(b)) ?? null;
    }
    if (a instanceof FeelTime) return temporalAdd(a, negate(b)) ?? null;
    return null;
  }
  if (a instanceof FeelDate && b instanceof FeelDate) {
    return new DtDuration(new Dec(epochDays(a.y, a.m, a.d) - epochDays(b.y, b.m, b.d)).times(86400));
  }
  if ((a instanceof FeelDate || a instanceof FeelDateTime) && (b instanceof FeelDate || b instanceof FeelDateTime)) {
    const x = a instanceof FeelDate ? dateAsDateTime(a) : a;
    const y = b instanceof FeelDate ? dateAsDateTime(b) : b;
    if (isZoned(x) !== isZoned(y)) return null;
    const diff = isZoned(x) ? instant(x).minus(instant(y)) : localSeconds(x).minus(localSeconds(y));
    return new DtDuration(diff.plus(0));
  }
  if (a instanceof FeelTime && b instanceof FeelTime) {
    if (isZoned(a) !== isZoned(b)) return null;
    if ((a.zone !== null && a.offset === null) || (b.zone !== null && b.offset === null)) {
      return a.zone === b.zone ? new DtDuration(a.sod.minus(b.sod).plus(0)) : null;
    }
    return new DtDuration(
      a.sod
        .minus(a.offset ?? 0)
        .minus(b.sod.minus(b.offset ?? 0))
        .plus(0),
    );
  }
  if (
    a instanceof FeelDate ||
    a instanceof FeelDateTime ||
    a instanceof FeelTime ||
    b instanceof FeelDate ||
    b instanceof FeelDateTime ||
    b instanceof FeelTime
  ) {
    return null;
  }
  return undefined;
}

/** Months of a years-and-months duration times a number: truncated to whole months. */
export function scaleDuration(d: YmDuration | DtDuration, factor: Num): YmDuration | DtDuration | null {
  if (d instanceof YmDuration) {
    const months = new Dec(d.months).times(factor).truncated();
    if (!months.abs().lte(Number.MAX_SAFE_INTEGER)) return null;
    return new YmDuration(months.toNumber() || 0);
  }
  return new DtDuration(d.seconds.times(factor).plus(0));
}
