import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  type Instance,
  type InstanceStatus,
  type ListInstancesQuery,
  type ProcessModel,
  type Team,
  instanceStatuses,
} from '@baton/client';
import {
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  type TableColumnsType,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { client } from '../lib/client.ts';
import {
  ErrorBanner,
  RequireOperator,
  StatusTag,
  errorCode,
  isSessionLost,
  localizedLabel,
  useDateTime,
  useLanguage,
} from './ops-common.tsx';
import { type TeamNode, teamForest } from './team-tree.ts';
import './ops.css';

/** Instances per page. */
const pageSize = 20;

/** The filters as they stand in the address (`?businessKey=…&model=…&page=2`). */
interface Filters {
  businessKey?: string | undefined;
  model?: string | undefined;
  version?: number | undefined;
  status?: InstanceStatus | undefined;
  team?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
}

function readFilters(params: URLSearchParams): Filters {
  const text = (name: string) => params.get(name) || undefined;
  const version = Number(params.get('version'));
  const status = params.get('status');
  const page = Number(params.get('page'));
  return {
    businessKey: text('businessKey'),
    model: text('model'),
    version: Number.isInteger(version) && version > 0 ? version : undefined,
    status: (instanceStatuses as readonly string[]).includes(status ?? '') ? (status as InstanceStatus) : undefined,
    team: text('team'),
    from: text('from'),
    to: text('to'),
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === '' || (name === 'page' && value === 1)) continue;
    params.set(name, String(value));
  }
  return params;
}

/** The form's values (the period as two dayjs days). */
interface FormValues {
  businessKey?: string;
  model?: string;
  version?: number | null;
  status?: InstanceStatus;
  team?: string;
  period?: [Dayjs | null, Dayjs | null] | null;
}

function treeData(nodes: TeamNode[], language: 'zh-CN' | 'en'): Array<Record<string, unknown>> {
  return nodes.map((n) => ({
    value: n.team.key,
    title: localizedLabel(n.team.name, language, n.team.key),
    children: treeData(n.children, language),
  }));
}

/**
 * Instances, searchable by business key, process, version, status, team (with the teams below it)
 * and start period, newest first, a page at a time; a row opens the instance page.
 */
export default function InstancesPage() {
  return (
    <RequireOperator>
      <InstancesSearch />
    </RequireOperator>
  );
}

