import { ReloadOutlined } from '@ant-design/icons';
import type { FailedDelivery, StuckTimer, StuckWork, UnattendedTask, User } from '@baton/client';
import { Button, Card, Form, Input, Select, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { client } from '../lib/client.ts';
import {
  Candidates,
  ErrorBanner,
  errorCode,
  FormModal,
  IncidentActions,
  isSessionLost,
  localizedLabel,
  useCommand,
  useDateTime,
  useLanguage,
} from './ops-common.tsx';

/** The instance a stuck item belongs to, as a link to its page. */
function InstanceLink({
  item,
}: {
  item: { instanceId: string; businessKey: string | null; modelKey: string; version: number };
}) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size={0}>
      <Link to={`/instances/${item.instanceId}`}>{item.businessKey ?? t('ops.instances.noBusinessKey')}</Link>
      <Typography.Text type="secondary" className="mono">
        {item.modelKey} · {t('models.versionNumber', { number: item.version })}
      </Typography.Text>
    </Space>
  );
}

/**
 * Stuck work, each kind with what unsticks it: timers whose firing keeps failing (release: the
 * next poll fires them), service calls in incident (retry, skip), open tasks no one can act on
 * (transfer to someone who can).
 */
export function StuckTab() {
  const { t } = useTranslation();
  const language = useLanguage();
  const dateTime = useDateTime();
  const [stuck, setStuck] = useState<StuckWork | undefined>(undefined);
  const [users, setUsers] = useState<User[]>([]);
  const command = useCommand();
  const { busy, error, setError, run } = command;
  const [transferring, setTransferring] = useState<UnattendedTask | null>(null);
  const [form] = Form.useForm<{ to: string; comment?: string }>();

  const load = useCallback(async () => {
    try {
      setStuck(await client.getStuckWork());
    } catch (e) {
      if (isSessionLost(e)) return;
      setError(errorCode(e));
      setStuck({ timers: [], deliveries: [], unattended: [] });
    }
  }, []);
  useEffect(() => {
    void load();
    client.listUsers().then(setUsers, () => undefined);
  }, [load]);

  const timerColumns: TableColumnsType<StuckTimer> = [
    { key: 'instance', title: t('ops.stuck.instance'), render: (_, x) => <InstanceLink item={x} /> },
    {
      key: 'kind',
      title: t('ops.stuck.timerKind'),
      render: (_, x) => t(`ops.stuck.kinds.${x.kind as 'timer'}`, { defaultValue: x.kind }),
    },
    { key: 'due', title: t('ops.stuck.due'), render: (_, x) => dateTime(x.dueAt) },
    { key: 'attempts', title: t('ops.stuck.attempts'), dataIndex: 'attempts' },
    { key: 'holder', title: t('ops.stuck.holder'), render: (_, x) => x.lockedBy ?? '—' },
    {
      key: 'action',
      title: t('ops.common.actions'),
      render: (_, x) => (
        <Button
          size="small"
          type="primary"
          loading={busy === `timer:${x.id}`}
          onClick={() => void run(`timer:${x.id}`, () => client.releaseTimer(x.id), load)}
        >
          {t('ops.stuck.release')}
        </Button>
      ),
    },
  ];
  const deliveryColumns: TableColumnsType<FailedDelivery> = [
    { key: 'instance', title: t('ops.stuck.instance'), render: (_, x) => <InstanceLink item={x} /> },
    { key: 'node', title: t('ops.stuck.step'), render: (_, x) => <span className="mono">{x.node}</span> },
    {
      key: 'error',
      title: t('ops.stuck.error'),
      render: (_, x) => <Typography.Text type="danger">{x.lastError}</Typography.Text>,
    },
    { key: 'at', title: t('ops.stuck.since'), render: (_, x) => dateTime(x.incident.at) },
    {
      key: 'action',
      title: t('ops.common.actions'),
      render: (_, x) => (
        <IncidentActions instanceId={x.instanceId} incidentId={x.incident.id} command={command} reload={load} small />
      ),
    },
  ];
  const taskColumns: TableColumnsType<UnattendedTask> = [
    { key: 'instance', title: t('ops.stuck.instance'), render: (_, x) => <InstanceLink item={x} /> },
    { key: 'step', title: t('ops.stuck.step'), render: (_, x) => localizedLabel(x.nodeName, language, x.nodeId) },
    {
      key: 'who',
      title: t('ops.stuck.who'),
      render: (_, x) =>
        x.assignee ? t('ops.stuck.assignedTo', { name: x.assignee }) : <Candidates candidates={x.candidates} />,
    },
    { key: 'since', title: t('ops.stuck.since'), render: (_, x) => dateTime(x.createdAt) },
    {
      key: 'action',
      title: t('ops.common.actions'),
      render: (_, x) => (
        <Button size="small" type="primary" onClick={() => setTransferring(x)}>
          {t('ops.stuck.transfer')}
        </Button>
      ),
    },
  ];

  const section = <T extends object>(
    title: string,
    hint: string,
    rows: T[] | undefined,
    columns: TableColumnsType<T>,
    rowKey: (row: T) => string,
    empty: string,
  ) => (
    <Card size="small" title={`${title} (${rows?.length ?? 0})`}>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Table<T>
        rowKey={rowKey}
        size="small"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === undefined}
        pagination={false}
        locale={{ emptyText: empty }}
      />
    </Card>
  );

  return (
    <Space direction="vertical" className="ops-full" size="middle">
      <Space>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('ops.common.reload')}
        </Button>
      </Space>
      <ErrorBanner code={error} />
      {section(
        t('ops.stuck.timers'),
        t('ops.stuck.timersHint'),
        stuck?.timers,
        timerColumns,
        (x) => `t${x.id}`,
        t('ops.stuck.timersEmpty'),
      )}
      {section(
        t('ops.stuck.deliveries'),
        t('ops.stuck.deliveriesHint'),
        stuck?.deliveries,
        deliveryColumns,
        (x) => `d${x.id}`,
        t('ops.stuck.deliveriesEmpty'),
      )}
      {section(
        t('ops.stuck.unattended'),
        t('ops.stuck.unattendedHint'),
        stuck?.unattended,
        taskColumns,
        (x) => `u${x.taskId}`,
        t('ops.stuck.unattendedEmpty'),
      )}
      <FormModal
        open={transferring !== null}
        title={t('ops.stuck.transferTitle')}
        okText={t('ops.stuck.transfer')}
        loading={busy === 'transfer'}
        onCancel={() => setTransferring(null)}
        form={form}
        onFinish={({ to, comment }) => {
          void (async () => {
            if (!transferring) return;
            const body = comment?.trim() ? { to, comment: comment.trim() } : { to };
            if (await run('transfer', () => client.transferTask(transferring.taskId, body), load)) {
              setTransferring(null);
              form.resetFields();
            }
          })();
        }}
      >
        <Form.Item
          name="to"
          label={t('ops.stuck.transferTo')}
          rules={[{ required: true, message: t('ops.stuck.transferToRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={users
              .filter((u) => !u.outOfOffice)
              .map((u) => ({ value: u.username, label: `${u.displayName} (${u.username})` }))}
          />
        </Form.Item>
        <Form.Item name="comment" label={t('ops.stuck.comment')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
