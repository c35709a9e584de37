/**
 * An ISO 8601 duration as days, hours and minutes, for the deadline inputs, and back. Pure.
 *
 * @module
 */

/** Days, hours and minutes of a duration. */
export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/** The parts of `PnDTnHnM` (weeks count as 7 days); `undefined` for anything else (edited as text). Pure. */
export function toDurationParts(text: string | undefined): DurationParts | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(text ?? '');
  if (!m || text === 'P' || text?.endsWith('T')) return undefined;
  const [, w = '0', d = '0', h = '0', min = '0'] = m;
  return { days: Number(w) * 7 + Number(d), hours: Number(h), minutes: Number(min) };
}

/** The ISO 8601 duration of `parts` (`P2D`, `PT48H`, `P1DT4H30M`; `PT0M` when all are zero). Pure. */
export function toIsoDuration({ days, hours, minutes }: DurationParts): string {
  const d = Math.max(0, Math.floor(days));
  const h = Math.max(0, Math.floor(hours));
  const m = Math.max(0, Math.floor(minutes));
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
  if (!d && !time) return 'PT0M';
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}
