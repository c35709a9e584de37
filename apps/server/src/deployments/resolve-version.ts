import type { Cohort } from '@baton/client/contract';

/** What {@link resolveVersionForStart} needs to know about a deployment. */
export interface DeploymentCandidate {
  id: number;
  versionId: number;
  cohort: Cohort;
  startedAt: Date;
  /** Null while the deployment is active. */
  endedAt: Date | null;
}

/** Who is starting the new instance. */
export interface StartContext {
  /** The initiator's team key and the keys of all its ancestors (see `findTeamKeysWithAncestors`). */
  teamKeys: readonly string[];
  /** The new instance's business key; share cohorts need it (without one, they never match). */
  businessKey?: string | null;
}

/**
 * The share bucket (0–99) of a business key: FNV-1a (32 bit) over its UTF-8 bytes, mod 100.
 * Stable across processes, versions and languages, so the same customer always lands in the same
 * bucket, and widening a share from 10 % to 50 % keeps the first 10 % inside.
 */
export function shareBucket(businessKey: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(businessKey)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/** Whether a cohort includes the instance being started. */
export function cohortMatches(cohort: Cohort, context: StartContext): boolean {
  switch (cohort.type) {
    case 'all':
      return true;
    case 'teams':
      return cohort.teams.some((team) => context.teamKeys.includes(team));
    case 'share':
      return (
        context.businessKey != null && context.businessKey !== '' && shareBucket(context.businessKey) < cohort.percent
      );
    default:
      return false;
  }
}

/**
 * Picks the deployment (and so the version) a new instance runs on: the newest active
 * deployment whose cohort matches — `all` always; `teams` when the initiator's team or one of
 * its ancestors is listed; `share` when the business key's {@link shareBucket} is below the
 * percentage. Newest means latest `startedAt`, then highest id. Undefined when none matches
 * (the model is not deployed for this initiator).
 *
 * Pure; never throws.
 *
 * @example
 * const chosen = resolveVersionForStart(deployments, { teamKeys: ['sales-east', 'sales', 'company'], businessKey: 'ACME-42' });
 */
export function resolveVersionForStart<D extends DeploymentCandidate>(
  deployments: readonly D[],
  context: StartContext,
): D | undefined {
  let best: D | undefined;
  for (const deployment of deployments) {
    if (deployment.endedAt !== null) continue;
    if (!cohortMatches(deployment.cohort, context)) continue;
    if (best === undefined || isNewer(deployment, best)) best = deployment;
  }
  return best;
}

function isNewer(a: DeploymentCandidate, b: DeploymentCandidate): boolean {
  const diff = a.startedAt.getTime() - b.startedAt.getTime();
  return diff > 0 || (diff === 0 && a.id > b.id);
}
