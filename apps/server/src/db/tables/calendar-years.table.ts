import type { CalendarYear } from '@baton/definition';
import type { Generated, JSONColumnType, Selectable } from 'kysely';

/** `calendar_years`: a year's holiday schedule of a business calendar, stored by an operator. */
export interface CalendarYearsTable {
  calendar_id: string;
  year: number;
  schedule: JSONColumnType<CalendarYear, string, string>;
  updated_by: number | null;
  updated_at: Generated<Date>;
}
export type CalendarYearRow = Selectable<CalendarYearsTable>;
