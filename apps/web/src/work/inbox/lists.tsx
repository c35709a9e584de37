import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import {
  BatonApiError,
  type BatchCompleteResult,
  type CcEntry,
  type LocalizedText,
  type StartedItem,
  type Task,
  type TodoItem,
} from '@baton/client';
import { Alert, Badge, Button, Checkbox, Empty, Input, Modal, Spin, Tag } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { client } from '../../lib/client.ts';
import { DeadlineTag } from './deadline-tag.tsx';
import { formatTime, localizedOr } from './format.ts';
import { type Page, type PagedList, usePagedList } from './use-paged-list.ts';

/** The inbox's filters, as the page holds them. */
export interface Filters {
  process?: string;
  step?: string;
  overdue: boolean;
  unread: boolean;
  period: 'all' | 'today' | 'week' | 'month';
}

/** A step seen in a list, offered in the step filter. */
export interface SeenStep {
  id: string;
  name: LocalizedText | null;
}

/** What every list gets from the page. */
export interface ListProps {
  filters: Filters;
  /** Changes when the list should load again (a push, a reconnect, a batch). */
  refresh: number;
  /** Process model names by key. */
  names: ReadonlyMap<string, LocalizedText>;
  /** Reports the steps the list shows (for the step filter). */
  onSteps: (steps: SeenStep[]) => void;
  /** Tells the page the counts may have changed (after a command of the list's own). */
  onChanged: () => void;
}

const periodDays = { today: 0, week: 6, month: 29 } as const;

/** The `from` of a period filter: the start of its first day in the browser's zone. */
function periodFrom(period: Filters['period']): string | undefined {
  if (period === 'all') return undefined;
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - periodDays[period]);
  return start.toISOString();
}

/** The query fields every list shares. */
function commonQuery(filters: Filters) {
  return {
    ...(filters.process === undefined ? {} : { process: filters.process }),
    ...(filters.step === undefined ? {} : { step: filters.step }),
    ...(periodFrom(filters.period) === undefined ? {} : { from: periodFrom(filters.period) }),
  };
}

/** What a list asks the server: the shared filters, the list's own flag when set, and the page. */
type ListQuery = ReturnType<typeof commonQuery> & { overdue?: true; unread?: true; limit: number; cursor?: string };

/**
 * One list of the inbox: loaded page by page with the filters (the shared ones and the list's
 * own `flag`), loaded again when `refresh` changes, reporting the steps it shows.
 * `stepsOfItems` must keep its identity (a module-level function).
 */
function useInboxList<T>(
  { filters, refresh, onSteps }: Pick<ListProps, 'filters' | 'refresh' | 'onSteps'>,
  flag: 'overdue' | 'unread',
  fetchPage: (query: ListQuery) => Promise<Page<T>>,
  stepsOfItems: (items: T[]) => SeenStep[],
): PagedList<T> {
  const list = usePagedList<T>(JSON.stringify(filters), (limit, cursor) =>
    fetchPage({
      ...commonQuery(filters),
      ...(filters[flag] ? (flag === 'overdue' ? { overdue: true as const } : { unread: true as const }) : {}),
      limit,
      ...(cursor === undefined ? {} : { cursor }),
    }),
  );
  useReload(list, refresh);
  useEffect(() => onSteps(stepsOfItems(list.items)), [list.items, onSteps, stepsOfItems]);
  return list;
}

/** Loads the list again each time `refresh` changes (not on mount: the list loads itself then). */
function useReload<T>(list: PagedList<T>, refresh: number) {
  const { reload } = list;
  const last = useRef(refresh);
  useEffect(() => {
    if (refresh === last.current) return;
    last.current = refresh;
    reload();
  }, [refresh, reload]);
}

function useLanguage(): string {
  const { i18n } = useTranslation();
  return i18n.language;
}

/** The frame of a list: its error, its items, its empty state and the "load more" button. */
function ListFrame<T>({
  list,
  empty,
  filtered,
  children,
}: {
  list: PagedList<T>;
  empty: string;
  filtered: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if (list.error !== undefined && list.items.length === 0) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('inbox.loadFailed')}
        action={<Button onClick={list.reload}>{t('inbox.retry')}</Button>}
      />
    );
  }
  if (list.items.length === 0) {
    return list.loading ? (
      <div className="inbox-loading">
        <Spin />
      </div>
    ) : (
      <Empty description={filtered ? t('inbox.empty.filtered') : empty} />
    );
  }
  return (
    <>
      <ul className="inbox-list">{children}</ul>
      <div className="inbox-more">
        <span className="inbox-muted">{t('inbox.shown', { shown: list.items.length, count: list.count })}</span>
        {list.hasMore && (
          <Button onClick={list.loadMore} loading={list.loading} data-testid="inbox-load-more">
            {t('inbox.loadMore')}
          </Button>
        )}
      </div>
    </>
  );
}

