/**
 * The approval view (the DingTalk-style builder) of a definition: cards top to bottom, a "+"
 * between them, condition branches as columns with their priority and a default, parallel
 * branches that merge. Drawn from {@link definitionToBlockTree}; edits go through
 * {@link ./tree-edits.ts} to the same definition the graph view edits.
 *
 * @module
 */
import {
  ArrowLeftOutlined,
  ArrowRightOutlined,
  BranchesOutlined,
  CloseOutlined,
  ExportOutlined,
  PlusOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ProcessDefinition, ProcessNode } from '@baton/definition';
import { signerBadge } from './signers.ts';
import { Button, Dropdown, type MenuProps } from 'antd';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { deadlineText, localizedText, ownerText } from '../describe.ts';
import { kindIcons } from '../flow-nodes.tsx';
import {
  type Block,
  type Branch,
  definitionToBlockTree,
  isSplit,
  type OpaqueBlock,
  type Sequence,
  type SplitBlock,
} from './block-tree.ts';
import {
  addBranch,
  canDeleteBranch,
  canDeleteStep,
  deleteBranch,
  deleteStep,
  type InsertableStep,
  insertAt,
  moveBranch,
  placeholderCondition,
} from './tree-edits.ts';
import type { DefinitionChange, DesignerViewProps } from './view-props.ts';
import './views.css';

/** The approval view's props: the shared view props, and where "open in the graph view" goes. */
export interface ApprovalViewProps extends DesignerViewProps {
  /** Shows these nodes in the graph view (an opaque block's button). */
  onOpenGraph: (nodeIds: string[]) => void;
}

interface Context {
  definition: ProcessDefinition;
  byId: Map<string, ProcessNode>;
  locale: Language;
  onChange?: DefinitionChange;
  selected: ReadonlySet<string>;
  onSelect: (ids: string[]) => void;
  onOpenGraph: (ids: string[]) => void;
  /** The "+" buttons' label. */
  insertLabel: string;
  /** Opens the insert menu for `slot` at `button`. */
  openInsert: (slot: string[], button: HTMLElement) => void;
}

function nameOf(ctx: Context, id: string): string {
  return localizedText(ctx.byId.get(id)?.name, ctx.locale, id);
}

/** The "+" between two cards: a menu of what to insert there. */
function AddButton({ ctx, slot }: { ctx: Context; slot: string[] }) {
  const onChange = ctx.onChange;
  if (!onChange || slot.length === 0) return <div className="av-gap" />;
  // A plain button (hundreds of them on a large process); one shared menu opens at the clicked one.
  return (
    <div className="av-gap">
      <button
        type="button"
        className="av-add"
        aria-label={ctx.insertLabel}
        title={ctx.insertLabel}
        aria-haspopup="menu"
        data-slot={slot.join(' ')}
        onClick={(e) => ctx.openInsert(slot, e.currentTarget)}
      >
        <PlusOutlined />
      </button>
    </div>
  );
}

