import type { TeamAnalytics } from '@baton/client';
import { Card, Spin, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localized } from '../designer/model-rows.ts';
import { client } from '../lib/client.ts';
import {
  AnalyticsHeader,
  ExportButton,
  FilterToolbar,
  LoadError,
  TableSection,
  teamName,
  useAnalyticsModel,
  useLanguage,
  useLoad,
  useUrlFilters,
} from './analytics-shared.tsx';
import { formatMoney, formatNumber, formatPercent } from './format.ts';
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
  const { modelKey, models, context, setModelKey } = useAnalyticsModel();
  const [filters, setFilters] = useUrlFilters();
  const result = useLoad(
    () => client.getTeamAnalytics(modelKey, filters),
    `team:${JSON.stringify([modelKey, filters])}`,
  );
  const [basis, setBasis] = useState<Basis>('perDay');

  const rate = (v: number | null) => formatPercent(v, language);
  const count = (v: number | null) => formatNumber(v, language, 0);
  const perDay = (v: number | null) => formatNumber(v, language, 2);
  const money = (v: number | null) => formatMoney(v, language);
  /** A right-aligned, sortable column of a number, shown by `show`. */
  const numeric = <T,>(
    key: string,
    title: string,
    get: (row: T) => number | null,
    show: (value: number | null) => string,
    descendFirst = false,
  ): TableColumnsType<T>[number] => ({
    key,
    title,
    align: 'right',
    render: (_: unknown, row: T) => show(get(row)),
    sorter: byNumber(get),
    ...(descendFirst ? { defaultSortOrder: 'descend' as const } : {}),
  });
  /** The columns both tables have: follow-up and deadline hit rates, open load, days present. */
  const shared = <T extends Person | TeamRow>(): TableColumnsType<T> => [
    {
      ...numeric<T>('followUp', t('analytics.team.followUpRate'), (r) => r.followUpRate, rate),
      render: (_: unknown, r: T) =>
        'tasksHeld' in r ? (
          <span title={t('analytics.team.followUpTip', { completed: r.tasksCompleted, held: r.tasksHeld })}>
            {rate(r.followUpRate)}
          </span>
        ) : (
          rate(r.followUpRate)
        ),
    },
    numeric<T>('deadline', t('analytics.team.deadlineHitRate'), (r) => r.deadlineHitRate, rate),
    numeric<T>('load', t('analytics.team.openLoad'), (r) => r.openLoad, count),
    numeric<T>('days', t('analytics.team.daysPresent'), (r) => r.daysPresent, count),
  ];

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
      ? [
          numeric<Person>('deals', t('analytics.team.deals'), (p) => p.deals, count),
          numeric<Person>('amount', t('analytics.team.amount'), (p) => p.dealAmount, money, true),
          numeric<Person>('tasks', t('analytics.team.tasksCompleted'), (p) => p.tasksCompleted, count),
        ]
      : [
          numeric<Person>('deals', t('analytics.team.dealsPerDay'), (p) => p.dealsPerDayPresent, perDay),
          numeric<Person>('amount', t('analytics.team.amountPerDay'), (p) => p.dealAmountPerDayPresent, money, true),
          numeric<Person>('tasks', t('analytics.team.tasksPerDay'), (p) => p.tasksPerDayPresent, perDay),
        ]),
    ...shared<Person>(),
  ];

  const teamColumns: TableColumnsType<TeamRow> = [
    {
      key: 'name',
      title: t('analytics.team.team'),
      render: (_, row) => (row.name ? localized(row.name, language, row.team) : row.team),
      sorter: (x, y) => x.team.localeCompare(y.team),
    },
    numeric<TeamRow>('people', t('analytics.team.people'), (r) => r.people, count),
    numeric<TeamRow>('deals', t('analytics.team.deals'), (r) => r.deals, count),
    numeric<TeamRow>('amount', t('analytics.team.amount'), (r) => r.dealAmount, money, true),
    numeric<TeamRow>('amountPerDay', t('analytics.team.amountPerDay'), (r) => r.dealAmountPerDayPresent, money),
    ...shared<TeamRow>(),
  ];

  return (
    <div className="page analytics-page" data-testid="analytics-team">
      <AnalyticsHeader title={t('analytics.team.title')} modelKey={modelKey} models={models} onModel={setModelKey} />
      <FilterToolbar value={filters} context={context} onChange={setFilters} />
      <LoadError code={result.error} onRetry={result.reload} />
      <Spin spinning={result.loading}>
        <Card
          size="small"
          className="analytics-section"
          title={t('analytics.team.teamsTitle')}
          extra={<ExportButton modelKey={modelKey} query={filters} table="teams" />}
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
        <TableSection<Basis>
          title={t('analytics.team.peopleTitle')}
          view={basis}
          onView={setBasis}
          views={[
            { value: 'perDay', label: t('analytics.team.perDay') },
            { value: 'total', label: t('analytics.team.total') },
          ]}
          viewTestId="team-basis"
          modelKey={modelKey}
          query={filters}
          table="people"
          note={t('analytics.team.fairNote')}
        >
          {/* Remounted per basis: the table keeps a sort's column (and so its old sorter) across a
              change of columns, which left the totals ordered per day present. */}
          <Table<Person>
            key={basis}
            data-testid="people-table"
            rowKey="username"
            size="small"
            columns={peopleColumns}
            dataSource={result.data?.people ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
          />
        </TableSection>
      </Spin>
    </div>
  );
}
