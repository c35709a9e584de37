/**
 * Live validation for the designer: `validateInBrowser` on the current definition, debounced
 * (one run after the user pauses), on the main thread so the page's CSP governs it (the server
 * sends no CSP with worker scripts, so a worker would run unguarded). A 300-step definition with
 * a FEEL condition on every step takes about 0.25 s (FEEL parsing dominates; see
 * problem-text.test.ts), so the pause waited for grows with the last run's duration.
 *
 * @module
 */
import type { ProcessDefinition, ValidateDefinitionOptions } from '@baton/definition';
import { useEffect, useState } from 'react';
import { toProblems, type Problem } from './problems.ts';

/** Options of {@link useLiveValidation}. */
export interface LiveValidationOptions extends Omit<ValidateDefinitionOptions, 'precompiled'> {
  /**
   * Quiet time after the last change before validating, in ms.
   * @default 250, or twice the last run's duration when that is longer
   */
  delayMs?: number;
}

/** The state of live validation. */
export interface LiveValidation {
  problems: Problem[];
  /** Whether a change is waiting to be validated. */
  checking: boolean;
  /** How long the last run took, in ms. */
  durationMs?: number;
  /** Whether the validator could not be loaded. */
  failed?: boolean;
}

/** Validates `definition` in the browser `delayMs` after it last changed. */
export function useLiveValidation(
  definition: ProcessDefinition | undefined,
  { delayMs, calendars, today, calendarCoverage }: LiveValidationOptions = {},
): LiveValidation {
  const [state, setState] = useState<LiveValidation>({ problems: [], checking: definition !== undefined });
  const calendarKey = calendars?.join('\n');
  const last = state.durationMs ?? 0;
  const delay = delayMs ?? Math.max(250, Math.round(2 * last));
  useEffect(() => {
    if (!definition) return;
    setState((s) => (s.checking ? s : { ...s, checking: true }));
    let live = true;
    const timer = window.setTimeout(() => {
      // The validator (ajv standalone code, the calendars) is a chunk of its own, loaded on first use.
      import('./browser-validate.ts').then(
        ({ validateInBrowser }) => {
          if (!live) return;
          const started = performance.now();
          const options: ValidateDefinitionOptions = {};
          if (calendarKey) options.calendars = calendarKey.split('\n');
          if (today) options.today = today;
          if (calendarCoverage) options.calendarCoverage = calendarCoverage;
          const { issues } = validateInBrowser(definition, options);
          setState({
            problems: toProblems(issues, definition),
            checking: false,
            durationMs: performance.now() - started,
          });
        },
        (error: unknown) => {
          // The chunk could not be loaded (offline, a new deployment): say so instead of "checking" forever.
          console.error('live validation failed', error);
          if (live) setState((s) => ({ ...s, checking: false, failed: true }));
        },
      );
    }, delay);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // `delay` is read when a change arrives; a new duration alone must not trigger a run.
  }, [definition, calendarKey, today, calendarCoverage]);
  return state;
}
