/**
 * An instance's diagram, read-only: the definition drawn with the designer's node look, the path
 * taken, the current steps, markers on tokens waiting for a timer, an event or an operator, and
 * optionally steps one can pick (a click or a tap; e.g. the step to return to). A legend under it
 * says in words what each look means, so nothing relies on colour alone.
 *
 * @module
 */
import { ClockCircleOutlined, ExclamationCircleOutlined, NotificationOutlined, UserOutlined } from '@ant-design/icons';
import type { ProcessDefinition } from '@baton/definition';
import {
  Controls,
  type NodeMouseHandler,
  type NodeProps,
  type NodeTypes,
  ReactFlow,
  ReactFlowProvider,
  getViewportForBounds,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type ComponentType, memo, type ReactNode, useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import '../designer/designer.css';
import { nodeTypes as designerNodeTypes } from '../designer/flow-nodes.tsx';
import type { StepNode } from '../designer/definition-to-flow.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import { type InstanceFlowState, type InstanceNode, instanceFlow, type WaitingKind } from './instance-flow.ts';
import './instance.css';
import { fittedEdgeTypes } from '../designer/fitted-edges.tsx';

const waitingIcons: Record<WaitingKind, ReactNode> = {
  timer: <ClockCircleOutlined />,
  event: <NotificationOutlined />,
  incident: <ExclamationCircleOutlined />,
  task: <UserOutlined />,
};

/** A designer node component with the instance's marker (waiting token) on top. */
function withMarker(Inner: ComponentType<NodeProps<StepNode>>) {
  return memo(function InstanceStep(props: NodeProps<InstanceNode>) {
    const { t } = useTranslation();
    const { waiting } = props.data;
    return (
      <>
        <Inner {...props} selected={props.data.picked === true} />
        {waiting !== undefined && (
          <span
            className={`instance-marker instance-marker-${waiting}`}
            role="img"
            aria-label={t(`task.diagram.waiting.${waiting}`)}
            title={t(`task.diagram.waiting.${waiting}`)}
          >
            {waitingIcons[waiting]}
          </span>
        )}
      </>
    );
  });
}

const instanceNodeTypes: NodeTypes = {
  step: withMarker(designerNodeTypes.step as ComponentType<NodeProps<StepNode>>),
  gateway: withMarker(designerNodeTypes.gateway as ComponentType<NodeProps<StepNode>>),
  terminal: withMarker(designerNodeTypes.terminal as ComponentType<NodeProps<StepNode>>),
};

const nodeOrigin: [number, number] = [0.5, 0.5];
const fitViewOptions = { padding: 0.12, maxZoom: 1.1 };
/** The opening view: the current steps and their neighbours, readable (zoom out or "fit" for the rest). */
const focusOptions = { padding: 0.15, maxZoom: 1, minZoom: 0.5 };

/**
 * After the opening fit (the current steps with their neighbours): when those span more than a
 * narrow canvas shows at a readable zoom (on a phone the neighbours of a step in a loop lie far
 * apart) and the current steps fell outside it, moves to the current steps alone. Once.
 */
function KeepCurrentInView({ focus }: { focus: readonly string[] }) {
  const { getNodesBounds, setViewport } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const [x, y, zoom] = useStore((s) => s.transform);
  const done = useRef(false);
  useEffect(() => {
    // The untouched transform: the opening fit has not happened yet.
    if (done.current || focus.length === 0 || width === 0 || height === 0 || (x === 0 && y === 0 && zoom === 1)) return;
    done.current = true;
    const box = getNodesBounds([...focus]);
    const inside =
      box.x * zoom + x >= 0 &&
      box.y * zoom + y >= 0 &&
      (box.x + box.width) * zoom + x <= width &&
      (box.y + box.height) * zoom + y <= height;
    const { minZoom, maxZoom } = focusOptions;
    if (!inside) void setViewport(getViewportForBounds(box, width, height, minZoom, maxZoom, 0.3));
  }, [x, y, zoom, width, height, focus, getNodesBounds, setViewport]);
  return null;
}

/** Props of {@link InstanceDiagram}. */
export interface InstanceDiagramProps extends InstanceFlowState {
  /** The definition of the instance's version. */
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>;
  /** Called with the id of a pickable node the user clicked or tapped. */
  onPickNode?: (id: string) => void;
  /** Height of the canvas in CSS pixels (default 280). */
  height?: number;
  /** The accessible name of the diagram. */
  label?: string;
}

function Legend({ pickable }: { pickable: boolean }) {
  const { t } = useTranslation();
  return (
    <ul className="instance-legend">
      <li>
        <span className="instance-swatch is-done" /> {t('task.diagram.legend.done')}
      </li>
      <li>
        <span className="instance-swatch is-active" /> {t('task.diagram.legend.active')}
      </li>
      {pickable && (
        <li>
          <span className="instance-swatch is-pickable" /> {t('task.diagram.legend.pickable')}
        </li>
      )}
    </ul>
  );
}

function Diagram({
  definition,
  completedNodes,
  takenEdges,
  activeNodes,
  waiting,
  pickable,
  picked,
  onPickNode,
  height = 280,
  label,
}: InstanceDiagramProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { nodes, edges } = useMemo(
    () => instanceFlow(definition, { completedNodes, takenEdges, activeNodes, waiting, pickable, picked }, locale),
    [definition, completedNodes, takenEdges, activeNodes, waiting, pickable, picked, locale],
  );
  const pickableSet = useMemo(() => new Set(pickable ?? []), [pickable]);
  // Open on what matters: the current (or picked) steps with the steps next to them.
  const opening = useMemo(() => {
    const focus = new Set([...(activeNodes ?? []), ...(picked ? [picked] : [])]);
    const around = new Set(focus);
    for (const e of definition.edges)
      if (focus.has(e.from) || focus.has(e.to)) {
        around.add(e.from);
        around.add(e.to);
      }
    const options = focus.size === 0 ? fitViewOptions : { ...focusOptions, nodes: [...around].map((id) => ({ id })) };
    return { focus: [...focus], options };
  }, [activeNodes, picked, definition]);
  const onNodeClick = useCallback<NodeMouseHandler>(
    (_event, node) => {
      if (onPickNode && pickableSet.has(node.id)) onPickNode(node.id);
    },
    [onPickNode, pickableSet],
  );
  return (
    <figure className="instance-diagram" aria-label={label ?? t('task.diagram.label')}>
      <div className="instance-canvas" style={{ height }}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={instanceNodeTypes}
          edgeTypes={fittedEdgeTypes}
          nodeOrigin={nodeOrigin}
          onNodeClick={onNodeClick}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={onPickNode !== undefined}
          edgesFocusable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={opening.options}
          minZoom={0.2}
          preventScrolling={false}
          zoomOnScroll={false}
          attributionPosition="bottom-right"
        >
          <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
          <KeepCurrentInView focus={opening.focus} />
        </ReactFlow>
      </div>
      <figcaption>
        <Legend pickable={(pickable?.length ?? 0) > 0} />
      </figcaption>
    </figure>
  );
}

/** The read-only diagram of an instance (its own React Flow provider, so it nests anywhere). */
export function InstanceDiagram(props: InstanceDiagramProps) {
  return (
    <ReactFlowProvider>
      <Diagram {...props} />
    </ReactFlowProvider>
  );
}
