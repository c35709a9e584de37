import type { TeamAnalytics } from '@baton/client';
import { Card, Segmented, Space, Spin, Table, type TableColumnsType, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { localized } from '../designer/model-rows.ts';
import { client } from '../lib/client.ts';
import {
  AnalyticsHeader,
  ExportButton,
  FilterBar,
  LoadError,
  teamName,
  useAnalyticsModel,
  useLanguage,
  useLoad,
} from './analytics-shared.tsx';
import { formatMoney, formatNumber, formatPercent, readFilters, writeFilters } from './format.ts';
import './analytics.css';

type Person = TeamAnalytics['people'][number];
type TeamRow = TeamAnalytics['teams'][number];
type Basis = 'total' | 'perDay';

/** Sorts nulls last whichever way the column is sorted. */
const byNumber =
  <T,>(get: (row: T) => number | null) =>
  (x: T, y: T) =>
    (get(x) ?? -Infinity) - (get(y) ?? -Infinity);

/**
 * Team performance (业绩归属, 团队绩效): per person and per team, the deals attributed at signing
 * with their amounts, follow-up and deadline hit rates, open load, and the days present that make
 * people comparable (per working day present). Sortable; each table exports as CSV.
 */
export default function TeamPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [params, setParams] = useSearchParams();
  const { modelKey, models, context, setModelKey } = useAnalyticsModel();
  const filters = useMemo(() => readFilters(params), [params]);
  const result = useLoad(
    () => client.getTeamAnalytics(modelKey, filters),
    `team:${JSON.stringify([modelKey, filters])}`,
  );
  const [basis, setBasis] = useState<Basis>('perDay');

  const rate = (v: number | null) => formatPercent(v, language);
  const count = (v: number | null) => formatNumber(v, language, 0);

  const peopleColumns: TableColumnsType<Person> = [
    {
      key: 'name',
      title: t('analytics.team.person'),
      render: (_, p) => p.displayName,
      sorter: (x, y) => x.displayName.localeCompare(y.displayName, language),
    },
    {
      key: 'team',
      title: t('analytics.team.team'),
      render: (_, p) => (p.team === null ? '' : teamName(context?.teams, p.team, language)),
      sorter: (x, y) => (x.team ?? '').localeCompare(y.team ?? ''),
    },
    ...(basis === 'total'
      ? ([
          {
            key: 'deals',
            title: t('analytics.team.deals'),
            align: 'right',
            render: (_, p) => count(p.deals),
            sorter: byNumber<Person>((p) => p.deals),
          },
          {
            key: 'amount',
            title: t('analytics.team.amount'),
            align: 'right',
            render: (_, p) => formatMoney(p.dealAmount, language),
            sorter: byNumber<Person>((p) => p.dealAmount),
            defaultSortOrder: 'descend',
          },
          {
            key: 'tasks',
            title: t('analytics.team.tasksCompleted'),
            align: 'right',
            render: (_, p) => count(p.tasksCompleted),
            sorter: byNumber<Person>((p) => p.tasksCompleted),
          },
        ] satisfies TableColumnsType<Person>)
      : ([
          {
            key: 'deals',
            title: t('analytics.team.dealsPerDay'),
            align: 'right',
            render: (_, p) => formatNumber(p.dealsPerDayPresent, language, 2),
            sorter: byNumber<Person>((p) => p.dealsPerDayPresent),
          },
          {
            key: 'amount',
            title: t('analytics.team.amountPerDay'),
            align: 'right',
            render: (_, p) => formatMoney(p.dealAmountPerDayPresent, language),
            sorter: byNumber<Person>((p) => p.dealAmountPerDayPresent),
            defaultSortOrder: 'descend',
          },
          {
            key: 'tasks',
            title: t('analytics.team.tasksPerDay'),
            align: 'right',
            render: (_, p) => formatNumber(p.tasksPerDayPresent, language, 2),
            sorter: byNumber<Person>((p) => p.tasksPerDayPresent),
          },
        ] satisfies TableColumnsType<Person>)),
    {
      key: 'followUp',
      title: t('analytics.team.followUpRate'),
      align: 'right',
      render: (_, p) => (
        <span title={t('analytics.team.followUpTip', { completed: p.tasksCompleted, held: p.tasksHeld })}>
          {rate(p.followUpRate)}
        </span>
      ),
      sorter: byNumber<Person>((p) => p.followUpRate),
    },
    {
      key: 'deadline',
      title: t('analytics.team.deadlineHitRate'),
      align: 'right',
      render: (_, p) => rate(p.deadlineHitRate),
      sorter: byNumber<Person>((p) => p.deadlineHitRate),
    },
    {
      key: 'load',
      title: t('analytics.team.openLoad'),
      align: 'right',
      render: (_, p) => count(p.openLoad),
      sorter: byNumber<Person>((p) => p.openLoad),
    },
    {
      key: 'days',
      title: t('analytics.team.daysPresent'),
      align: 'right',
      render: (_, p) => count(p.daysPresent),
      sorter: byNumber<Person>((p) => p.daysPresent),
    },
  ];

  const teamColumns: TableColumnsType<TeamRow> = [
    {
      key: 'name',
      title: t('analytics.team.team'),
      render: (_, row) => (row.name ? localized(row.name, language, row.team) : row.team),
      sorter: (x, y) => x.team.localeCompare(y.team),
    },
    {
      key: 'people',
      title: t('analytics.team.people'),
      align: 'right',
      render: (_, row) => count(row.people),
      sorter: byNumber<TeamRow>((r) => r.people),
    },
    {
      key: 'deals',
      title: t('analytics.team.deals'),
      align: 'right',
      render: (_, row) => count(row.deals),
      sorter: byNumber<TeamRow>((r) => r.deals),
    },
    {
      key: 'amount',
      title: t('analytics.team.amount'),
      align: 'right',
      render: (_, row) => formatMoney(row.dealAmount, language),
      sorter: byNumber<TeamRow>((r) => r.dealAmount),
      defaultSortOrder: 'descend',
    },
    {
      key: 'amountPerDay',
      title: t('analytics.team.amountPerDay'),
      align: 'right',
      render: (_, row) => formatMoney(row.dealAmountPerDayPresent, language),
      sorter: byNumber<TeamRow>((r) => r.dealAmountPerDayPresent),
    },
    {
      key: 'followUp',
      title: t('analytics.team.followUpRate'),
      align: 'right',
      render: (_, row) => rate(row.followUpRate),
      sorter: byNumber<TeamRow>((r) => r.followUpRate),
    },
    {
      key: 'deadline',
      title: t('analytics.team.deadlineHitRate'),
      align: 'right',
      render: (_, row) => rate(row.deadlineHitRate),
      sorter: byNumber<TeamRow>((r) => r.deadlineHitRate),
    },
    {
      key: 'load',
      title: t('analytics.team.openLoad'),
      align: 'right',
      render: (_, row) => count(row.openLoad),
      sorter: byNumber<TeamRow>((r) => r.openLoad),
    },
    {
      key: 'days',
      title: t('analytics.team.daysPresent'),
      align: 'right',
      render: (_, row) => count(row.daysPresent),
      sorter: byNumber<TeamRow>((r) => r.daysPresent),
    },
  ];

  return (
    <div className="page analytics-page" data-testid="analytics-team">
      <AnalyticsHeader title={t('analytics.team.title')} modelKey={modelKey} models={models} onModel={setModelKey} />
      <Card size="small" className="analytics-toolbar">
        <FilterBar
          value={filters}
          context={context}
          onChange={(next) => setParams(writeFilters(params, next))}
          testId="analytics-filters"
        />
      </Card>
      <LoadError code={result.error} onRetry={result.reload} />
      <Spin spinning={result.loading}>
        <Card
          size="small"
          className="analytics-section"
          title={t('analytics.team.teamsTitle')}
          extra={
            <ExportButton
              modelKey={modelKey}
              query={filters}
              table="teams"
              label={t('analytics.exportCsv')}
              testId="export-teams"
            />
          }
        >
          <Table<TeamRow>
            data-testid="teams-table"
            rowKey="team"
            size="small"
            columns={teamColumns}
            dataSource={result.data?.teams ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
          />
        </Card>
        <Card
          size="small"
          className="analytics-section"
          title={t('analytics.team.peopleTitle')}
          extra={
            <Space wrap>
              <Segmented
                size="small"
                value={basis}
                onChange={(v) => setBasis(v as Basis)}
                options={[
                  { value: 'perDay', label: t('analytics.team.perDay') },
                  { value: 'total', label: t('analytics.team.total') },
                ]}
                data-testid="team-basis"
              />
              <ExportButton
                modelKey={modelKey}
                query={filters}
                table="people"
                label={t('analytics.exportCsv')}
                testId="export-people"
              />
            </Space>
          }
        >
          <Typography.Paragraph type="secondary" className="analytics-note">
            {t('analytics.team.fairNote')}
          </Typography.Paragraph>
          <Table<Person>
            data-testid="people-table"
            rowKey="username"
            size="small"
            columns={peopleColumns}
            dataSource={result.data?.people ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
          />
        </Card>
      </Spin>
    </div>
  );
}
