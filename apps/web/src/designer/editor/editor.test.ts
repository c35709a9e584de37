import type { ProcessDefinition, ProcessNode } from '@baton/definition';
import { validateDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { definitionToFlow, stepData } from '../definition-to-flow.ts';
import { matchKinds } from './actions.ts';
import { copyFragment, parseFragment, pasteFragment } from './clipboard.ts';
import {
  addNode,
  connect,
  insertGap,
  insertOnEdge,
  moveNodes,
  newNode,
  patchNode,
  reconnect,
  removeElements,
  usedIds,
  withLayout,
} from './edits.ts';
import {
  canRedo,
  canUndo,
  currentDefinition,
  type HistoryLabel,
  historyLimit,
  jumpTo,
  record,
  redo,
  startHistory,
  undo,
} from './history.ts';
import { labelText } from './labels.ts';
import { reconcileEdges, reconcileNodes } from './reconcile.ts';
import { EditorStore } from './store.ts';

const base: ProcessDefinition = {
  schemaVersion: 1,
  key: 'quote',
  name: { en: 'Quote', 'zh-CN': '报价' },
  nodes: [
    { id: 'start', type: 'start', layout: { x: 0, y: 0 } },
    { id: 'review', type: 'userTask', owner: { type: 'role', role: 'sales' }, layout: { x: 180, y: 0 } },
    { id: 'end', type: 'end', layout: { x: 360, y: 0 } },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'review' },
    { id: 'e2', from: 'review', to: 'end' },
  ],
};

describe('the undo history', () => {
  it('records steps, undoes and redoes them, and drops the undone steps on a new edit', () => {
    const a = addNode(base, newNode('timer', { x: 10, y: 10 }, usedIds(base)));
    const b = removeElements(a, ['review']);
    let h = record(record(startHistory(base, 'opened'), a, 'add'), b, 'delete');
    expect(h.entries.map((e) => e.label)).toEqual(['opened', 'add', 'delete']);
    h = undo(h);
    expect(currentDefinition(h)).toBe(a);
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(currentDefinition(h)).toBe(b);
    h = record(undo(undo(h)), a, 'add again');
    expect(h.entries.map((e) => e.label)).toEqual(['opened', 'add again']);
    expect(canRedo(h)).toBe(false);
    expect(currentDefinition(jumpTo(h, 0))).toBe(base);
    expect(canUndo(jumpTo(h, 0))).toBe(false);
  });

  it('makes one step of a burst of edits with the same key, and a new one after a pause or another key', () => {
    const names = ['Q', 'Qu', 'Quo', 'Quote'].map((en) => ({ ...base, name: { en } }));
    let h = startHistory(base, 'opened', 0);
    names.forEach((d, i) => (h = record(h, d, 'rename', { coalesce: 'name', now: 100 + i * 300 })));
    expect(h.entries).toHaveLength(2);
    expect(currentDefinition(h)).toBe(names[3]);
    h = record(h, base, 'rename', { coalesce: 'name', now: 5000 });
    expect(h.entries).toHaveLength(3);
    h = record(h, names[0]!, 'other', { coalesce: 'other', now: 5100 });
    expect(h.entries).toHaveLength(4);
  });

  it(`keeps at most ${historyLimit} steps and ignores edits that change nothing`, () => {
    let h = startHistory(base, 'opened');
    expect(record(h, base, 'nothing')).toBe(h);
    for (let i = 0; i < historyLimit + 10; i++) h = record(h, { ...base, name: { en: `v${i}` } }, `step ${i}`);
    expect(h.entries).toHaveLength(historyLimit);
    expect(h.entries.at(-1)!.label).toBe(`step ${historyLimit + 9}`);
  });
});

