/**
 * ISO 8601 durations without years and months: `P3D`, `PT48H`, `P1DT4H`, `P2W`, `PT1H30M`.
 *
 * @module
 */
import { CalendarError } from './calendar-error.ts';

/**
 * A parsed duration. Every field is a non-negative safe integer; all zero (`PT0S`) is allowed.
 *
 * In working time (see `BusinessCalendar.addDuration`) a week is 5 working days and a day is one
 * working day; hours, minutes and seconds are working time. In clock time weeks and days are local
 * calendar days and the rest is elapsed time.
 */
export interface Duration {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** The result of {@link parseDuration}: the duration, or a message saying what is wrong and how to fix it. */
export type ParseDurationResult = { ok: true; duration: Duration } | { ok: false; message: string };

/**
 * A JSON Schema `pattern` (ECMAScript regex source) that matches exactly the strings
 * {@link parseDuration} accepts, except numbers too large to be safe integers.
 */
export const durationPattern = '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$';

const GRAMMAR = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const EXAMPLES = 'e.g. "P3D" (3 days), "PT48H" (48 hours), "P1DT4H", "P2W", "PT1H30M"';

/**
 * Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds.
 *
 * Accepted: `P` then optional `nW`, `nD`, then optional `T` with `nH`, `nM`, `nS`, in that order,
 * with whole numbers (`P3D`, `PT48H`, `PT30M`, `P1DT4H`, `P2W`, `P1W2D`, `PT45S`, `PT0S`).
 * Rejected with a message: years and months (`P1Y`, `P2M`: their length in working time is
 * ambiguous), fractions, signs, lower case, spaces, and an empty `P`/`PT`.
 *
 * Pure. Never throws.
 *
 * @example
 * parseDuration('P1DT4H'); // { ok: true, duration: { weeks: 0, days: 1, hours: 4, minutes: 0, seconds: 0 } }
 * parseDuration('P1M');    // { ok: false, message: 'duration "P1M" uses months; ...' }
 */
export function parseDuration(text: string): ParseDurationResult {
  if (typeof text !== 'string') {
    return {
      ok: false,
      message: `a duration must be a string like ${EXAMPLES}; got ${text === null ? 'null' : typeof text}.`,
    };
  }
  const quoted = JSON.stringify(text);
  const match = GRAMMAR.exec(text);
  if (!match) return { ok: false, message: diagnose(text, quoted) };
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  if (years !== undefined || months !== undefined) {
    const unit = years !== undefined ? 'years' : 'months';
    return {
      ok: false,
      message: `duration ${quoted} uses ${unit}; years and months have no fixed length in working time, so they are not allowed. Use weeks or days instead (e.g. "P30D" or "P4W").`,
    };
  }
  if (
    weeks === undefined &&
    days === undefined &&
    hours === undefined &&
    minutes === undefined &&
    seconds === undefined
  ) {
    return {
      ok: false,
      message: `duration ${quoted} has no amount; add at least one, ${EXAMPLES}, or "PT0S" for zero.`,
    };
  }
  if (text.endsWith('T')) {
    return {
      ok: false,
      message: `duration ${quoted} ends with "T" but gives no hours, minutes or seconds; remove the "T" or add e.g. "T4H".`,
    };
  }
  const values = [weeks, days, hours, minutes, seconds].map((v) => (v === undefined ? 0 : Number(v)));
  if (values.some((v) => !Number.isSafeInteger(v))) {
    return { ok: false, message: `duration ${quoted} has a number too large to count with; use a smaller amount.` };
  }
  const [w = 0, d = 0, h = 0, m = 0, s = 0] = values;
  return { ok: true, duration: { weeks: w, days: d, hours: h, minutes: m, seconds: s } };
}

function diagnose(text: string, quoted: string): string {
  if (text.trim() !== text || /\s/.test(text))
    return `duration ${quoted} contains spaces; write it without them, ${EXAMPLES}.`;
  if (text.startsWith('-') || text.startsWith('+'))
    return `duration ${quoted} has a sign; durations are never negative, write ${JSON.stringify(text.slice(1))}.`;
  if (/^p/.test(text) || (/^P/.test(text) && /[a-z]/.test(text))) {
    return `duration ${quoted} uses lower-case letters; write the letters in upper case: ${JSON.stringify(text.toUpperCase())}.`;
  }
  if (/[.,]\d/.test(text))
    return `duration ${quoted} has a fraction; use whole numbers of a smaller unit (e.g. "PT1H30M" instead of "PT1.5H").`;
  if (!text.startsWith('P')) return `duration ${quoted} must start with "P" (ISO 8601), ${EXAMPLES}.`;
  if (/^P[^T]*\d+[HS]/.test(text))
    return `duration ${quoted} puts hours or seconds before "T"; write the time part after a "T", e.g. "PT4H" or "P1DT4H".`;
  return `duration ${quoted} is not an ISO 8601 duration of weeks, days, hours, minutes and seconds (in that order); write it like ${EXAMPLES}.`;
}

/**
 * Formats a duration as its canonical ISO 8601 text: zero parts are left out, all zero is `PT0S`.
 * `parseDuration(formatDuration(d))` gives back `d`.
 *
 * Pure. Throws a {@link CalendarError} `CAL_BAD_ARGUMENT` when a field is not a non-negative safe
 * integer.
 *
 * @example
 * formatDuration({ weeks: 0, days: 1, hours: 4, minutes: 0, seconds: 0 }); // "P1DT4H"
 */
export function formatDuration(duration: Duration): string {
  for (const key of ['weeks', 'days', 'hours', 'minutes', 'seconds'] as const) {
    const value = duration[key];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CalendarError(
        'CAL_BAD_ARGUMENT',
        `formatDuration: "${key}" is ${String(value)}; every field must be a whole number ≥ 0.`,
      );
    }
  }
  const { weeks, days, hours, minutes, seconds } = duration;
  let date = '';
  if (weeks > 0) date += `${weeks}W`;
  if (days > 0) date += `${days}D`;
  let time = '';
  if (hours > 0) time += `${hours}H`;
  if (minutes > 0) time += `${minutes}M`;
  if (seconds > 0) time += `${seconds}S`;
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time === '' ? '' : `T${time}`}`;
}
