import { describe, expect, it } from 'vitest';
import { localized, matchesQuery, type ModelRow } from './model-rows.ts';

const row = (key: string, name: ModelRow['model']['name']): ModelRow => ({
  model: { id: 1, key, name, createdBy: null, createdAt: '2026-12-03T00:00:00.000Z' },
  versions: [],
});

describe('model rows', () => {
  it('names a model in the language asked for, else in the other one, else by its key', () => {
    const both = { 'zh-CN': '线索到合同', en: 'Lead to contract' };
    expect(localized(both, 'zh-CN', 'k')).toBe('线索到合同');
    expect(localized(both, 'en', 'k')).toBe('Lead to contract');
    expect(localized({ 'zh-CN': '只有中文' }, 'en', 'k')).toBe('只有中文');
    expect(localized({ en: 'English only' }, 'zh-CN', 'k')).toBe('English only');
    expect(localized({}, 'en', 'the-key')).toBe('the-key');
  });

  it('finds a model by key or by either name, ignoring case and surrounding blanks', () => {
    const r = row('lead-to-contract', { 'zh-CN': '线索到合同', en: 'Lead to contract' });
    for (const query of ['', '  ', 'LEAD-TO', 'contract ', '合同', ' 线索']) expect(matchesQuery(r, query)).toBe(true);
    for (const query of ['zzz', '报价', 'lead to-contract']) expect(matchesQuery(r, query)).toBe(false);
  });
});
