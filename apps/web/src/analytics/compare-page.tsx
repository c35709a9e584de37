import type { Comparison } from '@baton/client';
import { Alert, Button, Card, Col, Row, Space, Spin, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { localized } from '../designer/model-rows.ts';
import { client } from '../lib/client.ts';
import { AnalyticsHeader, FilterBar, LoadError, useAnalyticsModel, useLanguage, useLoad } from './analytics-shared.tsx';
import {
  type ComparePreset,
  compareQuery,
  comparePresets,
  formatMoney,
  formatNumber,
  formatPercent,
  noValue,
  readFilters,
  sameFilters,
  writeFilters,
} from './format.ts';
import './analytics.css';

type Measure = Comparison['measures'][number];

const verdictColor = { better: 'green', worse: 'red', noDifference: 'default', tooFewData: 'orange' } as const;

/**
 * The comparison of two populations (pilot against control, before against after): per measure
 * A, B, B − A with its bootstrap 95 % interval, and the verdict in words, which says when the
 * data are too few to tell. Both populations live in the address (`aVersion`, `bTeam`, …).
 */
export default function ComparePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [params, setParams] = useSearchParams();
  const { modelKey, models, context, setModelKey } = useAnalyticsModel();
  const presets = useMemo(
    () =>
      comparePresets(
        (context?.deployments ?? []).map((d) => ({
          version: d.version,
          cohort: d.cohort.type === 'teams' ? `teams:${d.cohort.teams.join(',')}` : d.cohort.type,
          startedAt: d.startedAt,
        })),
      ),
    [context],
  );
  const a = useMemo(() => readFilters(params, 'a'), [params]);
  const b = useMemo(() => readFilters(params, 'b'), [params]);
  const chosen = params.has('a') || Object.keys(a).length > 0 || Object.keys(b).length > 0;
  // Until the user chooses, the page opens on the pilot against its control.
  const shown: ComparePreset | undefined = chosen ? { a, b } : presets?.pilotVsControl;
  const ready = shown !== undefined || (context !== undefined && presets === undefined);
  const query = compareQuery(shown?.a ?? {}, shown?.b ?? {});
  const result = useLoad(
    ready ? () => client.compareAnalytics(modelKey, query) : undefined,
    `compare:${modelKey}:${JSON.stringify(query)}:${ready}`,
  );

  const apply = (next: ComparePreset) => {
    let written = writeFilters(params, next.a, 'a');
    written = writeFilters(written, next.b, 'b');
    // Remember that the user chose (an empty population is a choice too).
    written.set('a', '1');
    setParams(written);
  };

  const format = (m: Measure, v: number | null) =>
    m.measure === 'firstPassYield'
      ? formatPercent(v, language)
      : m.measure === 'dealAmountPerInstance'
        ? formatMoney(v, language)
        : v === null
          ? noValue
          : t('analytics.hoursValue', { value: formatNumber(v, language) });
  const formatDifference = (m: Measure, v: number | null) => {
    if (v === null) return noValue;
    const sign = v > 0 ? '+' : v < 0 ? '−' : '';
    const magnitude =
      m.measure === 'firstPassYield'
        ? t('analytics.compare.points', { value: formatNumber(Math.abs(v) * 100, language) })
        : format(m, Math.abs(v));
    return `${sign}${magnitude}`;
  };

  const columns: TableColumnsType<Measure> = [
    {
      key: 'measure',
      title: t('analytics.compare.measure'),
      render: (_, m) => t(`analytics.compare.measures.${m.measure}`),
    },
    {
      key: 'a',
      title: t('analytics.compare.a'),
      align: 'right',
      render: (_, m) => (
        <span>
          {format(m, m.a)} <Typography.Text type="secondary">{t('analytics.compare.n', { n: m.nA })}</Typography.Text>
        </span>
      ),
    },
    {
      key: 'b',
      title: t('analytics.compare.b'),
      align: 'right',
      render: (_, m) => (
        <span>
          {format(m, m.b)} <Typography.Text type="secondary">{t('analytics.compare.n', { n: m.nB })}</Typography.Text>
        </span>
      ),
    },
    {
      key: 'difference',
      title: t('analytics.compare.difference'),
      align: 'right',
      render: (_, m) => formatDifference(m, m.difference),
    },
    {
      key: 'interval',
      title: t('analytics.compare.interval'),
      align: 'right',
      render: (_, m) =>
        m.ciLow === null || m.ciHigh === null ? (
          <Typography.Text type="secondary">{t('analytics.compare.noInterval')}</Typography.Text>
        ) : (
          t('analytics.compare.range', { low: formatDifference(m, m.ciLow), high: formatDifference(m, m.ciHigh) })
        ),
    },
    {
      key: 'verdict',
      title: t('analytics.compare.verdict'),
      render: (_, m) => <Tag color={verdictColor[m.verdict]}>{t(`analytics.compare.verdicts.${m.verdict}`)}</Tag>,
    },
  ];

  const measures = result.data?.measures ?? [];
  const tooFew = measures.length > 0 && measures.every((m) => m.verdict === 'tooFewData');
  const better = measures.filter((m) => m.verdict === 'better').length;
  const worse = measures.filter((m) => m.verdict === 'worse').length;
  const presetActive = (preset: ComparePreset | undefined) =>
    preset !== undefined && shown !== undefined && sameFilters(preset.a, shown.a) && sameFilters(preset.b, shown.b);

  return (
    <div className="page analytics-page" data-testid="analytics-compare">
      <AnalyticsHeader title={t('analytics.compare.title')} modelKey={modelKey} models={models} onModel={setModelKey} />
      <Typography.Paragraph type="secondary">{t('analytics.compare.intro')}</Typography.Paragraph>
      <Space wrap className="analytics-presets">
        <Typography.Text>{t('analytics.compare.presets')}</Typography.Text>
        <Button
          type={presetActive(presets?.pilotVsControl) ? 'primary' : 'default'}
          disabled={!presets}
          onClick={() => presets && apply(presets.pilotVsControl)}
          data-testid="preset-pilot"
        >
          {t('analytics.compare.pilotVsControl')}
        </Button>
        <Button
          type={presetActive(presets?.beforeAfter) ? 'primary' : 'default'}
          disabled={!presets}
          onClick={() => presets && apply(presets.beforeAfter)}
          data-testid="preset-before-after"
        >
          {t('analytics.compare.beforeAfter')}
        </Button>
      </Space>
      <Row gutter={[16, 16]}>
        {(['a', 'b'] as const).map((side) => (
          <Col xs={24} xl={12} key={side}>
            <Card
              size="small"
              title={t(side === 'a' ? 'analytics.compare.populationA' : 'analytics.compare.populationB')}
            >
              <FilterBar
                value={shown?.[side] ?? {}}
                context={context}
                testId={`population-${side}`}
                onChange={(next) =>
                  apply({ a: side === 'a' ? next : (shown?.a ?? {}), b: side === 'b' ? next : (shown?.b ?? {}) })
                }
              />
            </Card>
          </Col>
        ))}
      </Row>
      <LoadError code={result.error} onRetry={result.reload} />
      <Spin spinning={result.loading}>
        {result.data && (
          <Card size="small" className="analytics-section" title={t('analytics.compare.result')}>
            <Alert
              className="page-alert"
              data-testid="compare-verdict"
              showIcon
              type={tooFew ? 'warning' : worse > 0 ? 'error' : better > 0 ? 'success' : 'info'}
              title={
                tooFew
                  ? t('analytics.compare.summaryTooFew', { minimum: result.data.minimumPerGroup })
                  : t('analytics.compare.summary', { better, worse, same: measures.length - better - worse })
              }
              description={
                <ul className="analytics-verdicts">
                  {measures.map((m) => (
                    <li key={m.measure} data-testid={`verdict-${m.measure}`}>
                      {localized(m.text, language, '')}
                    </li>
                  ))}
                </ul>
              }
            />
            <Table<Measure>
              data-testid="compare-table"
              rowKey="measure"
              size="small"
              columns={columns}
              dataSource={measures}
              pagination={false}
              scroll={{ x: 'max-content' }}
            />
            <Typography.Paragraph type="secondary" className="analytics-note">
              {t('analytics.compare.method', { resamples: result.data.resamples, seed: result.data.seed })}
              {measures.some((m) => Math.max(m.nA, m.nB) > result.data!.exactResamplingUpTo) &&
                ` ${t('analytics.compare.largeGroups', { limit: result.data.exactResamplingUpTo })}`}
            </Typography.Paragraph>
          </Card>
        )}
      </Spin>
    </div>
  );
}
