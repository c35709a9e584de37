/**
 * Several signers on one user task (会签 / 或签 / 依次 / threshold) and the empty-approver rule:
 * a LOCAL mirror of the shape the engine branch of issue 9 is adding to `userTask` (`signers`).
 * Everything the panel knows about that shape is in this file, so aligning it at merge means
 * editing this file only. Until the definition schema has `signers`, the panel shows the section
 * read-only with a note ({@link signersSupported} is computed from the schema itself).
 *
 * @module
 */
import definitionSchema from '@baton/definition/schema/definition.schema.json';
import type { Owner, ProcessNode } from '@baton/definition';

/** How several signers decide. */
export const signerPolicies = ['all', 'any', 'sequence', 'threshold'] as const;
/** @see signerPolicies */
export type SignerPolicy = (typeof signerPolicies)[number];

/** What a rejection does under `threshold`. */
export const rejectionRules = ['any', 'threshold'] as const;
/** @see rejectionRules */
export type RejectionRule = (typeof rejectionRules)[number];

/** What happens when the signer set is empty. */
export const emptySignerActions = ['skip', 'fallback', 'incident'] as const;
/** @see emptySignerActions */
export type EmptySignerAction = (typeof emptySignerActions)[number];

/** The likely shape of `userTask.signers` (issue 9): who signs, how they decide, what if nobody. */
export interface Signers {
  /** Who signs: everyone the owner stands for (a role's or a team's members, …). */
  from: 'owner';
  policy: SignerPolicy;
  /** Approvals needed, for `threshold`. */
  threshold?: number;
  /** For `threshold`: whether one rejection rejects at once. @default 'any' */
  rejection?: RejectionRule;
  /** When nobody is found. @default { action: 'incident' } */
  ifEmpty?: { action: EmptySignerAction; to?: Owner };
  /** Approve automatically when the same person approved the previous step (去重). */
  dedupe?: boolean;
}

interface SchemaBranch {
  properties?: { type?: { const?: string }; signers?: unknown };
}

/** Whether the definition schema this app was built with allows `signers` on a user task. */
export const signersSupported: boolean = (
  (definitionSchema as { $defs?: { node?: { oneOf?: SchemaBranch[] } } }).$defs?.node?.oneOf ?? []
).some((b) => b.properties?.type?.const === 'userTask' && b.properties.signers !== undefined);

/** The signers of `node`, if it has any. Pure. */
export function readSigners(node: ProcessNode): Signers | undefined {
  const value = (node as { signers?: unknown }).signers;
  return value && typeof value === 'object' ? (value as Signers) : undefined;
}

/** `node` with `signers` set, or removed when `undefined`. Pure. */
export function withSigners(node: ProcessNode, signers: Signers | undefined): ProcessNode {
  const copy = { ...node } as ProcessNode & { signers?: Signers };
  if (signers) copy.signers = signers;
  else delete copy.signers;
  return copy;
}

/** The default signers when the option is switched on: 会签 by everyone the owner stands for. */
export const defaultSigners: Signers = { from: 'owner', policy: 'all', ifEmpty: { action: 'incident' } };
