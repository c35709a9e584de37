/**
 * `@baton/engine`: the pure, deterministic process engine. `compileProcess` once per version,
 * then `step(process, snapshot, command, { now })` for every command. No I/O, no clock.
 *
 * @module
 */
export { compileProcess } from './compile.ts';
export type { CompiledNode, CompiledProcess, CompileOptions } from './compile.ts';
export { MAX_MOVES_PER_STEP, durationMs, readPath, step } from './step.ts';
export { isCandidate, managerOf, resolveOwner } from './assign.ts';
export { MAX_SIGNERS, neededApprovals, resolveSigners } from './signers.ts';
export type { SignerContext } from './signers.ts';
export { awaitedEvents } from './awaited-events.ts';
export { migrateInstance, proposeMapping } from './migrate.ts';
export type { MappingRow, MigrateEnv, MigrateResult, MigrationMapping, MigrationProblem } from './migrate.ts';
export type { Assignment, AssignmentContext } from './assign.ts';
export { EngineFault, engineErrorCodes } from './errors.ts';
export type { EngineErrorCode } from './errors.ts';
export type {
  Actor,
  Candidates,
  Command,
  CommandType,
  Directory,
  Effect,
  EngineError,
  HistoryEvent,
  HistoryType,
  Incident,
  Instant,
  InstanceSnapshot,
  SignerGroup,
  SignerSlot,
  SignerStage,
  StepEnv,
  StepResult,
  TaskState,
  TaskView,
  TimerState,
  Token,
  TokenWait,
} from './types.ts';
