import { readFileSync } from 'node:fs';
import type { StepMeasures } from '@baton/client';
import { diffDefinitions, type ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import {
  averageScore,
  mainProblemClass,
  overlayClass,
  overlayFigure,
  patchAssessment,
  problemsByClass,
  weakestSteps,
  withScore,
} from './assessment.ts';
import { fieldValueText, indexDiff, stackOffset } from './diff-model.ts';
import { heatBin, heatScale, heatValue } from './heat.ts';

const read = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../../examples/sales/${name}.json`, import.meta.url), 'utf8'),
  ) as ProcessDefinition;
const current = read('current-state');
const target = read('target-state');

describe('indexDiff', () => {
  const index = indexDiff(diffDefinitions(current, target));
  const ids = (kind: string) =>
    index.entries
      .filter((e) => e.element === 'node' && e.kind === kind)
      .map((e) => e.id)
      .sort();

  it('marks the sales target state’s new, dropped and changed steps', () => {
    expect(ids('added')).toEqual(['attribute-deal', 'deal-size', 'lead-captured']);
    expect(ids('removed')).toEqual(['assign-lead', 'crm-reentry', 'lead-logged', 'month-end-attribution']);
    expect(ids('changed')).toContain('legal-review');
    expect(index.to.get('lead-captured')).toBe('added');
    expect(index.from.get('lead-captured')).toBeUndefined();
    expect(index.from.get('lead-logged')).toBe('removed');
    expect(index.to.get('legal-review')).toBe('changed');
    expect(index.from.get('legal-review')).toBe('changed');
    const legal = index.entries.find((e) => e.id === 'legal-review')!;
    expect(legal.fields.map((f) => f.field)).toEqual(['assessment', 'deadline', 'trigger']);
    expect(index.counts.added).toBe(index.entries.filter((e) => e.kind === 'added').length);
  });

  it('leaves layout-only moves out unless asked for', () => {
    const moved = {
      ...current,
      nodes: current.nodes.map((n) => (n.id === 'proposal' ? { ...n, layout: { x: 1, y: 2 } } : n)),
    };
    expect(indexDiff(diffDefinitions(current, moved)).entries).toEqual([]);
    const withLayout = indexDiff(diffDefinitions(current, moved), { includeLayout: true });
    expect(withLayout.entries).toMatchObject([{ id: 'proposal', kind: 'changed', fields: [{ field: 'layout' }] }]);
  });

  it('stacks the second diagram below the first', () => {
    expect(stackOffset([0, 200, 380], [80, 200], 300)).toBe(380 - 80 + 300);
    expect(stackOffset([], [1], 10)).toBe(0);
  });

  it('says field values in one line', () => {
    expect(fieldValueText('name', { 'zh-CN': '法务审核', en: 'Legal review' }, 'zh-CN')).toBe('法务审核');
    expect(fieldValueText('trigger', { condition: 'amount > 1' }, 'en')).toBe('amount > 1');
    expect(fieldValueText('deadline', { duration: 'PT48H', time: 'working' }, 'en')).toMatch(/48/);
    expect(fieldValueText('owner', null, 'en')).toBeUndefined();
    expect(fieldValueText('outputs', { a: 'x'.repeat(200) }, 'en')!.length).toBeLessThanOrEqual(90);
  });
});

describe('the assessment', () => {
  it('lists the current state’s weakest steps, lowest average first', () => {
    const weakest = weakestSteps(current);
    // Three steps average 1.75 with a 1 among their scores; after-sales was measured longest (5 d).
    // Of the two averaging 2, month-end attribution has a 1.
    expect(weakest.map((w) => w.node.id)).toEqual([
      'after-sales-start',
      'first-follow-up',
      'assign-lead',
      'month-end-attribution',
      'lead-logged',
    ]);
    expect(weakest[0]!.average).toBe(1.75);
    for (const w of weakest) expect(w.average).toBeLessThan(3);
  });

  it('groups the problems by class', () => {
    const groups = problemsByClass(current);
    expect(Object.keys(groups)).toEqual(['processDesign', 'resources', 'managementMechanism']);
    const total = current.nodes.reduce((n, node) => n + (node.assessment?.problems?.length ?? 0), 0);
    expect(groups.processDesign.length + groups.resources.length + groups.managementMechanism.length).toBe(total);
    expect(groups.managementMechanism.map((p) => p.node.id)).toContain('legal-review');
  });

  it('colours by a score, the average or the main problem class', () => {
    const legal = current.nodes.find((n) => n.id === 'legal-review')!.assessment;
    expect(overlayClass(legal, 'efficiency')).toBe('rv-score-1');
    expect(overlayClass(legal, 'compliance')).toBe('rv-score-4');
    expect(overlayClass(legal, 'average')).toBe('rv-score-2');
    expect(overlayFigure(legal, 'average')).toBe('2.3');
    expect(overlayClass(legal, 'problemClass')).toBe(`rv-class-${mainProblemClass(legal)}`);
    expect(overlayClass(undefined, 'efficiency')).toBe('rv-none');
    expect(overlayClass({ problems: [] }, 'problemClass')).toBe('rv-none');
    expect(
      mainProblemClass({
        problems: [
          { class: 'resources', note: 'a' },
          { class: 'processDesign', note: 'b' },
          { class: 'processDesign', note: 'c' },
        ],
      }),
    ).toBe('processDesign');
  });

  it('edits scores and drops what is empty', () => {
    expect(averageScore(undefined)).toBeUndefined();
    const one = withScore(undefined, 'efficiency', 4);
    expect(one).toEqual({ scores: { efficiency: 4 } });
    expect(withScore(one, 'efficiency', undefined)).toBeUndefined();
    expect(patchAssessment({ notes: 'x', scores: { compliance: 2 } }, { notes: undefined })).toEqual({
      scores: { compliance: 2 },
    });
  });
});

const step = (over: Partial<StepMeasures>): StepMeasures => {
  const spread = { p50: null, p90: null, mean: null };
  return {
    nodeId: 'n',
    name: null,
    tasks: 1,
    completed: 1,
    open: 0,
    durationClockHours: spread,
    durationWorkingHours: spread,
    waitingClockHours: spread,
    waitingWorkingHours: spread,
    workingClockHours: spread,
    workingWorkingHours: spread,
    passRate: null,
    rework: 0,
    withDeadline: 0,
    deadlineHitRate: null,
    escalations: 0,
    ...over,
  };
};

describe('the heat overlay', () => {
  it('bins durations from zero to the longest, hottest last', () => {
    const steps = [
      step({ durationWorkingHours: { p50: 2, p90: 4, mean: 3 } }),
      step({ durationWorkingHours: { p50: 10, p90: 30, mean: 12 } }),
      step({}),
    ];
    const scale = heatScale(steps, 'durationP50');
    expect(scale.map((b) => [b.bin, b.from, b.to])).toEqual([
      [1, 0, 2],
      [2, 2, 4],
      [3, 4, 6],
      [4, 6, 8],
      [5, 8, 10],
    ]);
    expect(heatBin(heatValue(steps[0]!, 'durationP50'), scale)).toBe(1);
    expect(heatBin(heatValue(steps[1]!, 'durationP50'), scale)).toBe(5);
    expect(heatBin(heatValue(steps[2]!, 'durationP50'), scale)).toBeUndefined();
    expect(heatScale([step({})], 'durationP90')).toEqual([]);
  });

  it('reads breaches as the misses of steps with a deadline, and a low pass rate as hot', () => {
    expect(heatValue(step({ withDeadline: 4, deadlineHitRate: 0.75 }), 'breachRate')).toBeCloseTo(0.25);
    expect(heatValue(step({ withDeadline: 0, deadlineHitRate: null }), 'breachRate')).toBeNull();
    const scale = heatScale([step({ passRate: 0.5 })], 'passRate');
    expect(heatBin(0.05, scale)).toBe(5);
    expect(heatBin(1, scale)).toBe(1);
    expect(heatBin(0.5, scale)).toBe(3);
  });
});
