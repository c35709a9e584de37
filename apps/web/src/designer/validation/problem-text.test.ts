import { definitionIssueCodes, type ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';
import { validateInBrowser } from './browser-validate.ts';
import { isKnownProblemCode } from './problem-text.ts';

describe('problem texts', () => {
  it('have a title and a fix in both languages for every definition issue code', () => {
    expect(Object.keys(en.properties.problems.codes).sort()).toEqual(Object.keys(definitionIssueCodes).sort());
    for (const code of Object.keys(definitionIssueCodes)) {
      expect(isKnownProblemCode(code), code).toBe(true);
      const zh = (zhCN.properties.problems.codes as Record<string, { title: string; fix: string }>)[code];
      expect(zh?.title.trim(), code).not.toBe('');
      expect(zh?.fix.trim(), code).not.toBe('');
    }
    expect(isKnownProblemCode('DEF_NOT_YET_INVENTED')).toBe(false);
  });

  it('validates a 300-step definition in the browser fast enough to run after each pause in typing', () => {
    const n = 300;
    const nodes: ProcessDefinition['nodes'] = [{ id: 'start', type: 'start' }];
    const edges: ProcessDefinition['edges'] = [];
    for (let i = 0; i < n; i++) {
      nodes.push({
        id: `t${i}`,
        type: 'userTask',
        owner: { type: 'role', role: 'sales-rep' },
        trigger: { condition: `amount > ${i}` },
        deadline: { duration: 'PT48H', escalations: [{ at: 0.5, action: { type: 'remind' } }] },
        outputs: { type: 'object', properties: { [`f${i}`]: { type: 'string', format: 'date' } } },
      });
      edges.push({ id: `e${i}`, from: i === 0 ? 'start' : `t${i - 1}`, to: `t${i}` });
    }
    nodes.push({ id: 'end', type: 'end' });
    edges.push({ id: 'e-end', from: `t${n - 1}`, to: 'end' });
    const definition: ProcessDefinition = {
      schemaVersion: 1,
      key: 'big',
      name: { en: 'Big' },
      data: { type: 'object', properties: { amount: { type: 'number' } } },
      nodes,
      edges,
    };
    validateInBrowser(definition); // warm up
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const result = validateInBrowser(definition);
      runs.push(performance.now() - started);
      expect(result.ok).toBe(true);
    }
    runs.sort((a, b) => a - b);
    console.info(
      `validateInBrowser, 300 steps: median ${runs[2]!.toFixed(1)} ms (runs ${runs.map((r) => r.toFixed(1)).join(', ')})`,
    );
    expect(runs[2]).toBeLessThan(500);
  });
});