describe('the edits', () => {
  it('adds nodes with free ids and names in both languages, valid as far as the kind goes', () => {
    const taken = usedIds(base);
    const node = newNode('userTask', { x: 1.4, y: 2.6 }, taken);
    expect(node).toMatchObject({ id: 'task', name: { en: 'New task', 'zh-CN': '新任务' }, layout: { x: 1, y: 3 } });
    expect(newNode('end', { x: 0, y: 0 }, taken).id).toBe('end-2');
    const sub = newNode('subProcess', { x: 0, y: 0 }, taken);
    expect(sub.type === 'subProcess' && sub.nodes.map((n) => n.id)).toEqual(['sub-start', 'sub-end']);
  });

  it('inserts a step on an edge: the edge keeps its id, a new edge leads on, and later steps make room', () => {
    const timer = newNode('timer', { x: 0, y: 0 }, usedIds(base));
    const next = insertOnEdge(base, 'e2', timer);
    expect(next.edges).toEqual([
      { id: 'e1', from: 'start', to: 'review' },
      { id: 'e2', from: 'review', to: 'wait' },
      { id: 'e-wait-end', from: 'wait', to: 'end' },
    ]);
    expect(next.nodes.find((n) => n.id === 'wait')?.layout).toEqual({ x: 180 + insertGap, y: 0 });
    expect(next.nodes.find((n) => n.id === 'end')?.layout).toEqual({ x: 360 + insertGap, y: 0 });
    expect(next.nodes[0]).toBe(base.nodes[0]);
    expect(validateDefinition(next).ok).toBe(true);
    expect(insertOnEdge(base, 'nope', timer)).toBe(base);
  });

  it('connects, reconnects and deletes, refusing self-loops, duplicates, edges into a start or out of an end', () => {
    expect(connect(base, 'review', 'review')).toBe(base);
    expect(connect(base, 'start', 'review')).toBe(base);
    expect(connect(base, 'end', 'review')).toBe(base);
    expect(connect(base, 'review', 'start')).toBe(base);
    const looped = connect(base, 'review', 'review-2');
    expect(looped).toBe(base);
    const withEdge = connect(base, 'start', 'end');
    expect(withEdge.edges.at(-1)).toEqual({ id: 'e-start-end', from: 'start', to: 'end' });
    expect(reconnect(withEdge, 'e-start-end', 'start', 'review')).toBe(withEdge);
    const moved = reconnect(base, 'e2', 'start', 'end');
    expect(moved.edges[1]).toEqual({ id: 'e2', from: 'start', to: 'end' });
    const removed = removeElements(base, ['review']);
    expect(removed.nodes.map((n) => n.id)).toEqual(['start', 'end']);
    expect(removed.edges).toEqual([]);
    expect(removeElements(base, [], ['e1']).edges.map((e) => e.id)).toEqual(['e2']);
  });

  it('moves nodes to whole pixels, keeps untouched nodes, and fills in missing positions once', () => {
    const moved = moveNodes(base, new Map([['review', { x: 200.4, y: 40.6 }]]));
    expect(moved.nodes[1]?.layout).toEqual({ x: 200, y: 41 });
    expect(moved.nodes[0]).toBe(base.nodes[0]);
    expect(moveNodes(moved, new Map([['review', { x: 200, y: 41 }]]))).toBe(moved);
    const bare = { ...base, nodes: base.nodes.map(({ layout: _, ...n }) => n) } as ProcessDefinition;
    const laid = withLayout(bare);
    expect(laid.nodes.map((n) => n.layout?.x)).toEqual([0, 200, 400]);
    expect(withLayout(laid)).toBe(laid);
  });
});

describe('copy and paste', () => {
  it('copies nodes with the edges between them, and pastes them under free ids around a point', () => {
    const fragment = copyFragment(base, ['review', 'end'])!;
    expect(fragment.edges.map((e) => e.id)).toEqual(['e2']);
    const parsed = parseFragment(JSON.stringify(fragment));
    expect('fragment' in parsed).toBe(true);
    if (!('fragment' in parsed)) return;
    const { definition, nodeIds } = pasteFragment(base, parsed.fragment, { x: 1000, y: 500 });
    expect(nodeIds).toEqual(['review-2', 'end-2']);
    expect(definition.edges.at(-1)).toEqual({ id: 'e2-2', from: 'review-2', to: 'end-2' });
    expect(definition.nodes.slice(-2).map((n) => n.layout)).toEqual([
      { x: 910, y: 500 },
      { x: 1090, y: 500 },
    ]);
  });

  it('refuses clipboard text that is not a sound fragment, saying why', () => {
    expect(parseFragment('hello')).toEqual({ problem: 'notJson' });
    expect(parseFragment('{"nodes":[]}')).toEqual({ problem: 'notBaton' });
    const ok = copyFragment(base, ['review'])!;
    expect(parseFragment(JSON.stringify({ ...ok, nodes: [{ id: 'x', type: 'script' }] }))).toEqual({
      problem: 'badNode',
    });
    expect(parseFragment(JSON.stringify({ ...ok, nodes: [{ id: 'x', type: 'end', layout: { x: '1' } }] }))).toEqual({
      problem: 'badNode',
    });
    expect(parseFragment(JSON.stringify({ ...ok, edges: [{ id: 'e', from: 'review', to: 'elsewhere' }] }))).toEqual({
      problem: 'badEdge',
    });
  });
});

