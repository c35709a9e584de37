/**
 * Autosave of a draft: a change is saved through `packages/client` a moment after the last edit;
 * a copy is kept in this browser until the server has it, so nothing is lost when a save fails or
 * the tab closes.
 *
 * Two people saving the same draft: before writing, the saver checks that the draft on the server
 * is still the one it last saw (its `updatedAt`); if someone else saved in between, or published
 * it, the save stops in `conflict` and the user chooses: reload theirs, overwrite with ours, or
 * save ours as a new draft. Never a silent loss. (The check and the write are two requests: a save
 * landing between them is not seen; a precondition on the server would close that window.)
 *
 * The states: `saved` (nothing unsaved) → `pending` (waiting for the pause) → `saving` → `saved`,
 * or `invalid` (the server refused the definition as no definition at all, e.g. a wrong key; a
 * draft with problems is stored, the server lists them and refuses only publishing),
 * `failed` (network or server; retried on the next edit or on request), `conflict`.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import { BatonApiError, type Version } from '@baton/client';
import type { HistoryLabel } from './history.ts';
import type { EditorStore } from './store.ts';

/** The client calls the saver needs. */
export interface SaverClient {
  getVersion(key: string, number: number): Promise<Version>;
  updateVersion(key: string, number: number, body: { definition: unknown }): Promise<Version>;
  createVersion(key: string, body: { definition: unknown; state: Version['state'] }): Promise<Version>;
}

/** Where the saver keeps the unsaved copy (the browser's `localStorage`). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where a draft stands. */
export type SaveStatus =
  | { kind: 'saved' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'invalid'; errors: number }
  | { kind: 'failed'; code: string }
  | { kind: 'conflict'; reason: 'changed' | 'published'; theirs: Version };

/** How a conflict is resolved. */
export type ConflictChoice = 'reload' | 'overwrite' | 'newDraft';

/** The pause after the last edit before saving, in ms. */
export const autosaveDelayMs = 800;

/** The storage key of the unsaved copy of draft `number` of model `key`. */
export const backupKey = (key: string, number: number): string => `baton:draft:${key}:${number}`;

interface Backup {
  base: string;
  definition: ProcessDefinition;
}

