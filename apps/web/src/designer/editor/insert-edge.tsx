/**
 * The designer canvas's edges: the editable one, the usual step path with a "+" at its middle
 * that inserts a step there, as approval builders do (memoised; it reads the editor store only
 * when clicked), and the read-only one. Both carry the badge of their live-validation problems
 * just after the middle.
 *
 * @module
 */
import { PlusOutlined } from '@ant-design/icons';
import type { NodeType } from '@baton/definition';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, type EdgeTypes, getSmoothStepPath } from '@xyflow/react';
import { Dropdown, type MenuProps } from 'antd';
import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { handleIds, type LinkEdge } from '../definition-to-flow.ts';
import { fittedLabel } from '../fitted-edges.tsx';
import { kindIcons } from '../flow-nodes.tsx';
import { ProblemBadge } from '../validation/ProblemBadge.tsx';
import { insertKind, paletteKinds } from './actions.ts';
import { useEditorStore } from './store.ts';

const insertableKinds = paletteKinds.filter((k) => k !== 'start' && k !== 'end');

/** The step path of an edge (a loop back drops further below the nodes) and its middle. */
function edgePath(props: EdgeProps<LinkEdge>): [path: string, labelX: number, labelY: number] {
  const loop = props.sourceHandleId === handleIds.loopOut;
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    sourcePosition: props.sourcePosition,
    targetX: props.targetX,
    targetY: props.targetY,
    targetPosition: props.targetPosition,
    ...(loop ? { offset: 36 } : {}),
  });
  return [path, labelX, labelY];
}

/** The drawn path with its arrow and label. */
function EdgeLine({
  props,
  path,
  labelX,
  labelY,
}: {
  props: EdgeProps<LinkEdge>;
  path: string;
  labelX: number;
  labelY: number;
}) {
  const hasLabel = props.label !== undefined && props.label !== null && props.label !== '';
  const label = fittedLabel(props.label, props.targetX - props.sourceX);
  return (
    <BaseEdge
      id={props.id}
      path={path}
      {...(props.markerEnd !== undefined ? { markerEnd: props.markerEnd } : {})}
      {...(props.style !== undefined ? { style: props.style } : {})}
      {...(hasLabel ? { label, labelX, labelY: labelY - 18, labelBgPadding: [4, 2] as [number, number] } : {})}
      {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
    />
  );
}

/** The problem badge of an edge, right of its middle (clear of the "+"). */
function EdgeBadge({ id, labelX, labelY }: { id: string; labelX: number; labelY: number }) {
  return (
    <div
      className="edge-problem nodrag nopan"
      style={{ transform: `translate(0, -50%) translate(${labelX + 14}px, ${labelY}px)` }}
    >
      <ProblemBadge id={id} />
    </div>
  );
}

const InsertEdge = memo(function InsertEdge(props: EdgeProps<LinkEdge>) {
  const { t } = useTranslation();
  const store = useEditorStore();
  const [path, labelX, labelY] = edgePath(props);
  const menu = useMemo(
    (): MenuProps => ({
      items: insertableKinds.map((kind) => ({
        key: kind,
        icon: kindIcons[kind],
        label: t(`designer.kinds.${kind}`),
      })),
      onClick: ({ key }) => {
        setOpen(false);
        insertKind(store, key as NodeType, props.id);
      },
    }),
    [store, t, props.id],
  );
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  const button = (
    <button
      type="button"
      className="edge-insert-button"
      aria-label={t('editor.insert.button')}
      title={t('editor.insert.button')}
      data-testid={`insert-on-${props.id}`}
      onClick={open === undefined ? () => setOpen(true) : undefined}
    >
      <PlusOutlined />
    </button>
  );
  return (
    <>
      <EdgeLine props={props} path={path} labelX={labelX} labelY={labelY} />
      <EdgeLabelRenderer>
        <div
          className={`edge-insert nodrag nopan${props.selected ? ' is-selected' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
        >
          {/* The menu is mounted on first use only: hundreds of edges, one menu open at a time. */}
          {open === undefined ? (
            button
          ) : (
            <Dropdown menu={menu} trigger={['click']} open={open} onOpenChange={setOpen}>
              {button}
            </Dropdown>
          )}
        </div>
        <EdgeBadge id={props.id} labelX={labelX} labelY={labelY} />
      </EdgeLabelRenderer>
    </>
  );
});

const CheckedEdge = memo(function CheckedEdge(props: EdgeProps<LinkEdge>) {
  const [path, labelX, labelY] = edgePath(props);
  return (
    <>
      <EdgeLine props={props} path={path} labelX={labelX} labelY={labelY} />
      <EdgeLabelRenderer>
        <EdgeBadge id={props.id} labelX={labelX} labelY={labelY} />
      </EdgeLabelRenderer>
    </>
  );
});

/** The designer canvas's edge types: `insertable` on a draft, `checked` when read-only. */
export const editEdgeTypes: EdgeTypes = { insertable: InsertEdge, checked: CheckedEdge };
