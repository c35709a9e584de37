import { BatonApiError, type InstanceStatus, type LocalizedText, mayOperate, type TaskCandidates } from '@baton/client';
import { Alert, Button, Form, type FormInstance, Modal, Popconfirm, Result, Space, Tag } from 'antd';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../app/session.tsx';
import { client } from '../lib/client.ts';
import { isLanguage, type Language } from '../i18n/index.ts';

/** The UI language, narrowed to the app's languages. */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** A label in the UI language, else the other one, else `fallback`. */
export function localizedLabel(label: LocalizedText | null | undefined, language: Language, fallback: string): string {
  return label?.[language] ?? label?.[language === 'en' ? 'zh-CN' : 'en'] ?? fallback;
}

/** Date and time in the UI language. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const language = useLanguage();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
    return (iso) => (iso ? format.format(new Date(iso)) : '—');
  }, [language]);
}

/** The error code of a failed call (the UI speaks from its catalogues; the code tells support what happened). */
export function errorCode(error: unknown): string {
  return error instanceof BatonApiError ? error.code : 'CLIENT_NETWORK';
}

/** Whether the failure is the session ending (the session provider shows the login page then). */
export function isSessionLost(error: unknown): boolean {
  return error instanceof BatonApiError && error.status === 401;
}

/** A command in flight and the error of the last load or command. */
export interface CommandState {
  /** The key of the command in flight (for its button's spinner), or null. */
  busy: string | null;
  /** The error code to show, or null. */
  error: string | null;
  setError: (code: string | null) => void;
  /** Runs `action`, then `reload`; a refusal is kept in `error` (its code). Resolves to whether it worked. */
  run: (key: string, action: () => Promise<unknown>, reload: () => Promise<void>) => Promise<boolean>;
}

/** The state of the commands of a page or tab (see {@link CommandState}). */
export function useCommand(): CommandState {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (key: string, action: () => Promise<unknown>, reload: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await action();
      await reload();
      return true;
    } catch (e) {
      if (!isSessionLost(e)) setError(errorCode(e));
      return false;
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, error, setError, run };
}

/** An error banner for a failed load or command, with its code. */
export function ErrorBanner({ code }: { code: string | null }) {
  const { t } = useTranslation();
  if (code === null) return null;
  return <Alert type="error" showIcon className="ops-banner" role="alert" title={t('ops.common.failed', { code })} />;
}

const statusColor: Record<InstanceStatus, string> = {
  running: 'processing',
  completed: 'success',
  terminated: 'error',
};

/** An instance's status as a coloured tag. */
export function StatusTag({ status }: { status: InstanceStatus }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`ops.status.${status}`)}</Tag>;
}

/** Whether the user may use the ops pages (operators and admins; the server checks again). */
export function isOperator(roles: readonly string[] | undefined): boolean {
  return roles !== undefined && mayOperate(roles);
}

/** Shows `children` to operators and admins, a 403 page to everyone else. */
export function RequireOperator({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (isOperator(user?.roles)) return <>{children}</>;
  return (
    <Result
      status="403"
      title={t('ops.forbidden.title')}
      subTitle={t('ops.forbidden.body')}
      extra={
        <Link to="/inbox">
          <Button type="primary">{t('ops.forbidden.back')}</Button>
        </Link>
      }
    />
  );
}

/** Who may act on a task: users, positions and teams as tags. */
export function Candidates({ candidates }: { candidates: TaskCandidates }) {
  const { t } = useTranslation();
  const all = [
    ...candidates.users.map((u) => ({ key: `u:${u}`, text: u, color: 'blue' })),
    ...candidates.roles.map((r) => ({ key: `r:${r}`, text: t('ops.common.position', { name: r }), color: 'purple' })),
    ...candidates.teams.map((tm) => ({ key: `t:${tm}`, text: t('ops.common.teamOf', { name: tm }), color: 'cyan' })),
  ];
  if (all.length === 0) return <>—</>;
  return (
    <Space size={[4, 4]} wrap>
      {all.map((c) => (
        <Tag key={c.key} color={c.color}>
          {c.text}
        </Tag>
      ))}
    </Space>
  );
}

/** Props of {@link FormModal}. */
export interface FormModalProps<T> {
  open: boolean;
  title: string;
  okText: string;
  /** The OK button spins (a command in flight). */
  loading: boolean;
  /** The OK button is red (a destructive command). */
  danger?: boolean;
  form: FormInstance<T>;
  onCancel: () => void;
  /** Called with the form's values once they pass its rules. */
  onFinish: (values: T) => void;
  children: ReactNode;
}

/** A dialog holding a vertical form whose OK button submits it (the form keeps what was typed on a refusal). */
export function FormModal<T>({
  open,
  title,
  okText,
  loading,
  danger,
  form,
  onCancel,
  onFinish,
  children,
}: FormModalProps<T>) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t('ops.common.cancel')}
      okButtonProps={{ loading, danger: danger === true }}
      onCancel={onCancel}
      onOk={() => form.submit()}
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={onFinish}>
        {children}
      </Form>
    </Modal>
  );
}

/** Retry and skip (confirmed) for an open incident of an instance, run through {@link useCommand}'s `run`. */
export function IncidentActions({
  instanceId,
  incidentId,
  command,
  reload,
  small,
}: {
  instanceId: string;
  incidentId: string;
  command: CommandState;
  reload: () => Promise<void>;
  small?: boolean;
}) {
  const { t } = useTranslation();
  const { busy, run } = command;
  const size = small ? 'small' : 'middle';
  return (
    <Space direction={small ? 'horizontal' : 'vertical'}>
      <Button
        size={size}
        type="primary"
        loading={busy === `retry:${incidentId}`}
        onClick={() => void run(`retry:${incidentId}`, () => client.retryIncident(instanceId, incidentId), reload)}
      >
        {t('ops.instance.retry')}
      </Button>
      <Popconfirm
        title={t('ops.instance.skipConfirm')}
        okText={t('ops.instance.skip')}
        cancelText={t('ops.common.cancel')}
        onConfirm={() => void run(`skip:${incidentId}`, () => client.skipIncident(instanceId, incidentId), reload)}
      >
        <Button size={size} loading={busy === `skip:${incidentId}`}>
          {t('ops.instance.skip')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
