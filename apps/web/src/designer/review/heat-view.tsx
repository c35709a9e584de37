/**
 * Heat map mode (issue 12): the nodes coloured by a measured figure from the per-step analytics
 * (`GET /api/analytics/models/:key/steps`): duration p50 or p90, waiting p50 (working hours),
 * deadline breach rate or pass rate, with a legend. Each node shows its figure; pointing at a
 * node, or tapping it, shows all its figures in the panel (nothing is hover-only).
 *
 * @module
 */
import { BatonApiError, type StepAnalytics, type StepMeasures, type VersionSummary } from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import { Alert, Descriptions, Empty, Select, Space, Spin } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import { definitionToFlow } from '../definition-to-flow.ts';
import { localizedText } from '../describe.ts';
import { heatBin, type HeatMetric, heatMetrics, heatScale, heatValue, isRate } from './heat.ts';
import { Legend, ReviewCanvas, type ReviewNode } from './review-canvas.tsx';

/** A figure in words: hours with one decimal, shares as whole percents; a dash without data. */
function useFigure(): (value: number | null, rate: boolean) => string {
  const { t } = useTranslation();
  return useCallback(
    (value, rate) => {
      if (value === null) return '–';
      return rate
        ? t('review.heat.percent', { value: Math.round(value * 100) })
        : t('review.heat.hours', { value: value < 10 ? value.toFixed(1) : Math.round(value) });
    },
    [t],
  );
}

function StepFigures({ step, name }: { step: StepMeasures | undefined; name: string }) {
  const { t } = useTranslation();
  const figure = useFigure();
  const pair = (s: { p50: number | null; p90: number | null }) => `${figure(s.p50, false)} / ${figure(s.p90, false)}`;
  return (
    <div className="rv-figures" data-testid="heat-figures">
      <h4>{t('review.heat.figuresTitle', { name })}</h4>
      {!step ? (
        <div className="rv-muted">{t('review.heat.notMeasured')}</div>
      ) : (
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            { key: 'tasks', label: t('review.heat.figures.tasks'), children: step.tasks },
            { key: 'completed', label: t('review.heat.figures.completed'), children: step.completed },
            { key: 'open', label: t('review.heat.figures.open'), children: step.open },
            { key: 'duration', label: t('review.heat.figures.durationP50'), children: pair(step.durationWorkingHours) },
            { key: 'waiting', label: t('review.heat.figures.waitingP50'), children: pair(step.waitingWorkingHours) },
            { key: 'working', label: t('review.heat.figures.workingP50'), children: pair(step.workingWorkingHours) },
            { key: 'pass', label: t('review.heat.figures.passRate'), children: figure(step.passRate, true) },
            { key: 'rework', label: t('review.heat.figures.rework'), children: step.rework },
            {
              key: 'hit',
              label: t('review.heat.figures.deadlineHitRate'),
              children: figure(step.withDeadline > 0 ? step.deadlineHitRate : null, true),
            },
            { key: 'esc', label: t('review.heat.figures.escalations'), children: step.escalations },
          ]}
        />
      )}
    </div>
  );
}

