/**
 * Several signers on one user task (会签 / 或签 / 依次 / threshold), edited as the definition's own
 * `Signers` (see the definition reference, "Several signers"): pure helpers that switch the
 * option on and off, add and change signer sources, and change the policy and its threshold.
 *
 * @module
 */
import definitionSchema from '@baton/definition/schema/definition.schema.json';
import type {
  Owner,
  ProcessNode,
  SignerPolicy,
  SignerSource,
  Signers,
  SignerThreshold,
  WhenNoSigners,
} from '@baton/definition';

export { signerPolicies, signerSourceTypes } from '@baton/definition';

/** The rejection rules of `signers.rejection`, the default first. */
export const rejectionRules = ['veto', 'count'] as const satisfies readonly NonNullable<Signers['rejection']>[];

/** The actions of `signers.whenEmpty`, the default first. */
export const whenEmptyActions = ['incident', 'skip', 'fallback'] as const satisfies readonly WhenNoSigners['action'][];

/** The forms of a threshold. */
export const thresholdKinds = ['count', 'atLeast', 'moreThan'] as const;
/** @see thresholdKinds */
export type ThresholdKind = (typeof thresholdKinds)[number];

interface SchemaBranch {
  properties?: { type?: { const?: string }; signers?: unknown };
}

/** Whether the definition schema this app was built with allows `signers` on a user task. */
export const signersSupported: boolean = (
  (definitionSchema as { $defs?: { node?: { oneOf?: SchemaBranch[] } } }).$defs?.node?.oneOf ?? []
).some((b) => b.properties?.type?.const === 'userTask' && b.properties.signers !== undefined);

/** The signers of `node`, if it is a user task that has some. Pure. */
export function readSigners(node: ProcessNode): Signers | undefined {
  return node.type === 'userTask' ? node.signers : undefined;
}

/** The policy in force: `all` (会签) when none is written. Pure. */
export function policyOf(signers: Signers): SignerPolicy {
  return signers.policy ?? 'all';
}

/** `node` with `signers` set, or removed when `undefined`. Pure. */
export function withSigners(node: ProcessNode, signers: Signers | undefined): ProcessNode {
  if (node.type !== 'userTask') return node;
  const copy = { ...node };
  if (signers) copy.signers = signers;
  else delete copy.signers;
  return copy;
}

/** The signer sources that stand for `owner` (a role's members, …), if it has a direct counterpart. Pure. */
export function sourcesOfOwner(owner: Owner | undefined): SignerSource[] {
  switch (owner?.type) {
    case 'user':
      return owner.user ? [{ type: 'users', users: [owner.user] }] : [];
    case 'role':
    case 'roundRobin':
    case 'leastLoaded':
      if (!owner.role) return [];
      return [
        'team' in owner && owner.team
          ? { type: 'role', role: owner.role, team: owner.team }
          : { type: 'role', role: owner.role },
      ];
    case 'team':
      return owner.team ? [{ type: 'team', team: owner.team }] : [];
    case 'fromField':
      return owner.field ? [{ type: 'field', field: owner.field }] : [];
    case 'managerOf':
      return [{ type: 'managers', of: owner.of, levels: 1 }];
    case 'initiator':
      return [{ type: 'initiator' }];
    default:
      return [];
  }
}

/** The owner a signer source stands for when signers are switched off again. Pure. */
export function ownerOfSource(source: SignerSource | undefined): Owner | undefined {
  switch (source?.type) {
    case 'users':
      return source.users[0] ? { type: 'user', user: source.users[0] } : undefined;
    case 'role':
      return { type: 'role', role: source.role };
    case 'team':
      return { type: 'team', team: source.team };
    case 'field':
      return { type: 'fromField', field: source.field };
    case 'managers':
      return { type: 'managerOf', of: source.of };
    case 'initiator':
      return { type: 'initiator' };
    default:
      return undefined;
  }
}

/**
 * Switches several signers on: 会签 (`all`) by who the owner stands for (or the initiator), the
 * owner dropped (signers replace it; an owner beside them is a `DEF_BAD_SIGNERS` warning), and a
 * result field so a gateway can branch on the outcome. Pure.
 */
export function enableSigners(node: ProcessNode): ProcessNode {
  if (node.type !== 'userTask' || node.signers) return node;
  const from = sourcesOfOwner(node.owner);
  const copy = {
    ...node,
    signers: { from: from.length ? from : [{ type: 'initiator' as const }], policy: 'all' as const },
  };
  delete copy.owner;
  delete copy.multiInstance;
  copy.resultField ??= 'approval';
  return copy;
}

/** Switches several signers off: the first source becomes the owner again (when there is none). Pure. */
export function disableSigners(node: ProcessNode): ProcessNode {
  if (node.type !== 'userTask' || !node.signers) return node;
  const copy = { ...node };
  const owner = copy.owner ?? ownerOfSource(copy.signers?.from[0]);
  delete copy.signers;
  if (owner) copy.owner = owner;
  return copy;
}

/** `signers` with `policy`, adding a threshold (two approvals) for `threshold` and dropping it otherwise. Pure. */
export function withPolicy(signers: Signers, policy: SignerPolicy): Signers {
  const next: Signers = { ...signers, policy };
  if (policy === 'threshold') next.threshold = signers.threshold ?? { count: 2 };
  else delete next.threshold;
  return next;
}

/** The form and value of a threshold (a count, or a share from 0 to 1). Pure. */
export function readThreshold(threshold: SignerThreshold | undefined): { kind: ThresholdKind; value: number } {
  if (threshold && 'atLeast' in threshold) return { kind: 'atLeast', value: threshold.atLeast };
  if (threshold && 'moreThan' in threshold) return { kind: 'moreThan', value: threshold.moreThan };
  return { kind: 'count', value: threshold && 'count' in threshold ? threshold.count : 2 };
}

/** A threshold of `kind`: a count, or a share (a count does not carry over to a share, nor back). Pure. */
export function makeThreshold(kind: ThresholdKind, value?: number): SignerThreshold {
  switch (kind) {
    case 'count':
      return { count: value ?? 2 };
    case 'atLeast':
      return { atLeast: value ?? 0.6 };
    case 'moreThan':
      return { moreThan: value ?? 0.5 };
  }
}

/** A fresh source of `type`, with empty names for the user to fill in. Pure. */
export function newSource(type: SignerSource['type']): SignerSource {
  switch (type) {
    case 'users':
      return { type, users: [] };
    case 'role':
      return { type, role: '' };
    case 'team':
      return { type, team: '' };
    case 'field':
      return { type, field: '' };
    case 'managers':
      return { type, of: 'initiator', levels: 1 };
    case 'initiator':
      return { type };
  }
}

/** `signers` with source `index` replaced by `source`, or removed when `undefined`. Pure. */
export function withSource(signers: Signers, index: number, source: SignerSource | undefined): Signers {
  const from = [...signers.from];
  if (source) from[index] = source;
  else from.splice(index, 1);
  return { ...signers, from };
}
