/**
 * The designer's view switch (graph | approval | lanes), tidy-up and import/export, mounted as a
 * child of the graph canvas's `<ReactFlow>` (so it reaches that canvas's store): a toolbar in the
 * top-left corner, and the approval or lanes view drawn over the canvas when chosen.
 *
 * @module
 */
import {
  ApartmentOutlined,
  DiffOutlined,
  DownloadOutlined,
  FireOutlined,
  NodeIndexOutlined,
  RadarChartOutlined,
} from '@ant-design/icons';
import type { DefinitionIssue, ValidateDefinitionResult } from '@baton/definition';
import { Panel, useReactFlow, useStore } from '@xyflow/react';
import { App, Button, Dropdown, type MenuProps, Segmented, Tooltip } from 'antd';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  definitionFileName,
  type ImportProblem,
  parseDefinitionFile,
  serializeDefinition,
} from '../export/definition-file.ts';
import { diagramImage, download, type ImageFormat } from '../export/image-export.ts';
import { LanesView } from '../lanes/lanes-view.tsx';
import { AssessmentView } from '../review/assessment-view.tsx';
import { DiffView } from '../review/diff-view.tsx';
import { HeatView } from '../review/heat-view.tsx';
import { tidyUp, warmUpTidy } from '../tidy/tidy-client.ts';
import { ApprovalView } from './approval-view.tsx';
import type { DesignerViewProps } from './view-props.ts';
import './views.css';

/** The designer's views. */
export type DesignerView = 'graph' | 'approval' | 'lanes' | 'diff' | 'assessment' | 'heat';

/** Props of {@link DesignerViews}. */
export interface DesignerViewsProps extends DesignerViewProps {
  /**
   * Validates an imported definition. The browser has no `eval`, so the package's
   * `validateDefinition` (runtime ajv) cannot run here; pass a validator that can (e.g. one built
   * from standalone code). Without one, a structural check stands in and the server validates
   * when the draft is saved.
   */
  validate?: (input: unknown) => ValidateDefinitionResult;
  /** The view to open with. @default 'graph' */
  initialView?: DesignerView;
}

const noValidator = (): ValidateDefinitionResult => ({
  ok: false,
  issues: [{ code: 'DEF_INTERNAL', severity: 'error', path: '', message: 'no validator in this page' }],
});