function InstancesSearch() {
  const { t } = useTranslation();
  const language = useLanguage();
  const dateTime = useDateTime();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const [form] = Form.useForm<FormValues>();
  const [models, setModels] = useState<ProcessModel[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [userNames, setUserNames] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<Instance[] | undefined>(undefined);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void Promise.all([client.listModels(), client.listTeams()]).then(
      ([m, tm]) => {
        setModels(m);
        setTeams(tm);
      },
      (e: unknown) => !isSessionLost(e) && setError(errorCode(e)),
    );
    client.listUsers().then(
      (users) => setUserNames(Object.fromEntries(users.map((u) => [u.username, u.displayName]))),
      () => undefined,
    );
  }, []);

  // The form shows what the address says (also after back and forward).
  useEffect(() => {
    form.setFieldsValue({
      businessKey: filters.businessKey,
      model: filters.model,
      version: filters.version ?? null,
      status: filters.status,
      team: filters.team,
      period:
        filters.from || filters.to
          ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to).subtract(1, 'day') : null]
          : null,
    });
  }, [filters, form]);

  const load = useCallback(async () => {
    setError(null);
    setRows(undefined);
    const { page, ...rest } = filters;
    const query: ListInstancesQuery = { ...rest, limit: pageSize + 1, offset: (page - 1) * pageSize };
    for (const key of Object.keys(query) as Array<keyof ListInstancesQuery>)
      if (query[key] === undefined) delete query[key];
    try {
      const found = await client.listInstances(query);
      setHasMore(found.length > pageSize);
      setRows(found.slice(0, pageSize));
    } catch (e) {
      if (isSessionLost(e)) return;
      setError(errorCode(e));
      setRows([]);
    }
  }, [filters]);

  useEffect(() => {
    void load();
  }, [load]);

  const onSearch = (values: FormValues) => {
    const [from, to] = values.period ?? [null, null];
    setParams(
      writeFilters({
        businessKey: values.businessKey?.trim() || undefined,
        model: values.model,
        version: values.version ?? undefined,
        status: values.status,
        team: values.team,
        from: from ? from.format('YYYY-MM-DD') : undefined,
        // The period's last day counts whole: the query's end is exclusive.
        to: to ? to.add(1, 'day').format('YYYY-MM-DD') : undefined,
        page: 1,
      }),
    );
  };
  const goToPage = (page: number) => setParams(writeFilters({ ...filters, page }));

  const modelName = useCallback(
    (key: string) => {
      const model = models.find((m) => m.key === key);
      return model ? localizedLabel(model.name, language, key) : key;
    },
    [models, language],
  );

  const columns: TableColumnsType<Instance> = [
    {
      key: 'businessKey',
      title: t('ops.instances.businessKey'),
      render: (_, row) => (
        <Link to={`/instances/${row.id}`} data-testid="instance-link">
          {row.businessKey ?? t('ops.instances.noBusinessKey')}
        </Link>
      ),
    },
    {
      key: 'process',
      title: t('ops.instances.process'),
      render: (_, row) => (
        <Space direction="vertical" size={0}>
          <span>{modelName(row.modelKey)}</span>
          <Typography.Text type="secondary" className="mono">
            {t('models.versionNumber', { number: row.version })}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'status', title: t('ops.instances.status'), render: (_, row) => <StatusTag status={row.status} /> },
    {
      key: 'initiator',
      title: t('ops.instances.initiator'),
      render: (_, row) => (row.initiator ? (userNames[row.initiator] ?? row.initiator) : '—'),
    },
    { key: 'started', title: t('ops.instances.started'), render: (_, row) => dateTime(row.createdAt) },
    { key: 'ended', title: t('ops.instances.ended'), render: (_, row) => dateTime(row.endedAt) },
  ];

  const modelVersions = useMemo(
    () => models.map((m) => ({ value: m.key, label: localizedLabel(m.name, language, m.key) })),
    [models, language],
  );

  return (
    <div className="page">
      <Typography.Title level={3} className="page-title">
        {t('ops.instances.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('ops.instances.intro')}</Typography.Paragraph>
      <Card className="ops-card">
        <Form form={form} layout="inline" onFinish={onSearch} className="ops-filters">
          <Form.Item name="businessKey" label={t('ops.instances.businessKey')}>
            <Input allowClear placeholder={t('ops.instances.businessKeyHint')} maxLength={200} />
          </Form.Item>
          <Form.Item name="model" label={t('ops.instances.process')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={modelVersions}
              placeholder={t('ops.common.any')}
              className="ops-select"
            />
          </Form.Item>
          <Form.Item name="version" label={t('ops.instances.version')}>
            <InputNumber min={1} precision={0} placeholder={t('ops.common.any')} />
          </Form.Item>
          <Form.Item name="status" label={t('ops.instances.status')}>
            <Select
              allowClear
              placeholder={t('ops.common.any')}
              className="ops-select-small"
              options={instanceStatuses.map((s) => ({ value: s, label: t(`ops.status.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="team" label={t('ops.instances.team')}>
            <TreeSelect
              allowClear
              treeDefaultExpandAll
              placeholder={t('ops.common.any')}
              treeData={treeData(teamForest(teams), language)}
              className="ops-select"
            />
          </Form.Item>
          <Form.Item name="period" label={t('ops.instances.period')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('ops.instances.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setParams(new URLSearchParams());
                }}
              >
                {t('ops.instances.clear')}
              </Button>
              <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('ops.common.reload')} />
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <ErrorBanner code={error} />
      <Card className="ops-card">
        <Table<Instance>
          rowKey="id"
          columns={columns}
          dataSource={rows ?? []}
          loading={rows === undefined}
          pagination={false}
          onRow={(row) => ({ onDoubleClick: () => void navigate(`/instances/${row.id}`) })}
          locale={{ emptyText: t('ops.instances.empty') }}
        />
        <div className="ops-pager">
          <Button disabled={filters.page <= 1} onClick={() => goToPage(filters.page - 1)}>
            {t('ops.instances.previous')}
          </Button>
          <span>{t('ops.instances.page', { page: filters.page })}</span>
          <Button disabled={!hasMore} onClick={() => goToPage(filters.page + 1)}>
            {t('ops.instances.next')}
          </Button>
        </div>
      </Card>
    </div>
  );
}
