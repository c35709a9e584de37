/**
 * The editable canvas's edge: the usual step path with a "+" at its middle that inserts a step
 * there, as approval builders do. Memoised; it reads the editor store only when clicked.
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
import { kindIcons } from '../flow-nodes.tsx';
import { insertKind, paletteKinds } from './actions.ts';
import { useEditorStore } from './store.ts';

const insertableKinds = paletteKinds.filter((k) => k !== 'start' && k !== 'end');

const InsertEdge = memo(function InsertEdge(props: EdgeProps<LinkEdge>) {
  const { t } = useTranslation();
  const store = useEditorStore();
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
  const hasLabel = props.label !== undefined && props.label !== null && props.label !== '';
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd !== undefined ? { markerEnd: props.markerEnd } : {})}
        {...(props.style !== undefined ? { style: props.style } : {})}
        {...(hasLabel
          ? { label: props.label, labelX, labelY: labelY - 18, labelBgPadding: [4, 2] as [number, number] }
          : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
      />
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
      </EdgeLabelRenderer>
    </>
  );
});

/** The editable canvas's edge types. */
export const editEdgeTypes: EdgeTypes = { insertable: InsertEdge };
