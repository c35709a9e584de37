/**
 * The yardstick of `npm run bench:web`: a plain page with `@xyflow/react` only (memoised custom
 * nodes with three lines of text, `fitView`, minimap, controls), drawing the same generated
 * definition as the designer, from `./definition.json` beside the page (see WEBAPP.md).
 * Written without JSX so the tools' TypeScript settings check it as they are.
 */
import '@xyflow/react/dist/style.css';
import { Controls, type Edge, Handle, MiniMap, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import { createElement as h, memo, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface Step extends Record<string, unknown> {
  name: string;
  kind: string;
  owner: string;
}
type StepNode = Node<Step, 'step'>;

const box = {
  width: 150,
  padding: '6px 8px',
  background: '#fff',
  border: '1px solid #b7c4d6',
  borderRadius: 6,
  fontSize: 12,
};

const StepView = memo(function StepView({ data }: NodeProps<StepNode>) {
  return h(
    'div',
    { style: box },
    h(Handle, { type: 'target', position: Position.Left }),
    h('div', { style: { fontWeight: 600 } }, data.name),
    h('div', null, data.kind),
    h('div', null, data.owner),
    h(Handle, { type: 'source', position: Position.Right }),
  );
});
const nodeTypes = { step: StepView };

interface Definition {
  nodes: {
    id: string;
    type: string;
    name?: { en?: string };
    owner?: { role?: string };
    layout?: { x: number; y: number };
  }[];
  edges: { id: string; from: string; to: string }[];
}

function App() {
  const [flow, setFlow] = useState<{ nodes: StepNode[]; edges: Edge[] }>();
  useEffect(() => {
    void fetch('./definition.json')
      .then((r) => r.json() as Promise<Definition>)
      .then((d) =>
        setFlow({
          nodes: d.nodes.map((n) => ({
            id: n.id,
            type: 'step',
            position: n.layout ?? { x: 0, y: 0 },
            data: { name: n.name?.en ?? n.id, kind: n.type, owner: n.owner?.role ?? '' },
          })),
          edges: d.edges.map((e) => ({ id: e.id, source: e.from, target: e.to })),
        }),
      );
  }, []);
  if (!flow) return null;
  return h(
    ReactFlow<StepNode>,
    { nodes: flow.nodes, edges: flow.edges, nodeTypes, fitView: true, minZoom: 0.05 },
    h(MiniMap, null),
    h(Controls, null),
  );
}

createRoot(document.getElementById('root')!).render(h(App));
