/**
 * The task page (`/tasks/:id`): the context first (the instance's diagram with the path and the
 * current step, the timeline with comments, the step's inputs), then the form generated from the
 * step's output schema with approve / reject and a comment, then the other actions (claim,
 * transfer, return, add approvers, cc, urge, withdraw), each saying why when it is not offered.
 * One column on a phone.
 *
 * @module
 */
import {
  ArrowLeftOutlined,
  BellOutlined,
  CheckOutlined,
  CloseOutlined,
  RollbackOutlined,
  SwapOutlined,
  UndoOutlined,
  UserAddOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import {
  type ApiIssue,
  BatonApiError,
  type InstanceDetail,
  type Task,
  type TaskDetail,
  type User,
} from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import { Alert, App, Button, Card, Descriptions, Form, Input, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useSession } from '../../app/session.tsx';
import { localizedText } from '../../designer/describe.ts';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { InstanceDiagram } from '../../instance/instance-diagram.tsx';
import { instancePath } from '../../instance/instance-flow.ts';
import { InstanceTimeline } from '../../instance/instance-timeline.tsx';
import { client } from '../../lib/client.ts';
import { type FormValues, fieldPointers, issuesUnder, labelOf, withEmptyGroups } from '../form/form-values.ts';
import { browserProblems, serverProblems } from '../form/messages.ts';
import { type FieldProblem, SchemaForm } from '../form/schema-form.tsx';
import { validateForm } from '../form/validate.ts';
import '../work.css';
import { ActionButton, ActionDialog, type DialogResult, UserPicker } from './task-actions.tsx';

interface Loaded {
  task: TaskDetail;
  detail: InstanceDetail;
  definition: ProcessDefinition | undefined;
}

/** A value for the read-only inputs: text, never HTML; an object as "key: value" pairs. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join('; ');
  return JSON.stringify(value);
}

function errorCode(e: unknown): string {
  return e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK';
}

/** The task page (see the module comment). */
export default function TaskPage() {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const { user } = useSession();
  const { message } = App.useApp();
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [values, setValues] = useState<FormValues>({});
  const [comment, setComment] = useState('');
  const [cc, setCc] = useState<string[]>([]);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogResult['kind'] | null>(null);
  const [outcome, setOutcome] = useState<{ kind: string; next: Task[] } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const task = await client.getTask(id);
      const detail = await client.getInstance(task.instanceId);
      const version = await client.getVersion(detail.instance.modelKey, detail.instance.version).catch(() => undefined);
      setLoaded({ task, detail, definition: version?.definition as ProcessDefinition | undefined });
    } catch (e) {
      if (e instanceof BatonApiError && e.status === 401) return;
      setLoadError(errorCode(e));
    }
  }, [id]);

  useEffect(() => {
    if (!Number.isInteger(id) || id < 1) {
      setLoadError('API_TASK_NOT_FOUND');
      return;
    }
    void load();
    client.listUsers().then(setUsers, () => setUsers([]));
  }, [id, load]);

  const path = useMemo(
    () =>
      loaded?.definition
        ? instancePath(loaded.definition, loaded.detail.history, loaded.detail.activeNodes)
        : { completedNodes: [], takenEdges: [] },
    [loaded],
  );
  const userNames = useMemo(() => Object.fromEntries(users.map((u) => [u.username, u.displayName])), [users]);
  const knownFields = useMemo(() => new Set(fieldPointers(loaded?.task.form ?? {})), [loaded]);

  if (loadError !== null)
    return (
      <Result
        status="warning"
        title={t(loadError === 'API_TASK_NOT_FOUND' ? 'task.notFound' : 'task.loadFailed')}
        subTitle={<span className="mono">{loadError}</span>}
        extra={
          <Link to="/inbox">
            <Button icon={<ArrowLeftOutlined />}>{t('task.backToInbox')}</Button>
          </Link>
        }
      />
    );
  if (!loaded) return <Skeleton active className="task-page" />;

  const { task, detail, definition } = loaded;
  const actions = task.actions;
  const stepName = localizedText(task.nodeName ?? undefined, locale, task.nodeId);
  const processName = definition ? localizedText(definition.name, locale, task.modelKey) : task.modelKey;
  const inputNode = definition?.nodes.find((n) => n.id === task.nodeId);
  const dataSchema = (definition?.data?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const me = user?.username ?? '';

  const run = async (kind: string, command: () => Promise<{ next: Task[] }>) => {
    setBusy(kind);
    setActionError(null);
    try {
      const result = await command();
      setDialog(null);
      void message.success(t(`task.done.${kind}` as 'task.done.complete'));
      // Where the work went is told from the instance as it is now.
      await load();
      setOutcome({ kind, next: result.next.filter((n) => n.id !== task.id) });
      return true;
    } catch (e) {
      if (e instanceof BatonApiError && e.code === 'API_INVALID_FORM') {
        // The server's problems on the fields they name; the values stay as typed.
        setProblems(serverProblems(issuesUnder<ApiIssue>(e.issues, '/output'), knownFields, t));
        setActionError('API_INVALID_FORM');
      } else setActionError(errorCode(e));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const submit = (decision: 'approve' | 'reject') => {
    const trimmed = comment.trim();
    const common = {
      decision,
      ...(trimmed !== '' ? { comment: trimmed } : {}),
      ...(cc.length > 0 ? { cc } : {}),
    };
    if (decision === 'approve') {
      const issues = task.form ? validateForm(task.form, withEmptyGroups(task.form, values)) : [];
      if (issues.length > 0) {
        setProblems(browserProblems(issues, t));
        setActionError('FORM_INVALID');
        return;
      }
    }
    setProblems([]);
    void run(decision === 'approve' ? 'complete' : 'reject', () =>
      client.completeTask(task.id, decision === 'approve' ? { output: values, ...common } : common),
    );
  };

  const onDialog = (r: DialogResult) => {
    if (r.kind === 'transfer')
      void run('transfer', () =>
        client.transferTask(task.id, { to: r.to, ...(r.comment ? { comment: r.comment } : {}) }),
      );
    else if (r.kind === 'return')
      void run('return', () => client.returnTask(task.id, { to: r.to, ...(r.reason ? { reason: r.reason } : {}) }));
    else if (r.kind === 'addSigners')
      void run('addSigners', () =>
        client.addSigners(task.id, {
          users: r.users,
          position: r.position,
          ...(r.comment ? { comment: r.comment } : {}),
        }),
      );
    else if (r.kind === 'withdraw')
      void run('withdraw', () => client.withdrawTask(task.id, r.comment ? { comment: r.comment } : {}));
    else
      void run('withdrawInstance', () =>
        client.withdrawInstance(task.instanceId, r.comment ? { comment: r.comment } : {}),
      );
  };

  const open = task.status === 'open' || task.status === 'claimed';
  const statusColor = { open: 'blue', claimed: 'processing', completed: 'success', cancelled: 'default' } as const;

  return (
    <div className="task-page">
      <div className="task-head">
        <Link to="/inbox" className="task-back">
          <ArrowLeftOutlined /> {t('task.backToInbox')}
        </Link>
        <Typography.Title level={3} className="page-title">
          {stepName}
        </Typography.Title>
        <Space wrap size={[8, 4]}>
          <Tag color={statusColor[task.status]}>{t(`task.status.${task.status}`)}</Tag>
          <Typography.Text>{processName}</Typography.Text>
          {task.businessKey && <Typography.Text className="mono">{task.businessKey}</Typography.Text>}
          <Typography.Text type="secondary">
            {task.assignee
              ? t('task.assignee', { name: userNames[task.assignee] ?? task.assignee })
              : t('task.offered')}
          </Typography.Text>
          {task.dueAt && (
            <Typography.Text type={Date.parse(task.dueAt) < Date.now() ? 'danger' : 'secondary'}>
              {t('task.due')} <time dateTime={task.dueAt}>{time.format(new Date(task.dueAt))}</time>
            </Typography.Text>
          )}
        </Space>
      </div>

      {outcome && (
        <Alert
          className="task-outcome"
          type="success"
          showIcon
          message={t(`task.done.${outcome.kind}` as 'task.done.complete')}
          description={
            outcome.next.length > 0 ? (
              <Space direction="vertical" size={2}>
                <span>{t('task.nextForYou')}</span>
                {outcome.next.map((n) => (
                  <Link key={n.id} to={`/tasks/${n.id}`} data-next-task={n.id}>
                    {localizedText(n.nodeName ?? undefined, locale, n.nodeId)}
                  </Link>
                ))}
              </Space>
            ) : (
              t('task.nextElsewhere', {
                steps:
                  detail.activeNodes
                    .map((nid) => localizedText(definition?.nodes.find((n) => n.id === nid)?.name, locale, nid))
                    .join(t('task.timeline.listSeparator')) || t('task.ended'),
              })
            )
          }
        />
      )}

      <div className="task-grid">
        <div className="task-context">
          <Card size="small" title={t('task.sections.diagram')}>
            {definition ? (
              <InstanceDiagram
                definition={definition}
                completedNodes={path.completedNodes}
                takenEdges={path.takenEdges}
                activeNodes={detail.activeNodes}
              />
            ) : (
              <Typography.Text type="secondary">{t('task.noDiagram')}</Typography.Text>
            )}
          </Card>
          {Object.keys(task.inputs).length > 0 && (
            <Card size="small" title={t('task.sections.inputs')}>
              <Descriptions
                size="small"
                column={1}
                items={(inputNode?.inputs ?? Object.keys(task.inputs))
                  .filter((f) => f in task.inputs)
                  .map((f) => ({
                    key: f,
                    label: labelOf(dataSchema[f.split('.')[0]!] ?? {}, f, locale),
                    children: <span className="task-input-value">{show(task.inputs[f])}</span>,
                  }))}
              />
            </Card>
          )}
          <Card size="small" title={t('task.sections.timeline')}>
            <InstanceTimeline history={detail.history} definition={definition} userNames={userNames} newestFirst />
          </Card>
        </div>

        <div className="task-work">
          <Card size="small" title={t('task.sections.form')}>
            {open && task.form && (
              <SchemaForm
                schema={task.form}
                values={values}
                onChange={(v) => {
                  setValues(v);
                  if (problems.length > 0) setProblems(problems.filter((p) => p.path === ''));
                }}
                problems={problems}
                idPrefix="task"
                disabled={!actions.complete.allowed}
              />
            )}
            {open && !task.form && <Typography.Paragraph type="secondary">{t('task.noForm')}</Typography.Paragraph>}
            {!open && (
              <Descriptions
                size="small"
                column={1}
                items={Object.entries(task.output ?? {}).map(([k, v]) => ({
                  key: k,
                  label: labelOf(
                    ((task.form?.properties ?? {}) as Record<string, Record<string, unknown>>)[k] ?? {},
                    k,
                    locale,
                  ),
                  children: show(v),
                }))}
              />
            )}
            {open && (
              <Form layout="vertical" component="div">
                <Form.Item label={t('task.comment')} htmlFor="task-comment">
                  <Input.TextArea
                    id="task-comment"
                    value={comment}
                    maxLength={2000}
                    rows={3}
                    placeholder={t('task.commentPlaceholder')}
                    onChange={(e) => setComment(e.target.value)}
                    disabled={!actions.complete.allowed}
                  />
                </Form.Item>
                <Form.Item label={t('task.cc')} htmlFor="task-cc" extra={t('task.ccHint')}>
                  <UserPicker
                    id="task-cc"
                    multiple
                    users={users}
                    exclude={[me]}
                    value={cc}
                    onChange={(v) => setCc(Array.isArray(v) ? v : [])}
                  />
                </Form.Item>
              </Form>
            )}
            {actionError !== null && (
              <Alert
                type="error"
                showIcon
                className="task-error"
                role="alert"
                message={t(
                  actionError === 'FORM_INVALID' || actionError === 'API_INVALID_FORM'
                    ? 'task.formProblems'
                    : 'task.actionFailed',
                )}
                description={actionError === 'FORM_INVALID' ? undefined : <span className="mono">{actionError}</span>}
              />
            )}
            <div className="task-decide">
              <ActionButton
                name="complete"
                state={actions.complete}
                icon={<CheckOutlined />}
                loading={busy === 'complete'}
                onClick={() => submit('approve')}
              />
              {open && actions.complete.allowed && (
                <Button
                  danger
                  icon={<CloseOutlined />}
                  loading={busy === 'reject'}
                  onClick={() => submit('reject')}
                  data-action="reject"
                >
                  {t('task.actions.reject')}
                </Button>
              )}
            </div>
          </Card>

          <Card size="small" title={t('task.sections.actions')}>
            <div className="task-actions">
              {!(task.assignee === me && actions.claim.reason === 'alreadyYours') && (
                <ActionButton
                  name="claim"
                  state={actions.claim}
                  icon={<UserAddOutlined />}
                  loading={busy === 'claim'}
                  onClick={() => void run('claim', () => client.claimTask(task.id))}
                />
              )}
              <ActionButton
                name="transfer"
                state={actions.transfer}
                icon={<SwapOutlined />}
                onClick={() => setDialog('transfer')}
              />
              <ActionButton
                name="return"
                state={actions.return}
                icon={<RollbackOutlined />}
                onClick={() => setDialog('return')}
              />
              <ActionButton
                name="addSigners"
                state={actions.addSigners}
                icon={<UsergroupAddOutlined />}
                onClick={() => setDialog('addSigners')}
              />
              <ActionButton
                name="urge"
                state={actions.urge}
                icon={<BellOutlined />}
                loading={busy === 'urge'}
                onClick={() => void run('urge', () => client.urgeTask(task.id))}
              />
              <ActionButton
                name="withdraw"
                state={actions.withdraw}
                icon={<UndoOutlined />}
                onClick={() => setDialog('withdraw')}
              />
              <ActionButton
                name="withdrawInstance"
                state={actions.withdrawInstance}
                icon={<UndoOutlined />}
                onClick={() => setDialog('withdrawInstance')}
              />
            </div>
          </Card>
        </div>
      </div>

      {dialog !== null && (
        <ActionDialog
          kind={dialog}
          task={task}
          users={users}
          me={me}
          definition={definition}
          completedNodes={path.completedNodes}
          takenEdges={path.takenEdges}
          onCancel={() => setDialog(null)}
          onSubmit={onDialog}
          busy={busy !== null}
        />
      )}
    </div>
  );
}
