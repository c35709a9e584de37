/**
 * The start page (`/start`): the processes the user may start (by the deployments' cohorts), the
 * start form generated from the chosen process's data schema (the start node's inputs), and after
 * starting: straight to the new instance's first task when it is the user's, otherwise where the
 * work went (the step and who has it).
 *
 * @module
 */
import { PlayCircleOutlined } from '@ant-design/icons';
import { BatonApiError, type InstanceDetail, type StartableProcess } from '@baton/client';
import { Alert, Button, Card, Empty, List, Result, Skeleton, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { localizedText } from '../designer/describe.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import { client } from '../lib/client.ts';
import { type FormValues, fieldPointers, issuesUnder, withEmptyGroups } from './form/form-values.ts';
import { browserProblems, serverProblems } from './form/messages.ts';
import { type FieldProblem, SchemaForm } from './form/schema-form.tsx';
import { validateForm } from './form/validate.ts';
import './work.css';

/** The start page (see the module comment). */
export default function StartPage() {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [processes, setProcesses] = useState<StartableProcess[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<InstanceDetail | null>(null);
  const chosenKey = params.get('process');

  const load = useCallback(async () => {
    try {
      setProcesses(await client.listStartable());
    } catch (e) {
      if (e instanceof BatonApiError && e.status === 401) return;
      setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
      setProcesses([]);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const chosen = processes?.find((p) => p.key === chosenKey);
  const known = useMemo(() => new Set(fieldPointers(chosen?.form ?? {})), [chosen]);

  const choose = (key: string | null) => {
    setValues({});
    setProblems([]);
    setError(null);
    setStarted(null);
    setParams(key === null ? {} : { process: key });
  };

  const start = async () => {
    if (!chosen) return;
    const issues = validateForm(chosen.form, withEmptyGroups(chosen.form, values));
    if (issues.length > 0) {
      setProblems(browserProblems(issues, t));
      setError('FORM_INVALID');
      return;
    }
    setProblems([]);
    setError(null);
    setBusy(true);
    try {
      const result = await client.startInstance(chosen.key, { data: values });
      const mine = result.next[0];
      if (mine) {
        void navigate(`/tasks/${mine.id}`);
        return;
      }
      setStarted(await client.getInstance(result.instance.id));
    } catch (e) {
      if (e instanceof BatonApiError && e.code === 'API_INVALID_DATA') {
        setProblems(serverProblems(issuesUnder(e.issues, '/data'), known, t));
        setError('API_INVALID_DATA');
      } else setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
    } finally {
      setBusy(false);
    }
  };

  if (processes === undefined) return <Skeleton active />;

  if (started) {
    const open = started.tasks.filter((x) => x.status === 'open' || x.status === 'claimed');
    return (
      <Result
        status="success"
        title={t('start.started', { key: started.instance.businessKey ?? started.instance.id.slice(0, 8) })}
        subTitle={
          open.length > 0
            ? t('start.wentTo', {
                steps: open
                  .map(
                    (x) =>
                      `${localizedText(x.nodeName ?? undefined, locale, x.nodeId)} · ${
                        x.assignee ??
                        t('start.offeredTo', {
                          who: [...x.candidates.roles, ...x.candidates.teams, ...x.candidates.users].join(
                            t('task.timeline.listSeparator'),
                          ),
                        })
                      }`,
                  )
                  .join('; '),
              })
            : t('start.noOpenStep')
        }
        extra={[
          <Button key="again" type="primary" onClick={() => choose(chosen?.key ?? null)}>
            {t('start.again')}
          </Button>,
          <Link key="list" to="/start" onClick={() => choose(null)}>
            <Button>{t('start.backToList')}</Button>
          </Link>,
        ]}
      />
    );
  }

  if (chosen) {
    return (
      <div className="start-page">
        <Typography.Title level={3} className="page-title">
          {localizedText(chosen.name, locale, chosen.key)}
        </Typography.Title>
        {chosen.description && (
          <Typography.Paragraph type="secondary">{localizedText(chosen.description, locale, '')}</Typography.Paragraph>
        )}
        <Card size="small" title={t('start.formTitle')}>
          <SchemaForm
            schema={chosen.form}
            values={values}
            onChange={(v) => {
              setValues(v);
              if (problems.length > 0) setProblems(problems.filter((p) => !known.has(p.path)));
            }}
            problems={problems}
            idPrefix="start"
          />
          {error !== null && (
            <Alert
              type="error"
              showIcon
              role="alert"
              className="task-error"
              message={t(
                error === 'FORM_INVALID' || error === 'API_INVALID_DATA' ? 'task.formProblems' : 'start.failed',
              )}
              description={error === 'FORM_INVALID' ? undefined : <span className="mono">{error}</span>}
            />
          )}
          <div className="task-decide">
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              loading={busy}
              onClick={() => void start()}
              data-action="start"
            >
              {t('start.start')}
            </Button>
            <Button onClick={() => choose(null)}>{t('start.backToList')}</Button>
          </div>
        </Card>
      </div>
    );
  }

  return (
    <div className="start-page">
      <Typography.Title level={3} className="page-title">
        {t('start.title')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon message={t('start.loadFailed')} description={error} />}
      {processes.length === 0 ? (
        <Empty description={t('start.empty')} />
      ) : (
        <List
          className="start-list"
          dataSource={processes}
          renderItem={(p) => (
            <List.Item
              key={p.key}
              actions={[
                <Button
                  key="start"
                  type="primary"
                  icon={<PlayCircleOutlined />}
                  onClick={() => choose(p.key)}
                  data-start={p.key}
                >
                  {t('start.choose')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={localizedText(p.name, locale, p.key)}
                description={
                  <>
                    {p.description && <span>{localizedText(p.description, locale, '')} </span>}
                    <Tag>{t('start.version', { version: p.version })}</Tag>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
