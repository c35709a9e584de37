/**
 * The one place the analytics pages touch echarts: `echarts/core` with only the charts and
 * components they draw (bars, lines, the grid, tooltips, legends, release markers) and the canvas
 * renderer. Only the analytics routes import this module, so echarts stays out of the main chunk.
 *
 * @module
 */
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Language } from '../i18n/index.ts';

use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

/** The chart options these pages may use (what is registered above). */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
>;

/**
 * A chart: drawn on a canvas (no HTML, so no inline styles under the CSP; tooltips are drawn as
 * rich text on the canvas too), resized with its box, drawn anew in the other language when the
 * language changes (echarts' own texts follow its locale). `label` names the chart for screen
 * readers and tests: the title and axis names, in the page's language.
 */
export function EChart({
  option,
  label,
  language,
  testId,
  tall = false,
}: {
  option: ChartOption;
  label: string;
  language: Language;
  testId?: string;
  /** A taller chart (the wide ones). */
  tall?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const instance = init(element, undefined, { renderer: 'canvas', locale: language === 'zh-CN' ? 'ZH' : 'EN' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [language]);

  useEffect(() => {
    chart.current?.setOption(
      { ...option, tooltip: { renderMode: 'richText', ...(option.tooltip as object | undefined) } },
      { notMerge: true },
    );
  }, [option, language]);

  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      data-testid={testId}
      className={tall ? 'analytics-chart analytics-chart-tall' : 'analytics-chart'}
    />
  );
}
