/**
 * The canvas the review modes (compare, assessment, heat map) draw on: a read-only React Flow of
 * its own (like the lanes view) whose nodes carry a colour class and an optional figure badge.
 * Clicking a node reports it; pointing at it too (so figures show on hover and on tap). A
 * `focus` request centres a node.
 *
 * @module
 */
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
} from '@xyflow/react';
import { type ComponentType, memo, type ReactNode, useEffect, useState } from 'react';
import type { LinkEdge, StepData } from '../definition-to-flow.ts';
import { nodeTypes as stepNodeTypes } from '../flow-nodes.tsx';
import './review.css';
import { fittedEdgeTypes } from '../fitted-edges.tsx';

/** A node of a review canvas: the designer's node data plus a figure shown in a corner badge. */
export interface ReviewData extends StepData {
  badge?: string;
}
/** @see ReviewData */
export type ReviewNode = Node<ReviewData, 'step' | 'gateway' | 'terminal'> | Node<{ title: string }, 'title'>;

function withBadge(Base: ComponentType<NodeProps>) {
  return memo(function Badged(props: NodeProps) {
    const badge = (props.data as ReviewData).badge;
    return (
      <>
        <Base {...props} />
        {badge !== undefined && <span className="rv-badge">{badge}</span>}
      </>
    );
  });
}

const TitleNode = memo(function TitleNode({ data }: NodeProps<Node<{ title: string }, 'title'>>) {
  return <div className="rv-side-title">{data.title}</div>;
});

const reviewNodeTypes: NodeTypes = {
  step: withBadge(stepNodeTypes.step!),
  gateway: withBadge(stepNodeTypes.gateway!),
  terminal: withBadge(stepNodeTypes.terminal!),
  title: TitleNode,
};
const nodeOrigin: [number, number] = [0.5, 0.5];
const defaultEdgeOptions = { type: 'smoothstep', markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const fitViewOptions = { padding: 0.12 };
/** How wide a stretch of the diagram (canvas pixels, from its left end) the canvas opens on. */
const openingWidth = 1000;

/**
 * What the canvas opens on: the left end of the diagram (readable, as the graph view opens),
 * or all of it when it is narrow enough.
 */
function openingOptions(nodes: readonly ReviewNode[]) {
  const left = Math.min(...nodes.map((n) => n.position.x));
  return {
    padding: 0.1,
    maxZoom: 1,
    nodes: nodes.filter((n) => n.position.x <= left + openingWidth).map((n) => ({ id: n.id })),
  };
}

/** A request to centre a node; a new object each time (the same id twice centres it twice). */
export interface FocusRequest {
  id: string;
}

function Focuser({ focus }: { focus: FocusRequest | undefined }) {
  const { getNode, setCenter, getZoom } = useReactFlow();
  useEffect(() => {
    if (!focus) return;
    const node = getNode(focus.id);
    if (node) void setCenter(node.position.x, node.position.y, { zoom: Math.max(getZoom(), 0.9), duration: 300 });
  }, [focus, getNode, setCenter, getZoom]);
  return null;
}

/** Props of {@link ReviewCanvas}. */
export interface ReviewCanvasProps {
  nodes: ReviewNode[];
  edges: LinkEdge[];
  onNodeClick?: (id: string) => void;
  /** The node the pointer is over (undefined when it leaves). */
  onNodeHover?: (id: string | undefined) => void;
  onPaneClick?: () => void;
  focus?: FocusRequest | undefined;
  /** A label for the canvas region. */
  label: string;
  testId: string;
  /** Drawn over the canvas (legend). */
  children?: ReactNode;
}

function Canvas({
  nodes,
  edges,
  onNodeClick,
  onNodeHover,
  onPaneClick,
  focus,
  label,
  testId,
  children,
}: ReviewCanvasProps) {
  // Computed once: the canvas opens there and is not moved again when the nodes change.
  const [opening] = useState(() => openingOptions(nodes));
  const click: NodeMouseHandler = (_, node) => {
    if (node.type !== 'title') onNodeClick?.(node.id);
  };
  const enter: NodeMouseHandler = (_, node) => {
    if (node.type !== 'title') onNodeHover?.(node.id);
  };
  return (
    <div className="rv-canvas" role="region" aria-label={label} data-testid={testId}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={reviewNodeTypes}
        nodeOrigin={nodeOrigin}
        defaultEdgeOptions={defaultEdgeOptions}
        edgeTypes={fittedEdgeTypes}
        onNodeClick={click}
        onNodeMouseEnter={enter}
        onNodeMouseLeave={() => onNodeHover?.(undefined)}
        {...(onPaneClick ? { onPaneClick } : {})}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        fitView
        fitViewOptions={opening}
        minZoom={0.1}
        attributionPosition="bottom-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
        <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
        <Focuser focus={focus} />
      </ReactFlow>
      {children}
    </div>
  );
}

/** A review canvas on its own React Flow store. */
export function ReviewCanvas(props: ReviewCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

/** A legend: coloured swatches with their meaning. */
export function Legend({
  title,
  items,
  note,
}: {
  title: string;
  items: { className: string; label: string }[];
  note?: string;
}) {
  return (
    <div className="rv-legend" data-testid="review-legend">
      <div className="rv-legend-title">{title}</div>
      {items.map((item) => (
        <div key={item.className} className="rv-legend-item">
          <span className={`rv-swatch ${item.className}`} aria-hidden="true" />
          <span>{item.label}</span>
        </div>
      ))}
      {note !== undefined && <div className="rv-legend-note">{note}</div>}
    </div>
  );
}
