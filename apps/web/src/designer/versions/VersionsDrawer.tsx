/**
 * The versions drawer, opened from the designer's bar: every version of the model (number,
 * draft or published, current-state or target-state label, who and when, its deployments),
 * publishing a draft as current or target state, and deploying a published version to everyone,
 * chosen teams or a share of new instances, with widen and roll back on existing deployments.
 *
 * Publishing is offered to process owners and admins, deploying to operators and admins (the
 * server checks the same roles). A refused command shows the server's reason inside its dialog,
 * which stays open with what the user chose.
 *
 * @module
 */
import { BatonApiError, type Cohort, type Deployment, type Team, type User, type VersionSummary } from '@baton/client';
import {
  Alert,
  App,
  Button,
  Drawer,
  Empty,
  Flex,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import { localizedText } from '../describe.ts';
import { loadDirectory } from '../properties/use-directory.ts';
import { choiceOf, type CohortChoice, deploymentsByVersion, DraftNotSavedError, toCohort } from './cohorts.ts';
import './versions.css';

/** Props of {@link VersionsDrawer}. */
export interface VersionsDrawerProps {
  modelKey: string;
  open: boolean;
  onClose: () => void;
  /** The version open in the designer. */
  openNumber: number;
  /** Saves the open draft now (before it is published); rejects with an API error code when it cannot. */
  flushDraft?: () => Promise<void>;
  /** Called after versions changed on the server: open `number` (and reload it). */
  onChanged: (number: number) => void;
}

type VersionState = VersionSummary['state'];

/** A refused command in the user's language (the server's English message as details in English). */
function useFailure(): (e: unknown) => Failure {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      const code = e instanceof BatonApiError || e instanceof DraftNotSavedError ? e.code : 'CLIENT_NETWORK';
      const known = [
        'API_INVALID_DEFINITION',
        'API_VERSION_STATE_MISMATCH',
        'API_VERSION_NOT_PUBLISHED',
        'API_VALIDATION',
        'API_FORBIDDEN',
      ] as const;
      const match = known.find((k) => k === code);
      const title = match ? t(`versions.failed.${match}`) : t('versions.failed.generic', { code });
      const details = i18n.language === 'en' && e instanceof BatonApiError ? `${code}: ${e.message}` : undefined;
      return details === undefined ? { title } : { title, details };
    },
    [t, i18n.language],
  );
}

/** A date and time, in a `<time>` element. */
function When({ at, locale }: { at: string; locale: Language }) {
  const text = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)),
    [at, locale],
  );
  return <time dateTime={at}>{text}</time>;
}

/** The words for a cohort: everyone, the teams by name, or a share. */
function useCohortText(teams: readonly Team[], locale: Language): (cohort: Cohort) => string {
  const { t } = useTranslation();
  return useCallback(
    (cohort: Cohort) => {
      if (cohort.type === 'teams') {
        const name = (key: string) => {
          const team = teams.find((x) => x.key === key);
          return team ? localizedText(team.name, locale, key) : key;
        };
        return t('versions.cohortTeams', { teams: cohort.teams.map(name).join(locale === 'zh-CN' ? '、' : ', ') });
      }
      if (cohort.type === 'share') return t('versions.cohortShare', { percent: cohort.percent });
      return t('versions.cohortAll');
    },
    [t, teams, locale],
  );
}

/** A refused command, as the dialogs show it. */
interface Failure {
  title: string;
  details?: string;
}

/** The frame of the publish and deploy dialogs: the choices, a note, the server's refusal if any. */
function CommandDialog({
  title,
  okText,
  busy,
  note,
  error,
  onOk,
  onCancel,
  children,
}: {
  title: string;
  okText: string;
  busy: boolean;
  note: string;
  error: Failure | undefined;
  onOk: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Modal open title={title} okText={okText} onOk={onOk} onCancel={onCancel} confirmLoading={busy} destroyOnHidden>
      <Flex vertical gap={12} className="versions-dialog">
        {children}
        <Typography.Text type="secondary">{note}</Typography.Text>
        {error && (
          <Alert
            type="error"
            showIcon
            data-testid="versions-error"
            title={error.title}
            {...(error.details ? { description: error.details } : {})}
          />
        )}
      </Flex>
    </Modal>
  );
}

