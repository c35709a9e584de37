import { ArrowRightOutlined } from '@ant-design/icons';
import type { ProcessAnalytics, StepAnalytics } from '@baton/client';
import {
  Alert,
  Card,
  Col,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localized } from '../designer/model-rows.ts';
import { client } from '../lib/client.ts';
import {
  AnalyticsHeader,
  ExportButton,
  FilterToolbar,
  LoadError,
  TableSection,
  useAnalyticsModel,
  useCohortText,
  useLanguage,
  useLoad,
  useUrlFilters,
} from './analytics-shared.tsx';
import { cycleHistogramOption, outcomesOption, throughputOption } from './chart-options.ts';
import { EChart } from './echart.tsx';
import { formatNumber, formatPercent, formatWeek, noValue, releaseMarkers } from './format.ts';
import './analytics.css';

type Step = StepAnalytics['steps'][number];
type Variant = ProcessAnalytics['variants'][number];
type Time = 'working' | 'clock';

/**
 * The analytics dashboard of one model: the population filters, the process measures with
 * charts (cycle time, throughput with release markers, outcomes), the Little's-law check, the
 * per-step table and the variants, with CSV exports and the event log (CSV, XES).
 */
export default function AnalyticsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { modelKey, models, context, setModelKey } = useAnalyticsModel();
  const [filters, setFilters] = useUrlFilters();
  const key = JSON.stringify([modelKey, filters]);
  const steps = useLoad(() => client.getStepAnalytics(modelKey, filters), `steps:${key}`);
  const process = useLoad(() => client.getProcessAnalytics(modelKey, filters), `process:${key}`);
  const [time, setTime] = useState<Time>('working');
  const cohortText = useCohortText(context?.teams);

  /** Node names: user tasks from the steps, ends from the outcomes. */
  const nodeName = useMemo(() => {
    const names = new Map<string, string>();
    for (const s of steps.data?.steps ?? [])
      names.set(s.nodeId, s.name ? localized(s.name, language, s.nodeId) : s.nodeId);
    for (const o of process.data?.outcomes ?? [])
      names.set(o.endNode, o.name ? localized(o.name, language, o.endNode) : o.endNode);
    return (id: string) => names.get(id) ?? id;
  }, [steps.data, process.data, language]);

  const p = process.data;
  const hours = (v: number | null) => formatNumber(v, language);
  const spreadOf = (s: Step, what: 'duration' | 'waiting' | 'working') =>
    s[`${what}${time === 'working' ? 'Working' : 'Clock'}Hours`];

  const charts = useMemo(() => {
    if (!p) return undefined;
    const weeks = p.throughputPerWeek.map((w) => w.week);
    const markers = releaseMarkers(p.releases, weeks);
    return {
      cycle: cycleHistogramOption(p.cycleHistogram, {
        xName: t('analytics.charts.cycleX'),
        yName: t('analytics.charts.instances'),
        series: t('analytics.charts.completedInstances'),
        bin: (from, to) =>
          t('analytics.charts.bin', { from: formatNumber(from, language), to: formatNumber(to, language) }),
      }),
      throughput: throughputOption(p.throughputPerWeek, markers, {
        xName: t('analytics.charts.weekX'),
        yName: t('analytics.charts.instances'),
        started: t('analytics.charts.started'),
        completed: t('analytics.charts.completed'),
        release: (m) => t('analytics.charts.release', { version: m.version, cohort: cohortText(m.cohort) }),
        week: (w) => formatWeek(w, language),
      }),
      outcomes: outcomesOption(p.outcomes, {
        xName: t('analytics.charts.instances'),
        series: t('analytics.charts.completedInstances'),
        name: (o) => (o.name ? localized(o.name, language, o.endNode) : o.endNode),
      }),
    };
    // cohortText follows the language and the teams.
  }, [p, t, language, context]);

  const spreadColumns = (what: 'duration', title: string): TableColumnsType<Step>[number] => ({
    title,
    children: (['p50', 'p90', 'mean'] as const).map((q) => ({
      key: `${what}-${q}`,
      title: t(`analytics.steps.${q}`),
      align: 'right' as const,
      render: (_: unknown, s: Step) => hours(spreadOf(s, what)[q]),
      sorter: (a: Step, b: Step) => (spreadOf(a, what)[q] ?? -1) - (spreadOf(b, what)[q] ?? -1),
    })),
  });
  /** Waiting and working side by side: means (medians in the tooltip), which add up to the mean duration. */
  const meanColumn = (what: 'waiting' | 'working'): TableColumnsType<Step>[number] => ({
    key: what,
    title: <span title={t(`analytics.steps.${what}Tip`)}>{t(`analytics.steps.${what}`)}</span>,
    align: 'right',
    render: (_: unknown, s: Step) => (
      <span title={t('analytics.steps.medianTip', { value: hours(spreadOf(s, what).p50) })}>
        {hours(spreadOf(s, what).mean)}
      </span>
    ),
    sorter: (a: Step, b: Step) => (spreadOf(a, what).mean ?? -1) - (spreadOf(b, what).mean ?? -1),
  });

  const stepColumns: TableColumnsType<Step> = [
    {
      key: 'name',
      title: t('analytics.steps.step'),
      render: (_, s) => <span className="analytics-step-name">{nodeName(s.nodeId)}</span>,
    },
    {
      key: 'tasks',
      title: t('analytics.steps.tasks'),
      align: 'right',
      render: (_, s) => (
        <span title={t('analytics.steps.tasksTip', { completed: s.completed, open: s.open })}>
          {formatNumber(s.tasks, language, 0)}
        </span>
      ),
      sorter: (a, b) => a.tasks - b.tasks,
    },
    spreadColumns('duration', t('analytics.steps.duration')),
    meanColumn('waiting'),
    meanColumn('working'),
    {
      key: 'passRate',
      title: t('analytics.steps.passRate'),
      align: 'right',
      render: (_, s) => formatPercent(s.passRate, language),
      sorter: (a, b) => (a.passRate ?? -1) - (b.passRate ?? -1),
    },
    {
      key: 'rework',
      title: t('analytics.steps.rework'),
      align: 'right',
      render: (_, s) => formatNumber(s.rework, language, 0),
      sorter: (a, b) => a.rework - b.rework,
    },
    {
      key: 'deadline',
      title: t('analytics.steps.deadlineHitRate'),
      align: 'right',
      render: (_, s) =>
        s.withDeadline === 0 ? (
          <Typography.Text type="secondary">{t('analytics.steps.noDeadline')}</Typography.Text>
        ) : (
          formatPercent(s.deadlineHitRate, language)
        ),
      sorter: (a, b) => (a.deadlineHitRate ?? -1) - (b.deadlineHitRate ?? -1),
    },
    {
      key: 'escalations',
      title: t('analytics.steps.escalations'),
      align: 'right',
      render: (_, s) => formatNumber(s.escalations, language, 0),
      sorter: (a, b) => a.escalations - b.escalations,
    },
  ];

  const variantColumns: TableColumnsType<Variant> = [
    {
      key: 'path',
      title: t('analytics.variants.path'),
      render: (_, v) => (
        <span className="analytics-path">
          {v.path.map((id, i) => (
            <span key={`${i}-${id}`}>
              {i > 0 && <ArrowRightOutlined className="analytics-path-arrow" aria-hidden />}
              <Tag color={i === v.path.length - 1 ? 'green' : undefined}>{nodeName(id)}</Tag>
            </span>
          ))}
        </span>
      ),
    },
    {
      key: 'count',
      title: t('analytics.variants.count'),
      align: 'right',
      render: (_, v) => formatNumber(v.count, language, 0),
      sorter: (a, b) => a.count - b.count,
    },
    {
      key: 'share',
      title: t('analytics.variants.share'),
      width: 160,
      render: (_, v) => (
        <Progress
          percent={Math.round(v.share * 1000) / 10}
          size="small"
          format={() => formatPercent(v.share, language)}
        />
      ),
      sorter: (a, b) => a.share - b.share,
    },
    {
      key: 'p50',
      title: t('analytics.variants.cycleP50'),
      align: 'right',
      render: (_, v) => hours(v.cycleClockHours.p50),
      sorter: (a, b) => (a.cycleClockHours.p50 ?? -1) - (b.cycleClockHours.p50 ?? -1),
    },
    {
      key: 'p90',
      title: t('analytics.variants.cycleP90'),
      align: 'right',
      render: (_, v) => hours(v.cycleClockHours.p90),
    },
  ];

  const little = p?.littlesLaw;
  const loading = steps.loading || process.loading;
  const error = steps.error ?? process.error;

  return (
    <div className="page analytics-page" data-testid="analytics-dashboard">
      <AnalyticsHeader title={t('analytics.title')} modelKey={modelKey} models={models} onModel={setModelKey} />
      <FilterToolbar value={filters} context={context} onChange={setFilters}>
        <Space wrap className="analytics-exports">
          <Typography.Text type="secondary">{t('analytics.eventLog')}</Typography.Text>
          <ExportButton
            modelKey={modelKey}
            query={filters}
            table="eventLog"
            label={t('analytics.exportCsv')}
            testId="export-eventlog-csv"
          />
          <ExportButton
            modelKey={modelKey}
            query={filters}
            table="eventLog"
            format="xes"
            label={t('analytics.exportXes')}
            testId="export-eventlog-xes"
          />
        </Space>
      </FilterToolbar>
      <LoadError code={error} onRetry={() => (steps.reload(), process.reload())} />
      <Spin spinning={loading && !p}>
        {p && p.instances === 0 && !loading && (
          <Card>
            <Empty description={t('analytics.noInstances')} />
          </Card>
        )}
        {p && p.instances > 0 && (
          <>
            <Row gutter={[16, 16]} className="analytics-stats">
              <StatCard
                span={4}
                testId="stat-instances"
                title={t('analytics.stats.instances')}
                value={formatNumber(p.instances, language, 0)}
                detail={t('analytics.stats.instancesDetail', {
                  completed: formatNumber(p.completed, language, 0),
                  terminated: formatNumber(p.terminated, language, 0),
                })}
              />
              <StatCard
                testId="stat-cycle"
                title={t('analytics.stats.cycleP50')}
                value={hours(p.cycleWorkingHours.p50)}
                suffix={p.cycleWorkingHours.p50 === null ? undefined : t('analytics.hoursUnit')}
                detail={t('analytics.stats.cycleDetail', {
                  p90: hours(p.cycleWorkingHours.p90),
                  clock: hours(p.cycleClockHours.p50),
                })}
              />
              <StatCard
                testId="stat-wip"
                title={t('analytics.stats.wip')}
                value={formatNumber(p.workInProgress, language, 0)}
                detail={t('analytics.stats.wipDetail')}
              />
              <StatCard
                testId="stat-abandoned"
                title={t('analytics.stats.abandoned')}
                value={formatPercent(p.abandonedShare, language)}
                detail={t('analytics.stats.abandonedDetail')}
              />
              <StatCard
                testId="stat-fpy"
                title={t('analytics.stats.firstPassYield')}
                value={formatPercent(p.firstPassYield, language)}
                detail={t('analytics.stats.firstPassYieldDetail')}
              />
            </Row>
            {little && (
              <Alert
                className="analytics-little"
                data-testid="littles-law"
                type={
                  little.averageWip === null || little.predictedWip === null
                    ? 'info'
                    : little.consistent
                      ? 'success'
                      : 'warning'
                }
                showIcon
                title={
                  little.averageWip === null || little.predictedWip === null
                    ? t('analytics.little.noData')
                    : little.consistent
                      ? t('analytics.little.consistent')
                      : t('analytics.little.inconsistent')
                }
                description={
                  little.averageWip === null || little.predictedWip === null
                    ? undefined
                    : t('analytics.little.detail', {
                        wip: formatNumber(little.averageWip, language),
                        throughput: formatNumber(little.throughputPerDay, language, 2),
                        cycle: formatNumber(little.meanCycleDays, language),
                        predicted: formatNumber(little.predictedWip, language),
                        ratio: formatNumber(little.ratio, language, 2),
                        days: formatNumber(little.windowDays, language, 0),
                      })
                }
              />
            )}
            {charts && (
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12} xl={8}>
                  <Card size="small" title={t('analytics.charts.cycleTitle')}>
                    <EChart
                      option={charts.cycle}
                      language={language}
                      testId="chart-cycle"
                      label={`${t('analytics.charts.cycleTitle')}: ${t('analytics.charts.cycleX')}, ${t('analytics.charts.instances')}`}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12} xl={10}>
                  <Card size="small" title={t('analytics.charts.throughputTitle')}>
                    <EChart
                      option={charts.throughput}
                      language={language}
                      testId="chart-throughput"
                      label={`${t('analytics.charts.throughputTitle')}: ${t('analytics.charts.weekX')}, ${t('analytics.charts.started')}, ${t('analytics.charts.completed')}`}
                    />
                  </Card>
                </Col>
                <Col xs={24} xl={6}>
                  <Card size="small" title={t('analytics.charts.outcomesTitle')}>
                    {p.outcomes.length === 0 ? (
                      <Empty description={t('analytics.variants.empty')} />
                    ) : (
                      <EChart
                        option={charts.outcomes}
                        language={language}
                        testId="chart-outcomes"
                        label={`${t('analytics.charts.outcomesTitle')}: ${t('analytics.charts.instances')}`}
                      />
                    )}
                  </Card>
                </Col>
              </Row>
            )}
          </>
        )}
        {steps.data && steps.data.instances > 0 && (
          <TableSection<Time>
            title={t('analytics.steps.title')}
            view={time}
            onView={setTime}
            views={[
              { value: 'working', label: t('analytics.steps.workingTime') },
              { value: 'clock', label: t('analytics.steps.clockTime') },
            ]}
            modelKey={modelKey}
            query={filters}
            table="steps"
            note={[
              t(time === 'working' ? 'analytics.steps.noteWorking' : 'analytics.steps.noteClock', {
                calendar: steps.data.calendar,
              }),
              steps.data.exactPercentiles ? '' : t('analytics.steps.estimatedPercentiles'),
            ]
              .filter(Boolean)
              // Chinese sentences follow each other without a space.
              .join(language === 'zh-CN' ? '' : ' ')}
          >
            <Table<Step>
              data-testid="steps-table"
              rowKey="nodeId"
              size="small"
              columns={stepColumns}
              dataSource={steps.data.steps}
              pagination={false}
              // At least this wide (a phone scrolls it); headers wrap rather than push columns out of view.
              scroll={{ x: 1000 }}
              bordered
            />
          </TableSection>
        )}
        {p && p.instances > 0 && charts && (
          <Row gutter={[16, 16]} className="analytics-section">
            <Col xs={24}>
              <Card
                size="small"
                title={t('analytics.variants.title')}
                extra={<ExportButton modelKey={modelKey} query={filters} table="variants" />}
              >
                <Table<Variant>
                  className="analytics-variants"
                  data-testid="variants-table"
                  rowKey={(v) => v.path.join('>')}
                  size="small"
                  columns={variantColumns}
                  dataSource={p.variants}
                  pagination={{ pageSize: 8, hideOnSinglePage: true }}
                  locale={{ emptyText: t('analytics.variants.empty') }}
                />
              </Card>
            </Col>
          </Row>
        )}
        {p === undefined && !loading && error === null && <Typography.Text>{noValue}</Typography.Text>}
      </Spin>
    </div>
  );
}

/** One measure of the process, with what it means underneath. */
function StatCard({
  title,
  value,
  suffix,
  detail,
  testId,
  span = 5,
}: {
  title: string;
  value: string;
  suffix?: string;
  detail: string;
  testId: string;
  span?: number;
}) {
  return (
    <Col xs={12} md={8} xl={span}>
      <Card size="small">
        <Statistic title={title} value={value} suffix={suffix} data-testid={testId} />
        <Typography.Text type="secondary">{detail}</Typography.Text>
      </Card>
    </Col>
  );
}
