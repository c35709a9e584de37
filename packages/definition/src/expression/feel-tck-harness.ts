/**
 * How Baton runs the DMN TCK's FEEL cases (`../shared/conformance/feel-tck.json`): the case
 * format, how an answer is judged, and the documented exclusions. Used by the gating test
 * (`feel-tck.test.ts`) and by `npm run conformance:feel`; neither copies the cases in. Pure.
 *
 * @internal
 * @module
 */

import { parseDuration } from './feel-temporal.ts';
import { DtDuration } from './feel-values.ts';

/** One result node of the kit. */
export interface TckCase {
  source: string;
  id: string;
  kind: string;
  expression: string;
  context: Record<string, unknown>;
  expected: unknown;
  errorResult: boolean;
  typeRef?: string;
}

/** What a path answered: a value (plain JSON) or an error code. */
export type TckAnswer = { kind: 'value'; value: unknown } | { kind: 'error'; code: string };

/**
 * The cases Baton does not run, each for a feature it leaves out on purpose. At most 60
 * (issue 13); `docs/conformance.md` explains each reason.
 */
export const TCK_EXCLUSIONS: Readonly<Record<string, { reason: string; cases: readonly string[] }>> = {
  'user-functions': {
    reason:
      'user-defined functions (`function(x) ...`) are forbidden: they allow unbounded recursion; only a comparator passed to sort() is allowed',
    cases: [
      ...['001', '002', '003', '004', '005', '006', '007', '008', '009', '010'].map(
        (n) => `0070-feel-instance-of/0070-feel-instance-of-test-01.xml#function_${n}/function_${n}`,
      ),
      '1155-list-replace-function/1155-list-replace-function-test-01.xml#009/decision009',
      '1155-list-replace-function/1155-list-replace-function-test-01.xml#013/decision013',
      '1155-list-replace-function/1155-list-replace-function-test-01.xml#020/decision020',
      '0099-arithmetic-negation/0099-arithmetic-negation-test-01.xml#decision_012/decision_012',
    ],
  },
  clock: {
    reason: 'now() and today() read the real clock; a process passes the time as data (the `now` field)',
    cases: [
      '1148-feel-now-function/1148-feel-now-function-test-01.xml#001/decision001',
      '1149-feel-today-function/1149-feel-today-function-test-01.xml#001/decision001',
    ],
  },
  'item-definitions': {
    reason:
      "a DMN model's item definitions (`instance of tFooBar`): an expression in a process has no DMN model; type names other than FEEL's are rejected",
    cases: [
      'number_013',
      'string_013',
      'list_013',
      'list_014',
      'list_014_a',
      'list_015',
      'list_017',
      'list_018',
      'list_019',
      'context_013',
      'context_014',
      'context_015',
      'context_016',
    ].map((n) => `0070-feel-instance-of/0070-feel-instance-of-test-01.xml#${n}/${n}`),
  },
  'decision-typeref': {
    reason:
      "a DMN decision's typeRef coercion of its result (a decision-model feature; an expression's value is returned as computed)",
    cases: [
      ...[
        'decision_001',
        'decision_003',
        'decision_005',
        'decision_006_a',
        'decision_007',
        'decision_007_a',
        'literal_002',
        'literal_004',
        'literal_005',
        'literal_006',
        'decision_context_03',
      ].map((n) => `0082-feel-coercion/0082-feel-coercion-test-01.xml#${n}/${n}`),
      '0021-singleton-list/0021-singleton-list-test-01.xml#001/decision2',
      '0021-singleton-list/0021-singleton-list-test-01.xml#001/decision4',
    ],
  },
  'typed-temporal-data': {
    reason:
      'inputs typed as dates, times or durations: instance data is JSON, where they are ISO strings; convert with date(x), time(x), duration(x)',
    cases: [
      '0095-feel-day-of-year-function/0095-feel-day-of-year-function-test-01.xml#date_005/date_005',
      '0095-feel-day-of-year-function/0095-feel-day-of-year-function-test-01.xml#datetime_004/datetime_004',
      '0098-feel-week-of-year-function/0098-feel-week-of-year-function-test-01.xml#date_006/date_006',
      '0098-feel-week-of-year-function/0098-feel-week-of-year-function-test-01.xml#datetime_004/datetime_004',
      '0007-date-time/0007-date-time-test-01.xml#001/Time3',
      '0032-conditionals/0032-conditionals-test-01.xml#004/conditionWithFunctions',
    ],
  },
  'range-type-syntax': {
    reason:
      "the type `range<T>` after `instance of` (DMN 1.5): feelin 8.2.0's grammar, which Baton parses with, does not have it (`instance of range` works)",
    cases: ['001_a', '001_b', '001_c', '001_d', '001_e', '001_g', '001_h', '001_i'].map(
      (n) => `1156-range-function/1156-range-function-test-01.xml#${n}/decision${n}`,
    ),
  },
  backreferences: {
    reason:
      'regular-expression backreferences (`(a)\\1`): not linear-time, so the regex engine leaves them out (unbounded work)',
    cases: ['1111-feel-matches-function/1111-feel-matches-function-test-01.xml#K2-MatchesFunc-17/K2-MatchesFunc-17'],
  },
};