/** The one "+" menu of the view, opened at the "+" clicked. */
function InsertMenu({
  at,
  onClose,
  onChange,
  onSelect,
}: {
  at: { slot: string[]; x: number; y: number };
  onClose: () => void;
  onChange: DefinitionChange;
  onSelect: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const labels: Record<InsertableStep, string> = {
    approval: t('views.tree.insertApproval'),
    automatic: t('views.tree.insertAutomatic'),
    exclusive: t('views.tree.insertExclusive'),
    parallel: t('views.tree.insertParallel'),
  };
  const items: MenuProps['items'] = (Object.keys(labels) as InsertableStep[]).map((kind) => ({
    key: kind,
    label: labels[kind],
    icon:
      kind === 'approval' ? <TeamOutlined /> : kind === 'automatic' ? kindIcons.automaticTask : <BranchesOutlined />,
  }));
  const onClick: MenuProps['onClick'] = ({ key }) => {
    let inserted: string | undefined;
    onChange(
      (def) => {
        const result = insertAt(def, at.slot, key as InsertableStep);
        inserted = result.nodeId;
        return result.definition;
      },
      {
        key: 'views.tree.insertHistory',
        values: { kind: { key: `views.tree.insert${key.charAt(0).toUpperCase()}${key.slice(1)}` } },
      },
    );
    onClose();
    if (inserted !== undefined) onSelect([inserted]);
  };
  return (
    <Dropdown open menu={{ items, onClick }} onOpenChange={(open) => !open && onClose()} trigger={['click']}>
      <span className="av-menu-anchor" style={{ left: at.x, top: at.y }} />
    </Dropdown>
  );
}

function StepCard({ ctx, id, kind }: { ctx: Context; id: string; kind: 'start' | 'step' | 'end' }) {
  const { t } = useTranslation();
  const node = ctx.byId.get(id);
  if (!node) return null;
  const selected = ctx.selected.has(id);
  const select = () => ctx.onSelect([id]);
  if (kind === 'end')
    return (
      <button type="button" className={`av-end${selected ? ' is-selected' : ''}`} onClick={select} data-node={id}>
        {kindIcons.end} {nameOf(ctx, id)} · {t('views.tree.end')}
      </button>
    );
  const owner = node.owner ? ownerText(node.owner, ctx.locale) : undefined;
  const deadline = deadlineText(node.deadline, ctx.locale);
  const badge = node.type === 'userTask' ? signerBadge(node) : undefined;
  const onChange = ctx.onChange;
  return (
    <div
      className={`av-card av-card-${node.type}${selected ? ' is-selected' : ''}`}
      data-node={id}
      role="button"
      tabIndex={0}
      onClick={select}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select();
        }
      }}
    >
      <div className="av-card-head">
        <span className="av-card-icon" role="img" aria-label={t(`designer.kinds.${node.type}`)}>
          {kindIcons[node.type]}
        </span>
        <span className="av-card-title" title={nameOf(ctx, id)}>
          {nameOf(ctx, id)}
        </span>
        {onChange && kind === 'step' && canDeleteStep(ctx.definition, id) && (
          <button
            title={t('views.tree.deleteStep')}
            type="button"
            className="av-icon-button"
            aria-label={t('views.tree.deleteStep')}
            onClick={(e) => {
              e.stopPropagation();
              onChange((def) => deleteStep(def, id), {
                key: 'views.tree.deleteStepHistory',
                values: { name: nameOf(ctx, id) },
              });
              ctx.onSelect([]);
            }}
          >
            <CloseOutlined />
          </button>
        )}
      </div>
      <div className="av-card-body">
        {kind === 'start' && <div>{t('views.tree.start')}</div>}
        {owner !== undefined && <div title={owner}>{owner}</div>}
        {deadline !== undefined && <div className="av-muted">{deadline}</div>}
        {node.trigger && <div className="av-mono">{node.trigger.condition}</div>}
        {badge && <span className="av-badge">{t(`views.tree.signers.${badge.kind}`, { n: badge.n ?? '' })}</span>}
      </div>
    </div>
  );
}

function OpaqueCard({ ctx, block }: { ctx: Context; block: OpaqueBlock }) {
  const { t } = useTranslation();
  const edges = block.edgeIds
    .map((id) => {
      const edge = ctx.definition.edges.find((e) => e.id === id);
      return edge ? localizedText(edge.name, ctx.locale, id) : id;
    })
    .join(', ');
  const names = block.nodeIds.map((id) => nameOf(ctx, id));
  return (
    <div className="av-opaque" data-opaque={block.entryId}>
      <div className="av-opaque-title">{t('views.tree.opaqueTitle')}</div>
      <div className="av-opaque-why">{t(`views.tree.reasons.${block.reason}`, { edges })}</div>
      <div className="av-opaque-names" title={names.join(' → ')}>
        <span>{t('views.tree.steps', { count: names.length })}</span>
        {names.map((name, i) => (
          <span key={block.nodeIds[i]} className="av-opaque-name">
            {name}
          </span>
        ))}
      </div>
      <Button size="small" icon={<ExportOutlined />} onClick={() => ctx.onOpenGraph(block.nodeIds)}>
        {t('views.tree.openInGraph')}
      </Button>
    </div>
  );
}

