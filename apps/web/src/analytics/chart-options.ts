/**
 * The dashboard's chart options, built from the API's answers and texts already translated by
 * the caller (pure: no echarts import, no DOM), so the charts are tested without a browser.
 *
 * @module
 */
import type { ProcessAnalytics } from '@baton/client';
import type { ChartOption } from './echart.tsx';
import type { ReleaseMarker } from './format.ts';

const blue = '#1677ff';
const green = '#52c41a';
const orange = '#fa8c16';
const axisText = { color: '#595959' };

/** A count axis named along its middle (vertical), in whole numbers. */
const countAxis = (name: string) => ({
  type: 'value' as const,
  name,
  nameLocation: 'middle' as const,
  nameGap: 36,
  minInterval: 1,
  axisLabel: axisText,
});

/** Texts of the cycle-time chart. */
export interface CycleTexts {
  xName: string;
  yName: string;
  series: string;
  bin: (from: number, to: number) => string;
}

/** Completed instances by cycle time (bars of the API's bins). */
export function cycleHistogramOption(bins: ProcessAnalytics['cycleHistogram'], texts: CycleTexts): ChartOption {
  return {
    grid: { left: 56, right: 24, top: 24, bottom: 64 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      name: texts.xName,
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { ...axisText, hideOverlap: true },
      data: bins.map((b) => texts.bin(b.fromDays, b.toDays)),
    },
    yAxis: countAxis(texts.yName),
    series: [
      {
        type: 'bar',
        name: texts.series,
        data: bins.map((b) => b.count),
        itemStyle: { color: blue },
        barCategoryGap: '12%',
      },
    ],
  };
}

/** Texts of the throughput chart. */
export interface ThroughputTexts {
  xName: string;
  yName: string;
  started: string;
  completed: string;
  release: (marker: ReleaseMarker) => string;
  week: (week: string) => string;
}

/** Instances started (bars) and completed (line) per week, with a dashed line at each release. */
export function throughputOption(
  weeks: ProcessAnalytics['throughputPerWeek'],
  markers: readonly ReleaseMarker[],
  texts: ThroughputTexts,
): ChartOption {
  const categories = weeks.map((w) => w.week);
  return {
    grid: { left: 56, right: 40, top: 72, bottom: 64 },
    legend: { top: 0, data: [texts.started, texts.completed] },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      name: texts.xName,
      nameLocation: 'middle',
      nameGap: 40,
      data: categories,
      axisLabel: { ...axisText, hideOverlap: true, formatter: (value: string) => texts.week(value) },
    },
    yAxis: countAxis(texts.yName),
    series: [
      {
        type: 'bar',
        name: texts.started,
        data: weeks.map((w) => w.started),
        itemStyle: { color: blue },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: orange, type: 'dashed', width: 2 },
          label: { formatter: (p: { name?: string }) => p.name ?? '', color: orange, position: 'end' },
          data: markers.map((m) => ({ name: texts.release(m), xAxis: m.week })),
        },
      },
      {
        type: 'line',
        name: texts.completed,
        data: weeks.map((w) => w.completed),
        itemStyle: { color: green },
        lineStyle: { color: green, width: 2 },
        symbolSize: 6,
      },
    ],
  };
}

/** Texts of the outcomes chart. */
export interface OutcomeTexts {
  xName: string;
  series: string;
  name: (outcome: ProcessAnalytics['outcomes'][number]) => string;
}

/** Completed instances by the end they reached (horizontal bars, most frequent on top). */
export function outcomesOption(outcomes: ProcessAnalytics['outcomes'], texts: OutcomeTexts): ChartOption {
  const sorted = [...outcomes].sort((a, b) => a.count - b.count);
  return {
    grid: { left: 16, right: 40, top: 16, bottom: 48, containLabel: true },
    tooltip: { trigger: 'axis' },
    // A narrow card: few ticks on the count axis, and none drawn over another.
    xAxis: { ...countAxis(texts.xName), nameGap: 28, splitNumber: 3, axisLabel: { ...axisText, hideOverlap: true } },
    yAxis: { type: 'category', data: sorted.map(texts.name), axisLabel: axisText },
    series: [
      {
        type: 'bar',
        name: texts.series,
        data: sorted.map((o) => o.count),
        itemStyle: { color: green },
        label: { show: true, position: 'right' },
        barMaxWidth: 28,
      },
    ],
  };
}
