import type { ProcessDefinition } from '@baton/definition';
import { type BatonClient, createClient } from '@baton/client';
import { buildApp } from '@baton/server/src/app.ts';
import { type BatonDatabase, createDatabase } from '@baton/server/src/db/database.ts';
import { migrateToLatest } from '@baton/server/src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '@baton/server/src/seed/demo-data.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupKey, type DraftStorage, DraftSaver, type SaveStatus } from './autosave.ts';
import { addNode, moveNodes, newNode, usedIds } from './edits.ts';
import { EditorStore } from './store.ts';

// The saver against the real server (in-memory PGlite), through the real client.

const password = 'autosave-password-1';
let database: BatonDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let client: BatonClient;

const draft = (key: string): ProcessDefinition => ({
  schemaVersion: 1,
  key,
  name: { en: key, 'zh-CN': key },
  nodes: [
    { id: 'start', type: 'start', layout: { x: 0, y: 0 } },
    { id: 'end', type: 'end', layout: { x: 400, y: 0 } },
  ],
  edges: [{ id: 'e1', from: 'start', to: 'end' }],
});

/** A storage like the browser's localStorage, in memory. */
class MemoryStorage implements DraftStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

beforeAll(async () => {
  database = await createDatabase({ pgliteDir: null });
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, password);
  app = await buildApp({ database, config: { sessionSecret: 'autosave-secret-0123456789abcdef', logLevel: 'warn' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  client = createClient({ baseUrl: `http://127.0.0.1:${address.port}`, fetch: (url, init) => fetch(url, init) });
  await client.login('owner', password);
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function openDraft(key: string) {
  await client.createModel({ key, name: { en: key, 'zh-CN': key } });
  return client.createVersion(key, { definition: draft(key), state: 'current' });
}

/** A client whose every request fails as a lost connection does. */
const offline = (): BatonClient =>
  createClient({ baseUrl: 'http://127.0.0.1:9', fetch: () => Promise.reject(new TypeError('offline')) });

function saverFor(
  version: Awaited<ReturnType<typeof openDraft>>,
  storage = new MemoryStorage(),
  through: BatonClient = client,
) {
  const store = new EditorStore(version.definition as unknown as ProcessDefinition, { openedLabel: 'opened' });
  const saver = new DraftSaver({
    store,
    client: through,
    storage,
    key: version.modelKey,
    version,
    delayMs: 5,
    restoredLabel: 'restored',
    reloadedLabel: 'reloaded',
  });
  return { store, saver, storage };
}

const settled = (saver: DraftSaver, kinds: SaveStatus['kind'][]) =>
  expect
    .poll(() => saver.getStatus().kind, { timeout: 5000, interval: 10 })
    .toSatisfy((k: SaveStatus['kind']) => kinds.includes(k));

const move = (store: EditorStore, id: string, x: number, y: number) =>
  store.apply((d) => moveNodes(d, new Map([[id, { x, y }]])), 'move');

describe('autosave of a draft', () => {
  it('saves a moment after an edit, and an undo back to what is saved needs no save', async () => {
    const version = await openDraft('autosave-a');
    const { store, saver, storage } = saverFor(version);
    saver.start();
    // Undone before the pause ends: back to what the server has, nothing to send.
    move(store, 'end', 480, 20);
    expect(saver.getStatus().kind).toBe('pending');
    store.undo();
    expect(saver.getStatus().kind).toBe('saved');
    expect(saver.hasUnsaved()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await client.getVersion('autosave-a', version.number)).updatedAt).toBe(version.updatedAt);

    store.redo();
    expect(saver.getStatus().kind).toBe('pending');
    await settled(saver, ['saved']);
    const saved = await client.getVersion('autosave-a', version.number);
    expect((saved.definition as unknown as ProcessDefinition).nodes[1]?.layout).toEqual({ x: 480, y: 20 });
    expect(saved.updatedAt).not.toBe(version.updatedAt);
    expect(storage.items.size).toBe(0);
    saver.dispose();
  });

  it('saves a half-drawn draft with its problems, so nothing stays only in the browser', async () => {
    const version = await openDraft('autosave-b');
    const { store, saver, storage } = saverFor(version);
    saver.start();
    store.apply((d) => addNode(d, newNode('userTask', { x: 200, y: 200 }, usedIds(d))), 'add');
    await settled(saver, ['saved']);
    expect(storage.items.size).toBe(0);
    const stored = await client.getVersion('autosave-b', version.number);
    expect((stored.definition as unknown as ProcessDefinition).nodes.map((n) => n.id)).toEqual([
      'start',
      'end',
      'task',
    ]);
    expect(stored.issues.filter((i) => i.severity !== 'warning').length).toBeGreaterThanOrEqual(2);
    saver.dispose();
  });

  it('stops the second of two savers of one draft with a conflict, and each choice keeps what it says', async () => {
    const version = await openDraft('autosave-c');
    const a = saverFor(version);
    const b = saverFor(version);
    a.saver.start();
    b.saver.start();
    move(a.store, 'end', 500, 0);
    await settled(a.saver, ['saved']);
    move(b.store, 'start', 0, 100);
    await settled(b.saver, ['conflict']);
    const onServer = async () =>
      (await client.getVersion('autosave-c', version.number)).definition as unknown as ProcessDefinition;
    expect((await onServer()).nodes.map((n) => n.layout)).toEqual([
      { x: 0, y: 0 },
      { x: 500, y: 0 },
    ]);
    // Nothing is saved while the conflict waits, but the edit is kept in the browser.
    move(b.store, 'start', 0, 120);
    expect(b.storage.items.has(backupKey('autosave-c', version.number))).toBe(true);

    await b.saver.resolve('overwrite');
    await settled(b.saver, ['saved']);
    expect((await onServer()).nodes.map((n) => n.layout)).toEqual([
      { x: 0, y: 120 },
      { x: 400, y: 0 },
    ]);

    move(a.store, 'end', 520, 0);
    await settled(a.saver, ['conflict']);
    const created = await a.saver.resolve('newDraft');
    expect(created).toBe(version.number + 1);
    const copy = (await client.getVersion('autosave-c', created!)).definition as unknown as ProcessDefinition;
    expect(copy.nodes[1]?.layout).toEqual({ x: 520, y: 0 });

    move(b.store, 'end', 300, 0);
    await settled(b.saver, ['saved']);
    move(a.store, 'start', 0, 40);
    // a is now on version 1 still but its base is old: reload takes theirs and a new history.
    await settled(a.saver, ['conflict']);
    await a.saver.resolve('reload');
    expect(a.store.getState().definition.nodes[1]?.layout).toEqual({ x: 300, y: 0 });
    expect(a.store.getState().history.entries.map((e) => e.label)).toEqual(['reloaded']);
    a.saver.dispose();
    b.saver.dispose();
  });

  it('restores a copy left in the browser: as an undo step when the draft is unchanged, else as a conflict', async () => {
    const version = await openDraft('autosave-d');
    // The connection drops while saving: the edit stays in the browser.
    const first = saverFor(version, new MemoryStorage(), offline());
    first.saver.start();
    first.store.apply((d) => addNode(d, newNode('userTask', { x: 200, y: 200 }, usedIds(d))), 'add');
    await settled(first.saver, ['failed']);
    first.saver.dispose();

    const again = saverFor(version, first.storage, offline());
    again.saver.start();
    expect(again.store.getState().definition.nodes.map((n) => n.id)).toEqual(['start', 'end', 'task']);
    expect(again.store.getState().history.entries.map((e) => e.label)).toEqual(['opened', 'restored']);
    await settled(again.saver, ['failed']);
    again.saver.dispose();

    const changed = await client.updateVersion('autosave-d', version.number, {
      definition: { ...draft('autosave-d'), name: { en: 'changed' } },
    });
    const later = saverFor(changed, first.storage);
    later.saver.start();
    expect(later.saver.getStatus().kind).toBe('conflict');
    expect(later.store.getState().definition.nodes.map((n) => n.id)).toEqual(['start', 'end', 'task']);
    later.saver.dispose();
  });
});
