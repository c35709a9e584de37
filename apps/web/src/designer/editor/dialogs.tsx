/**
 * The editor's dialogs: search-first adding of a step from the keyboard (a command palette), the
 * list of keyboard shortcuts, and the choice after a save conflict.
 *
 * @module
 */
import type { NodeType } from '@baton/definition';
import { Alert, Button, Input, type InputRef, Modal, Space, Table, Typography } from 'antd';
import { Fragment, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { kindIcons } from '../flow-nodes.tsx';
import { matchKinds, paletteKinds } from './actions.ts';
import type { ConflictChoice, SaveStatus } from './autosave.ts';

/**
 * The command palette: type to find a kind of step, arrows to choose, Enter to add it (after
 * `afterName` when given, else in the middle of the view).
 */
export function CommandPalette({
  open,
  afterName,
  onPick,
  onClose,
}: {
  open: boolean;
  afterName: string | undefined;
  onPick: (kind: NodeType) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<InputRef>(null);
  const kinds = useMemo(
    () => matchKinds(query, afterName === undefined ? paletteKinds : paletteKinds.filter((k) => k !== 'start')),
    [query, afterName],
  );
  useEffect(() => {
    if (open) {
      setQuery('');
      setActive(0);
    }
  }, [open]);
  const pick = (kind: NodeType | undefined) => {
    if (kind === undefined) return;
    onPick(kind);
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') setActive((a) => Math.min(a + 1, kinds.length - 1));
    else if (event.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (event.key === 'Enter') pick(kinds[active]);
    else return;
    event.preventDefault();
  };
  return (
    <Modal
      open={open}
      onCancel={onClose}
      footer={null}
      title={afterName === undefined ? t('editor.command.title') : t('editor.command.titleAfter', { name: afterName })}
      afterOpenChange={(visible) => visible && input.current?.focus()}
      destroyOnHidden
      width={420}
    >
      <Input
        ref={input}
        autoFocus
        value={query}
        placeholder={t('editor.command.placeholder')}
        aria-label={t('editor.command.placeholder')}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-testid="command-input"
      />
      <ul className="command-list" role="listbox" aria-label={t('editor.command.title')}>
        {kinds.map((kind, i) => (
          <li key={kind} role="option" aria-selected={i === active}>
            <button
              type="button"
              className={`command-item${i === active ? ' is-active' : ''}`}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(kind)}
            >
              {kindIcons[kind]} {t(`designer.kinds.${kind}`)}
            </button>
          </li>
        ))}
      </ul>
      {kinds.length === 0 && <Typography.Text type="secondary">{t('editor.command.empty')}</Typography.Text>}
    </Modal>
  );
}

/** The keyboard shortcuts dialog. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: { keys: string; action: string }[] = [
    { keys: 'Ctrl + Z', action: t('editor.shortcuts.undo') },
    { keys: 'Ctrl + Shift + Z · Ctrl + Y', action: t('editor.shortcuts.redo') },
    { keys: 'Delete · Backspace', action: t('editor.shortcuts.remove') },
    { keys: 'Ctrl + C', action: t('editor.shortcuts.copy') },
    { keys: 'Ctrl + X', action: t('editor.shortcuts.cut') },
    { keys: 'Ctrl + V', action: t('editor.shortcuts.paste') },
    { keys: 'N', action: t('editor.shortcuts.add') },
    { keys: 'A', action: t('editor.shortcuts.append') },
    { keys: 'Shift', action: t('editor.shortcuts.selectMany') },
    { keys: 'Space', action: t('editor.shortcuts.pan') },
    { keys: 'Shift + 1', action: t('editor.shortcuts.fit') },
    { keys: '?', action: t('editor.shortcuts.help') },
  ];
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('editor.shortcuts.title')} width={520} destroyOnHidden>
      <Table
        size="small"
        pagination={false}
        rowKey="keys"
        dataSource={rows}
        columns={[
          {
            key: 'keys',
            dataIndex: 'keys',
            title: t('editor.shortcuts.keys'),
            render: (k: string) =>
              k.split(' · ').map((part, i) => (
                <Fragment key={part}>
                  {i > 0 && ' · '}
                  <kbd>{part}</kbd>
                </Fragment>
              )),
          },
          { key: 'action', dataIndex: 'action', title: t('editor.shortcuts.action') },
        ]}
      />
    </Modal>
  );
}

/** The choice after a save conflict: reload theirs, overwrite with ours, or save ours as a new draft. */
export function ConflictDialog({
  status,
  onChoose,
}: {
  status: SaveStatus;
  onChoose: (choice: ConflictChoice) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<ConflictChoice | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const open = status.kind === 'conflict';
  const published = status.kind === 'conflict' && status.reason === 'published';
  const choose = (choice: ConflictChoice) => {
    setBusy(choice);
    setFailed(undefined);
    onChoose(choice).then(
      () => setBusy(undefined),
      (e: unknown) => {
        setBusy(undefined);
        setFailed(e instanceof Error && 'code' in e ? String(e.code) : 'CLIENT_NETWORK');
      },
    );
  };
  return (
    <Modal
      open={open}
      closable={false}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      title={published ? t('editor.conflict.titlePublished') : t('editor.conflict.title')}
      footer={
        <Space wrap>
          <Button onClick={() => choose('reload')} loading={busy === 'reload'} data-testid="conflict-reload">
            {t('editor.conflict.reload')}
          </Button>
          {!published && (
            <Button
              danger
              onClick={() => choose('overwrite')}
              loading={busy === 'overwrite'}
              data-testid="conflict-overwrite"
            >
              {t('editor.conflict.overwrite')}
            </Button>
          )}
          <Button
            type="primary"
            onClick={() => choose('newDraft')}
            loading={busy === 'newDraft'}
            data-testid="conflict-new-draft"
          >
            {t('editor.conflict.newDraft')}
          </Button>
        </Space>
      }
    >
      <p>{published ? t('editor.conflict.bodyPublished') : t('editor.conflict.body')}</p>
      {failed !== undefined && <Alert type="error" showIcon title={t('editor.conflict.failed', { code: failed })} />}
    </Modal>
  );
}