/** Case id → exclusion key. */
export const TCK_EXCLUDED: ReadonlyMap<string, string> = new Map(
  Object.entries(TCK_EXCLUSIONS).flatMap(([key, { cases }]) => cases.map((id) => [id, key] as const)),
);

/** Tagged temporal values become ISO strings: Baton's instance data is JSON, dates are strings. */
export function tckData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tckData);
  if (value !== null && typeof value === 'object') {
    const tagged = value as { $t?: unknown; v?: unknown };
    if (typeof tagged.$t === 'string' && typeof tagged.v === 'string') return tagged.v;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tckData(v)]));
  }
  return value;
}

/** Durations compare by kind and value (`P0D` and `PT0S` are both zero days-and-time). */
function sameDuration(expected: string, got: string): boolean {
  const a = parseDuration(expected);
  const b = parseDuration(got);
  if (a === null || b === null) return expected === got;
  if (a instanceof DtDuration || b instanceof DtDuration) {
    return a instanceof DtDuration && b instanceof DtDuration && a.seconds.eq(b.seconds);
  }
  return a.months === b.months;
}

/**
 * Numbers compare exactly for integers and within a relative 1e-5 otherwise (as the kit's own
 * runners do); temporal values by their ISO text (durations by value).
 */
export function tckSameValue(expected: unknown, got: unknown): boolean {
  if (expected === null || got === null) return expected === got;
  if (typeof expected === 'number') {
    if (typeof got !== 'number') return false;
    if (Number.isInteger(expected)) return got === expected;
    return Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(got) &&
      got.length === expected.length &&
      expected.every((e, i) => tckSameValue(e, got[i] as unknown))
    );
  }
  if (typeof expected === 'object') {
    const tagged = expected as { $t?: unknown; v?: unknown };
    if (typeof tagged.$t === 'string' && typeof tagged.v === 'string') {
      if (typeof got !== 'string') return false;
      return tagged.$t === 'duration' ? sameDuration(tagged.v, got) : got === tagged.v;
    }
    if (typeof got !== 'object' || Array.isArray(got)) return false;
    const e = expected as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const keys = Object.keys(e);
    return keys.length === Object.keys(g).length && keys.every((k) => k in g && tckSameValue(e[k], g[k]));
  }
  return expected === got;
}

/** Whether an answer passes: where the kit expects an error, an error or `null` passes. */
export function tckPassed(c: TckCase, answer: TckAnswer): boolean {
  if (c.errorResult) return answer.kind === 'error' || answer.value === null;
  if (answer.kind === 'error') return c.expected === null;
  return tckSameValue(c.expected, answer.value);
}