function isFiltered(filters: Filters, flag: 'overdue' | 'unread'): boolean {
  return filters.process !== undefined || filters.step !== undefined || filters[flag] || filters.period !== 'all';
}

/** The title line of a task: the step (a link to the task page) and the process with its business key. */
function TaskTitle({ task, names, link }: { task: Task; names: ListProps['names']; link: boolean }) {
  const language = useLanguage();
  const step = localizedOr(task.nodeName, language, task.nodeId);
  return (
    <div className="inbox-item-title">
      {link ? (
        <Link to={`/tasks/${task.id}`} className="inbox-item-link">
          {step}
        </Link>
      ) : (
        <span className="inbox-item-link">{step}</span>
      )}
      <span className="inbox-muted">{localizedOr(names.get(task.modelKey), language, task.modelKey)}</span>
      {task.businessKey !== null && <span className="inbox-muted">{task.businessKey}</span>}
    </div>
  );
}

function stepsOf(tasks: { nodeId: string; nodeName: LocalizedText | null }[]): SeenStep[] {
  return tasks.map((x) => ({ id: x.nodeId, name: x.nodeName }));
}

function startedStepsOf(instances: StartedItem[]): SeenStep[] {
  return instances.flatMap((x) => stepsOf(x.current));
}

/** The title line of an instance: what comes first (`children`), the process and the business key. */
function InstanceTitle({
  modelKey,
  businessKey,
  names,
  children,
}: {
  modelKey: string;
  businessKey: string | null;
  names: ListProps['names'];
  children?: ReactNode;
}) {
  const language = useLanguage();
  return (
    <div className="inbox-item-title">
      {children}
      <span className="inbox-item-link">{localizedOr(names.get(modelKey), language, modelKey)}</span>
      {businessKey !== null && <span className="inbox-muted">{businessKey}</span>}
    </div>
  );
}