function BranchHead({ ctx, block, branch, index }: { ctx: Context; block: SplitBlock; branch: Branch; index: number }) {
  const { t } = useTranslation();
  const onChange = ctx.onChange;
  const exclusive = block.kind === 'exclusive';
  const edge = ctx.definition.edges.find((e) => e.id === branch.edgeId);
  const label = edge?.name ? localizedText(edge.name, ctx.locale, '') : '';
  const conditional = block.branches.filter((b) => !b.isDefault);
  const place = conditional.indexOf(branch);
  const title = !exclusive
    ? t('views.tree.parallelBranch', { n: index + 1 })
    : branch.isDefault
      ? t('views.tree.otherwise')
      : t('views.tree.priority', { n: branch.priority ?? index + 1 });
  const condition =
    !exclusive || branch.isDefault
      ? undefined
      : branch.condition === undefined
        ? t('views.tree.noCondition')
        : branch.condition.trim() === placeholderCondition
          ? t('views.tree.placeholderCondition')
          : branch.condition;
  const move = (delta: -1 | 1) =>
    onChange?.((def) => moveBranch(def, block.gatewayId, branch.edgeId, delta), {
      key: delta < 0 ? 'views.tree.moveUp' : 'views.tree.moveDown',
    });
  return (
    <div className={`av-branch-head${exclusive ? '' : ' is-parallel'}`} data-edge={branch.edgeId}>
      <div className="av-branch-title">
        <span>{title}</span>
        {onChange && exclusive && !branch.isDefault && (
          <span className="av-branch-tools">
            <button
              title={t('views.tree.moveUp')}
              type="button"
              className="av-icon-button"
              aria-label={t('views.tree.moveUp')}
              disabled={place <= 0}
              onClick={() => move(-1)}
            >
              <ArrowLeftOutlined />
            </button>
            <button
              title={t('views.tree.moveDown')}
              type="button"
              className="av-icon-button"
              aria-label={t('views.tree.moveDown')}
              disabled={place < 0 || place >= conditional.length - 1}
              onClick={() => move(1)}
            >
              <ArrowRightOutlined />
            </button>
          </span>
        )}
        {onChange && canDeleteBranch(ctx.definition, block, branch.edgeId) && (
          <button
            title={t('views.tree.deleteBranch')}
            type="button"
            className="av-icon-button"
            aria-label={t('views.tree.deleteBranch')}
            onClick={() =>
              onChange((def) => deleteBranch(def, block, branch.edgeId), { key: 'views.tree.deleteBranch' })
            }
          >
            <CloseOutlined />
          </button>
        )}
      </div>
      {label !== '' && <div className="av-branch-label">{label}</div>}
      {condition !== undefined && (
        <div
          className={`av-mono${branch.condition?.trim() === placeholderCondition ? ' av-warn' : ''}`}
          title={condition}
        >
          {condition}
        </div>
      )}
    </div>
  );
}

function SplitView({ ctx, block }: { ctx: Context; block: SplitBlock }) {
  const { t } = useTranslation();
  const onChange = ctx.onChange;
  const exclusive = block.kind === 'exclusive';
  const ordered = [...block.branches].sort((a, b) => Number(a.isDefault) - Number(b.isDefault));
  return (
    <div className={`av-split av-split-${block.kind}`} data-node={block.gatewayId}>
      <div className="av-split-top">
        <button type="button" className="av-split-name" onClick={() => ctx.onSelect([block.gatewayId])}>
          {kindIcons[exclusive ? 'exclusiveGateway' : 'parallelGateway']} {nameOf(ctx, block.gatewayId)}
        </button>
        {onChange && (
          <Button
            size="small"
            className="av-add-branch"
            onClick={() => {
              let added: string | undefined;
              const label = { key: exclusive ? 'views.tree.addCondition' : 'views.tree.addBranch' };
              onChange((def) => {
                const result = addBranch(def, block);
                added = result.nodeId;
                return result.definition;
              }, label);
              if (added !== undefined) ctx.onSelect([added]);
            }}
          >
            {exclusive ? t('views.tree.addCondition') : t('views.tree.addBranch')}
          </Button>
        )}
      </div>
      <div className="av-branches">
        {ordered.map((branch, i) => (
          <div className="av-branch" key={branch.edgeId}>
            {i === 0 && <span className="av-cover av-cover-tl" />}
            {i === 0 && <span className="av-cover av-cover-bl" />}
            {i === ordered.length - 1 && <span className="av-cover av-cover-tr" />}
            {i === ordered.length - 1 && <span className="av-cover av-cover-br" />}
            <BranchHead ctx={ctx} block={block} branch={branch} index={block.branches.indexOf(branch)} />
            <SequenceView ctx={ctx} sequence={branch.sequence} inBranch />
          </div>
        ))}
      </div>
      {block.joinId !== undefined ? (
        <button
          type="button"
          className="av-merge"
          onClick={() => ctx.onSelect([block.joinId!])}
          title={nameOf(ctx, block.joinId)}
        >
          {t('views.tree.merged')}
        </button>
      ) : null}
    </div>
  );
}

