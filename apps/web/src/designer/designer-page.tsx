/**
 * The designer: one version of a process model on a React Flow canvas, a version selector, and
 * the selected node's properties. A draft is edited (palette, "+" on edges, connect, undo/redo
 * with a visible history, copy/paste, keyboard) and saved automatically; a published version is
 * read-only and offers a new draft from it. The only page that loads React Flow.
 *
 * The editing state lives in an {@link EditorStore} per opened version (see `editor/store.ts` for
 * the API other panels use); the canvas derives its nodes and edges from the draft.
 *
 * @module
 */
import '@xyflow/react/dist/style.css';
import './designer.css';
import {
  ArrowLeftOutlined,
  CopyOutlined,
  HistoryOutlined,
  PlusOutlined,
  QuestionCircleOutlined,
  RedoOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import type { NodeType, ProcessDefinition } from '@baton/definition';
import { BatonApiError, type Version, type VersionSummary } from '@baton/client';
import { type AriaLabelConfig, ReactFlowProvider, useNodesInitialized, useReactFlow, useStore } from '@xyflow/react';
import { Alert, App, Button, Select, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import {
  type MutableRefObject,
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useSession } from '../app/session.tsx';
import { isLanguage, type Language } from '../i18n/index.ts';
import { client } from '../lib/client.ts';
import { localizedText } from './describe.ts';
import { addKind, appendKind } from './editor/actions.ts';
import { DraftSaver, type ConflictChoice, type SaveStatus } from './editor/autosave.ts';
import { CommandPalette, ConflictDialog, ShortcutsDialog } from './editor/dialogs.tsx';
import { EditorCanvas } from './editor/editor-canvas.tsx';
import { withLayout } from './editor/edits.ts';
import { EditorKeys } from './editor/keys.tsx';
import { HistoryList, Palette, useCanvasCentre } from './editor/panels.tsx';
import { EditorProvider, EditorStore, useEditor, useEditorStore } from './editor/store.ts';
import type { HistoryLabel } from './editor/history.ts';
import { PropertiesCard } from './properties-card.tsx';
import { LiveProblemsProvider } from './validation/live-problems.tsx';
import { DraftNotSavedError } from './versions/cohorts.ts';
import { VersionsDrawer } from './versions/VersionsDrawer.tsx';
import { DesignerViews } from './approval-view/designer-views.tsx';
import { openingViewport } from './opening-viewport.ts';

/** The version to open when the address names none: the newest published, else the newest. */
function defaultVersion(versions: VersionSummary[]): number | undefined {
  const newest = (list: VersionSummary[]) => list.reduce((a, v) => Math.max(a, v.number), 0) || undefined;
  return newest(versions.filter((v) => v.status === 'published')) ?? newest(versions);
}

/**
 * Sets the opening viewport once the nodes are measured (see {@link openingViewport}); the
 * canvas is remounted per version, so each version opens this way once, and a change of
 * language keeps where the user was.
 */
function OpeningView() {
  const initialized = useNodesInitialized();
  const { getNodes, getNodesBounds, setViewport } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !initialized || width === 0 || height === 0) return;
    done.current = true;
    void setViewport(openingViewport(getNodesBounds(getNodes()), { width, height }, { minZoom: 0.75 }));
  }, [initialized, width, height, getNodes, getNodesBounds, setViewport]);
  return null;
}

/** The view switch (graph, approval, lanes), tidy-up and import/export, wired to the editor store. */
function EditorViews() {
  const { definition, apply, selection, select, readOnly } = useEditor();
  const onChange = useCallback(
    (updater: (d: ProcessDefinition) => ProcessDefinition, label: HistoryLabel) => apply(updater, label),
    [apply],
  );
  const onSelect = useCallback((ids: string[]) => select({ nodes: ids, edges: [] }), [select]);
  return (
    <DesignerViews
      definition={definition}
      onChange={readOnly ? undefined : onChange}
      selection={selection.nodes}
      onSelect={onSelect}
    />
  );
}

/** The start of the designer's bar: back to the models, and the model's name. */
function BarTitle({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Link to="/models" className="designer-back">
        <ArrowLeftOutlined /> {t('designer.back')}
      </Link>
      <Typography.Title level={4} className="designer-title">
        {title}
      </Typography.Title>
    </>
  );
}

const noStatus: SaveStatus = { kind: 'saved' };

