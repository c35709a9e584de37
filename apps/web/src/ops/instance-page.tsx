import { ArrowLeftOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import type { InstanceDetail, Task, User } from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Space,
  Spin,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { InstanceDiagram, InstanceTimeline, instancePath } from '../instance/index.ts';
import { client } from '../lib/client.ts';
import { waitingOf } from './instance-waiting.ts';
import {
  Candidates,
  ErrorBanner,
  errorCode,
  FormModal,
  IncidentActions,
  isSessionLost,
  localizedLabel,
  RequireOperator,
  StatusTag,
  useCommand,
  useDateTime,
  useLanguage,
} from './ops-common.tsx';
import './ops.css';

type Definition = Pick<ProcessDefinition, 'name' | 'nodes' | 'edges'>;

/** An instance for ops: diagram with the path taken, incidents (retry, skip), open tasks, history, terminate. */
export default function InstancePage() {
  return (
    <RequireOperator>
      <InstanceView />
    </RequireOperator>
  );
}

function InstanceView() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const language = useLanguage();
  const dateTime = useDateTime();
  const [detail, setDetail] = useState<InstanceDetail | undefined>(undefined);
  const [definition, setDefinition] = useState<Definition | undefined>(undefined);
  const [users, setUsers] = useState<User[]>([]);
  const [notFound, setNotFound] = useState(false);
  const command = useCommand();
  const { busy, error, setError, run } = command;
  const [terminating, setTerminating] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();

  const load = useCallback(async () => {
    setError(null);
    try {
      const found = await client.getInstance(id);
      setDetail(found);
      const version = await client.getVersion(found.instance.modelKey, found.instance.version);
      setDefinition(version.definition as unknown as Definition);
    } catch (e) {
      if (isSessionLost(e)) return;
      if (errorCode(e) === 'API_INSTANCE_NOT_FOUND' || errorCode(e) === 'API_VALIDATION') setNotFound(true);
      else setError(errorCode(e));
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    client.listUsers().then(setUsers, () => undefined);
  }, []);

  const userNames = useMemo(() => Object.fromEntries(users.map((u) => [u.username, u.displayName])), [users]);
  const path = useMemo(
    () => (detail && definition ? instancePath(definition, detail.history, detail.activeNodes) : undefined),
    [detail, definition],
  );
  const waiting = useMemo(
    () => (detail && definition ? waitingOf(detail, definition) : undefined),
    [detail, definition],
  );
  const nodeName = useCallback(
    (nodeId: string) => {
      const node = definition?.nodes.find((n) => n.id === nodeId);
      return localizedLabel(node?.name, language, nodeId);
    },
    [definition, language],
  );

  if (notFound) {
    return (
      <div className="page">
        <Empty description={t('ops.instance.notFound')}>
          <Link to="/instances">
            <Button type="primary">{t('ops.instance.back')}</Button>
          </Link>
        </Empty>
      </div>
    );
  }
  if (!detail) {
    return (
      <div className="page">
        <ErrorBanner code={error} />
        {error === null && <Spin />}
      </div>
    );
  }
  const { instance } = detail;
  const running = instance.status === 'running';
  const openTasks = detail.tasks.filter((task) => task.status === 'open' || task.status === 'claimed');
  const taskColumns: TableColumnsType<Task> = [
    {
      key: 'step',
      title: t('ops.instance.step'),
      render: (_, task) => localizedLabel(task.nodeName, language, task.nodeId),
    },
    {
      key: 'assignee',
      title: t('ops.instance.assignee'),
      render: (_, task) =>
        task.assignee ? (userNames[task.assignee] ?? task.assignee) : <Tag>{t('ops.instance.unassigned')}</Tag>,
    },
    {
      key: 'candidates',
      title: t('ops.instance.candidates'),
      render: (_, task) => <Candidates candidates={task.candidates} />,
    },
    { key: 'created', title: t('ops.instance.arrived'), render: (_, task) => dateTime(task.createdAt) },
    { key: 'due', title: t('ops.instance.due'), render: (_, task) => dateTime(task.dueAt) },
  ];

  return (
    <div className="page">
      <Space className="ops-page-head" wrap>
        <Link to="/instances">
          <Button icon={<ArrowLeftOutlined />}>{t('ops.instance.back')}</Button>
        </Link>
        <Typography.Title level={3} className="page-title ops-inline-title">
          {instance.businessKey ?? t('ops.instances.noBusinessKey')}
        </Typography.Title>
        <StatusTag status={instance.status} />
        <span className="ops-grow" />
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('ops.common.reload')}
        </Button>
        {running && (
          <Button danger icon={<StopOutlined />} onClick={() => setTerminating(true)}>
            {t('ops.instance.terminate')}
          </Button>
        )}
      </Space>
      <ErrorBanner code={error} />
      <Card className="ops-card">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('ops.instances.process')}>
            {/* The instance's own version's name (a model's versions may be "current state", "target state"). */}
            {definition ? localizedLabel(definition.name, language, instance.modelKey) : instance.modelKey} ·{' '}
            {t('models.versionNumber', { number: instance.version })}
          </Descriptions.Item>
          <Descriptions.Item label={t('ops.instances.initiator')}>
            {instance.initiator ? (userNames[instance.initiator] ?? instance.initiator) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('ops.instance.id')}>
            <Typography.Text className="mono" copyable>
              {instance.id}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('ops.instances.started')}>{dateTime(instance.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('ops.instances.ended')}>{dateTime(instance.endedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('ops.instance.current')}>
            {detail.activeNodes.length === 0 ? '—' : detail.activeNodes.map(nodeName).join(', ')}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card className="ops-card" title={t('ops.instance.diagram')}>
        {definition && path && waiting ? (
          <InstanceDiagram
            definition={definition}
            completedNodes={path.completedNodes}
            takenEdges={path.takenEdges}
            activeNodes={detail.activeNodes}
            waiting={waiting}
            height={300}
          />
        ) : (
          <Spin />
        )}
      </Card>
      <Card className="ops-card" title={t('ops.instance.incidents', { count: detail.incidents.length })}>
        {detail.incidents.length === 0 ? (
          <Typography.Text type="secondary">{t('ops.instance.noIncidents')}</Typography.Text>
        ) : (
          <Space direction="vertical" className="ops-full">
            {detail.incidents.map((incident) => (
              <Alert
                key={incident.id}
                type="error"
                showIcon
                data-testid="incident"
                title={t('ops.instance.incidentAt', { step: nodeName(incident.node), at: dateTime(incident.at) })}
                description={
                  <Space direction="vertical" size={2}>
                    <Typography.Text className="mono">{incident.code}</Typography.Text>
                    <Typography.Text>{incident.message}</Typography.Text>
                  </Space>
                }
                action={
                  <IncidentActions instanceId={instance.id} incidentId={incident.id} command={command} reload={load} />
                }
              />
            ))}
          </Space>
        )}
      </Card>
      <Card className="ops-card" title={t('ops.instance.openTasks', { count: openTasks.length })}>
        <Table<Task>
          rowKey="id"
          size="small"
          columns={taskColumns}
          dataSource={openTasks}
          pagination={false}
          locale={{ emptyText: t('ops.instance.noOpenTasks') }}
        />
      </Card>
      <Card className="ops-card" title={t('ops.instance.history')}>
        <InstanceTimeline
          history={detail.history}
          {...(definition ? { definition } : {})}
          userNames={userNames}
          newestFirst
        />
      </Card>
      <FormModal
        open={terminating}
        title={t('ops.instance.terminateTitle')}
        okText={t('ops.instance.terminate')}
        loading={busy === 'terminate'}
        danger
        onCancel={() => setTerminating(false)}
        form={form}
        onFinish={({ reason }) => {
          void (async () => {
            const done = await run(
              'terminate',
              () => client.terminateInstance(instance.id, { reason: reason.trim() }),
              load,
            );
            if (done) {
              setTerminating(false);
              form.resetFields();
            }
          })();
        }}
      >
        <Typography.Paragraph>{t('ops.instance.terminateBody')}</Typography.Paragraph>
        <Form.Item
          name="reason"
          label={t('ops.instance.reason')}
          rules={[{ required: true, whitespace: true, message: t('ops.instance.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      </FormModal>
    </div>
  );
}
