/**
 * The heat overlay's arithmetic: which figure of a step's measures (`GET
 * /api/analytics/models/:key/steps`) a metric reads, and the five bins nodes are coloured by,
 * hottest (worst) last. Pure.
 *
 * @module
 */
import type { StepMeasures } from '@baton/client';

/** What the heat overlay colours by. */
export const heatMetrics = ['durationP50', 'durationP90', 'waitingP50', 'breachRate', 'passRate'] as const;
/** @see heatMetrics */
export type HeatMetric = (typeof heatMetrics)[number];

/** Whether a metric is a share (0–1) rather than a duration in working hours. */
export function isRate(metric: HeatMetric): boolean {
  return metric === 'breachRate' || metric === 'passRate';
}

/** The figure of `step` for `metric` (working hours or a 0–1 share); null without data. */
export function heatValue(step: StepMeasures, metric: HeatMetric): number | null {
  switch (metric) {
    case 'durationP50':
      return step.durationWorkingHours.p50;
    case 'durationP90':
      return step.durationWorkingHours.p90;
    case 'waitingP50':
      return step.waitingWorkingHours.p50;
    case 'breachRate':
      return step.withDeadline > 0 && step.deadlineHitRate !== null ? 1 - step.deadlineHitRate : null;
    case 'passRate':
      return step.passRate;
  }
}

/** One bin of the scale: values from `from` to `to` (inclusive at the top) get bin `bin` (1 cool … 5 hot). */
export interface HeatBin {
  bin: number;
  from: number;
  to: number;
}

/**
 * The five bins of `metric` over `steps`: shares on a fixed 0–1 scale (the pass rate reversed:
 * a low pass rate is hot), durations from 0 to the largest figure. Empty when no step has data.
 */
export function heatScale(steps: readonly StepMeasures[], metric: HeatMetric): HeatBin[] {
  const values = steps.map((s) => heatValue(s, metric)).filter((v): v is number => v !== null);
  if (values.length === 0) return [];
  const top = isRate(metric) ? 1 : Math.max(...values);
  const width = top > 0 ? top / 5 : 1;
  const bins = [1, 2, 3, 4, 5].map((i) => ({ bin: i, from: (i - 1) * width, to: i * width }));
  if (metric !== 'passRate') return bins;
  return bins.map((b) => ({ bin: 6 - b.bin, from: b.from, to: b.to })).reverse();
}

/** The bin (1–5) of `value` on `scale`, or undefined for no data. */
export function heatBin(value: number | null, scale: readonly HeatBin[]): number | undefined {
  if (value === null || scale.length === 0) return undefined;
  const hit = scale.find((b) => value >= b.from && value <= b.to + 1e-9);
  if (hit) return hit.bin;
  // Outside the scale (rounding): the nearest end.
  const lowest = scale.reduce((a, b) => (b.from < a.from ? b : a));
  const highest = scale.reduce((a, b) => (b.to > a.to ? b : a));
  return value < lowest.from ? lowest.bin : highest.bin;
}