/** Saves the draft of one editor store; see the module comment. */
export class DraftSaver {
  private status: SaveStatus = { kind: 'saved' };
  private readonly listeners = new Set<() => void>();
  private saved: ProcessDefinition;
  private base: string;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly options: {
      store: EditorStore;
      client: SaverClient;
      storage: DraftStorage | undefined;
      key: string;
      version: Version;
      delayMs?: number;
      /** The history label of a restored unsaved copy. */
      restoredLabel: HistoryLabel;
      /** The history label of a reload. */
      reloadedLabel: HistoryLabel;
    },
  ) {
    this.saved = options.store.getState().definition;
    this.base = options.version.updatedAt;
  }

  /** Where the draft stands now. */
  getStatus = (): SaveStatus => this.status;

  /** Calls `listener` when the status changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setStatus(status: SaveStatus) {
    this.status = status;
    for (const l of [...this.listeners]) l();
  }

  private get backupKey() {
    return backupKey(this.options.key, this.options.version.number);
  }

  /**
   * Starts watching the store. An unsaved copy left in this browser is restored first: as an undo
   * step when the server's draft is still the one it was based on, else as a conflict.
   */
  start(): void {
    const { store, storage } = this.options;
    const raw = storage?.getItem(this.backupKey) ?? null;
    let backup: Backup | undefined;
    try {
      backup = raw === null ? undefined : (JSON.parse(raw) as Backup);
    } catch {
      backup = undefined;
    }
    this.unsubscribe = store.subscribe(() => this.changed());
    if (backup && typeof backup.base === 'string' && typeof backup.definition === 'object') {
      if (JSON.stringify(backup.definition) === JSON.stringify(this.saved)) storage?.removeItem(this.backupKey);
      else {
        const restored = backup.definition;
        store.apply(() => restored, this.options.restoredLabel);
        if (backup.base !== this.base) {
          this.cancelTimer();
          this.setStatus({ kind: 'conflict', reason: 'changed', theirs: this.options.version });
        }
      }
    }
  }

  /**
   * Stops watching. A pending save is sent at once (leaving the page does not wait for the pause),
   * and its copy stays in the browser until the server has it.
   */
  dispose(): void {
    this.unsubscribe?.();
    const pending = this.timer !== undefined;
    this.cancelTimer();
    if (pending && this.hasUnsaved()) void this.save();
  }

  /** True while something is not on the server. */
  hasUnsaved(): boolean {
    return this.options.store.getState().definition !== this.saved;
  }

  private cancelTimer() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed() {
    if (this.status.kind === 'conflict') {
      this.keepCopy();
      return;
    }
    if (!this.hasUnsaved()) {
      this.cancelTimer();
      if (!this.running) {
        this.options.storage?.removeItem(this.backupKey);
        this.setStatus({ kind: 'saved' });
      }
      return;
    }
    if (this.status.kind !== 'saving' && this.status.kind !== 'pending') this.setStatus({ kind: 'pending' });
    this.cancelTimer();
    this.timer = setTimeout(() => void this.save(), this.options.delayMs ?? autosaveDelayMs);
  }

  private keepCopy() {
    const backup: Backup = { base: this.base, definition: this.options.store.getState().definition };
    try {
      this.options.storage?.setItem(this.backupKey, JSON.stringify(backup));
    } catch {
      // A full storage only loses the local copy; the save itself goes on.
    }
  }

  /** Saves now (the pause skipped). */
  async save(): Promise<void> {
    this.cancelTimer();
    if (this.status.kind === 'conflict') return;
    if (this.running) {
      this.again = true;
      return;
    }
    const { client, key, version, store } = this.options;
    const definition = store.getState().definition;
    if (definition === this.saved) {
      this.options.storage?.removeItem(this.backupKey);
      this.setStatus({ kind: 'saved' });
      return;
    }
    this.running = true;
    this.keepCopy();
    this.setStatus({ kind: 'saving' });
    try {
      const server = await client.getVersion(key, version.number);
      if (server.status !== 'draft') {
        this.setStatus({ kind: 'conflict', reason: 'published', theirs: server });
        return;
      }
      if (server.updatedAt !== this.base) {
        this.setStatus({ kind: 'conflict', reason: 'changed', theirs: server });
        return;
      }
      const result = await client.updateVersion(key, version.number, { definition });
      this.base = result.updatedAt;
      this.saved = definition;
      if (store.getState().definition === definition) {
        this.options.storage?.removeItem(this.backupKey);
        this.setStatus({ kind: 'saved' });
      } else this.again = true;
    } catch (e) {
      if (e instanceof BatonApiError && e.code === 'API_INVALID_DEFINITION')
        this.setStatus({ kind: 'invalid', errors: e.issues.filter((i) => i.severity !== 'warning').length });
      else if (e instanceof BatonApiError && e.code === 'API_VERSION_NOT_DRAFT')
        this.setStatus({
          kind: 'conflict',
          reason: 'published',
          theirs: await client.getVersion(key, version.number).catch(() => version),
        });
      else this.setStatus({ kind: 'failed', code: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK' });
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      if (this.status.kind === 'saved' || this.status.kind === 'saving') {
        this.setStatus({ kind: 'pending' });
        await this.save();
      }
    }
  }

  /**
   * Resolves a conflict. `reload` replaces the draft with theirs (a new history); `overwrite`
   * saves ours over theirs; `newDraft` saves ours as a new draft version and returns its number.
   */
  async resolve(choice: ConflictChoice): Promise<number | undefined> {
    const status = this.status;
    if (status.kind !== 'conflict') return undefined;
    const { store, client, key } = this.options;
    if (choice === 'reload') {
      this.options.storage?.removeItem(this.backupKey);
      this.base = status.theirs.updatedAt;
      const theirs = status.theirs.definition as unknown as ProcessDefinition;
      this.saved = theirs;
      this.setStatus({ kind: 'saved' });
      store.reset(theirs, this.options.reloadedLabel, status.theirs.status !== 'draft');
      return undefined;
    }
    if (choice === 'overwrite') {
      if (status.reason === 'published') return undefined;
      this.base = status.theirs.updatedAt;
      this.setStatus({ kind: 'pending' });
      await this.save();
      return undefined;
    }
    const created = await client.createVersion(key, {
      definition: store.getState().definition,
      state: this.options.version.state,
    });
    this.options.storage?.removeItem(this.backupKey);
    this.saved = store.getState().definition;
    this.setStatus({ kind: 'saved' });
    return created.number;
  }
}
