/**
 * The deploy dialog's choices as data: what the user picked (a {@link CohortChoice}, kept whole
 * while they switch between the three forms so nothing typed is lost) and the `Cohort` the
 * server takes. Pure.
 *
 * @module
 */
import type { Cohort, Deployment } from '@baton/client';

/** What the deploy dialog holds: the form picked, and the teams and share typed for the others. */
export interface CohortChoice {
  type: Cohort['type'];
  teams: string[];
  /** 1–100. */
  percent: number;
}

/** The dialog's start: everyone, or the cohort of the deployment being widened. Pure. */
export function choiceOf(cohort?: Cohort): CohortChoice {
  if (!cohort) return { type: 'all', teams: [], percent: 10 };
  switch (cohort.type) {
    case 'teams':
      return { type: 'teams', teams: [...cohort.teams], percent: 10 };
    case 'share':
      return { type: 'share', teams: [], percent: cohort.percent };
    default:
      return { type: 'all', teams: [], percent: 10 };
  }
}

/**
 * The cohort to send for `choice`, or `'teamsRequired'` when the teams form has no team. A share
 * is rounded and kept within 1–100. Pure.
 *
 * @example
 * toCohort({ type: 'teams', teams: ['east'], percent: 10 }); // { type: 'teams', teams: ['east'] }
 */
export function toCohort(choice: CohortChoice): Cohort | 'teamsRequired' {
  switch (choice.type) {
    case 'teams':
      return choice.teams.length === 0 ? 'teamsRequired' : { type: 'teams', teams: [...new Set(choice.teams)] };
    case 'share':
      return { type: 'share', percent: Math.min(100, Math.max(1, Math.round(choice.percent))) };
    default:
      return { type: 'all' };
  }
}

/** Each version number's deployments, active ones first, then newest first. Pure. */
export function deploymentsByVersion(deployments: readonly Deployment[]): Map<number, Deployment[]> {
  const out = new Map<number, Deployment[]>();
  const sorted = [...deployments].sort(
    (a, b) => Number(b.active) - Number(a.active) || b.startedAt.localeCompare(a.startedAt) || b.id - a.id,
  );
  for (const d of sorted) {
    const list = out.get(d.version) ?? [];
    list.push(d);
    out.set(d.version, list);
  }
  return out;
}

/** The open draft could not be saved before publishing it; `code` says why (an API error code). */
export class DraftNotSavedError extends Error {
  override readonly name = 'DraftNotSavedError';
  constructor(readonly code: string) {
    super(`The draft could not be saved (${code}).`);
  }
}
