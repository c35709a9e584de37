/**
 * The assessment (the seeds' step 2) read from a definition: each node's four 1–5 scores, its
 * measured duration, its problems by class; the weakest steps; the overlay bins; and the edits
 * of one node's assessment. Pure.
 *
 * @module
 */
import {
  type Assessment,
  type ProblemClass,
  type ProcessDefinition,
  type ProcessNode,
  problemClasses,
} from '@baton/definition';
import { toDurationParts } from '../properties/duration-parts.ts';

/** The four scores, in the order the seeds list them. */
export const scoreKeys = ['efficiency', 'effectiveness', 'compliance', 'customerExperience'] as const;
/** @see scoreKeys */
export type ScoreKey = (typeof scoreKeys)[number];

/** What the assessment overlay colours by. */
export type AssessmentOverlay = ScoreKey | 'average' | 'problemClass';

/** The mean of the scores a node has, or undefined without any. */
export function averageScore(assessment: Assessment | undefined): number | undefined {
  const values = scoreKeys.map((k) => assessment?.scores?.[k]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/** A measured duration in hours (days count 24 h), for ordering; undefined when absent or unreadable. */
export function measuredHours(assessment: Assessment | undefined): number | undefined {
  const parts = toDurationParts(assessment?.measuredDuration?.duration);
  return parts ? parts.days * 24 + parts.hours + parts.minutes / 60 : undefined;
}

/** One scored step, as the diagnosis lists it. */
export interface WeakStep {
  node: ProcessNode;
  average: number;
  lowest: number;
  hours: number | undefined;
}

/**
 * The steps scored below the neutral 3 on average, weakest first: lowest average, then lowest
 * single score, then longest measured duration, then the definition's order. At most `limit`.
 */
export function weakestSteps(definition: Pick<ProcessDefinition, 'nodes'>, limit = 5): WeakStep[] {
  const steps: (WeakStep & { order: number })[] = [];
  definition.nodes.forEach((node, order) => {
    const average = averageScore(node.assessment);
    if (average === undefined || average >= 3) return;
    const scores = scoreKeys.map((k) => node.assessment?.scores?.[k]).filter((v): v is number => v !== undefined);
    steps.push({ node, average, lowest: Math.min(...scores), hours: measuredHours(node.assessment), order });
  });
  steps.sort(
    (a, b) => a.average - b.average || a.lowest - b.lowest || (b.hours ?? -1) - (a.hours ?? -1) || a.order - b.order,
  );
  return steps.slice(0, limit).map(({ order: _order, ...step }) => step);
}

/** One problem of one node. */
export interface NodeProblem {
  node: ProcessNode;
  note: string;
}

/** Every node's problems, grouped by class (in {@link problemClasses} order). */
export function problemsByClass(definition: Pick<ProcessDefinition, 'nodes'>): Record<ProblemClass, NodeProblem[]> {
  const out = Object.fromEntries(problemClasses.map((c) => [c, [] as NodeProblem[]])) as Record<
    ProblemClass,
    NodeProblem[]
  >;
  for (const node of definition.nodes)
    for (const p of node.assessment?.problems ?? []) if (out[p.class]) out[p.class].push({ node, note: p.note });
  return out;
}

/** The class a node is coloured with: the class of most of its problems (ties: the first listed). */
export function mainProblemClass(assessment: Assessment | undefined): ProblemClass | undefined {
  const counts = new Map<ProblemClass, number>();
  for (const p of assessment?.problems ?? []) counts.set(p.class, (counts.get(p.class) ?? 0) + 1);
  let best: ProblemClass | undefined;
  for (const [c, n] of counts) if (best === undefined || n > counts.get(best)!) best = c;
  return best;
}

/**
 * The overlay's CSS class for a node: `rv-score-1` … `rv-score-5` (a score or the rounded
 * average), `rv-class-<class>` (problem class), `rv-none` without data.
 */
export function overlayClass(assessment: Assessment | undefined, overlay: AssessmentOverlay): string {
  if (overlay === 'problemClass') {
    const c = mainProblemClass(assessment);
    return c ? `rv-class-${c}` : 'rv-none';
  }
  const value = overlay === 'average' ? averageScore(assessment) : assessment?.scores?.[overlay];
  if (value === undefined) return 'rv-none';
  return `rv-score-${Math.min(5, Math.max(1, Math.round(value)))}`;
}

/** The overlay's figure on a node: the score (average to one decimal), or the number of problems. */
export function overlayFigure(assessment: Assessment | undefined, overlay: AssessmentOverlay): string | undefined {
  if (overlay === 'problemClass') {
    const n = assessment?.problems?.length ?? 0;
    return n > 0 ? String(n) : undefined;
  }
  const value = overlay === 'average' ? averageScore(assessment) : assessment?.scores?.[overlay];
  if (value === undefined) return undefined;
  return overlay === 'average' ? value.toFixed(1) : String(value);
}

/**
 * `assessment` with `patch` applied; fields set to `undefined` are removed, and so are empty
 * `scores`. Returns undefined when nothing is left (the node then drops its assessment).
 */
export function patchAssessment(
  assessment: Assessment | undefined,
  patch: Partial<{ [K in keyof Assessment]: Assessment[K] | undefined }>,
): Assessment | undefined {
  const next: Record<string, unknown> = { ...assessment, ...patch };
  for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
  if (next.scores && Object.keys(next.scores).length === 0) delete next.scores;
  return Object.keys(next).length === 0 ? undefined : next;
}

/** `assessment` with one score set (1–5) or removed (`undefined`). */
export function withScore(
  assessment: Assessment | undefined,
  key: ScoreKey,
  value: number | undefined,
): Assessment | undefined {
  const scores: Record<string, number | undefined> = { ...assessment?.scores, [key]: value };
  for (const [k, v] of Object.entries(scores)) if (v === undefined) delete scores[k];
  return patchAssessment(assessment, { scores: scores });
}