/** The publish dialog: current or target state, then publish. */
function PublishDialog({
  modelKey,
  version,
  isOpen,
  flushDraft,
  onDone,
  onCancel,
}: {
  modelKey: string;
  version: VersionSummary;
  isOpen: boolean;
  flushDraft: (() => Promise<void>) | undefined;
  onDone: (number: number, stateChanged: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const failure = useFailure();
  const [state, setState] = useState<VersionState>(version.state);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | undefined>(undefined);
  const publish = async () => {
    setBusy(true);
    setError(undefined);
    let stateChanged = false;
    try {
      if (isOpen && flushDraft) await flushDraft();
      if (state !== version.state) {
        const full = await client.getVersion(modelKey, version.number);
        await client.updateVersion(modelKey, version.number, { definition: full.definition, state });
        stateChanged = true;
      }
      const result = await client.publishVersion(modelKey, version.number);
      void message.success(
        result.created
          ? t('versions.published', { number: result.version.number })
          : t('versions.alreadyPublished', { number: result.version.number }),
      );
      onDone(result.version.number, true);
    } catch (e) {
      setError(failure(e));
      // The label changed on the server although publishing failed: the open draft must reload it.
      if (stateChanged) onDone(version.number, false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <CommandDialog
      title={t('versions.publishTitle', { number: version.number })}
      okText={t('versions.publish')}
      busy={busy}
      note={t('versions.publishNote')}
      error={error}
      onOk={() => void publish()}
      onCancel={onCancel}
    >
      <div>
        <Typography.Text strong>{t('versions.publishAs')}</Typography.Text>
        <Radio.Group
          className="versions-choice"
          data-testid="publish-state"
          value={state}
          onChange={(e) => setState(e.target.value as VersionState)}
          options={[
            { value: 'current', label: t('models.stateCurrent') },
            { value: 'target', label: t('models.stateTarget') },
          ]}
        />
      </div>
    </CommandDialog>
  );
}

/** The deploy dialog: everyone, chosen teams or a share of new instances. */
function DeployDialog({
  modelKey,
  number,
  widening,
  teams,
  locale,
  onDone,
  onCancel,
}: {
  modelKey: string;
  number: number;
  /** The deployment being widened, if any. */
  widening: Deployment | undefined;
  teams: readonly Team[];
  locale: Language;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const failure = useFailure();
  const [choice, setChoice] = useState<CohortChoice>(() => choiceOf(widening?.cohort));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | undefined>(undefined);
  const [missingTeams, setMissingTeams] = useState(false);
  const deploy = async () => {
    const cohort = toCohort(choice);
    if (cohort === 'teamsRequired') {
      setMissingTeams(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await client.deploy(modelKey, { version: number, cohort });
      void message.success(t('versions.deployed', { number }));
      onDone();
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <CommandDialog
      title={widening ? t('versions.widenTitle', { number }) : t('versions.deployTitle', { number })}
      okText={widening ? t('versions.widen') : t('versions.deploy')}
      busy={busy}
      note={t('versions.deployNote')}
      error={error}
      onOk={() => void deploy()}
      onCancel={onCancel}
    >
      <div>
        <Typography.Text strong>{t('versions.cohort')}</Typography.Text>
        <Radio.Group
          className="versions-choice"
          data-testid="deploy-cohort"
          value={choice.type}
          onChange={(e) => setChoice((c) => ({ ...c, type: e.target.value as CohortChoice['type'] }))}
          options={[
            { value: 'all', label: t('versions.cohortAll') },
            { value: 'teams', label: t('versions.teams') },
            { value: 'share', label: t('versions.share') },
          ]}
        />
      </div>
      {choice.type === 'teams' && (
        <div>
          <Select<string[]>
            mode="multiple"
            className="versions-teams"
            data-testid="deploy-teams"
            aria-label={t('versions.teams')}
            placeholder={t('versions.teamsPlaceholder')}
            value={choice.teams}
            status={missingTeams && choice.teams.length === 0 ? 'error' : undefined}
            onChange={(keys) => {
              setMissingTeams(false);
              setChoice((c) => ({ ...c, teams: keys }));
            }}
            optionFilterProp="label"
            options={teams.map((team) => ({ value: team.key, label: localizedText(team.name, locale, team.key) }))}
          />
          {missingTeams && choice.teams.length === 0 && (
            <Typography.Text type="danger">{t('versions.teamsRequired')}</Typography.Text>
          )}
        </div>
      )}
      {choice.type === 'share' && (
        <InputNumber<number>
          data-testid="deploy-share"
          aria-label={t('versions.share')}
          min={1}
          max={100}
          precision={0}
          value={choice.percent}
          onChange={(v) => setChoice((c) => ({ ...c, percent: v ?? c.percent }))}
          suffix="%"
        />
      )}
    </CommandDialog>
  );
}

/** What dialog is open. */
type Dialog =
  { kind: 'publish'; version: VersionSummary } | { kind: 'deploy'; number: number; widening?: Deployment } | undefined;

/** The drawer with the model's versions and deployments. */
export function VersionsDrawer({ modelKey, open, onClose, openNumber, flushDraft, onChanged }: VersionsDrawerProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { message } = App.useApp();
  const { user } = useSession();
  const canPublish = user?.roles.some((r) => r === 'owner' || r === 'admin') ?? false;
  const canDeploy = user?.roles.some((r) => r === 'operator' || r === 'admin') ?? false;
  const failure = useFailure();
  const [versions, setVersions] = useState<VersionSummary[] | undefined>(undefined);
  const [deployments, setDeployments] = useState<Deployment[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loads, setLoads] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const reload = useCallback(() => setLoads((n) => n + 1), []);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setError(undefined);
    Promise.all([client.listVersions(modelKey), client.listDeployments(modelKey), loadDirectory()]).then(
      ([list, deployed, directory]) => {
        if (!live) return;
        setVersions([...list].sort((a, b) => b.number - a.number));
        setDeployments(deployed);
        setUsers(directory.users);
        setTeams(directory.teams);
      },
      (e: unknown) => live && setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK'),
    );
    return () => {
      live = false;
    };
  }, [open, modelKey, loads]);

  const byVersion = useMemo(() => deploymentsByVersion(deployments), [deployments]);
  const cohortText = useCohortText(teams, locale);
  const who = (id: number | null) => {
    if (id === null) return undefined;
    return users.find((u) => u.id === id)?.displayName ?? t('versions.unknownUser', { id });
  };
  const rollback = async (d: Deployment) => {
    try {
      await client.rollbackDeployment(modelKey, d.id);
      void message.success(t('versions.rolledBack'));
    } catch (e) {
      void message.error(failure(e).title);
    }
    reload();
  };
  const statusTag = (v: VersionSummary) =>
    v.status === 'draft' ? (
      <Tag color="gold">{t('models.statusDraft')}</Tag>
    ) : v.status === 'published' ? (
      <Tag color="green">{t('models.statusPublished')}</Tag>
    ) : (
      <Tag>{t('models.statusRetired')}</Tag>
    );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('versions.title')}
      size={560}
      className="versions-drawer"
      data-testid="versions-drawer"
    >
      {error !== undefined && (
        <Alert
          type="error"
          showIcon
          title={t('versions.loadFailed', { code: error })}
          action={<Button onClick={reload}>{t('versions.retry')}</Button>}
        />
      )}
      {versions === undefined && error === undefined && <Spin />}
      {versions?.length === 0 && <Empty description={t('versions.empty')} />}
      {versions !== undefined && versions.length > 0 && (
        <ul className="versions-list">
          {versions.map((v) => {
            const author = who(v.authorId);
            const list = byVersion.get(v.number) ?? [];
            return (
              <li key={v.number} className="versions-row" data-testid={`version-row-${v.number}`}>
                <div className="versions-row-head">
                  <Typography.Text strong>{t('versions.number', { number: v.number })}</Typography.Text>
                  {statusTag(v)}
                  <Tag color={v.state === 'current' ? 'blue' : 'purple'}>
                    {v.state === 'current' ? t('models.stateCurrent') : t('models.stateTarget')}
                  </Tag>
                  {v.number === openNumber ? (
                    <Tag>{t('versions.openNow')}</Tag>
                  ) : (
                    <Button size="small" type="link" onClick={() => onChanged(v.number)}>
                      {t('versions.openVersion')}
                    </Button>
                  )}
                  <span className="versions-row-actions">
                    {v.status === 'draft' && canPublish && (
                      <Button
                        size="small"
                        type="primary"
                        data-testid={`publish-${v.number}`}
                        onClick={() => setDialog({ kind: 'publish', version: v })}
                      >
                        {t('versions.publish')}
                      </Button>
                    )}
                    {v.status === 'published' && canDeploy && (
                      <Button
                        size="small"
                        type="primary"
                        data-testid={`deploy-${v.number}`}
                        onClick={() => setDialog({ kind: 'deploy', number: v.number })}
                      >
                        {t('versions.deploy')}
                      </Button>
                    )}
                  </span>
                </div>
                <div className="versions-row-meta">
                  <Typography.Text type="secondary">
                    {v.publishedAt ? t('versions.publishedAt') : t('versions.created')}{' '}
                    <When at={v.publishedAt ?? v.createdAt} locale={locale} />
                    {author !== undefined && <> · {t('versions.by', { name: author })}</>}
                  </Typography.Text>
                </div>
                {v.status !== 'draft' && (
                  <div className="versions-deployments">
                    {list.length === 0 ? (
                      <Typography.Text type="secondary">{t('versions.notDeployed')}</Typography.Text>
                    ) : (
                      list.map((d) => {
                        const deployer = who(d.createdBy);
                        return (
                          <div key={d.id} className="versions-deployment" data-testid={`deployment-${d.id}`}>
                            <Tag color={d.active ? 'success' : 'default'}>
                              {d.active ? t('versions.active') : t('versions.ended')}
                            </Tag>
                            <span className="versions-cohort">{cohortText(d.cohort)}</span>
                            <Typography.Text type="secondary" className="versions-deployment-meta">
                              <When at={d.startedAt} locale={locale} />
                              {deployer !== undefined && <> · {t('versions.deployedBy', { name: deployer })}</>}
                            </Typography.Text>
                            {d.active && canDeploy && (
                              <span className="versions-row-actions">
                                {d.cohort.type !== 'all' && (
                                  <Button
                                    size="small"
                                    data-testid={`widen-${d.id}`}
                                    onClick={() => setDialog({ kind: 'deploy', number: d.version, widening: d })}
                                  >
                                    {t('versions.widen')}
                                  </Button>
                                )}
                                <Popconfirm
                                  title={t('versions.rollbackConfirm', { number: d.version })}
                                  onConfirm={() => void rollback(d)}
                                >
                                  <Button size="small" danger data-testid={`rollback-${d.id}`}>
                                    {t('versions.rollback')}
                                  </Button>
                                </Popconfirm>
                              </span>
                            )}
                          </div>
                        );
                      })
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!canDeploy && versions !== undefined && (
        <Typography.Paragraph type="secondary" className="versions-note">
          {t('versions.onlyOperators')}
        </Typography.Paragraph>
      )}
      {!canPublish && versions?.some((v) => v.status === 'draft') && (
        <Typography.Paragraph type="secondary" className="versions-note">
          {t('versions.onlyOwners')}
        </Typography.Paragraph>
      )}
      {dialog?.kind === 'publish' && (
        <PublishDialog
          modelKey={modelKey}
          version={dialog.version}
          isOpen={dialog.version.number === openNumber}
          flushDraft={flushDraft}
          onCancel={() => setDialog(undefined)}
          onDone={(number, published) => {
            if (published) setDialog(undefined);
            reload();
            onChanged(number);
          }}
        />
      )}
      {dialog?.kind === 'deploy' && (
        <DeployDialog
          modelKey={modelKey}
          number={dialog.number}
          widening={dialog.widening}
          teams={teams}
          locale={locale}
          onCancel={() => setDialog(undefined)}
          onDone={() => {
            setDialog(undefined);
            reload();
          }}
        />
      )}
    </Drawer>
  );
}