/** The view switch, tidy-up, import/export and the approval and lanes views, over the graph canvas. */
export function DesignerViews({
  definition,
  onChange,
  selection,
  onSelect,
  validate = noValidator,
  initialView = 'graph',
}: DesignerViewsProps) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [view, setView] = useState<DesignerView>(initialView);
  const [busy, setBusy] = useState(false);
  const overlay = useRef<HTMLDivElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The views below the bar start where it ends: when its buttons wrap to a second row (a narrow
  // window, the longer Chinese labels), the review panels and cards move down with it.
  useLayoutEffect(() => {
    const barEl = bar.current;
    const overlayEl = overlay.current;
    if (!barEl || !overlayEl) return;
    const place = () =>
      overlayEl.style.setProperty('--views-bar-bottom', `${Math.ceil(barEl.offsetTop + barEl.offsetHeight + 8)}px`);
    place();
    const observer = new ResizeObserver(place);
    observer.observe(barEl);
    return () => observer.disconnect();
  }, [view]);
  const { getNodes, fitView } = useReactFlow();
  const canvas = useStore((s) => s.domNode);

  const openGraph = useCallback(
    (ids: string[]) => {
      setView('graph');
      onSelect(ids);
      setTimeout(() => void fitView({ nodes: ids.map((id) => ({ id })), padding: 0.4, duration: 300 }), 50);
    },
    [onSelect, fitView],
  );

  const tidy = useCallback(async () => {
    if (!onChange) return;
    const selected = getNodes()
      .filter((n) => n.selected)
      .map((n) => n.id);
    const ids = selected.length >= 2 ? selected : selection.length >= 2 ? [...selection] : [];
    setBusy(true);
    try {
      const { update, count } = await tidyUp(definition, ids.length >= 2 ? new Set(ids) : undefined);
      onChange(
        update,
        ids.length >= 2 ? { key: 'views.tidy.labelSelection', values: { count } } : { key: 'views.tidy.label' },
      );
      if (ids.length < 2) setTimeout(() => void fitView({ padding: 0.08, duration: 300 }), 150);
    } catch (error) {
      void message.error(t('views.tidy.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  }, [onChange, getNodes, selection, definition, t, fitView, message]);

  const problemText = useCallback(
    (p: ImportProblem): string => {
      switch (p.kind) {
        case 'notJson':
          return t('views.export.notJson');
        case 'notDefinition':
          return t(`views.export.structure.${p.rule}`, { path: p.path, field: p.field ?? '' });
        case 'keyMismatch':
          return t('views.export.keyMismatch', { found: p.found, expected: p.expected });
        case 'issue':
          return `${p.issue.code} ${p.path}: ${p.issue.message}`;
      }
    },
    [t],
  );

  const importFile = useCallback(
    async (file: File) => {
      if (!onChange) return;
      const result = parseDefinitionFile(await file.text(), { expectedKey: definition.key, validate });
      if (!result.ok) {
        modal.error({
          title: t('views.export.importFailed', { count: result.problems.length }),
          okText: t('views.export.close'),
          width: 640,
          content: (
            <ul className="views-problems" data-testid="import-problems">
              {result.problems.map((p, i) => (
                <li key={i}>{problemText(p)}</li>
              ))}
            </ul>
          ),
        });
        return;
      }
      const imported = result.definition;
      onChange(() => imported, { key: 'views.export.importLabel' });
      const warnings = result.warnings.map((w: DefinitionIssue) => `${w.code} ${w.path}`);
      void message.success(
        [
          t('views.export.importDone'),
          result.validated ? '' : t('views.export.validatorUnavailable'),
          warnings.join('; '),
        ]
          .filter((s) => s !== '')
          .join(' '),
      );
    },
    [onChange, definition.key, validate, modal, message, t, problemText],
  );

  const exportImage = useCallback(
    async (format: ImageFormat) => {
      const root =
        view === 'graph'
          ? canvas
          : view === 'approval'
            ? overlay.current?.querySelector<HTMLElement>('.av-tree')
            : overlay.current;
      if (!root) {
        void message.warning(t('views.export.nothingToExport'));
        return;
      }
      try {
        const url = await diagramImage(root, format);
        download(`${definition.key}-${view}.${format}`, url);
      } catch (error) {
        void message.error(
          t('views.export.imageFailed', { message: error instanceof Error ? error.message : String(error) }),
        );
      }
    },
    [view, canvas, definition.key, message, t],
  );

  const menu: MenuProps = {
    items: [
      { key: 'json', label: t('views.export.exportJson') },
      { key: 'svg', label: t('views.export.exportSvg') },
      { key: 'png', label: t('views.export.exportPng') },
      { type: 'divider' },
      { key: 'import', label: t('views.export.importJson'), disabled: !onChange },
    ],
    onClick: ({ key }) => {
      if (key === 'json') download(definitionFileName(definition), serializeDefinition(definition), 'application/json');
      else if (key === 'svg' || key === 'png') void exportImage(key);
      else if (key === 'import') fileInput.current?.click();
    },
  };

  return (
    <>
      <Panel ref={bar} position="top-left" className="views-bar">
        <Segmented<DesignerView>
          aria-label={t('views.switcher')}
          data-testid="view-switch"
          value={view}
          onChange={setView}
          options={[
            { value: 'graph', label: t('views.graph'), icon: <NodeIndexOutlined /> },
            { value: 'approval', label: t('views.approval'), icon: <ApartmentOutlined /> },
            { value: 'lanes', label: t('views.lanesView'), icon: <ApartmentOutlined rotate={90} /> },
            { value: 'diff', label: t('review.modes.diff'), icon: <DiffOutlined /> },
            { value: 'assessment', label: t('review.modes.assessment'), icon: <RadarChartOutlined /> },
            { value: 'heat', label: t('review.modes.heat'), icon: <FireOutlined /> },
          ]}
        />
        {view === 'graph' && onChange && (
          <Tooltip title={t('views.tidy.tooltip')}>
            <Button
              loading={busy}
              onClick={() => void tidy()}
              onMouseEnter={warmUpTidy}
              onFocus={warmUpTidy}
              data-testid="tidy-up"
            >
              {busy ? t('views.tidy.running') : t('views.tidy.all')}
            </Button>
          </Tooltip>
        )}
        <Dropdown menu={menu} trigger={['click']}>
          <Button icon={<DownloadOutlined />} data-testid="export-menu">
            {t('views.export.menu')}
          </Button>
        </Dropdown>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label={t('views.export.importJson')}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </Panel>
      {view !== 'graph' && (
        <div ref={overlay} className={`views-overlay nowheel nopan nodrag views-overlay-${view}`}>
          {view === 'approval' ? (
            <div className="av-scroll">
              <ApprovalView
                definition={definition}
                {...(onChange ? { onChange } : {})}
                selection={selection}
                onSelect={onSelect}
                onOpenGraph={openGraph}
              />
            </div>
          ) : view === 'lanes' ? (
            <LanesView definition={definition} selection={selection} onSelect={onSelect} />
          ) : view === 'diff' ? (
            <DiffView definition={definition} />
          ) : view === 'assessment' ? (
            <AssessmentView />
          ) : (
            <HeatView definition={definition} selection={selection} onSelect={onSelect} />
          )}
        </div>
      )}
    </>
  );
}
