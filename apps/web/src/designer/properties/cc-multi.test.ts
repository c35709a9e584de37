import type { ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { ccRuleIsEmpty, newCcRule, withCcInitiator, withCcList, withCcRules, withMultiInstance } from './cc-multi.ts';

const task: ProcessNode = { id: 'review', type: 'userTask', name: { 'zh-CN': '审核', en: 'Review' } };

describe('cc rules (抄送)', () => {
  it('a new rule names nobody until users, roles, teams or the initiator are picked', () => {
    const rule = newCcRule();
    expect(ccRuleIsEmpty(rule)).toBe(true);
    expect(ccRuleIsEmpty(withCcList(rule, 'roles', ['after-sales']))).toBe(false);
    expect(ccRuleIsEmpty(withCcInitiator(rule, true))).toBe(false);
  });

  it('drops empty lists and duplicates, and unsets the initiator flag', () => {
    const rule = withCcList(withCcInitiator(newCcRule(), true), 'users', ['rep1', ' rep1', 'legal', '']);
    expect(rule).toEqual({ when: 'completed', initiator: true, users: ['rep1', 'legal'] });
    expect(withCcInitiator(withCcList(rule, 'users', []), false)).toEqual({ when: 'completed' });
  });

  it('removes `cc` from the node when the last rule goes; leaves other kinds alone', () => {
    const withRule = withCcRules(task, [{ when: 'activated', roles: ['finance'] }]);
    expect(withRule).toMatchObject({ cc: [{ when: 'activated', roles: ['finance'] }] });
    expect('cc' in withCcRules(withRule, [])).toBe(false);
    const gateway: ProcessNode = { id: 'g', type: 'exclusiveGateway' };
    expect(withCcRules(gateway, [{ when: 'completed', initiator: true }])).toBe(gateway);
  });
});

describe('one task per list element (multi-instance)', () => {
  it('keeps only what was chosen and removes the setting when switched off', () => {
    const on = withMultiInstance(task, {
      collection: 'contacts',
      sequential: false,
      completionCondition: ' ',
      resultField: '',
    });
    expect(on).toMatchObject({ multiInstance: { collection: 'contacts' } });
    expect(Object.keys((on as { multiInstance: object }).multiInstance)).toEqual(['collection']);
    const full = withMultiInstance(task, {
      collection: 'contacts',
      sequential: true,
      completionCondition: 'nrOfCompletedInstances >= 2',
      resultField: 'followUps',
    });
    expect(full).toMatchObject({
      multiInstance: {
        collection: 'contacts',
        sequential: true,
        completionCondition: 'nrOfCompletedInstances >= 2',
        resultField: 'followUps',
      },
    });
    expect('multiInstance' in withMultiInstance(full, undefined)).toBe(false);
  });
});