/** Saves the draft now and waits until it is saved; rejects with an error code when it cannot be. */
async function flushDraft(saver: DraftSaver): Promise<void> {
  await saver.save();
  await new Promise<void>((resolve, reject) => {
    let off = () => {};
    const check = () => {
      const status = saver.getStatus();
      if (status.kind === 'saved') resolve();
      else if (status.kind === 'failed') reject(new DraftNotSavedError(status.code));
      else if (status.kind === 'conflict') reject(new DraftNotSavedError('API_CONFLICT'));
      else if (status.kind === 'invalid') reject(new DraftNotSavedError('API_INVALID_DEFINITION'));
      else return;
      off();
    };
    off = saver.subscribe(check);
    check();
  });
}

/** Where the draft stands, in a few words; a retry button after a failed save. */
function SaveState({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  const { t } = useTranslation();
  switch (status.kind) {
    case 'saved':
      return (
        <Tag color="success" data-testid="save-status">
          {t('editor.save.saved')}
        </Tag>
      );
    case 'pending':
      return <Tag data-testid="save-status">{t('editor.save.pending')}</Tag>;
    case 'saving':
      return (
        <Tag color="processing" data-testid="save-status">
          {t('editor.save.saving')}
        </Tag>
      );
    case 'invalid':
      return (
        <Tag color="warning" data-testid="save-status" className="save-status-long">
          {t('editor.save.invalid', { count: status.errors })}
        </Tag>
      );
    case 'failed':
      return (
        <Space size={4}>
          <Tag color="error" data-testid="save-status" className="save-status-long">
            {t('editor.save.failed', { code: status.code })}
          </Tag>
          <Button size="small" onClick={onRetry}>
            {t('editor.save.retry')}
          </Button>
        </Space>
      );
    case 'conflict':
      return (
        <Tag color="error" data-testid="save-status">
          {t('editor.save.conflict')}
        </Tag>
      );
  }
}

/** Undo, redo, add, shortcuts: the editing buttons of the bar. */
function EditButtons({ onAdd, onHelp }: { onAdd: () => void; onHelp: () => void }) {
  const { t } = useTranslation();
  const { undo, redo, canUndo, canRedo } = useEditor();
  return (
    <Space.Compact>
      <Tooltip title={`${t('editor.toolbar.undo')} (Ctrl+Z)`}>
        <Button icon={<UndoOutlined />} disabled={!canUndo} onClick={undo} aria-label={t('editor.toolbar.undo')} />
      </Tooltip>
      <Tooltip title={`${t('editor.toolbar.redo')} (Ctrl+Shift+Z)`}>
        <Button icon={<RedoOutlined />} disabled={!canRedo} onClick={redo} aria-label={t('editor.toolbar.redo')} />
      </Tooltip>
      <Tooltip title={`${t('editor.toolbar.addStep')} (N)`}>
        <Button icon={<PlusOutlined />} onClick={onAdd} aria-label={t('editor.toolbar.addStep')} />
      </Tooltip>
      <Tooltip title={`${t('editor.toolbar.shortcuts')} (?)`}>
        <Button icon={<QuestionCircleOutlined />} onClick={onHelp} aria-label={t('editor.toolbar.shortcuts')} />
      </Tooltip>
    </Space.Compact>
  );
}

/** The command palette, wired to the editor (inside the canvas's provider, for the view's centre). */
function AddStepPalette({ after, onClose }: { after: string | null | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { definition } = useEditor();
  const centre = useCanvasCentre();
  const store = useEditorStore();
  const afterNode = after ? definition.nodes.find((n) => n.id === after) : undefined;
  const onPick = useCallback(
    (kind: NodeType) => {
      if (afterNode) appendKind(store, kind, afterNode.id);
      else addKind(store, kind, centre());
    },
    [afterNode, store, t, centre],
  );
  return (
    <CommandPalette
      open={after !== undefined}
      afterName={afterNode ? localizedText(afterNode.name, locale, afterNode.id) : undefined}
      onPick={onPick}
      onClose={onClose}
    />
  );
}

/** One opened version: the bar's editing part, palette and history, canvas, properties. */
function VersionEditor({
  modelKey,
  version,
  locale,
  title,
  versionSelect,
  onVersionsChanged,
  flushRef,
}: {
  modelKey: string;
  version: Version;
  locale: Language;
  title: string;
  versionSelect: ReactNode;
  onVersionsChanged: (open: number) => void;
  /** Set to what saves this draft now, for publishing it (unset when read-only). */
  flushRef: MutableRefObject<(() => Promise<void>) | undefined>;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  // The server lets process owners and admins change models (requireRole in models.routes.ts).
  const canEdit = user?.roles.some((r) => r === 'owner' || r === 'admin') ?? false;
  const [store] = useState(
    () =>
      new EditorStore(withLayout(version.definition as unknown as ProcessDefinition), {
        readOnly: version.status !== 'draft' || !canEdit,
        openedLabel: { key: 'editor.opened' },
      }),
  );
  const readOnly = useSyncExternalStore(store.subscribe, () => store.getState().readOnly);
  const [saver, setSaver] = useState<DraftSaver | undefined>(undefined);
  const [command, setCommand] = useState<string | null | undefined>(undefined);
  const [help, setHelp] = useState(false);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    if (version.status !== 'draft' || !canEdit) return;
    const next = new DraftSaver({
      store,
      client,
      storage: window.localStorage,
      key: modelKey,
      version,
      restoredLabel: { key: 'editor.restored' },
      reloadedLabel: { key: 'editor.reloaded' },
    });
    next.start();
    setSaver(next);
    flushRef.current = () => flushDraft(next);
    const warn = (event: BeforeUnloadEvent) => {
      if (next.hasUnsaved()) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      flushRef.current = undefined;
      next.dispose();
    };
  }, [store, modelKey, version, i18n, canEdit, flushRef]);
  const subscribe = useCallback((l: () => void) => saver?.subscribe(l) ?? (() => undefined), [saver]);
  const status = useSyncExternalStore(subscribe, () => saver?.getStatus() ?? noStatus);

  const onChoose = useCallback(
    async (choice: ConflictChoice) => {
      const created = await saver?.resolve(choice);
      if (created !== undefined) onVersionsChanged(created);
    },
    [saver, onVersionsChanged],
  );
  const newDraft = () => {
    setCreating(true);
    client
      .createVersion(modelKey, { definition: store.getState().definition, state: version.state })
      .then(
        (created) => onVersionsChanged(created.number),
        (e: unknown) =>
          void message.error(
            t('editor.newDraftFailed', { code: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK' }),
          ),
      )
      .finally(() => setCreating(false));
  };

  const ariaLabelConfig = useMemo(
    (): Partial<AriaLabelConfig> => ({
      'node.a11yDescription.default': t('designer.a11y.nodeDefault'),
      'node.a11yDescription.keyboardDisabled': t('designer.a11y.nodeKeyboard'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }) =>
        t('designer.a11y.nodeMoved', { direction, x, y }),
      'edge.a11yDescription.default': t('designer.a11y.edgeDefault'),
      'controls.ariaLabel': t('designer.a11y.controls'),
      'controls.zoomIn.ariaLabel': t('designer.a11y.zoomIn'),
      'controls.zoomOut.ariaLabel': t('designer.a11y.zoomOut'),
      'controls.fitView.ariaLabel': t('designer.a11y.fitView'),
      'controls.interactive.ariaLabel': t('designer.a11y.interactive'),
      'minimap.ariaLabel': t('designer.a11y.minimap'),
      'handle.ariaLabel': t('designer.a11y.handle'),
    }),
    [t],
  );
  const openAdd = useCallback((after?: string) => setCommand(after ?? null), []);
  const openHelp = useCallback(() => setHelp(true), []);

  return (
    <EditorProvider store={store}>
      <LiveProblemsProvider>
        <ReactFlowProvider>
          <div className="designer-bar">
            <BarTitle title={title} />
            <Space size={8} className="designer-bar-end" wrap>
              {readOnly ? (
                <>
                  <Tooltip title={version.status === 'draft' ? undefined : t('editor.publishedNote')}>
                    <Tag>{t('designer.readOnly')}</Tag>
                  </Tooltip>
                  {canEdit && (
                    <Button icon={<CopyOutlined />} onClick={newDraft} loading={creating} data-testid="new-draft">
                      {t('editor.newDraft')}
                    </Button>
                  )}
                </>
              ) : (
                <>
                  <SaveState status={status} onRetry={() => void saver?.save()} />
                  <EditButtons onAdd={openAdd} onHelp={openHelp} />
                </>
              )}
              {versionSelect}
            </Space>
          </div>
          <div className={`designer-body${readOnly ? ' is-read-only' : ''}`}>
            {!readOnly && (
              <div className="editor-side">
                <Palette />
                <HistoryList />
              </div>
            )}
            <div className="designer-canvas" aria-label={t('designer.canvas')} role="region">
              <EditorCanvas locale={locale} ariaLabelConfig={ariaLabelConfig}>
                <OpeningView />
                <EditorViews />
              </EditorCanvas>
            </div>
            <PropertiesCard locale={locale} />
          </div>
          <EditorKeys onAdd={openAdd} onHelp={openHelp} />
          {!readOnly && <AddStepPalette after={command} onClose={() => setCommand(undefined)} />}
          <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
          <ConflictDialog status={status} onChoose={onChoose} />
        </ReactFlowProvider>
      </LiveProblemsProvider>
    </EditorProvider>
  );
}

/** The designer page of `/models/:key` and `/models/:key/versions/:number`. */
export default function DesignerPage() {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const params = useParams();
  const key = params.key ?? '';
  const navigate = useNavigate();
  const [versions, setVersions] = useState<VersionSummary[] | undefined>(undefined);
  const [version, setVersion] = useState<Version | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [listed, setListed] = useState(0);

  const requested = params.number === undefined ? undefined : Number(params.number);
  const number = requested ?? (versions ? defaultVersion(versions) : undefined);

  useEffect(() => {
    let live = true;
    setError(null);
    client.listVersions(key).then(
      (list) => live && setVersions(list),
      (e: unknown) => {
        if (!live || (e instanceof BatonApiError && e.status === 401)) return;
        // An unknown model is said in words (below); other failures show their code.
        if (!(e instanceof BatonApiError && e.status === 404))
          setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
        setVersions([]);
      },
    );
    return () => {
      live = false;
    };
  }, [key, listed]);

  useEffect(() => {
    if (number === undefined) return;
    let live = true;
    setVersion(undefined);
    client.getVersion(key, number).then(
      (v) => live && setVersion(v),
      (e: unknown) => {
        if (!live || (e instanceof BatonApiError && e.status === 401)) return;
        setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
      },
    );
    return () => {
      live = false;
    };
    // `listed`: after a publish or a new draft, the open version is read again.
  }, [key, number, listed]);

  const onVersionsChanged = useCallback(
    (open: number) => {
      setListed((n) => n + 1);
      void navigate(`/models/${encodeURIComponent(key)}/versions/${open}`);
    },
    [key, navigate],
  );

  const statusText = (status: VersionSummary['status']) =>
    ({
      draft: t('models.statusDraft'),
      published: t('models.statusPublished'),
      retired: t('models.statusRetired'),
    })[status];

  const [drawer, setDrawer] = useState(false);
  const flushRef = useRef<(() => Promise<void>) | undefined>(undefined);
  const openVersion = useCallback(
    (n: number) => void navigate(`/models/${encodeURIComponent(key)}/versions/${n}`),
    [key, navigate],
  );
  const flush = useCallback(() => flushRef.current?.() ?? Promise.resolve(), []);
  const versionsButton = (
    <Button icon={<HistoryOutlined />} onClick={() => setDrawer(true)} data-testid="versions-button">
      {t('versions.button')}
    </Button>
  );

  const definition = version?.definition as ProcessDefinition | undefined;
  const title = definition ? localizedText(definition.name, locale, key) : key;
  const notFound = versions !== undefined && versions.length === 0 && error === null;
  const versionSelect = (
    <Select<number>
      aria-label={t('designer.version')}
      data-testid="version-select"
      className="designer-version"
      loading={versions === undefined}
      value={number}
      onChange={openVersion}
      options={[...(versions ?? [])]
        .sort((a, b) => b.number - a.number)
        .map((v) => ({
          value: v.number,
          label: t('designer.versionOption', { number: v.number, status: statusText(v.status) }),
        }))}
    />
  );

  return (
    <div className="designer">
      {version && version.number === number && version.modelKey === key ? (
        <VersionEditor
          key={`${key}@${version.number}@${version.updatedAt}`}
          modelKey={key}
          version={version}
          locale={locale}
          title={title}
          versionSelect={
            <>
              {versionSelect}
              {versionsButton}
            </>
          }
          onVersionsChanged={onVersionsChanged}
          flushRef={flushRef}
        />
      ) : (
        <>
          <div className="designer-bar">
            <BarTitle title={title} />
            <Space size={8} className="designer-bar-end">
              {versionSelect}
              {versions !== undefined && versions.length > 0 && versionsButton}
            </Space>
          </div>
          {error !== null && (
            <Alert type="error" showIcon className="page-alert" title={t('designer.loadFailed', { code: error })} />
          )}
          {notFound && <Alert type="warning" showIcon className="page-alert" title={t('designer.notFound', { key })} />}
          <div className="designer-body">
            <div className="designer-canvas" aria-label={t('designer.canvas')} role="region">
              {error === null && !notFound && <Spin className="designer-spin" />}
            </div>
          </div>
        </>
      )}
      {number !== undefined && (
        <VersionsDrawer
          modelKey={key}
          open={drawer}
          onClose={() => setDrawer(false)}
          openNumber={number}
          flushDraft={flush}
          onChanged={onVersionsChanged}
        />
      )}
    </div>
  );
}