/** The outcome of a batch approval, task by task. */
function BatchOutcome({
  result,
  tasks,
  names,
  onClose,
}: {
  result: BatchCompleteResult;
  tasks: ReadonlyMap<number, TodoItem>;
  names: ListProps['names'];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const errorText = (code: string) => {
    switch (code) {
      case 'API_FORM_REQUIRED':
      case 'API_TASK_NOT_FOUND':
      case 'API_TASK_COMPLETED':
      case 'API_TASK_CLAIMED':
      case 'API_FORBIDDEN':
        return t(`inbox.batch.errors.${code}`);
      default:
        return t('inbox.batch.errors.other', { code });
    }
  };
  return (
    <Alert
      className="inbox-batch-result"
      data-testid="batch-result"
      type={result.failed === 0 ? 'success' : 'warning'}
      showIcon
      closable={{ onClose, 'aria-label': t('inbox.batch.dismiss') }}
      title={t('inbox.batch.resultTitle', { succeeded: result.succeeded, failed: result.failed })}
      description={
        <ul className="inbox-batch-list">
          {result.results.map((r) => {
            const task = tasks.get(r.id);
            const step = task ? localizedOr(task.nodeName, language, task.nodeId) : `#${r.id}`;
            const process = task ? localizedOr(names.get(task.modelKey), language, task.modelKey) : '';
            return (
              <li key={r.id} data-testid="batch-outcome" data-ok={r.ok ? 'true' : 'false'}>
                {r.ok ? <CheckCircleFilled className="inbox-ok" /> : <CloseCircleFilled className="inbox-failed" />}
                <span className="inbox-batch-name">{step}</span>
                {process !== '' && <span className="inbox-muted">{process}</span>}
                {task?.businessKey && <span className="inbox-muted">{task.businessKey}</span>}
                <span className={r.ok ? 'inbox-ok' : 'inbox-failed'}>
                  {r.ok ? t('inbox.batch.ok') : errorText(r.error?.code ?? '')}
                </span>
              </li>
            );
          })}
        </ul>
      }
    />
  );
}

/** 待办: tasks by deadline, with the working time left, selection and batch approval. */
export function TodoList({ filters, refresh, names, onSteps, onChanged }: ListProps) {
  const { t } = useTranslation();
  const list = useInboxList({ filters, refresh, onSteps }, 'overdue', (q) => client.listTodo(q), stepsOf);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ result: BatchCompleteResult; tasks: Map<number, TodoItem> }>();
  const [batchError, setBatchError] = useState<string>();

  // Forget selected tasks that left the list (done elsewhere, transferred, cancelled).
  useEffect(() => {
    setSelected((s) => {
      const present = new Set(list.items.map((x) => x.id));
      const kept = [...s].filter((id) => present.has(id));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [list.items]);

  const toggle = (id: number, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allSelected = list.items.length > 0 && list.items.every((x) => selected.has(x.id));

  const approve = async () => {
    setSending(true);
    setBatchError(undefined);
    const ids = [...selected];
    const tasks = new Map(list.items.filter((x) => selected.has(x.id)).map((x) => [x.id, x]));
    try {
      const trimmed = comment.trim();
      const result = await client.batchCompleteTasks({
        tasks: ids,
        decision: 'approve',
        ...(trimmed === '' ? {} : { comment: trimmed }),
      });
      setOutcome({ result, tasks });
      setSelected(new Set());
      setConfirming(false);
      setComment('');
      list.reload();
      onChanged();
    } catch (error) {
      setBatchError(t('inbox.batch.errors.other', { code: error instanceof BatonApiError ? error.code : 'NETWORK' }));
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      {outcome && (
        <BatchOutcome
          result={outcome.result}
          tasks={outcome.tasks}
          names={names}
          onClose={() => setOutcome(undefined)}
        />
      )}
      {list.items.length > 0 && (
        <div className="inbox-batch-bar">
          <Checkbox
            checked={allSelected}
            indeterminate={selected.size > 0 && !allSelected}
            onChange={(e) => setSelected(e.target.checked ? new Set(list.items.map((x) => x.id)) : new Set())}
            className="inbox-check"
          >
            {selected.size > 0 ? t('inbox.batch.selected', { count: selected.size }) : t('inbox.batch.selectAll')}
          </Checkbox>
          <Button
            type="primary"
            disabled={selected.size === 0}
            onClick={() => setConfirming(true)}
            data-testid="batch-approve"
          >
            {t('inbox.batch.approve', { count: selected.size })}
          </Button>
        </div>
      )}
      <ListFrame list={list} empty={t('inbox.empty.todo')} filtered={isFiltered(filters, 'overdue')}>
        {list.items.map((task) => (
          <li key={task.id} className="inbox-item" data-testid="todo-item" data-task-id={task.id}>
            <Checkbox
              className="inbox-check inbox-item-check"
              checked={selected.has(task.id)}
              onChange={(e) => toggle(task.id, e.target.checked)}
              aria-label={t('inbox.task.select')}
            />
            <div className="inbox-item-body">
              <TaskTitle task={task} names={names} link />
              <div className="inbox-item-meta">
                <span>
                  {task.assignee === null ? (
                    <Tag>{t('inbox.task.unclaimed')}</Tag>
                  ) : (
                    t('inbox.task.assignee', { name: task.assignee })
                  )}
                </span>
                {task.onBehalfOf !== null && <span>{t('inbox.task.onBehalfOf', { name: task.onBehalfOf })}</span>}
                <span className="inbox-muted">{t('inbox.task.arrived', { at: formatTime(task.createdAt) })}</span>
              </div>
            </div>
            <div className="inbox-item-side">
              <DeadlineTag timeLeft={task.timeLeft} dueAt={task.dueAt} />
              <Link to={`/tasks/${task.id}`}>
                <Button size="middle">{t('inbox.task.open')}</Button>
              </Link>
            </div>
          </li>
        ))}
      </ListFrame>
      <Modal
        open={confirming}
        title={t('inbox.batch.confirmTitle', { count: selected.size })}
        okText={t('inbox.batch.confirm')}
        cancelText={t('inbox.batch.cancel')}
        confirmLoading={sending}
        onOk={() => void approve()}
        onCancel={() => setConfirming(false)}
      >
        <p>{t('inbox.batch.confirmBody')}</p>
        <Input.TextArea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={t('inbox.batch.comment')}
          aria-label={t('inbox.batch.comment')}
          maxLength={2000}
          rows={3}
        />
        {batchError !== undefined && <Alert className="inbox-modal-error" type="error" showIcon title={batchError} />}
      </Modal>
    </>
  );
}

/** 已办: tasks the user completed, newest first. */
export function DoneList({ filters, refresh, names, onSteps }: ListProps) {
  const { t } = useTranslation();
  const list = useInboxList({ filters, refresh, onSteps }, 'overdue', (q) => client.listDone(q), stepsOf);
  return (
    <ListFrame list={list} empty={t('inbox.empty.done')} filtered={isFiltered(filters, 'overdue')}>
      {list.items.map((task) => {
        const late = task.dueAt !== null && task.completedAt !== null && task.completedAt > task.dueAt;
        return (
          <li key={task.id} className="inbox-item" data-testid="done-item">
            <div className="inbox-item-body">
              <TaskTitle task={task} names={names} link />
              <div className="inbox-item-meta">
                <Tag color={task.decision === 'reject' ? 'red' : 'green'}>
                  {t(`inbox.decisions.${task.decision ?? 'none'}`)}
                </Tag>
                {late && <Tag color="error">{t('inbox.task.completedLate')}</Tag>}
                {task.completedAt !== null && (
                  <span className="inbox-muted">{t('inbox.task.completed', { at: formatTime(task.completedAt) })}</span>
                )}
              </div>
            </div>
          </li>
        );
      })}
    </ListFrame>
  );
}

/** 我发起的: instances the user started, newest first, each with its current steps. */
export function StartedList({ filters, refresh, names, onSteps }: ListProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const list = useInboxList({ filters, refresh, onSteps }, 'overdue', (q) => client.listStarted(q), startedStepsOf);
  const statusColor = { running: 'processing', completed: 'success', terminated: 'default', failed: 'error' } as const;
  return (
    <ListFrame list={list} empty={t('inbox.empty.started')} filtered={isFiltered(filters, 'overdue')}>
      {list.items.map((instance) => {
        const steps = instance.current
          .map((c) =>
            t('inbox.started.stepWith', {
              step: localizedOr(c.nodeName, language, c.nodeId),
              name: c.assignee ?? t('inbox.started.unassigned'),
            }),
          )
          .join('、');
        return (
          <li key={instance.id} className="inbox-item" data-testid="started-item">
            <div className="inbox-item-body">
              <InstanceTitle modelKey={instance.modelKey} businessKey={instance.businessKey} names={names} />
              <div className="inbox-item-meta">
                <Tag color={statusColor[instance.status as keyof typeof statusColor] ?? 'default'}>
                  {t(`inbox.status.${instance.status}`)}
                </Tag>
                <span data-testid="started-current">
                  {instance.current.length > 0 ? t('inbox.started.current', { steps }) : t('inbox.started.waiting')}
                </span>
                <span className="inbox-muted">
                  {t('inbox.started.startedAt', { at: formatTime(instance.createdAt) })}
                </span>
              </div>
            </div>
          </li>
        );
      })}
    </ListFrame>
  );
}

/** 抄送我的: instances cc'd to the user, newest first, unread marked, read state switchable. */
export function CcList({ filters, refresh, names, onSteps, onChanged }: ListProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const list = useInboxList({ filters, refresh, onSteps }, 'unread', (q) => client.listCc(q), stepsOf);
  const [changed, setChanged] = useState<ReadonlyMap<number, string | null>>(new Map());
  const [failed, setFailed] = useState(false);
  useEffect(() => setChanged(new Map()), [list.items]);
  const mark = async (entry: CcEntry, read: boolean) => {
    setFailed(false);
    try {
      const next = read ? await client.markCcRead(entry.id) : await client.markCcUnread(entry.id);
      setChanged((m) => new Map(m).set(entry.id, next.readAt));
      onChanged();
    } catch {
      setFailed(true);
    }
  };
  return (
    <>
      {failed && <Alert className="page-alert" type="error" showIcon title={t('inbox.cc.failed')} />}
      <ListFrame list={list} empty={t('inbox.empty.cc')} filtered={isFiltered(filters, 'unread')}>
        {list.items.map((entry) => {
          const readAt = changed.has(entry.id) ? changed.get(entry.id)! : entry.readAt;
          const unread = readAt === null;
          const step = localizedOr(entry.nodeName, language, entry.nodeId);
          return (
            <li
              key={entry.id}
              className={unread ? 'inbox-item inbox-unread' : 'inbox-item'}
              data-testid="cc-item"
              data-unread={unread ? 'true' : 'false'}
            >
              <div className="inbox-item-body">
                <InstanceTitle modelKey={entry.modelKey} businessKey={entry.businessKey} names={names}>
                  {unread && <Badge status="processing" text={t('inbox.cc.unread')} />}
                </InstanceTitle>
                <div className="inbox-item-meta">
                  <Tag>{t(`inbox.status.${entry.instanceStatus}`)}</Tag>
                  <span data-testid="cc-step">
                    {entry.by === null ? t('inbox.cc.byRule', { step }) : t('inbox.cc.by', { name: entry.by, step })}
                  </span>
                  <span className="inbox-muted">{t('inbox.cc.at', { at: formatTime(entry.createdAt) })}</span>
                </div>
              </div>
              <div className="inbox-item-side">
                <Button onClick={() => void mark(entry, unread)} data-testid="cc-toggle">
                  {unread ? t('inbox.cc.markRead') : t('inbox.cc.markUnread')}
                </Button>
              </div>
            </li>
          );
        })}
      </ListFrame>
    </>
  );
}
