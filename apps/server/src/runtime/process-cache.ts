import type { Kysely } from 'kysely';
import type { CalendarSpec, Owner, ProcessDefinition, ProcessNode } from '@baton/definition';
import { type CompiledProcess, compileProcess } from '@baton/engine';
import type { Database } from '../db/schema.ts';
import { type FormValidator, compileFormValidator } from '../http/form-validator.ts';

/** A published version prepared for the run loop: compiled once, then shared by every instance on it. */
export interface LoadedVersion {
  versionId: number;
  versionNumber: number;
  modelId: number;
  modelKey: string;
  process: CompiledProcess;
  definition: ProcessDefinition;
  /** Checks start data against the definition's `data` schema (paths under `/data`). */
  validateData: FormValidator;
  /** The form validator of a user task (paths under `/output`); created on first use. */
  outputValidator(nodeId: string): FormValidator;
  /** Round-robin cursor keys the definition's owners can advance (`rr:<role>:<team|*>`). */
  roundRobinKeys: string[];
  /** Whether an owner uses `leastLoaded` (then the directory needs open task counts). */
  usesLeastLoaded: boolean;
}

/**
 * Compiled processes by version id. Published versions are immutable, so an entry never goes
 * stale; the cache keeps the most recently used `capacity` versions.
 */
export class ProcessCache {
  private readonly entries = new Map<number, LoadedVersion>();

  /** `calendars`: business calendars besides (or replacing) the shipped ones, for `compileProcess`. */
  constructor(
    private readonly capacity = 200,
    private calendars: readonly CalendarSpec[] = [],
  ) {}

  /**
   * Switches to new business calendars (a year's schedule was added or corrected): every cached
   * version is compiled again on its next use, so deadlines counted from now on honour them.
   */
  replaceCalendars(calendars: readonly CalendarSpec[]): void {
    this.calendars = calendars;
    this.entries.clear();
  }

  /** Returns the compiled version, loading and compiling it (through `db`, e.g. the caller's transaction) on a miss. */
  async get(db: Kysely<Database>, versionId: number): Promise<LoadedVersion> {
    const hit = this.entries.get(versionId);
    if (hit) {
      this.entries.delete(versionId);
      this.entries.set(versionId, hit);
      return hit;
    }
    const row = await db
      .selectFrom('process_versions')
      .innerJoin('process_models', 'process_models.id', 'process_versions.model_id')
      .select([
        'process_versions.id',
        'process_versions.number',
        'process_versions.definition',
        'process_models.id as model_id',
        'process_models.key as model_key',
      ])
      .where('process_versions.id', '=', versionId)
      .executeTakeFirst();
    if (!row)
      throw new Error(
        `Process version ${versionId} does not exist; an instance points at a deleted version. Restore the version row.`,
      );
    const loaded = loadVersion({
      versionId: row.id,
      versionNumber: row.number,
      modelId: row.model_id,
      modelKey: row.model_key,
      definition: row.definition,
      calendars: this.calendars,
    });
    this.entries.set(versionId, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loaded;
  }
}

/** Compiles a version row's definition with the validators and owner facts the run loop needs. */
function loadVersion(row: {
  versionId: number;
  versionNumber: number;
  modelId: number;
  modelKey: string;
  definition: unknown;
  calendars: readonly CalendarSpec[];
}): LoadedVersion {
  const { versionId, versionNumber, modelId, modelKey } = row;
  const process = compileProcess(row.definition, { calendars: row.calendars });
  const definition = process.definition;
  const validators = new Map<string, FormValidator>();
  const owners = collectOwners(definition.nodes);
  const roundRobinKeys = [
    ...new Set(owners.filter((o) => o.type === 'roundRobin').map((o) => `rr:${o.role}:${o.team ?? '*'}`)),
  ].sort();
  return {
    versionId,
    versionNumber,
    modelId,
    modelKey,
    process,
    definition,
    validateData: compileFormValidator(definition.data, '/data', false),
    outputValidator(nodeId) {
      let validator = validators.get(nodeId);
      if (!validator) {
        const node = process.nodes.get(nodeId)?.node;
        validator = compileFormValidator(node?.outputs ?? null, '/output', true);
        validators.set(nodeId, validator);
      }
      return validator;
    },
    roundRobinKeys,
    usesLeastLoaded: owners.some((o) => o.type === 'leastLoaded'),
  };
}

/** Every owner a definition names, fallbacks, byField branches and escalation targets included. */
function collectOwners(nodes: readonly ProcessNode[]): Owner[] {
  const out: Owner[] = [];
  const visit = (owner: Owner | undefined, depth: number): void => {
    if (!owner || depth > 16) return;
    out.push(owner);
    visit(owner.fallback, depth + 1);
    if (owner.type === 'byField') {
      for (const next of Object.values(owner.map)) visit(next, depth + 1);
      visit(owner.default, depth + 1);
    }
  };
  for (const node of nodes) {
    visit(node.owner, 0);
    for (const rung of node.deadline?.escalations ?? []) {
      if (rung.action.type === 'notify' || rung.action.type === 'reassign') visit(rung.action.to, 0);
    }
    if (node.type === 'subProcess') out.push(...collectOwners(node.nodes));
  }
  return out;
}
