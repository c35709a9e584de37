import { validateDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { firstDraft } from './first-draft.ts';

describe('the first draft of a new model', () => {
  it('is a valid process of a start joined to an end, named in both languages', () => {
    const draft = firstDraft('deal-desk', { 'zh-CN': '大单审批', en: 'Deal desk' });
    expect(draft.key).toBe('deal-desk');
    expect(draft.nodes.map((n) => [n.type, n.name])).toEqual([
      ['start', { 'zh-CN': '开始', en: 'Start' }],
      ['end', { 'zh-CN': '结束', en: 'End' }],
    ]);
    expect(validateDefinition(draft).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