/** Heat map mode over `definition` (its model's analytics). */
export function HeatView({
  definition,
  selection,
  onSelect,
}: {
  definition: ProcessDefinition;
  selection: readonly string[];
  onSelect: (ids: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const figure = useFigure();
  const key = definition.key;
  const [metric, setMetric] = useState<HeatMetric>('durationP50');
  const [version, setVersion] = useState<number | 'all'>('all');
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [data, setData] = useState<StepAnalytics | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  const [pinned, setPinned] = useState<string | undefined>(selection.length === 1 ? selection[0] : undefined);

  useEffect(() => {
    let live = true;
    client.listVersions(key).then(
      (list) => live && setVersions([...list].sort((a, b) => a.number - b.number)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key]);
  useEffect(() => {
    let live = true;
    setData(undefined);
    setError(undefined);
    client.getStepAnalytics(key, version === 'all' ? {} : { version }).then(
      (answer) => live && setData(answer),
      (e: unknown) => live && setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK'),
    );
    return () => {
      live = false;
    };
  }, [key, version]);

  const byNode = useMemo(() => new Map((data?.steps ?? []).map((s) => [s.nodeId, s])), [data]);
  const scale = useMemo(() => heatScale(data?.steps ?? [], metric), [data, metric]);
  const flow = useMemo(() => definitionToFlow(definition, { locale }), [definition, locale]);
  const nodes = useMemo(
    (): ReviewNode[] =>
      flow.nodes.map((n) => {
        const step = byNode.get(n.id);
        const value = step ? heatValue(step, metric) : null;
        const bin = heatBin(value, scale);
        return {
          ...n,
          className: `rv-tinted ${bin === undefined ? 'rv-none' : `rv-heat-${bin}`}`,
          selected: n.id === pinned,
          data: value === null ? n.data : { ...n.data, badge: figure(value, isRate(metric)) },
        };
      }),
    [flow, byNode, metric, scale, pinned, figure],
  );
  const shown = hovered ?? pinned;
  const shownNode = definition.nodes.find((n) => n.id === shown);

  const legend = [...scale]
    .sort((a, b) => a.bin - b.bin)
    .map((b) => ({
      className: `rv-heat-${b.bin}`,
      label: t('review.heat.range', { from: figure(b.from, isRate(metric)), to: figure(b.to, isRate(metric)) }),
    }));

  return (
    <div className="rv-view" data-testid="heat-view">
      <ReviewCanvas
        nodes={nodes}
        edges={flow.edges}
        onNodeClick={(id) => {
          setPinned(id);
          onSelect([id]);
        }}
        onNodeHover={setHovered}
        onPaneClick={() => setPinned(undefined)}
        label={t('review.heat.region')}
        testId="heat-canvas"
      >
        {scale.length > 0 && (
          <Legend
            title={t('review.legendOf', { what: t(`review.heat.metrics.${metric}`) })}
            items={[...legend, { className: 'rv-none', label: t('review.noData') }]}
            note={t('review.heat.hot')}
          />
        )}
      </ReviewCanvas>
      <aside className="rv-panel" aria-label={t('review.modes.heat')}>
        <Space wrap size={6} className="rv-controls">
          <span>{t('review.heat.metric')}</span>
          <Select<HeatMetric>
            aria-label={t('review.heat.metric')}
            data-testid="heat-metric"
            value={metric}
            onChange={setMetric}
            options={heatMetrics.map((m) => ({ value: m, label: t(`review.heat.metrics.${m}`) }))}
            popupMatchSelectWidth={false}
          />
          <span>{t('review.heat.versions')}</span>
          <Select<number | 'all'>
            aria-label={t('review.heat.versions')}
            data-testid="heat-version"
            value={version}
            onChange={setVersion}
            options={[
              { value: 'all', label: t('review.heat.allVersions') },
              ...versions.map((v) => ({ value: v.number, label: t('review.heat.version', { number: v.number }) })),
            ]}
            popupMatchSelectWidth={false}
          />
        </Space>
        {error ? (
          <Alert type="error" showIcon title={t('review.loadFailed', { code: error })} />
        ) : !data ? (
          <Spin description={t('review.heat.loading')} />
        ) : data.steps.every((s) => s.completed === 0) ? (
          <Empty description={t('review.heat.empty')} />
        ) : (
          <div className="rv-muted" data-testid="heat-summary">
            {t('review.heat.instances', { count: data.instances, calendar: data.calendar })}
          </div>
        )}
        {shownNode ? (
          <StepFigures step={byNode.get(shownNode.id)} name={localizedText(shownNode.name, locale, shownNode.id)} />
        ) : (
          <div className="rv-muted rv-gap">{t('review.heat.figuresHint')}</div>
        )}
      </aside>
    </div>
  );
}
