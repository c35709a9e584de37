/**
 * The designer's canvas: React Flow nodes and edges derived from the editor's draft (the single
 * source of truth) and kept in local state only for what React Flow tracks between two edits
 * (drag positions, measured sizes). Every edit goes through the editor store: a drag is one step
 * when it ends, a connection, a reconnection, a deletion, a drop from the palette.
 *
 * Speed (WEBAPP.md): node and edge types at module level, memoised components, handlers in
 * `useCallback`; an edit re-creates only the node objects it changed (see `reconcile.ts`), and a
 * drag tick touches only the canvas, never the definition or the rest of the page.
 *
 * @module
 */
import type { NodeType } from '@baton/definition';
import {
  type AriaLabelConfig,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type DefaultEdgeOptions,
  type EdgeChange,
  type IsValidConnection,
  MarkerType,
  MiniMap,
  type NodeChange,
  type OnDelete,
  type OnNodeDrag,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, memo, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { nodeTypes as allNodeTypes } from '@baton/definition';
import type { Language } from '../../i18n/index.ts';
import { definitionToFlow, type LinkEdge, type StepNode } from '../definition-to-flow.ts';
import { nodeTypes } from '../flow-nodes.tsx';
import { addKind, connectNodes, removeSelection } from './actions.ts';
import { canConnect, moveNodes, reconnect } from './edits.ts';
import { editEdgeTypes } from './insert-edge.tsx';
import { reconcileEdges, reconcileNodes } from './reconcile.ts';
import { type EditorState, useEditorSelector, useEditorStore } from './store.ts';

/** The drag-and-drop type a palette entry carries (its value is the node kind). */
export const paletteMime = 'application/x-baton-kind';

const defaultEdgeOptions: DefaultEdgeOptions = {
  type: 'smoothstep',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
};
const nodeOrigin: [number, number] = [0.5, 0.5];
const snapGrid: [number, number] = [20, 20];
const fitViewOptions = { padding: 0.08 };
const deleteKeys = ['Delete', 'Backspace'];
const multiKeys = ['Shift', 'Meta', 'Control'];
const kinds = new Set<string>(allNodeTypes);

const selectDefinition = (s: EditorState) => s.definition;
const selectReadOnly = (s: EditorState) => s.readOnly;
const selectSelection = (s: EditorState) => s.selection;

/** Sets React Flow's `selected` flags from the ids in `ids`; the same array when nothing changes. */
function withSelected<T extends { id: string; selected?: boolean }>(items: T[], ids: ReadonlySet<string>): T[] {
  let changed = false;
  const next = items.map((item) => {
    const want = ids.has(item.id);
    if ((item.selected ?? false) === want) return item;
    changed = true;
    return { ...item, selected: want };
  });
  return changed ? next : items;
}

/** The canvas of the designer; `children` go inside React Flow (opening view, overlays). */
export const EditorCanvas = memo(function EditorCanvas({
  locale,
  ariaLabelConfig,
  children,
}: {
  locale: Language;
  ariaLabelConfig: Partial<AriaLabelConfig>;
  children?: ReactNode;
}) {
  const store = useEditorStore();
  const definition = useEditorSelector(selectDefinition);
  const readOnly = useEditorSelector(selectReadOnly);
  const selection = useEditorSelector(selectSelection);
  const { screenToFlowPosition } = useReactFlow();
  const [nodes, setNodes] = useState<StepNode[]>([]);
  const [edges, setEdges] = useState<LinkEdge[]>([]);

  const flow = useMemo(() => definitionToFlow(definition, { locale }), [definition, locale]);
  useEffect(() => {
    setNodes((previous) => reconcileNodes(previous, flow.nodes));
    setEdges((previous) =>
      reconcileEdges(
        previous,
        flow.edges.map((e) => ({ ...e, type: readOnly ? 'checked' : 'insertable' })),
      ),
    );
  }, [flow, readOnly]);
  useEffect(() => {
    setNodes((current) => withSelected(current, new Set(selection.nodes)));
    setEdges((current) => withSelected(current, new Set(selection.edges)));
  }, [selection, flow]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      const kept = changes.filter((c) => c.type !== 'remove');
      if (kept.length > 0) setNodes((current) => applyNodeChanges(kept, current));
      const selects = changes.filter((c) => c.type === 'select');
      if (selects.length > 0) {
        const { nodes: ids, edges: edgeIds } = store.getState().selection;
        const next = new Set(ids);
        for (const c of selects) {
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
        }
        store.select({ nodes: [...next], edges: edgeIds });
      }
    },
    [store],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<LinkEdge>[]) => {
      const selects = changes.filter((c) => c.type === 'select');
      if (selects.length === 0) return;
      setEdges((current) => applyEdgeChanges(selects, current));
      const { nodes: ids, edges: edgeIds } = store.getState().selection;
      const next = new Set(edgeIds);
      for (const c of selects) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      store.select({ nodes: ids, edges: [...next] });
    },
    [store],
  );

  const onNodeDragStop: OnNodeDrag<StepNode> = useCallback(
    (_event, _node, dragged) => {
      const positions = new Map(dragged.map((n) => [n.id, n.position]));
      store.apply((d) => moveNodes(d, positions), { key: 'editor.history.move', values: { count: positions.size } });
    },
    [store],
  );
  const onDelete: OnDelete<StepNode, LinkEdge> = useCallback(
    ({ nodes: gone, edges: cut }) =>
      removeSelection(
        store,
        gone.map((n) => n.id),
        cut.map((e) => e.id),
      ),
    [store],
  );
  const isValidConnection: IsValidConnection<LinkEdge> = useCallback(
    (c) => canConnect(store.getState().definition, c.source, c.target),
    [store],
  );
  const onConnect = useCallback((c: Connection) => connectNodes(store, c.source, c.target), [store]);
  const onReconnect = useCallback(
    (old: LinkEdge, c: Connection) =>
      store.apply((d) => reconnect(d, old.id, c.source, c.target), { key: 'editor.history.reconnect' }),
    [store],
  );
  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(paletteMime)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(paletteMime);
      if (!kinds.has(kind)) return;
      event.preventDefault();
      addKind(store, kind as NodeType, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [store, screenToFlowPosition],
  );

  return (
    <ReactFlow<StepNode, LinkEdge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={editEdgeTypes}
      nodeOrigin={nodeOrigin}
      defaultEdgeOptions={defaultEdgeOptions}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onNodeDragStop={onNodeDragStop}
      onDelete={onDelete}
      onConnect={onConnect}
      onReconnect={onReconnect}
      isValidConnection={isValidConnection}
      onDragOver={onDragOver}
      onDrop={onDrop}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      edgesReconnectable={!readOnly}
      edgesFocusable={!readOnly}
      deleteKeyCode={readOnly ? null : deleteKeys}
      multiSelectionKeyCode={multiKeys}
      selectionKeyCode="Shift"
      snapToGrid
      snapGrid={snapGrid}
      minZoom={0.2}
      ariaLabelConfig={ariaLabelConfig}
      attributionPosition="top-right"
    >
      {!readOnly && <Background variant={BackgroundVariant.Dots} gap={snapGrid} size={1} color="#d9dee7" />}
      <MiniMap pannable zoomable nodeColor="#c9d4e3" nodeStrokeWidth={2} />
      <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
      {children}
    </ReactFlow>
  );
});
