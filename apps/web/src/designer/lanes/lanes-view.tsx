/**
 * The cross-functional chart (跨职能流程图): the flow drawn in lanes derived from the owners
 * ({@link laneChart}), on its own React Flow canvas with a band per lane behind the nodes. A view
 * of the definition, never saved: nodes keep their horizontal place and are not dragged here.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  type Node,
  type NodeMouseHandler,
  type NodeProps,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { definitionToFlow, layeredLayout } from '../definition-to-flow.ts';
import { nodeTypes as stepNodeTypes } from '../flow-nodes.tsx';
import type { DesignerViewProps } from '../approval-view/view-props.ts';
import { openingViewport } from '../opening-viewport.ts';
import { type Lane, laneChart } from './lanes.ts';
import '../approval-view/views.css';
import { fittedEdgeTypes } from '../fitted-edges.tsx';

/** Width of the lane titles at the left of each band. */
const titleWidth = 150;
/** Space between the outermost nodes and the ends of the bands. */
const bandMargin = 120;

interface LaneData extends Record<string, unknown> {
  title: string;
  index: number;
  width: number;
  height: number;
}

const LaneBand = memo(function LaneBand({ data }: NodeProps<Node<LaneData, 'lane'>>) {
  return (
    <div
      className={`lane-band${data.index % 2 === 1 ? ' is-odd' : ''}`}
      style={{ width: data.width, height: data.height }}
    >
      <div className="lane-title" title={data.title}>
        {data.title}
      </div>
    </div>
  );
});

const laneNodeTypes: NodeTypes = { ...stepNodeTypes, lane: LaneBand };
const nodeOrigin: [number, number] = [0.5, 0.5];
const defaultEdgeOptions = { type: 'smoothstep', markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const fitViewOptions = { padding: 0.06 };

/** Room the views bar takes at the top of the canvas, in screen pixels. */
const barHeight = 56;

/**
 * Opens the chart as the graph view opens: readable (zoom ≥ 0.55), from the lane titles on the
 * left and the top lane. The chart's bounds are known without measuring: the bands span it.
 */
function LanesOpening({ bounds }: { bounds: { x: number; y: number; width: number; height: number } }) {
  const { setViewport } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || width === 0 || height === 0) return;
    done.current = true;
    const view = openingViewport(bounds, { width, height: height - barHeight }, { minZoom: 0.55 });
    void setViewport({ ...view, y: view.y + barHeight });
  }, [bounds, width, height, setViewport]);
  return null;
}

/** A lane's title in the current language. */
export function useLaneTitle(): (lane: Pick<Lane, 'kind' | 'name'>) => string {
  const { t } = useTranslation();
  return useCallback(
    (lane) => {
      const name = lane.name ?? '';
      switch (lane.kind) {
        case 'role':
          return t('views.lanes.role', { name });
        case 'team':
          return t('views.lanes.team', { name });
        case 'user':
          return t('views.lanes.user', { name });
        case 'initiator':
          return t('views.lanes.initiator');
        case 'manager':
          return t('views.lanes.manager');
        case 'byData':
          return t('views.lanes.byData', { field: name });
        case 'unassigned':
          return t('views.lanes.unassigned');
      }
    },
    [t],
  );
}

/** The positions the chart keeps from the definition: saved ones, else the designer's computed layout. */
function xPositions(definition: ProcessDefinition): (id: string) => number {
  const computed = definition.nodes.some((n) => !n.layout)
    ? layeredLayout(definition.nodes, definition.edges)
    : undefined;
  const byId = new Map(definition.nodes.map((n) => [n.id, n.layout?.x ?? computed?.get(n.id)?.x ?? 0]));
  return (id) => byId.get(id) ?? 0;
}

function LanesCanvas({ definition, selection, onSelect }: DesignerViewProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const title = useLaneTitle();
  const chart = useMemo(() => laneChart(definition, xPositions(definition)), [definition]);
  const flow = useMemo(() => {
    const placed = {
      nodes: definition.nodes.map((n) => ({ ...n, layout: { ...n.layout, ...chart.positions.get(n.id)! } })),
      edges: definition.edges,
    };
    return definitionToFlow(placed, { locale });
  }, [definition, chart, locale]);
  const bounds = useMemo(() => {
    const xs = [...chart.positions.values()].map((p) => p.x);
    const last = chart.lanes[chart.lanes.length - 1];
    const left = Math.min(...xs) - bandMargin - titleWidth;
    return { x: left, y: 0, width: Math.max(...xs) + bandMargin - left, height: last ? last.y + last.height : 0 };
  }, [chart]);
  const nodes = useMemo(() => {
    const { x: left, width } = bounds;
    const selected = new Set(selection);
    const bands: Node<LaneData, 'lane'>[] = chart.lanes.map((lane, index) => ({
      id: `lane:${lane.key}`,
      type: 'lane',
      position: { x: left + width / 2, y: lane.y + lane.height / 2 },
      data: { title: title(lane), index, width, height: lane.height },
      draggable: false,
      selectable: false,
      focusable: false,
      zIndex: -1,
    }));
    const steps = flow.nodes.map((n) => ({ ...n, draggable: false, selected: selected.has(n.id) }));
    return [...bands, ...steps];
  }, [chart, flow, selection, title, bounds]);
  const onNodeClick: NodeMouseHandler = useCallback(
    (_, node) => {
      if (!node.id.startsWith('lane:')) onSelect([node.id]);
    },
    [onSelect],
  );
  return (
    <div className="lanes-view" data-testid="lanes-view" role="region" aria-label={t('views.lanesView')}>
      <ReactFlow
        nodes={nodes}
        edges={flow.edges}
        nodeTypes={laneNodeTypes}
        nodeOrigin={nodeOrigin}
        defaultEdgeOptions={defaultEdgeOptions}
        edgeTypes={fittedEdgeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={() => onSelect([])}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        minZoom={0.1}
        attributionPosition="top-right"
      >
        <LanesOpening bounds={bounds} />
        <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
        <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
      </ReactFlow>
      <div className="lanes-legend">{t('views.lanes.legend', { count: chart.lanes.length })}</div>
    </div>
  );
}

/** The lanes view, on a canvas of its own (its own React Flow store). Read-only. */
export const LanesView = memo(function LanesView(props: DesignerViewProps) {
  return (
    <ReactFlowProvider>
      <LanesCanvas {...props} />
    </ReactFlowProvider>
  );
});
