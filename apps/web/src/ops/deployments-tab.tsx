import { RollbackOutlined, RocketOutlined } from '@ant-design/icons';
import type { Cohort, Deployment, ProcessModel, Team, VersionSummary } from '@baton/client';
import {
  Button,
  Card,
  Empty,
  Form,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { client } from '../lib/client.ts';
import {
  ErrorBanner,
  errorCode,
  isSessionLost,
  localizedLabel,
  useCommand,
  useDateTime,
  useLanguage,
} from './ops-common.tsx';

/** The widen form. */
interface WidenValues {
  version: number;
  type: Cohort['type'];
  teams?: string[];
  percent?: number;
}

/**
 * Deployments per model: which version each cohort runs (active first), widening a version to
 * more people (a new deployment), and rolling one back (the cohort returns to what it ran before).
 */
export function DeploymentsTab() {
  const { t } = useTranslation();
  const language = useLanguage();
  const dateTime = useDateTime();
  const [models, setModels] = useState<ProcessModel[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [model, setModel] = useState<string | undefined>(undefined);
  const [deployments, setDeployments] = useState<Deployment[] | undefined>(undefined);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const { busy, error, setError, run } = useCommand();
  const [form] = Form.useForm<WidenValues>();
  const cohortType = Form.useWatch('type', form);

  useEffect(() => {
    void Promise.all([client.listModels(), client.listTeams()]).then(
      ([m, tm]) => {
        setModels(m);
        setTeams(tm);
        setModel((current) => current ?? m[0]?.key);
      },
      (e: unknown) => !isSessionLost(e) && setError(errorCode(e)),
    );
  }, []);

  const load = useCallback(async () => {
    if (model === undefined) return;
    setError(null);
    setDeployments(undefined);
    try {
      const [d, v] = await Promise.all([client.listDeployments(model), client.listVersions(model)]);
      setDeployments(d);
      setVersions(v.filter((x) => x.status === 'published'));
    } catch (e) {
      if (isSessionLost(e)) return;
      setError(errorCode(e));
      setDeployments([]);
    }
  }, [model]);

  useEffect(() => {
    void load();
  }, [load]);

  const teamName = (key: string) => {
    const team = teams.find((x) => x.key === key);
    return team ? localizedLabel(team.name, language, key) : key;
  };
  const cohortText = (cohort: Cohort) =>
    cohort.type === 'all'
      ? t('ops.deployments.cohortAll')
      : cohort.type === 'share'
        ? t('ops.deployments.cohortShare', { percent: cohort.percent })
        : t('ops.deployments.cohortTeams', { teams: cohort.teams.map(teamName).join(t('ops.common.listSeparator')) });

  const columns: TableColumnsType<Deployment> = [
    {
      key: 'version',
      title: t('ops.deployments.version'),
      render: (_, d) => (
        <Tag color={d.active ? 'blue' : 'default'}>{t('models.versionNumber', { number: d.version })}</Tag>
      ),
    },
    { key: 'cohort', title: t('ops.deployments.cohort'), render: (_, d) => cohortText(d.cohort) },
    {
      key: 'state',
      title: t('ops.deployments.state'),
      render: (_, d) =>
        d.active ? <Tag color="green">{t('ops.deployments.active')}</Tag> : <Tag>{t('ops.deployments.ended')}</Tag>,
    },
    { key: 'started', title: t('ops.deployments.started'), render: (_, d) => dateTime(d.startedAt) },
    { key: 'endedAt', title: t('ops.deployments.endedAt'), render: (_, d) => dateTime(d.endedAt) },
    {
      key: 'actions',
      title: t('ops.common.actions'),
      render: (_, d) =>
        d.active && model !== undefined ? (
          <Popconfirm
            title={t('ops.deployments.rollbackConfirm', { version: d.version })}
            okText={t('ops.deployments.rollback')}
            cancelText={t('ops.common.cancel')}
            onConfirm={() => void run(`rollback:${d.id}`, () => client.rollbackDeployment(model, d.id), load)}
          >
            <Button size="small" icon={<RollbackOutlined />} danger>
              {t('ops.deployments.rollback')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  const onWiden = async (values: WidenValues) => {
    if (model === undefined) return;
    const cohort: Cohort =
      values.type === 'all'
        ? { type: 'all' }
        : values.type === 'share'
          ? { type: 'share', percent: values.percent ?? 100 }
          : { type: 'teams', teams: values.teams ?? [] };
    if (await run('deploy', () => client.deploy(model, { version: values.version, cohort }), load))
      form.resetFields(['teams', 'percent']);
  };

  return (
    <Space direction="vertical" className="ops-full" size="middle">
      <Space wrap>
        <Typography.Text>{t('ops.deployments.model')}</Typography.Text>
        <Select
          className="ops-select-wide"
          value={model}
          onChange={setModel}
          showSearch
          optionFilterProp="label"
          options={models.map((m) => ({ value: m.key, label: localizedLabel(m.name, language, m.key) }))}
          aria-label={t('ops.deployments.model')}
        />
        {model !== undefined && (
          <Link to={`/instances?model=${encodeURIComponent(model)}&status=running`}>
            {t('ops.deployments.runningInstances')}
          </Link>
        )}
      </Space>
      <ErrorBanner code={error} />
      <Table<Deployment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...(deployments ?? [])].sort((a, b) => Number(b.active) - Number(a.active))}
        loading={deployments === undefined && model !== undefined}
        pagination={false}
        locale={{ emptyText: <Empty description={t('ops.deployments.empty')} /> }}
      />
      <Card size="small" title={t('ops.deployments.widenTitle')}>
        <Typography.Paragraph type="secondary">{t('ops.deployments.widenHint')}</Typography.Paragraph>
        <Form
          form={form}
          layout="inline"
          onFinish={(values) => void onWiden(values)}
          initialValues={{ type: 'all', percent: 50 }}
        >
          <Form.Item
            name="version"
            label={t('ops.deployments.version')}
            rules={[{ required: true, message: t('ops.deployments.versionRequired') }]}
          >
            <Select
              className="ops-select-small"
              options={versions.map((v) => ({
                value: v.number,
                label: t('models.versionNumber', { number: v.number }),
              }))}
            />
          </Form.Item>
          <Form.Item name="type" label={t('ops.deployments.cohort')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'all', label: t('ops.deployments.typeAll') },
                { value: 'teams', label: t('ops.deployments.typeTeams') },
                { value: 'share', label: t('ops.deployments.typeShare') },
              ]}
            />
          </Form.Item>
          {cohortType === 'teams' && (
            <Form.Item name="teams" rules={[{ required: true, message: t('ops.deployments.teamsRequired') }]}>
              <Select
                mode="multiple"
                className="ops-select-wide"
                placeholder={t('ops.deployments.teamsPlaceholder')}
                options={teams.map((x) => ({ value: x.key, label: localizedLabel(x.name, language, x.key) }))}
              />
            </Form.Item>
          )}
          {cohortType === 'share' && (
            <Form.Item name="percent" rules={[{ required: true, message: t('ops.deployments.percentRequired') }]}>
              <InputNumber min={1} max={100} precision={0} suffix="%" />
            </Form.Item>
          )}
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<RocketOutlined />} loading={busy === 'deploy'}>
              {t('ops.deployments.widen')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </Space>
  );
}