describe('the editor store', () => {
  it('applies functions and patches as undo steps, keeps selection out of the history, and ignores edits when read-only', () => {
    let now = 0;
    const store = new EditorStore(base, { openedLabel: 'opened', now: () => now });
    store.select({ nodes: ['review', 'ghost'] });
    expect(store.getState().selection).toEqual({ nodes: ['review'], edges: [] });
    expect(store.getState().history.entries).toHaveLength(1);
    store.apply({ node: 'review', patch: { name: { en: 'R' } } }, 'name', { coalesce: 'name:review' });
    now = 200;
    store.apply({ node: 'review', patch: { name: { en: 'Review' } } }, 'name', { coalesce: 'name:review' });
    store.apply({ edge: 'e2', patch: { name: { en: 'done' } } }, 'edge');
    expect(store.getState().history.entries.map((e) => e.label)).toEqual(['opened', 'name', 'edge']);
    store.apply((d) => removeElements(d, ['review']), 'delete');
    expect(store.getState().selection.nodes).toEqual([]);
    store.undo();
    expect(store.getState().definition.nodes[1]?.name).toEqual({ en: 'Review' });
    store.jumpTo(0);
    expect(store.getState().definition).toBe(base);
    store.reset(base, 'reloaded', true);
    store.apply({ node: 'review', patch: { owner: undefined } }, 'owner');
    expect(store.getState().definition).toBe(base);
    expect(store.getState().history.entries.map((e) => e.label)).toEqual(['reloaded']);
  });
});

describe('the canvas derivation', () => {
  it('keeps the node and edge objects an edit did not touch, with their measured size and selection', () => {
    const locale = 'en' as const;
    const first = definitionToFlow(base, { locale });
    const shown = reconcileNodes([], first.nodes).map((n) => ({
      ...n,
      measured: { width: 150, height: 40 },
      selected: n.id === 'review',
    }));
    const edges = reconcileEdges([], first.edges);
    const renamed = patchNode(base, 'review', { name: { en: 'Check' } });
    const next = definitionToFlow(renamed, { locale });
    const nodes = reconcileNodes(shown, next.nodes);
    expect(nodes[0]).toBe(shown[0]);
    expect(nodes[2]).toBe(shown[2]);
    expect(nodes[1]).not.toBe(shown[1]);
    expect(nodes[1]).toMatchObject({ data: { name: 'Check' }, measured: { width: 150, height: 40 }, selected: true });
    expect(reconcileEdges(edges, next.edges)).toBe(edges);
    expect(reconcileNodes(nodes, definitionToFlow(renamed, { locale }).nodes)).toBe(nodes);
  });

  it('shows a signer badge for a user task with signers (会签 when no policy is written), none for unknown policies', () => {
    const task = base.nodes[1]!;
    const withSigners = (signers: unknown) => ({ ...task, signers }) as unknown as ProcessNode;
    expect(stepData(withSigners({ policy: 'all', users: [] }), 'en').signers).toBe('all');
    expect(stepData(withSigners({ policy: 'any' }), 'zh-CN').signers).toBe('any');
    expect(stepData(withSigners({ from: [{ type: 'initiator' }] }), 'en').signers).toBe('all');
    expect(stepData(withSigners({ from: [{ type: 'initiator' }], policy: 'threshold' }), 'en').signers).toBe(
      'threshold',
    );
    expect(stepData(withSigners({ policy: 'most' }), 'en').signers).toBeUndefined();
    expect(stepData(withSigners('all'), 'en').signers).toBeUndefined();
    expect(stepData(task, 'en').signers).toBeUndefined();
  });

  it('finds node kinds from the keyboard by either language', () => {
    expect(matchKinds('parall')).toEqual(['parallelGateway']);
    expect(matchKinds('网关')).toEqual(['exclusiveGateway', 'parallelGateway']);
    expect(matchKinds('user task')).toEqual(['userTask']);
    expect(matchKinds('')).toHaveLength(9);
    expect(matchKinds('zzz')).toEqual([]);
  });
});

describe('history labels', () => {
  it('are translated when shown, so the history list follows a change of language', async () => {
    const i18next = (await import('i18next')).default;
    const { en } = await import('../../i18n/en.ts');
    const { zhCN } = await import('../../i18n/zh-cn.ts');
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'en', resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } } });
    const label: HistoryLabel = {
      key: 'editor.history.connect',
      values: {
        from: { text: { en: 'Review', 'zh-CN': '评审' }, fallback: 'review' },
        to: { text: undefined, fallback: 'end' },
      },
    };
    expect(labelText(label, i18n.t, 'en')).toBe('Connect Review → end');
    await i18n.changeLanguage('zh-CN');
    expect(labelText(label, i18n.t, 'zh-CN')).toBe('连接 评审 → end');
    expect(
      labelText({ key: 'editor.history.add', values: { kind: { key: 'designer.kinds.timer' } } }, i18n.t, 'zh-CN'),
    ).toBe(`添加${zhCN.designer.kinds.timer}`);
    expect(labelText('as given', i18n.t, 'en')).toBe('as given');
  });
});
