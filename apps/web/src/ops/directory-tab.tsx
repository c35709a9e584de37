import { PlusOutlined, UserOutlined } from '@ant-design/icons';
import type { Delegation, Team, User } from '@baton/client';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tree,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../app/session.tsx';
import { client } from '../lib/client.ts';
import {
  ErrorBanner,
  errorCode,
  FormModal,
  isSessionLost,
  localizedLabel,
  useCommand,
  useDateTime,
  useLanguage,
} from './ops-common.tsx';
import { type TeamNode, teamForest } from './team-tree.ts';

const delegationColor = { scheduled: 'blue', active: 'green', ended: 'default' } as const;

/** The delegation form. */
interface DelegationValues {
  user?: string;
  agent: string;
  period: [Dayjs, Dayjs];
  note?: string;
}

/**
 * The directory: users (team, roles, positions, manager, out of office), the team tree with each
 * team's manager and members, and delegations (委托) with create and end. Admins see and set
 * everyone's delegations; an operator, their own.
 */
export function DirectoryTab() {
  const { t } = useTranslation();
  const language = useLanguage();
  const dateTime = useDateTime();
  const { user: me } = useSession();
  const isAdmin = me?.roles.includes('admin') === true;
  const [users, setUsers] = useState<User[] | undefined>(undefined);
  const [teams, setTeams] = useState<Team[]>([]);
  const [delegations, setDelegations] = useState<Delegation[] | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const { busy, error, setError, run } = useCommand();
  const [form] = Form.useForm<DelegationValues>();

  const load = useCallback(async () => {
    try {
      const [u, tm, d] = await Promise.all([
        client.listUsers(),
        client.listTeams(),
        client.listDelegations(isAdmin ? { all: true } : {}),
      ]);
      setUsers(u);
      setTeams(tm);
      setDelegations(d);
    } catch (e) {
      if (isSessionLost(e)) return;
      setError(errorCode(e));
      setUsers([]);
      setDelegations([]);
    }
  }, [isAdmin]);
  useEffect(() => {
    void load();
  }, [load]);

  const byId = useMemo(() => new Map((users ?? []).map((u) => [u.id, u])), [users]);
  const byName = useMemo(() => new Map((users ?? []).map((u) => [u.username, u])), [users]);
  const teamByKey = useMemo(() => new Map(teams.map((x) => [x.key, x])), [teams]);
  const person = (username: string) => byName.get(username)?.displayName ?? username;

  const treeData = useMemo(() => {
    const toNodes = (nodes: TeamNode[]): Array<Record<string, unknown>> =>
      nodes.map((n) => ({
        key: n.team.key,
        title: (
          <span className="ops-team-node">
            <strong>{localizedLabel(n.team.name, language, n.team.key)}</strong>
            <Typography.Text type="secondary" className="ops-team-meta">
              {n.manager ? t('ops.directory.managedBy', { name: n.manager.displayName }) : t('ops.directory.noManager')}
              {' · '}
              {t('ops.directory.memberCount', { count: n.members.length })}
            </Typography.Text>
          </span>
        ),
        children: toNodes(n.children),
      }));
    return toNodes(teamForest(teams, users ?? []));
  }, [teams, users, language, t]);

  const userColumns: TableColumnsType<User> = [
    {
      key: 'name',
      title: t('ops.directory.name'),
      render: (_, u) => (
        <Space direction="vertical" size={0}>
          <span>{u.displayName}</span>
          <Typography.Text type="secondary" className="mono">
            {u.username}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'team',
      title: t('ops.directory.team'),
      render: (_, u) => {
        const team = u.teamKey ? teamByKey.get(u.teamKey) : undefined;
        return team ? localizedLabel(team.name, language, team.key) : '—';
      },
    },
    {
      key: 'roles',
      title: t('ops.directory.roles'),
      render: (_, u) => (
        <Space size={[4, 4]} wrap>
          {u.roles.map((r) => (
            <Tag
              key={r}
              color={r === 'admin' ? 'red' : r === 'operator' ? 'orange' : r === 'owner' ? 'blue' : 'default'}
            >
              {t(`ops.roles.${r}`)}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'positions',
      title: t('ops.directory.positions'),
      render: (_, u) => (u.positions.length === 0 ? '—' : u.positions.join(t('ops.common.listSeparator'))),
    },
    {
      key: 'manager',
      title: t('ops.directory.manager'),
      render: (_, u) => (u.managerId === null ? '—' : (byId.get(u.managerId)?.displayName ?? '—')),
    },
    {
      key: 'presence',
      title: t('ops.directory.presence'),
      render: (_, u) =>
        u.outOfOffice ? (
          <Tag color="orange">{t('ops.directory.outOfOffice')}</Tag>
        ) : (
          <Tag color="green">{t('ops.directory.inOffice')}</Tag>
        ),
    },
  ];

  const delegationColumns: TableColumnsType<Delegation> = [
    { key: 'user', title: t('ops.directory.delegator'), render: (_, d) => person(d.user) },
    { key: 'agent', title: t('ops.directory.agent'), render: (_, d) => person(d.agent) },
    { key: 'from', title: t('ops.directory.from'), render: (_, d) => dateTime(d.startsAt) },
    { key: 'until', title: t('ops.directory.until'), render: (_, d) => dateTime(d.endsAt) },
    {
      key: 'state',
      title: t('ops.directory.state'),
      render: (_, d) => <Tag color={delegationColor[d.state]}>{t(`ops.directory.states.${d.state}`)}</Tag>,
    },
    { key: 'note', title: t('ops.directory.note'), render: (_, d) => d.note ?? '—' },
    {
      key: 'actions',
      title: t('ops.common.actions'),
      render: (_, d) =>
        d.state === 'ended' ? null : (
          <Popconfirm
            title={t('ops.directory.endConfirm')}
            okText={t('ops.directory.end')}
            cancelText={t('ops.common.cancel')}
            onConfirm={() => void run(`end:${d.id}`, () => client.endDelegation(d.id), load)}
          >
            <Button size="small" danger loading={busy === `end:${d.id}`}>
              {t('ops.directory.end')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  const userOptions = (users ?? []).map((u) => ({ value: u.username, label: `${u.displayName} (${u.username})` }));

  return (
    <Space direction="vertical" className="ops-full" size="middle">
      <ErrorBanner code={error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('ops.directory.teams')}>
            {treeData.length > 0 ? (
              <Tree treeData={treeData as never} defaultExpandAll selectable={false} showLine />
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('ops.directory.users', { count: users?.length ?? 0 })}>
            <Table<User>
              rowKey="id"
              size="small"
              columns={userColumns}
              dataSource={users ?? []}
              loading={users === undefined}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
            />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('ops.directory.delegations')}
        extra={
          <Button icon={<PlusOutlined />} type="primary" onClick={() => setCreating(true)}>
            {t('ops.directory.newDelegation')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">
          {isAdmin ? t('ops.directory.delegationsHintAdmin') : t('ops.directory.delegationsHint')}
        </Typography.Paragraph>
        <Table<Delegation>
          rowKey="id"
          size="small"
          columns={delegationColumns}
          dataSource={delegations ?? []}
          loading={delegations === undefined}
          pagination={false}
          locale={{ emptyText: t('ops.directory.noDelegations') }}
        />
      </Card>
      <FormModal
        open={creating}
        title={t('ops.directory.newDelegation')}
        okText={t('ops.directory.create')}
        loading={busy === 'create'}
        onCancel={() => setCreating(false)}
        form={form}
        onFinish={(values) => {
          void (async () => {
            const body = {
              agent: values.agent,
              from: values.period[0].toISOString(),
              until: values.period[1].toISOString(),
              ...(values.note?.trim() ? { note: values.note.trim() } : {}),
              ...(isAdmin && values.user ? { user: values.user } : {}),
            };
            if (await run('create', () => client.createDelegation(body), load)) {
              setCreating(false);
              form.resetFields();
            }
          })();
        }}
      >
        {isAdmin && (
          <Form.Item name="user" label={t('ops.directory.delegator')} tooltip={t('ops.directory.delegatorHint')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={userOptions}
              suffixIcon={<UserOutlined />}
            />
          </Form.Item>
        )}
        <Form.Item
          name="agent"
          label={t('ops.directory.agent')}
          rules={[{ required: true, message: t('ops.directory.agentRequired') }]}
        >
          <Select showSearch optionFilterProp="label" options={userOptions} />
        </Form.Item>
        <Form.Item
          name="period"
          label={t('ops.directory.period')}
          rules={[{ required: true, message: t('ops.directory.periodRequired') }]}
        >
          <DatePicker.RangePicker showTime className="ops-full" />
        </Form.Item>
        <Form.Item name="note" label={t('ops.directory.note')}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
