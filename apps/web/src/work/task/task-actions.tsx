/**
 * The task page's side actions (claim, transfer, return, add approvers, urge, withdraw): each a
 * button; an action that is not offered stays visible, disabled, with the reason in words next to
 * it (text on touch screens, a tooltip as well), from the server's `actions`.
 *
 * @module
 */
import type { TaskActionName, TaskActionState, TaskDetail, User } from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import { Button, Form, Input, Modal, Radio, Select, Tooltip, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localizedText } from '../../designer/describe.ts';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { InstanceDiagram } from '../../instance/instance-diagram.tsx';

/** One action: the button, and the reason when it is not offered. */
export function ActionButton({
  name,
  state,
  icon,
  onClick,
  loading,
}: {
  name: TaskActionName;
  state: TaskActionState;
  icon?: ReactNode;
  onClick: () => void;
  loading?: boolean;
}) {
  const { t } = useTranslation();
  const reason = state.allowed ? undefined : t(`task.reasons.${state.reason ?? 'refused'}`);
  const button = (
    <Button
      icon={icon}
      disabled={!state.allowed}
      loading={loading}
      onClick={onClick}
      data-action={name}
      aria-describedby={reason !== undefined ? `why-${name}` : undefined}
    >
      {t(`task.actions.${name}`)}
    </Button>
  );
  return (
    <div className={`task-action${state.allowed ? '' : ' is-off'}`}>
      {reason !== undefined ? (
        <Tooltip title={reason}>
          <span className="task-action-wrap">{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      {reason !== undefined && (
        <Typography.Text type="secondary" className="task-action-why" id={`why-${name}`}>
          {reason}
        </Typography.Text>
      )}
    </div>
  );
}

/** The user picker: everyone but `exclude`, searchable by name and username. */
export function UserPicker({
  users,
  exclude = [],
  multiple,
  value,
  onChange,
  id,
}: {
  users: readonly User[];
  exclude?: readonly string[];
  multiple?: boolean;
  value: string | string[] | undefined;
  onChange: (value: string | string[] | undefined) => void;
  id: string;
}) {
  const { t } = useTranslation();
  return (
    <Select
      id={id}
      showSearch
      allowClear
      mode={multiple ? 'multiple' : undefined}
      value={value}
      onChange={onChange}
      placeholder={t('task.pickUser')}
      optionFilterProp="label"
      options={users
        .filter((u) => !exclude.includes(u.username))
        .map((u) => ({ value: u.username, label: `${u.displayName} (${u.username})` }))}
    />
  );
}

/** What a dialog sends. */
export type DialogResult =
  | { kind: 'transfer'; to: string; comment?: string }
  | { kind: 'return'; to: string; reason?: string }
  | { kind: 'addSigners'; users: string[]; position: 'before' | 'after' | 'parallel'; comment?: string }
  | { kind: 'withdraw'; comment?: string }
  | { kind: 'withdrawInstance'; comment?: string };

/** The dialog of one action (transfer, return, add approvers, withdraw). */
export function ActionDialog({
  kind,
  task,
  users,
  me,
  definition,
  completedNodes,
  takenEdges,
  onCancel,
  onSubmit,
  busy,
}: {
  kind: DialogResult['kind'];
  task: TaskDetail;
  users: readonly User[];
  me: string;
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'> | undefined;
  completedNodes: readonly string[];
  takenEdges: readonly string[];
  onCancel: () => void;
  onSubmit: (result: DialogResult) => void;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const [to, setTo] = useState<string | undefined>(undefined);
  const [many, setMany] = useState<string[]>([]);
  const [position, setPosition] = useState<'before' | 'after' | 'parallel'>('before');
  const [text, setText] = useState('');
  const comment = text.trim() === '' ? undefined : text.trim();
  const nodeTargets = task.returnTargets.filter((x) => !x.startsWith('@'));
  const nodeName = (id: string) => localizedText(definition?.nodes.find((n) => n.id === id)?.name, locale, id);

  let body: ReactNode;
  let ready: boolean;
  let result: DialogResult | undefined;
  if (kind === 'transfer') {
    ready = to !== undefined;
    result = to !== undefined ? { kind, to, ...(comment ? { comment } : {}) } : undefined;
    body = (
      <Form.Item label={t('task.dialog.transferTo')} htmlFor="transfer-to" required>
        <UserPicker
          id="transfer-to"
          users={users}
          exclude={[me, ...(task.assignee ? [task.assignee] : [])]}
          value={to}
          onChange={(v) => setTo(typeof v === 'string' ? v : undefined)}
        />
      </Form.Item>
    );
  } else if (kind === 'return') {
    ready = to !== undefined;
    result = to !== undefined ? { kind, to, ...(comment ? { reason: comment } : {}) } : undefined;
    body = (
      <>
        <Typography.Paragraph>{t('task.dialog.returnHint')}</Typography.Paragraph>
        {definition && (
          <InstanceDiagram
            definition={definition}
            completedNodes={completedNodes}
            takenEdges={takenEdges}
            activeNodes={[task.nodeId]}
            pickable={nodeTargets}
            picked={to ?? null}
            onPickNode={setTo}
            height={240}
          />
        )}
        <Form.Item label={t('task.dialog.returnTo')} htmlFor="return-to" required>
          <Radio.Group
            id="return-to"
            className="task-return-choices"
            value={to}
            onChange={(e) => setTo(e.target.value as string)}
            options={task.returnTargets.map((target) => ({
              value: target,
              label:
                target === '@previous'
                  ? t('task.dialog.previous')
                  : target === '@initiator'
                    ? t('task.dialog.initiator')
                    : nodeName(target),
            }))}
          />
        </Form.Item>
      </>
    );
  } else if (kind === 'addSigners') {
    ready = many.length > 0;
    result = ready ? { kind, users: many, position, ...(comment ? { comment } : {}) } : undefined;
    body = (
      <>
        <Form.Item label={t('task.dialog.signers')} htmlFor="add-signers" required>
          <UserPicker
            id="add-signers"
            multiple
            users={users}
            exclude={[me, ...(task.assignee ? [task.assignee] : [])]}
            value={many}
            onChange={(v) => setMany(Array.isArray(v) ? v : [])}
          />
        </Form.Item>
        <Form.Item label={t('task.dialog.position')} htmlFor="signer-position">
          <Radio.Group
            id="signer-position"
            value={position}
            onChange={(e) => setPosition(e.target.value as 'before' | 'after' | 'parallel')}
            options={(['before', 'after', 'parallel'] as const).map((p) => ({
              value: p,
              label: t(`task.dialog.positions.${p}`),
            }))}
          />
        </Form.Item>
      </>
    );
  } else {
    ready = true;
    result = { kind, ...(comment ? { comment } : {}) };
    body = <Typography.Paragraph>{t(`task.dialog.${kind}Hint`)}</Typography.Paragraph>;
  }
  return (
    <Modal
      open
      title={t(`task.actions.${kind}`)}
      okText={t(`task.dialog.ok.${kind}`)}
      cancelText={t('task.dialog.cancel')}
      okButtonProps={{ disabled: !ready, loading: busy }}
      onCancel={onCancel}
      onOk={() => result && onSubmit(result)}
      width={kind === 'return' ? 720 : 520}
      destroyOnHidden
    >
      <Form layout="vertical" component="div">
        {body}
        <Form.Item label={t(kind === 'return' ? 'task.dialog.reason' : 'task.dialog.comment')} htmlFor="dialog-comment">
          <Input.TextArea
            id="dialog-comment"
            value={text}
            maxLength={2000}
            rows={3}
            onChange={(e) => setText(e.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
