import { readFileSync } from 'node:fs';
import type { ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { validateInBrowser } from './browser-validate.ts';
import { problemsAt, problemsByElement, toProblem, toProblems } from './problems.ts';

const example = JSON.parse(
  readFileSync(new URL('../../../../../examples/lead-to-contract/definition.json', import.meta.url), 'utf8'),
) as ProcessDefinition;

const nested: ProcessDefinition = {
  schemaVersion: 1,
  key: 'nested',
  name: { en: 'Nested' },
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'sp',
      type: 'subProcess',
      nodes: [
        { id: 'in-start', type: 'start' },
        { id: 'in-task', type: 'userTask' },
        { id: 'in-end', type: 'end' },
      ],
      edges: [
        { id: 'in-e1', from: 'in-start', to: 'in-task' },
        { id: 'in-e2', from: 'in-task', to: 'in-end', condition: 'x >' },
      ],
    },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'sp' },
    { id: 'e2', from: 'sp', to: 'end' },
  ],
};

describe('problems on the diagram', () => {
  it('places an issue on the innermost node or edge of its path, with the field and its section', () => {
    const at = (path: string) => toProblem({ code: 'DEF_SCHEMA', severity: 'error', path, message: '' }, nested);
    expect(at('/nodes/1/nodes/1/owner/role')).toMatchObject({
      element: { kind: 'node', id: 'in-task' },
      field: '/owner/role',
      section: 'owner',
    });
    expect(at('/nodes/1/edges/1/condition')).toMatchObject({
      element: { kind: 'edge', id: 'in-e2' },
      field: '/condition',
      section: 'conditions',
    });
    expect(at('/edges/0')).toMatchObject({ element: { kind: 'edge', id: 'e1' }, field: '', section: 'basics' });
    expect(at('/nodes/1/deadline/escalations/0')).toMatchObject({ element: { id: 'sp' }, section: 'deadline' });
    expect(at('/nodes/2/outputs')).toMatchObject({ element: { id: 'end' }, section: 'form' });
    expect(at('/nodes')).toMatchObject({ field: '/nodes', section: 'basics' });
    expect(at('/nodes').element).toBeUndefined();
    expect(at('/nodes/9/owner').element).toBeUndefined();
    expect(at('')).toMatchObject({ field: '' });
    // A user task's signers, result field and multi-instance settings are edited in its owner tab.
    expect(at('/nodes/1/nodes/1/signers/threshold')).toMatchObject({ field: '/signers/threshold', section: 'owner' });
    expect(at('/nodes/1/nodes/1/multiInstance')).toMatchObject({ section: 'owner' });
    expect(at('/nodes/1/nodes/1/cc/0/roles')).toMatchObject({ field: '/cc/0/roles', section: 'owner' });
    const unused = {
      code: 'DEF_SIGNERS_RESULT_UNUSED',
      severity: 'warning',
      path: '/nodes/1/nodes/1',
      message: '',
    } as const;
    expect(toProblem(unused, nested)).toMatchObject({ field: '/resultField', section: 'owner' });
  });

  it('counts errors and warnings per element, the process under "", errors listed first', () => {
    const { issues } = validateInBrowser(nested);
    const problems = toProblems(issues, nested);
    expect(problems.map((p) => [p.code, p.element?.id])).toEqual([
      ['DEF_EXPRESSION_SYNTAX', 'in-e2'],
      ['DEF_MISPLACED_CONDITION', 'in-e2'],
      ['DEF_MISSING_OWNER', 'in-task'],
    ]);
    const byElement = problemsByElement(problems);
    expect(byElement.get('in-e2')).toMatchObject({ errors: 2, warnings: 0 });
    expect(byElement.get('in-task')?.problems.map((p) => p.code)).toEqual(['DEF_MISSING_OWNER']);
    expect(problemsAt(problems, 'in-e2', '/condition').map((p) => p.code)).toEqual(['DEF_EXPRESSION_SYNTAX']);

    const warnings = problemsByElement(
      toProblems([{ code: 'DEF_CALENDAR_ENDING', severity: 'warning', path: '/calendar', message: '' }], nested),
    );
    expect(warnings.get('')).toMatchObject({ errors: 0, warnings: 1 });
  });

  it('finds nothing on the example, and badges the step whose owner is removed', () => {
    expect(toProblems(validateInBrowser(example).issues, example).filter((p) => p.severity === 'error')).toEqual([]);
    const broken = structuredClone(example);
    delete broken.nodes.find((n) => n.id === 'legal-review')!.owner;
    const byElement = problemsByElement(toProblems(validateInBrowser(broken).issues, broken));
    expect(byElement.get('legal-review')?.problems.map((p) => p.code)).toContain('DEF_MISSING_OWNER');
  });
});
