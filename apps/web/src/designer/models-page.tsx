import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { BatonApiError, type VersionSummary } from '@baton/client';
import { Alert, Button, Card, Empty, Input, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../app/session.tsx';
import { isLanguage, type Language } from '../i18n/index.ts';
import { client } from '../lib/client.ts';
import { localized, matchesQuery, type ModelRow } from './model-rows.ts';
import { NewModelDialog } from './versions/NewModelDialog.tsx';

const statusColor = { draft: 'default', published: 'green', retired: 'red' } as const;

/** The process models with their versions, searchable: where the designer opens models from. */
export default function ModelsPage() {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const [rows, setRows] = useState<ModelRow[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const navigate = useNavigate();
  const { user } = useSession();
  // The server lets process owners and admins create models.
  const canCreate = user?.roles.some((r) => r === 'owner' || r === 'admin') ?? false;
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    setRows(undefined);
    try {
      const models = await client.listModels();
      const withVersions = await Promise.all(
        models.map(async (model) => ({ model, versions: await client.listVersions(model.key) })),
      );
      setRows(withVersions);
    } catch (e) {
      // The session provider has heard of the 401 already and shows the login page.
      if (e instanceof BatonApiError && e.status === 401) return;
      // The UI speaks from its catalogues; the code tells support what happened.
      setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
      setRows([]);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const dateFormat = useMemo(
    () => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }),
    [language],
  );
  const visible = useMemo(() => (rows ?? []).filter((row) => matchesQuery(row, query)), [rows, query]);

  const columns: TableColumnsType<ModelRow> = [
    {
      key: 'name',
      title: t('models.name'),
      render: (_, row) => (
        <Space direction="vertical" size={0}>
          <Link to={`/models/${encodeURIComponent(row.model.key)}`} className="model-link">
            {localized(row.model.name, language, row.model.key)}
          </Link>
          <Typography.Text type="secondary" className="mono">
            {row.model.key}
          </Typography.Text>
        </Space>
      ),
      sorter: (a, b) =>
        localized(a.model.name, language, a.model.key).localeCompare(
          localized(b.model.name, language, b.model.key),
          language,
        ),
    },
    {
      key: 'latest',
      title: t('models.latest'),
      render: (_, row) => {
        const latest = row.versions.reduce<VersionSummary | undefined>(
          (best, v) => (!best || v.number > best.number ? v : best),
          undefined,
        );
        if (!latest) return <Typography.Text type="secondary">{t('models.noVersions')}</Typography.Text>;
        const status = {
          draft: t('models.statusDraft'),
          published: t('models.statusPublished'),
          retired: t('models.statusRetired'),
        }[latest.status];
        return (
          <Space size={4} wrap>
            <span>{t('models.versionNumber', { number: latest.number })}</span>
            <Tag color={statusColor[latest.status]}>{status}</Tag>
            <Tag>{latest.state === 'current' ? t('models.stateCurrent') : t('models.stateTarget')}</Tag>
          </Space>
        );
      },
    },
    {
      key: 'versions',
      title: t('models.versions'),
      align: 'right',
      render: (_, row) => row.versions.length,
      sorter: (a, b) => a.versions.length - b.versions.length,
      responsive: ['md'],
    },
    {
      key: 'updated',
      title: t('models.updated'),
      render: (_, row) => {
        const last =
          row.versions
            .map((v) => v.updatedAt)
            .sort()
            .at(-1) ?? row.model.createdAt;
        return <time dateTime={last}>{dateFormat.format(new Date(last))}</time>;
      },
      responsive: ['lg'],
    },
  ];

  return (
    <div className="page">
      <Typography.Title level={3} className="page-title">
        {t('models.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('models.intro')}</Typography.Paragraph>
      <Card>
        <div className="toolbar">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('models.search')}
            aria-label={t('models.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="toolbar-search"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('models.retry')} />
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-model">
              {t('versions.newModel.button')}
            </Button>
          )}
        </div>
        {error !== null && (
          <Alert
            type="error"
            showIcon
            className="page-alert"
            title={t('models.loadFailed', { code: error })}
            action={<Button onClick={() => void load()}>{t('models.retry')}</Button>}
          />
        )}
        <Table<ModelRow>
          rowKey={(row) => row.model.key}
          columns={columns}
          dataSource={visible}
          onRow={(row) => ({
            onClick: () => void navigate(`/models/${encodeURIComponent(row.model.key)}`),
            className: 'model-row',
          })}
          loading={rows === undefined}
          pagination={{ pageSize: 20, hideOnSinglePage: false, showSizeChanger: true }}
          locale={{
            emptyText:
              query.trim() !== '' && (rows?.length ?? 0) > 0 ? (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={t('models.noMatch', { query: query.trim() })}
                />
              ) : (rows?.length ?? 0) === 0 && rows !== undefined ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('models.empty')} />
              ) : undefined,
          }}
        />
      </Card>
      {canCreate && <NewModelDialog open={creating} onClose={() => setCreating(false)} />}
    </div>
  );
}
