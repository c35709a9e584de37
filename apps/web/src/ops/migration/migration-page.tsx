import {
  BatonApiError,
  type MigrationDryRun,
  type MigrationOperation,
  type MigrationPlan,
  type MigrationProblemInfo,
  type ProcessModel,
  type VersionSummary,
} from '@baton/client';
import { Alert, Button, Card, Empty, Input, Progress, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { localized } from '../../designer/model-rows.ts';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import './migration.css';

/** How often a running migration's progress is read (ms). */
const pollMs = 500;

/** A labelled control of the choice card: the label above, the control (`children`) below. */
function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="migration-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

const errorCode = (e: unknown) => (e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');

/**
 * Process instance migration (ops): choose a process and two versions, see the proposed mapping
 * of every step an instance can wait on (same ids mapped automatically, the others chosen by
 * hand), dry-run it to list the instances that cannot move and why, then migrate with progress.
 */
export default function MigrationPage() {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { user } = useSession();
  const allowed = user?.roles.some((r) => r === 'operator' || r === 'admin') ?? false;
  const [models, setModels] = useState<ProcessModel[]>([]);
  const [model, setModel] = useState<string | undefined>();
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  /** Only instances whose business key starts with this (blank: every running instance of the source version). */
  const [keyPrefix, setKeyPrefix] = useState('');
  const [plan, setPlan] = useState<MigrationPlan | undefined>();
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [dry, setDry] = useState<MigrationDryRun | undefined>();
  const [operation, setOperation] = useState<MigrationOperation | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const polling = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!allowed) return;
    client.listModels().then(setModels, (e: unknown) => setError(t('migration.loadFailed', { code: errorCode(e) })));
  }, [allowed, t]);

  useEffect(() => {
    setVersions([]);
    setFrom(undefined);
    setTo(undefined);
    if (model === undefined) return;
    client.listVersions(model).then(
      (list) => {
        const published = list.filter((v) => v.status !== 'draft').sort((a, b) => a.number - b.number);
        setVersions(published);
        if (published.length >= 2) {
          setFrom(published[published.length - 2]!.number);
          setTo(published[published.length - 1]!.number);
        }
      },
      (e: unknown) => setError(t('migration.loadFailed', { code: errorCode(e) })),
    );
  }, [model, t]);

  useEffect(() => {
    setPlan(undefined);
    setDry(undefined);
    setOperation(undefined);
    setChosen({});
    if (model === undefined || from === undefined || to === undefined || from === to) return;
    setError(null);
    client
      .getMigrationPlan(model, from, to)
      .then(setPlan, (e: unknown) => setError(t('migration.loadFailed', { code: errorCode(e) })));
  }, [model, from, to, t]);

  useEffect(() => () => window.clearTimeout(polling.current), []);

  /** The mapping sent: hand choices over the proposed targets (same ids need not be sent). */
  const mapping = useMemo(() => {
    const out: Record<string, string> = {};
    for (const row of plan?.rows ?? []) {
      const target = chosen[row.source] ?? row.target;
      if (target !== null && target !== undefined && target !== row.source) out[row.source] = target;
    }
    return out;
  }, [plan, chosen]);

  const runDry = useCallback(async () => {
    if (model === undefined || from === undefined || to === undefined) return;
    setBusy(true);
    setError(null);
    setOperation(undefined);
    try {
      const prefix = keyPrefix.trim();
      setDry(
        await client.dryRunMigration(model, {
          from,
          to,
          mapping,
          ...(prefix === '' ? {} : { businessKeyPrefix: prefix }),
        }),
      );
    } catch (e) {
      setError(t('migration.requestFailed', { code: errorCode(e) }));
    } finally {
      setBusy(false);
    }
  }, [model, from, to, mapping, keyPrefix, t]);

  const follow = useCallback((id: number) => {
    polling.current = window.setTimeout(() => {
      client.getMigration(id).then(
        (op) => {
          setOperation(op);
          if (op.status === 'running') follow(id);
          else setBusy(false);
        },
        () => follow(id),
      );
    }, pollMs);
  }, []);

  const migrate = useCallback(async () => {
    if (model === undefined || from === undefined || to === undefined || !dry) return;
    setBusy(true);
    setError(null);
    try {
      const op = await client.startMigration(model, { from, to, mapping, instances: dry.movable });
      setOperation(op);
      follow(op.id);
    } catch (e) {
      setError(t('migration.requestFailed', { code: errorCode(e) }));
      setBusy(false);
    }
  }, [model, from, to, dry, mapping, follow, t]);

  const problemText = (p: MigrationProblemInfo) => {
    const known = t(`migration.problems.${p.code}`, {
      node: p.node ?? '',
      target: p.target ?? '',
      path: p.path ?? '',
      defaultValue: '',
    });
    return known !== '' ? known : t('migration.problems.other', { code: p.code });
  };

  if (!allowed)
    return (
      <div className="page">
        <Typography.Title level={3} className="page-title">
          {t('migration.title')}
        </Typography.Title>
        <Alert type="info" showIcon message={t('migration.forbidden')} />
      </div>
    );

  const versionOptions = versions.map((v) => ({
    value: v.number,
    label: t('migration.version', { number: v.number }),
  }));
  const unmapped = (plan?.rows ?? []).filter((r) => (chosen[r.source] ?? r.target) === null && r.instances > 0);

  return (
    <div className="page migration-page">
      <Typography.Title level={3} className="page-title">
        {t('migration.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('migration.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} className="page-alert" />}
      <Card className="migration-card">
        <Space wrap size="large">
          <Field label={t('migration.model')}>
            <Select
              data-testid="migration-model"
              className="migration-select-wide"
              placeholder={t('migration.choose')}
              value={model}
              onChange={setModel}
              options={models.map((m) => ({ value: m.key, label: localized(m.name, language, m.key) }))}
            />
          </Field>
          {(
            [
              ['from', from, setFrom],
              ['to', to, setTo],
            ] as const
          ).map(([which, value, set]) => (
            <Field key={which} label={t(`migration.${which}`)}>
              <Select
                data-testid={`migration-${which}`}
                className="migration-select"
                placeholder={t('migration.choose')}
                value={value}
                onChange={set}
                options={versionOptions}
              />
            </Field>
          ))}
          <Field label={t('migration.keyPrefix')}>
            <Input
              data-testid="migration-key-prefix"
              className="migration-select-wide"
              placeholder={t('migration.anyKey')}
              allowClear
              maxLength={200}
              value={keyPrefix}
              disabled={busy}
              onChange={(e) => {
                setKeyPrefix(e.target.value);
                setDry(undefined);
              }}
            />
          </Field>
        </Space>
        {model !== undefined && versions.length > 0 && versions.length < 2 && (
          <Alert type="info" showIcon message={t('migration.noVersions')} className="page-alert" />
        )}
        {from !== undefined && from === to && (
          <Alert type="warning" showIcon message={t('migration.sameVersion')} className="page-alert" />
        )}
      </Card>

      {!plan && (from === undefined || to === undefined || from === to) && (
        <Empty className="migration-card" description={t('migration.start')} />
      )}

      {plan && (
        <Card
          title={t('migration.mapping')}
          extra={<Typography.Text type="secondary">{t('migration.running', { count: plan.running })}</Typography.Text>}
          className="migration-card"
        >
          <Table
            rowKey="source"
            size="middle"
            pagination={false}
            dataSource={plan.rows}
            locale={{ emptyText: <Empty description={t('migration.noRows')} /> }}
            columns={[
              {
                key: 'source',
                title: t('migration.source'),
                render: (_, row) => (
                  <Space direction="vertical" size={0}>
                    <span>{row.sourceName ? localized(row.sourceName, language, row.source) : row.source}</span>
                    <Typography.Text type="secondary" className="mono">
                      {row.source}
                    </Typography.Text>
                  </Space>
                ),
              },
              { key: 'instances', title: t('migration.instances'), dataIndex: 'instances', width: 140 },
              {
                key: 'target',
                title: t('migration.target'),
                render: (_, row) => (
                  <Select
                    data-testid={`migration-target-${row.source}`}
                    className="migration-select-wide"
                    placeholder={t('migration.pickTarget')}
                    value={chosen[row.source] ?? row.target ?? undefined}
                    onChange={(value: string) => {
                      setChosen((c) => ({ ...c, [row.source]: value }));
                      setDry(undefined);
                    }}
                    options={row.candidates.map((c) => ({
                      value: c.id,
                      label: c.name ? `${localized(c.name, language, c.id)} (${c.id})` : c.id,
                    }))}
                  />
                ),
              },
              {
                key: 'how',
                title: t('migration.how'),
                width: 160,
                render: (_, row) =>
                  chosen[row.source] !== undefined && chosen[row.source] !== row.target ? (
                    <Tag color="blue">{t('migration.byHand')}</Tag>
                  ) : row.target !== null ? (
                    <Tag color="green">{t('migration.auto')}</Tag>
                  ) : (
                    <Tag color={row.instances > 0 ? 'red' : 'default'}>{t('migration.unmapped')}</Tag>
                  ),
              },
            ]}
          />
          <Space className="migration-actions">
            <Button type="primary" onClick={() => void runDry()} loading={busy && !operation} disabled={busy}>
              {t('migration.dryRun')}
            </Button>
            <Typography.Text type="secondary">{t('migration.dryRunHint')}</Typography.Text>
            {unmapped.length > 0 && (
              <Tag color="red">
                {t('migration.unmapped')}: {unmapped.length}
              </Tag>
            )}
          </Space>
        </Card>
      )}

      {dry && (
        <Card title={t('migration.result')} className="migration-card" data-testid="migration-result">
          <Space size="large" className="migration-stats">
            <Statistic title={t('migration.total')} value={dry.total} />
            <Statistic title={t('migration.movable')} value={dry.movable.length} />
            <Statistic title={t('migration.blocked')} value={dry.blocked.length} />
          </Space>
          {dry.blocked.length === 0 ? (
            <Alert type="success" showIcon message={t('migration.noneBlocked')} className="page-alert" />
          ) : (
            <>
              <Typography.Title level={5}>{t('migration.blockedTitle')}</Typography.Title>
              <Table
                rowKey="instanceId"
                size="small"
                pagination={false}
                data-testid="migration-blocked"
                dataSource={dry.blocked}
                columns={[
                  { key: 'bk', title: t('migration.businessKey'), render: (_, b) => b.businessKey ?? '' },
                  {
                    key: 'id',
                    title: t('migration.instance'),
                    render: (_, b) => <span className="mono">{b.instanceId.slice(0, 8)}</span>,
                  },
                  { key: 'at', title: t('migration.at'), render: (_, b) => b.nodes.join(', ') },
                  {
                    key: 'why',
                    title: t('migration.reasons'),
                    render: (_, b) => (
                      <Space direction="vertical" size={0}>
                        {b.problems.map((p, i) => (
                          <span key={i}>
                            <Tag color="red" className="mono">
                              {p.code}
                            </Tag>
                            {problemText(p)}
                          </span>
                        ))}
                      </Space>
                    ),
                  },
                ]}
              />
            </>
          )}
          <Space className="migration-actions">
            <Button
              type="primary"
              danger
              data-testid="migration-start"
              disabled={dry.movable.length === 0 || busy || operation !== undefined}
              onClick={() => void migrate()}
            >
              {t('migration.migrate', { count: dry.movable.length })}
            </Button>
          </Space>
          {operation && (
            <div className="migration-progress" data-testid="migration-progress">
              <Progress
                percent={
                  operation.total === 0
                    ? 100
                    : Math.round(((operation.migrated + operation.failed) / operation.total) * 100)
                }
                status={
                  operation.status === 'failed' ? 'exception' : operation.status === 'completed' ? 'success' : 'active'
                }
              />
              {operation.status === 'running' ? (
                <Typography.Text>
                  {t('migration.progress', { done: operation.migrated + operation.failed, total: operation.total })}
                </Typography.Text>
              ) : (
                <Alert
                  type={operation.status === 'completed' && operation.failed === 0 ? 'success' : 'warning'}
                  showIcon
                  message={
                    operation.status === 'failed'
                      ? t('migration.failedRun', { id: operation.id })
                      : t('migration.done', {
                          id: operation.id,
                          migrated: operation.migrated,
                          failed: operation.failed,
                        })
                  }
                />
              )}
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
