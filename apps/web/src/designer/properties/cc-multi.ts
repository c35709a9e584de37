/**
 * Pure edits of a user task's cc rules (抄送) and its repetition over a list (multi-instance), for
 * the properties panel. Empty lists and unset flags are dropped, so the definition keeps only what
 * was chosen.
 *
 * @module
 */
import type { CcRule, MultiInstance, ProcessNode } from '@baton/definition';

/** The recipients' lists of a cc rule. */
export type CcList = 'users' | 'roles' | 'teams';

/** A new rule: copied when the step is done, to nobody yet. */
export const newCcRule = (): CcRule => ({ when: 'completed' });

/** True when the rule names nobody (no users, roles, teams, nor the initiator). */
export function ccRuleIsEmpty(rule: CcRule): boolean {
  return !rule.initiator && !rule.users?.length && !rule.roles?.length && !rule.teams?.length;
}

/** The rule with one recipients' list replaced (dropped when empty, duplicates removed). */
export function withCcList(rule: CcRule, list: CcList, values: readonly string[]): CcRule {
  const next: CcRule = { ...rule };
  const unique = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
  if (unique.length > 0) next[list] = unique;
  else delete next[list];
  return next;
}

/** The rule with the initiator included or not. */
export function withCcInitiator(rule: CcRule, initiator: boolean): CcRule {
  const next: CcRule = { ...rule };
  if (initiator) next.initiator = true;
  else delete next.initiator;
  return next;
}

/** The node with its cc rules replaced; a user task without rules has no `cc`. */
export function withCcRules(node: ProcessNode, rules: readonly CcRule[]): ProcessNode {
  if (node.type !== 'userTask') return node;
  const { cc: _cc, ...rest } = node;
  return rules.length > 0 ? { ...rest, cc: [...rules] } : rest;
}

/** The node repeating over `collection` (all at once), or no longer repeating when undefined. */
export function withMultiInstance(node: ProcessNode, multi: MultiInstance | undefined): ProcessNode {
  if (node.type !== 'userTask') return node;
  const { multiInstance: _m, ...rest } = node;
  if (!multi) return rest;
  const clean: MultiInstance = { collection: multi.collection };
  if (multi.sequential) clean.sequential = true;
  if (multi.completionCondition?.trim()) clean.completionCondition = multi.completionCondition;
  if (multi.resultField?.trim()) clean.resultField = multi.resultField.trim();
  return { ...rest, multiInstance: clean };
}

/** The counters a completion condition may read besides the data. */
export const multiInstanceCounters = ['nrOfInstances', 'nrOfCompletedInstances', 'nrOfActiveInstances'] as const;
