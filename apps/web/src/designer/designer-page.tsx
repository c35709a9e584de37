/**
 * The designer: one version of a process model on a React Flow canvas (read-only for now), a
 * version selector, and the selected node's properties. The only page that loads React Flow.
 *
 * @module
 */
import '@xyflow/react/dist/style.css';
import './designer.css';
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { ProcessDefinition } from '@baton/definition';
import { BatonApiError, type Version, type VersionSummary } from '@baton/client';
import {
  type AriaLabelConfig,
  Controls,
  MarkerType,
  MiniMap,
  type NodeMouseHandler,
  ReactFlow,
  applyNodeChanges,
  type DefaultEdgeOptions,
  type OnNodesChange,
  useNodesInitialized,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { Alert, Card, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isLanguage, type Language } from '../i18n/index.ts';
import { client } from '../lib/client.ts';
import { definitionToFlow, type StepNode } from './definition-to-flow.ts';
import { localizedText } from './describe.ts';
import { nodeTypes } from './flow-nodes.tsx';
import { NodePanel } from './node-panel.tsx';
import { openingViewport } from './opening-viewport.ts';
// Views (approval view, lanes, tidy up, import/export): wip/views.
import { DesignerViews } from './approval-view/designer-views.tsx';

const defaultEdgeOptions: DefaultEdgeOptions = {
  type: 'smoothstep',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
};
const nodeOrigin: [number, number] = [0.5, 0.5];
const fitViewOptions = { padding: 0.08 };

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
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [nodes, setNodes] = useState<StepNode[]>([]);

  const requested = params.number === undefined ? undefined : Number(params.number);
  const number = requested ?? (versions ? defaultVersion(versions) : undefined);

  useEffect(() => {
    let live = true;
    setVersions(undefined);
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
  }, [key]);

  useEffect(() => {
    if (number === undefined) return;
    let live = true;
    setVersion(undefined);
    setSelectedId(undefined);
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
  }, [key, number]);

  const definition = version?.definition as ProcessDefinition | undefined;
  const flow = useMemo(() => (definition ? definitionToFlow(definition, { locale }) : undefined), [definition, locale]);

  // The canvas holds its own copy of the nodes (selection lives there); a new version or language
  // replaces the data and keeps the selection.
  useEffect(() => {
    if (!flow) return;
    setNodes((previous) => {
      const selected = new Set(previous.filter((n) => n.selected).map((n) => n.id));
      return flow.nodes.map((n) => (selected.has(n.id) ? { ...n, selected: true } : n));
    });
  }, [flow]);

  const onNodesChange: OnNodesChange<StepNode> = useCallback(
    (changes) => setNodes((current) => applyNodeChanges(changes, current)),
    [],
  );
  const onNodeClick: NodeMouseHandler<StepNode> = useCallback((_, node) => setSelectedId(node.id), []);
  const onPaneClick = useCallback(() => setSelectedId(undefined), []);

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

  const statusText = (status: VersionSummary['status']) =>
    ({
      draft: t('models.statusDraft'),
      published: t('models.statusPublished'),
      retired: t('models.statusRetired'),
    })[status];

  const selectedNode = definition?.nodes.find((n) => n.id === selectedId);
  const title = definition ? localizedText(definition.name, locale, key) : key;
  const notFound = versions !== undefined && versions.length === 0 && error === null;

  return (
    <div className="designer">
      <div className="designer-bar">
        <Link to="/models" className="designer-back">
          <ArrowLeftOutlined /> {t('designer.back')}
        </Link>
        <Typography.Title level={4} className="designer-title">
          {title}
        </Typography.Title>
        <Space size={8} className="designer-bar-end">
          <Tag>{t('designer.readOnly')}</Tag>
          <Select<number>
            aria-label={t('designer.version')}
            data-testid="version-select"
            className="designer-version"
            loading={versions === undefined}
            value={number}
            onChange={(n) => void navigate(`/models/${encodeURIComponent(key)}/versions/${n}`)}
            options={[...(versions ?? [])]
              .sort((a, b) => b.number - a.number)
              .map((v) => ({
                value: v.number,
                label: t('designer.versionOption', { number: v.number, status: statusText(v.status) }),
              }))}
          />
        </Space>
      </div>
      {error !== null && (
        <Alert type="error" showIcon className="page-alert" title={t('designer.loadFailed', { code: error })} />
      )}
      {notFound && <Alert type="warning" showIcon className="page-alert" title={t('designer.notFound', { key })} />}
      <div className="designer-body">
        <div className="designer-canvas" aria-label={t('designer.canvas')} role="region">
          {flow ? (
            <ReactFlow<StepNode>
              key={`${key}@${number}`}
              nodes={nodes}
              edges={flow.edges}
              nodeTypes={nodeTypes}
              nodeOrigin={nodeOrigin}
              defaultEdgeOptions={defaultEdgeOptions}
              onNodesChange={onNodesChange}
              onNodeClick={onNodeClick}
              onPaneClick={onPaneClick}
              nodesDraggable={false}
              nodesConnectable={false}
              edgesFocusable={false}
              minZoom={0.2}
              ariaLabelConfig={ariaLabelConfig}
              attributionPosition="top-right"
            >
              <MiniMap pannable zoomable nodeColor="#c9d4e3" nodeStrokeWidth={2} />
              <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
              <OpeningView />
              {/* Views (approval view, lanes, tidy up, import/export): wip/views. Until the editor store lands,
                  an edit replaces the loaded definition in memory (nothing is saved). */}
              {definition && (
                <DesignerViews
                  definition={definition}
                  onChange={(update) =>
                    setVersion(
                      (v) =>
                        v && {
                          ...v,
                          definition: update(
                            v.definition as unknown as ProcessDefinition,
                          ) as unknown as Version['definition'],
                        },
                    )
                  }
                  selection={selectedId === undefined ? [] : [selectedId]}
                  onSelect={(ids) => setSelectedId(ids[0])}
                />
              )}
            </ReactFlow>
          ) : (
            error === null && !notFound && <Spin className="designer-spin" />
          )}
        </div>
        <Card className="designer-panel" title={t('designer.properties')} size="small">
          {definition && <NodePanel definition={definition} node={selectedNode} locale={locale} />}
        </Card>
      </div>
    </div>
  );
}
