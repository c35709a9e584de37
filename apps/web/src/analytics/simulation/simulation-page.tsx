import { DeleteOutlined, ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import {
  BatonApiError,
  type ProcessModel,
  type SimulationResponse,
  type SimulationScenario,
  type WhatIf,
} from '@baton/client';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Form,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import { CycleHistogram } from './cycle-histogram.tsx';
import './simulation.css';

type EditType = WhatIf['type'];
/** A row of the what-if editor while it is being typed (value may be empty). */
interface EditRow {
  type: EditType;
  step?: string;
  role?: string;
  value: number | null;
}

const editTypes: EditType[] = ['deadline', 'duration', 'holders', 'remove', 'arrivals'];
const needsStep = (type: EditType) => type === 'deadline' || type === 'duration' || type === 'remove';

/** The edit the API takes, or null while the row is incomplete. */
function toWhatIf(row: EditRow): WhatIf | null {
  switch (row.type) {
    case 'deadline':
      return row.step && row.value !== null && row.value > 0
        ? { type: 'deadline', step: row.step, hours: row.value }
        : null;
    case 'duration':
      return row.step && row.value !== null ? { type: 'duration', step: row.step, medianHours: row.value } : null;
    case 'holders':
      return row.role && row.value !== null ? { type: 'holders', role: row.role, add: Math.round(row.value) } : null;
    case 'remove':
      return row.step ? { type: 'remove', step: row.step } : null;
    case 'arrivals':
      return row.value !== null ? { type: 'arrivals', perWorkingHour: row.value } : null;
  }
}

const days = (hours: number | null) => (hours === null ? null : Math.round((hours / 24) * 10) / 10);

/** `/analytics/simulation`: the Monte Carlo of cycle time with what-if changes and backtests. */
export default function SimulationPage() {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const [params, setParams] = useSearchParams();
  const [models, setModels] = useState<ProcessModel[] | undefined>(undefined);
  const [modelKey, setModelKey] = useState<string | undefined>(params.get('model') ?? undefined);
  const [cases, setCases] = useState<number | null>(2000);
  const [targetDays, setTargetDays] = useState<number | null>(30);
  const [seed, setSeed] = useState<number | null>(1);
  const [applyTo, setApplyTo] = useState<'both' | 'current' | 'target'>('both');
  const [edits, setEdits] = useState<EditRow[]>([]);
  const [answer, setAnswer] = useState<SimulationResponse | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [endNames, setEndNames] = useState<Map<string, { 'zh-CN'?: string; en?: string }>>(new Map());

  useEffect(() => {
    client.listModels().then(
      (list) => {
        setModels(list);
        setModelKey((key) => key ?? list.find((m) => m.key === 'lead-to-after-sales')?.key ?? list[0]?.key);
      },
      (e: unknown) => {
        if (e instanceof BatonApiError && e.status === 401) return;
        setError(t('simulation.failed', { code: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK' }));
        setModels([]);
      },
    );
  }, [t]);

  const run = useCallback(
    async (rows: readonly EditRow[] = edits) => {
      if (!modelKey) return;
      setRunning(true);
      setError(null);
      const whatIfs = rows.map(toWhatIf).filter((e): e is WhatIf => e !== null);
      try {
        const result = await client.simulateModel(modelKey, {
          cases: cases ?? 2000,
          targetDays: targetDays ?? 30,
          seed: seed ?? 1,
          edits: whatIfs,
          applyTo,
        });
        setAnswer(result);
        if (endNames.size === 0) {
          const versions = await client.listVersions(modelKey);
          const names = new Map<string, { 'zh-CN'?: string; en?: string }>();
          for (const v of versions) {
            const full = await client.getVersion(modelKey, v.number);
            for (const n of (full.definition as { nodes?: Array<{ id: string; type: string; name?: { en?: string } }> })
              .nodes ?? [])
              if (n.type === 'end' && n.name) names.set(n.id, n.name);
          }
          setEndNames(names);
        }
        setParams({ model: modelKey }, { replace: true });
      } catch (e) {
        if (e instanceof BatonApiError && e.status === 401) return;
        const path = e instanceof BatonApiError ? e.issues[0]?.path : undefined;
        const edit = path ? /^\/edits\/(\d+)\//.exec(path) : null;
        setError(
          edit
            ? t('simulation.badEdit', { index: Number(edit[1]) + 1 })
            : t('simulation.failed', { code: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK' }),
        );
      } finally {
        setRunning(false);
      }
    },
    [modelKey, cases, targetDays, seed, edits, applyTo, setParams, endNames, t],
  );

  // The page opens on an answer: a model chosen (at first, or another one picked) is simulated
  // as fitted, without what-ifs (those of another model would name its steps).
  const simulated = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!modelKey || simulated.current === modelKey) return;
    if (simulated.current !== undefined) {
      setEdits([]);
      setAnswer(undefined);
    }
    simulated.current = modelKey;
    void run([]);
  }, [modelKey, run]);

  const name = (text: { 'zh-CN'?: string; en?: string } | null | undefined, fallback: string) =>
    (text && (text[language] ?? text.en ?? text['zh-CN'])) || fallback;
  const stepOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const s of answer?.scenarios ?? [])
      for (const step of s.steps) seen.set(step.nodeId, name(step.name, step.nodeId));
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [answer, language]);
  const roleOptions = useMemo(() => {
    const seen = new Set<string>();
    for (const s of answer?.scenarios ?? []) for (const r of s.result.roles) seen.add(r.role);
    return [...seen].map((value) => ({
      value,
      label: value.startsWith('step:') ? (stepOptions.find((o) => o.value === value.slice(5))?.label ?? value) : value,
    }));
  }, [answer, stepOptions]);

  /** An end node's name from the definitions the answer's steps came from (the key when unknown). */
  const endName = (id: string) => name(endNames.get(id), id);
  const setEdit = (index: number, change: Partial<EditRow>) =>
    setEdits((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <div className="simulation-page">
      <Typography.Title level={3}>
        <ExperimentOutlined /> {t('simulation.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('simulation.subtitle')}</Typography.Paragraph>
      <Card className="simulation-card">
        <Form layout="inline" className="simulation-form">
          <Form.Item label={t('simulation.model')}>
            <Select
              className="simulation-model-select"
              loading={models === undefined}
              value={modelKey}
              onChange={setModelKey}
              options={(models ?? []).map((m) => ({ value: m.key, label: name(m.name, m.key) }))}
              notFoundContent={t('simulation.noModels')}
              data-testid="simulation-model"
            />
          </Form.Item>
          <Form.Item label={t('simulation.cases')}>
            <InputNumber min={100} max={20000} step={500} value={cases} onChange={setCases} />
          </Form.Item>
          <Form.Item label={t('simulation.targetDays')}>
            <InputNumber min={1} max={3650} value={targetDays} onChange={setTargetDays} />
          </Form.Item>
          <Form.Item label={t('simulation.seed')}>
            <InputNumber min={0} max={2147483647} value={seed} onChange={setSeed} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" onClick={() => void run()} loading={running} disabled={!modelKey}>
              {running ? t('simulation.running') : t('simulation.run')}
            </Button>
          </Form.Item>
        </Form>
      </Card>

      <Card
        className="simulation-card"
        title={t('simulation.whatIf')}
        extra={
          <Space>
            <Typography.Text>{t('simulation.applyTo')}</Typography.Text>
            <Radio.Group
              value={applyTo}
              onChange={(e) => setApplyTo(e.target.value as typeof applyTo)}
              optionType="button"
              options={[
                { value: 'both', label: t('simulation.applyBoth') },
                { value: 'current', label: t('simulation.applyCurrent') },
                { value: 'target', label: t('simulation.applyTarget') },
              ]}
            />
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('simulation.whatIfHint')}</Typography.Paragraph>
        {edits.length === 0 && <Typography.Paragraph>{t('simulation.noEdits')}</Typography.Paragraph>}
        {edits.map((row, index) => (
          <Space key={index} className="simulation-edit" wrap data-testid="simulation-edit">
            <Select
              className="simulation-edit-type"
              aria-label={t('simulation.editType')}
              value={row.type}
              onChange={(type: EditType) => setEdit(index, { type, step: undefined, role: undefined, value: null })}
              options={editTypes.map((type) => ({ value: type, label: t(`simulation.types.${type}`) }))}
            />
            {needsStep(row.type) && (
              <Select
                className="simulation-edit-step"
                aria-label={t('simulation.step')}
                placeholder={t('simulation.pickStep')}
                value={row.step}
                onChange={(step: string) => setEdit(index, { step })}
                options={stepOptions}
              />
            )}
            {row.type === 'holders' && (
              <Select
                className="simulation-edit-step"
                aria-label={t('simulation.role')}
                placeholder={t('simulation.pickRole')}
                value={row.role}
                onChange={(role: string) => setEdit(index, { role })}
                options={roleOptions}
              />
            )}
            {row.type !== 'remove' && (
              <InputNumber
                aria-label={t('simulation.value')}
                min={row.type === 'holders' ? -100 : 0}
                step={row.type === 'arrivals' ? 0.1 : 1}
                value={row.value}
                onChange={(value) => setEdit(index, { value })}
              />
            )}
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('simulation.removeEdit')}
              title={t('simulation.removeEdit')}
              onClick={() => setEdits((rows) => rows.filter((_, i) => i !== index))}
            />
          </Space>
        ))}
        <div>
          <Button
            icon={<PlusOutlined />}
            onClick={() => setEdits((rows) => [...rows, { type: 'deadline', value: null }])}
            disabled={!answer}
          >
            {t('simulation.addEdit')}
          </Button>
        </div>
      </Card>

      {error && <Alert type="error" showIcon message={error} className="simulation-card" />}
      {!answer &&
        !error &&
        (running ? (
          <div className="simulation-waiting" role="status">
            <Spin /> <Typography.Text type="secondary">{t('simulation.waiting')}</Typography.Text>
          </div>
        ) : (
          <Empty description={t('simulation.empty')} />
        ))}
      {answer && (
        <>
          <Row gutter={[16, 16]} className="simulation-results">
            {answer.scenarios.map((s) => (
              <Col key={`${s.state}-${s.edited}`} xs={24} lg={answer.scenarios.length > 2 ? 6 : 12}>
                <ScenarioCard scenario={s} targetDays={answer.targetDays} />
              </Col>
            ))}
          </Row>
          <Row gutter={[16, 16]} className="simulation-results">
            {answer.scenarios
              .filter((s) => !s.edited)
              .map((s) => (
                <Col key={s.state} span={24}>
                  <Card
                    size="small"
                    title={`${t('simulation.steps')} · ${t(s.state === 'current' ? 'simulation.stateCurrent' : 'simulation.stateTarget', { version: s.version })}`}
                  >
                    <Table
                      size="small"
                      pagination={false}
                      scroll={{ x: 'max-content' }}
                      rowKey="nodeId"
                      dataSource={s.steps}
                      columns={[
                        { key: 'step', title: t('simulation.step'), render: (_, r) => name(r.name, r.nodeId) },
                        {
                          key: 'source',
                          title: t('simulation.source'),
                          render: (_, r) => (
                            <Tag
                              color={r.source === 'history' ? 'green' : r.source === 'otherState' ? 'blue' : 'orange'}
                            >
                              {t(`simulation.sources.${r.source}`)}
                            </Tag>
                          ),
                        },
                        { key: 'samples', title: t('simulation.samples'), dataIndex: 'samples', align: 'right' },
                        { key: 'median', title: t('simulation.median'), dataIndex: 'medianHours', align: 'right' },
                        { key: 'p90', title: t('simulation.p90Hours'), dataIndex: 'p90Hours', align: 'right' },
                        {
                          key: 'drop',
                          title: t('simulation.dropShare'),
                          align: 'right',
                          render: (_, r) => `${Math.round(r.abandon * 1000) / 10} %`,
                        },
                        {
                          key: 'deadline',
                          title: t('simulation.deadline'),
                          dataIndex: 'deadlineHours',
                          align: 'right',
                        },
                      ]}
                    />
                    {s.backtest && s.backtest.outcomes.length > 0 && (
                      <Table
                        size="small"
                        pagination={false}
                        rowKey="end"
                        className="simulation-outcomes"
                        title={() => t('simulation.outcomes')}
                        dataSource={s.backtest.outcomes}
                        columns={[
                          { key: 'end', title: t('simulation.outcome'), render: (_, o) => endName(o.end) },
                          {
                            key: 'share',
                            title: t('simulation.outcomeShare'),
                            align: 'right',
                            render: (_, o) =>
                              `${Math.round(o.predictedShare * 100)} % / ${Math.round(o.actualShare * 100)} %`,
                          },
                          {
                            key: 'p50',
                            title: t('simulation.outcomeP50'),
                            align: 'right',
                            render: (_, o) => `${days(o.predictedP50Hours) ?? '—'} / ${days(o.actualP50Hours) ?? '—'}`,
                          },
                        ]}
                      />
                    )}
                  </Card>
                </Col>
              ))}
          </Row>
        </>
      )}
    </div>
  );
}

/** One state's result: statistics, its backtest beside them, the histogram and role utilisation. */
function ScenarioCard({ scenario: s, targetDays }: { scenario: SimulationScenario; targetDays: number }) {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  /** A role key, or for a step without a role (`step:<id>`) the step's name. */
  const roleLabel = (role: string) => {
    if (!role.startsWith('step:')) return role;
    const step = s.steps.find((x) => x.nodeId === role.slice(5));
    return (step?.name && (step.name[language] ?? step.name.en)) || role.slice(5);
  };
  const r = s.result;
  const b = s.backtest;
  const title = t(s.state === 'current' ? 'simulation.stateCurrent' : 'simulation.stateTarget', { version: s.version });
  const err = b?.error ?? null;
  return (
    <Card
      size="small"
      className="simulation-scenario"
      data-testid={`scenario-${s.state}${s.edited ? '-edited' : ''}`}
      title={title}
      extra={
        <Tag color={s.edited ? 'purple' : 'default'}>{t(s.edited ? 'simulation.withEdits' : 'simulation.asIs')}</Tag>
      }
    >
      <Row gutter={[8, 8]}>
        <Col span={12}>
          <Statistic
            title={t('simulation.p50')}
            value={days(r.cycleClockHours.p50) ?? '—'}
            suffix={t('simulation.daysUnit')}
          />
        </Col>
        <Col span={12}>
          <Statistic
            title={t('simulation.p90')}
            value={days(r.cycleClockHours.p90) ?? '—'}
            suffix={t('simulation.daysUnit')}
          />
        </Col>
        <Col span={12}>
          <Statistic
            title={t('simulation.withinTarget', { days: targetDays })}
            value={r.withinTarget === null ? '—' : Math.round(r.withinTarget * 1000) / 10}
            suffix="%"
          />
        </Col>
        <Col span={12}>
          <Statistic title={t('simulation.completed')} value={`${r.completed} / ${r.cases}`} />
        </Col>
      </Row>
      <div className="simulation-backtest" data-testid="backtest">
        <Typography.Text strong title={t('simulation.backtestHint')}>
          {t('simulation.backtest')}
        </Typography.Text>
        {!b && <Typography.Paragraph type="secondary">{t('simulation.noBacktest')}</Typography.Paragraph>}
        {b && b.actualP50Hours === null && (
          <Typography.Paragraph type="secondary">{t('simulation.noActual')}</Typography.Paragraph>
        )}
        {b && b.actualP50Hours !== null && (
          <Row gutter={8}>
            <Col span={8}>
              <Statistic
                title={t('simulation.predicted')}
                value={days(b.predictedP50Hours) ?? '—'}
                suffix={t('simulation.daysUnit')}
              />
            </Col>
            <Col span={8}>
              <Statistic
                title={t('simulation.actual')}
                value={days(b.actualP50Hours) ?? '—'}
                suffix={t('simulation.daysUnit')}
              />
            </Col>
            <Col span={8}>
              <Statistic
                title={t('simulation.error')}
                value={err === null ? '—' : `${err > 0 ? '+' : ''}${Math.round(err * 1000) / 10}`}
                suffix="%"
                className={err !== null && Math.abs(err) <= 0.1 ? 'simulation-good' : 'simulation-bad'}
              />
            </Col>
            <Col span={24}>
              <Typography.Text type="secondary">
                {t('simulation.actualCases', { count: b.actualCases })}
              </Typography.Text>
              {b.actualP50Interval && (
                <Typography.Text type="secondary" className="simulation-interval" title={t('simulation.intervalHint')}>
                  {t('simulation.interval', { from: days(b.actualP50Interval[0]), to: days(b.actualP50Interval[1]) })}
                </Typography.Text>
              )}
              {b.fittedSteps > 0 && b.borrowedSteps * 2 >= b.fittedSteps && (
                <Typography.Paragraph
                  type="secondary"
                  className="simulation-before-pilot"
                  data-testid="backtest-before-pilot"
                >
                  {t('simulation.fittedBeforePilot', {
                    cases: b.fittedCases,
                    borrowed: b.borrowedSteps,
                    steps: b.fittedSteps,
                  })}
                </Typography.Paragraph>
              )}
            </Col>
          </Row>
        )}
      </div>
      <Typography.Text strong>{t('simulation.histogram')}</Typography.Text>
      <CycleHistogram bins={r.histogram} />
      <Table
        size="small"
        pagination={false}
        rowKey="role"
        dataSource={r.roles}
        title={() => t('simulation.roles')}
        columns={[
          {
            key: 'role',
            title: t('simulation.roleHolders', { role: t('simulation.role'), count: t('simulation.holders') }),
            render: (_, x) => t('simulation.roleHolders', { role: roleLabel(x.role), count: x.holders }),
          },
          {
            key: 'utilisation',
            title: t('simulation.utilisation'),
            align: 'right',
            render: (_, x) => `${Math.round(x.utilisation * 100)} %`,
          },
          { key: 'wait', title: t('simulation.wait'), dataIndex: 'meanWaitHours', align: 'right' },
        ]}
      />
    </Card>
  );
}
