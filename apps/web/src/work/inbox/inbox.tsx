import { FilterOutlined } from '@ant-design/icons';
import type { ListCounts, LocalizedText, WsPushMessage } from '@baton/client';
import { Alert, Badge, Button, Checkbox, Select, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { client } from '../../lib/client.ts';
import { reconnectLive, useInboxPushes } from '../../lib/live.ts';
import { localizedOr } from './format.ts';
import { CcList, DoneList, type Filters, type ListProps, type SeenStep, StartedList, TodoList } from './lists.tsx';
import './inbox.css';

const tabs = ['todo', 'done', 'started', 'cc'] as const;
type Tab = (typeof tabs)[number];
const periods = ['all', 'today', 'week', 'month'] as const;

const emptyFilters: Filters = { overdue: false, unread: false, period: 'all' };

/** The badge of a tab: the to-do count (red when something is overdue), unread cc, running started. */
function tabCount(tab: Tab, counts: ListCounts | undefined): { count: number; overdue?: boolean } {
  if (!counts) return { count: 0 };
  switch (tab) {
    case 'todo':
      return { count: counts.todo, overdue: counts.todoOverdue > 0 };
    case 'done':
      return { count: counts.done };
    case 'started':
      return { count: counts.started };
    case 'cc':
      return { count: counts.ccUnread };
  }
}

/** Red for overdue to-dos and unread cc, blue for to-dos in time, grey for the rest. */
function badgeColor(tab: Tab, overdue: boolean): string {
  if (tab === 'cc' || overdue) return '#ff4d4f';
  return tab === 'todo' ? '#1677ff' : '#8c8c8c';
}

/**
 * The inbox (待办 / 已办 / 我发起的 / 抄送我的): the four lists as tabs with their counts, filters
 * (process, step, overdue or unread, period), live through the websocket (tasks that arrive,
 * move or go away, cc entries), a banner while the connection is lost, and batch approval.
 */
export function Inbox() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((x) => x === params.get('tab')) ?? 'todo';
  const [filters, setFilters] = useState<Filters>(emptyFilters);
  const [counts, setCounts] = useState<ListCounts>();
  const [refresh, setRefresh] = useState(0);
  const [names, setNames] = useState<ReadonlyMap<string, LocalizedText>>(new Map());
  const [steps, setSteps] = useState<ReadonlyMap<string, SeenStep>>(new Map());
  const [filtersOpen, setFiltersOpen] = useState(false);

  const loadCounts = useCallback(() => {
    client.listCounts().then(setCounts, () => {
      // The counts stay as they were; the lists show their own errors.
    });
  }, []);
  useEffect(loadCounts, [loadCounts]);
  useEffect(() => {
    client.listModels().then(
      (models) => setNames(new Map(models.map((m) => [m.key, m.name]))),
      () => {
        // Without names the lists show model keys.
      },
    );
  }, []);

  // Pushes come in bursts (a completion creates and cancels tasks): one reload per burst.
  const timer = useRef<number | undefined>(undefined);
  const refetch = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      loadCounts();
      setRefresh((n) => n + 1);
    }, 200);
  }, [loadCounts]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const onPush = useCallback(
    (message: WsPushMessage) => {
      if (message.type.startsWith('task.') || message.type === 'cc.created') refetch();
    },
    [refetch],
  );
  const live = useInboxPushes(onPush, refetch);

  // The working time left moves on: load the to-do list again every minute.
  useEffect(() => {
    if (tab !== 'todo') return;
    const every = window.setInterval(() => setRefresh((n) => n + 1), 60_000);
    return () => window.clearInterval(every);
  }, [tab]);

  const onSteps = useCallback((seen: SeenStep[]) => {
    setSteps((old) => {
      let next: Map<string, SeenStep> | undefined;
      for (const step of seen) {
        const known = old.get(step.id);
        if (known && (known.name !== null || step.name === null)) continue;
        next ??= new Map(old);
        next.set(step.id, step);
      }
      return next ?? old;
    });
  }, []);

  const setTab = (next: string) => {
    setParams(next === 'todo' ? {} : { tab: next }, { replace: true });
    loadCounts();
  };
  const patch = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const language = i18n.language;
  const processOptions = useMemo(
    () =>
      [...names.entries()]
        .map(([key, name]) => ({ value: key, label: localizedOr(name, language, key) }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [names, language],
  );
  const stepOptions = useMemo(
    () =>
      [...steps.values()]
        .map((s) => ({ value: s.id, label: localizedOr(s.name, language, s.id) }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [steps, language],
  );
  const active =
    filters.process !== undefined ||
    filters.step !== undefined ||
    filters.overdue ||
    filters.unread ||
    filters.period !== 'all';

  const listProps: ListProps = { filters, refresh, names, onSteps, onChanged: loadCounts };
  const lists: Record<Tab, React.ReactNode> = {
    todo: <TodoList {...listProps} />,
    done: <DoneList {...listProps} />,
    started: <StartedList {...listProps} />,
    cc: <CcList {...listProps} />,
  };

  return (
    <div className="page inbox">
      <Typography.Title level={3} className="page-title inbox-title">
        {t('inbox.title')}
      </Typography.Title>
      {live.lost && (
        <Alert
          className="page-alert"
          type="warning"
          showIcon
          data-testid="live-lost"
          title={live.state === 'closed' ? t('inbox.live.closed') : t('inbox.live.lost')}
          action={
            live.state === 'closed' ? (
              <Button size="small" onClick={reconnectLive}>
                {t('inbox.live.reconnect')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Tabs
        className="inbox-tabs"
        activeKey={tab}
        onChange={setTab}
        items={tabs.map((key) => {
          const { count, overdue } = tabCount(key, counts);
          return {
            key,
            label: (
              <span className="inbox-tab" data-testid={`tab-${key}`}>
                {t(`inbox.tabs.${key}`)}
                <Badge
                  count={count}
                  overflowCount={999}
                  showZero={false}
                  color={badgeColor(key, overdue === true)}
                  className="inbox-tab-count"
                  data-testid={`count-${key}`}
                  data-count={count}
                />
              </span>
            ),
          };
        })}
      />
      <div className="inbox-filter-toggle">
        <Button
          icon={<FilterOutlined />}
          type={active ? 'primary' : 'default'}
          ghost={active}
          onClick={() => setFiltersOpen((o) => !o)}
          aria-expanded={filtersOpen}
        >
          {t('inbox.filters.label')}
        </Button>
      </div>
      <div className={filtersOpen ? 'inbox-filters inbox-filters-open' : 'inbox-filters'}>
        <Select
          className="inbox-filter"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('inbox.filters.allProcesses')}
          aria-label={t('inbox.filters.process')}
          value={filters.process}
          options={processOptions}
          onChange={(value?: string) => patch({ process: value, step: undefined })}
        />
        <Select
          className="inbox-filter"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('inbox.filters.allSteps')}
          aria-label={t('inbox.filters.step')}
          value={filters.step}
          options={stepOptions}
          onChange={(value?: string) => patch({ step: value })}
        />
        <Select
          className="inbox-filter"
          aria-label={t('inbox.filters.period')}
          value={filters.period}
          options={periods.map((p) => ({ value: p, label: t(`inbox.filters.periods.${p}`) }))}
          onChange={(value: Filters['period']) => patch({ period: value })}
        />
        {tab === 'cc' ? (
          <Checkbox checked={filters.unread} onChange={(e) => patch({ unread: e.target.checked })}>
            {t('inbox.filters.unread')}
          </Checkbox>
        ) : (
          <Checkbox checked={filters.overdue} onChange={(e) => patch({ overdue: e.target.checked })}>
            {t('inbox.filters.overdue')}
          </Checkbox>
        )}
        {active && (
          <Button type="link" onClick={() => setFilters(emptyFilters)}>
            {t('inbox.filters.clear')}
          </Button>
        )}
      </div>
      {lists[tab]}
    </div>
  );
}