function BlockView({ ctx, block }: { ctx: Context; block: Block }) {
  if (block.kind === 'opaque') return <OpaqueCard ctx={ctx} block={block} />;
  if (isSplit(block)) return <SplitView ctx={ctx} block={block} />;
  return <StepCard ctx={ctx} id={block.nodeId} kind={block.kind} />;
}

function SequenceView({ ctx, sequence, inBranch = false }: { ctx: Context; sequence: Sequence; inBranch?: boolean }) {
  const last = sequence.slots[sequence.slots.length - 1]!;
  return (
    <div className="av-seq">
      {sequence.blocks.map((block, i) => (
        <div
          className="av-seq-item"
          key={block.kind === 'opaque' ? `o:${block.entryId}` : isSplit(block) ? block.gatewayId : block.nodeId}
        >
          {(i > 0 || inBranch) && <AddButton ctx={ctx} slot={sequence.slots[i]!} />}
          <BlockView ctx={ctx} block={block} />
        </div>
      ))}
      {sequence.blocks.length === 0 ? (
        <AddButton ctx={ctx} slot={sequence.slots[0]!} />
      ) : (
        last.length > 0 && <AddButton ctx={ctx} slot={last} />
      )}
      {inBranch && <div className="av-seq-fill" />}
    </div>
  );
}

/** The approval view. Read-only without `onChange`. */
export const ApprovalView = memo(function ApprovalView({
  definition,
  onChange,
  selection,
  onSelect,
  onOpenGraph,
}: ApprovalViewProps) {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const tree = useMemo(() => definitionToBlockTree(definition), [definition]);
  const root = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ slot: string[]; x: number; y: number }>();
  const openInsert = useCallback((slot: string[], button: HTMLElement) => {
    const box = root.current?.getBoundingClientRect();
    const at = button.getBoundingClientRect();
    if (box) setMenu({ slot, x: at.left - box.left + at.width / 2, y: at.bottom - box.top });
  }, []);
  const insertLabel = t('views.tree.insert');
  const ctx: Context = useMemo(
    () => ({
      definition,
      byId: new Map(definition.nodes.map((n) => [n.id, n])),
      locale,
      ...(onChange ? { onChange } : {}),
      selected: new Set(selection),
      onSelect,
      onOpenGraph,
      insertLabel,
      openInsert,
    }),
    [definition, locale, onChange, selection, onSelect, onOpenGraph, insertLabel, openInsert],
  );
  return (
    <div className="av-tree" role="region" aria-label={t('views.tree.region')} data-testid="approval-view" ref={root}>
      {menu && onChange && (
        <InsertMenu
          key={menu.slot.join(' ')}
          at={menu}
          onClose={() => setMenu(undefined)}
          onChange={onChange}
          onSelect={onSelect}
        />
      )}
      {tree.root.blocks.length === 0 ? (
        <div className="av-empty-branch">{t('views.tree.empty')}</div>
      ) : (
        <SequenceView ctx={ctx} sequence={tree.root} />
      )}
      {tree.unplaced.length > 0 && (
        <div className="av-unplaced">
          {t('views.tree.unplaced', { names: tree.unplaced.map((id) => nameOf(ctx, id)).join(', ') })}
        </div>
      )}
    </div>
  );
});
