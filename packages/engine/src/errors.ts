/**
 * The registry of engine error codes (`ENG_*`): rejected commands and incidents. `docs/errors.md`
 * has one row per code; a test keeps them in step. A retired code is never reused.
 *
 * @module
 */
export const engineErrorCodes = {
  ENG_INVALID_DEFINITION: {
    what: 'The definition given to compileProcess is not valid.',
    fix: 'Validate it with validateDefinition and fix every error first.',
  },
  ENG_ALREADY_STARTED: {
    what: 'A start command was sent to an instance that already exists.',
    fix: 'Send start only with no snapshot.',
  },
  ENG_NOT_STARTED: {
    what: 'A command other than start was sent without a snapshot.',
    fix: 'Start the instance first.',
  },
  ENG_INSTANCE_ENDED: {
    what: 'The instance has completed or was terminated; it takes no more commands.',
    fix: 'Start a new instance.',
  },
  ENG_TASK_NOT_FOUND: {
    what: 'No task with that id exists in this instance.',
    fix: 'Use a task id from the instance or the inbox.',
  },
  ENG_TASK_NOT_OPEN: {
    what: 'The task was already completed or cancelled (a stale or second completion).',
    fix: 'Reload the inbox; the work has moved on.',
  },
  ENG_TASK_ALREADY_CLAIMED: {
    what: 'Another user has claimed the task.',
    fix: 'Ask the assignee to transfer it, or pick another task.',
  },
  ENG_NOT_ALLOWED: {
    what: 'The actor is neither the assignee nor a candidate of the task.',
    fix: 'Act as the assignee or a candidate, or have the task transferred to you.',
  },
  ENG_UNKNOWN_USER: {
    what: 'Data written by a form or a start names, in a field a fromField owner reads, a user the directory does not know, and no fallback applies.',
    fix: 'Enter an existing username, or give the owner a fallback.',
  },
  ENG_RETURN_TARGET_INVALID: {
    what: 'A return names a node that is not an earlier, visited step of the same scope (or `@previous` / `@initiator` find none), or one on another branch of a parallel block.',
    fix: 'Return to a step this instance has already passed, before the parallel split or on the same branch.',
  },
  ENG_DECISION_REQUIRED: {
    what: 'A task of a several-signer step was completed without a decision (approve or reject).',
    fix: 'Send "decision": "approve" or "reject" with the completion.',
  },
  ENG_ADD_SIGNERS_INVALID: {
    what: 'A 加签 names no users, a user twice, the actor themself, or is sent on a multi-instance task.',
    fix: 'Name one or more other users, each once; multi-instance tasks take no added signers.',
  },
  ENG_WITHDRAW_NOT_ALLOWED: {
    what: 'A 撤回 is not possible: the definition forbids it, a later approver has already acted, the next task was touched, or the work moved past the next step.',
    fix: 'Ask the current approver to return the task instead (退回).',
  },
  ENG_COMMENT_INVALID: {
    what: 'A comment is empty or longer than 2,000 characters.',
    fix: 'Write a comment of 1 to 2,000 characters.',
  },
  ENG_NO_SIGNERS: {
    what: 'A several-signer step resolved to nobody and its definition says to raise an incident (or the list exceeds 500 signers).',
    fix: 'Fix the directory or the data field, then retry the incident (signers are resolved again), or skip it.',
  },
  ENG_NOT_A_LIST: {
    what: 'The collection of a multi-instance step is not a list, or has more than 500 elements.',
    fix: 'Fix the data field so it holds a list, then retry the incident, or skip it.',
  },
  ENG_TIMER_NOT_FOUND: {
    what: 'The timer was cancelled or already fired; firing it again does nothing.',
    fix: 'Nothing: the server treats this as a no-op.',
  },
  ENG_CALL_NOT_FOUND: {
    what: 'A service result names a call that is not awaited (stale or duplicate delivery).',
    fix: 'Nothing: duplicate deliveries are ignored.',
  },
  ENG_INCIDENT_NOT_FOUND: {
    what: 'No open incident with that id.',
    fix: 'List the instance incidents and use one of their ids.',
  },
  ENG_NO_PATH: {
    what: 'An exclusive gateway found no condition true and has no default edge.',
    fix: 'Add a default edge, or fix the data, then retry the incident.',
  },
  ENG_EXPRESSION_FAILED: {
    what: 'A FEEL expression failed at run time (type error, limit, bad date).',
    fix: 'Fix the expression or the data, then retry the incident.',
  },
  ENG_SERVICE_FAILED: {
    what: 'An automatic task failed after every retry of its policy.',
    fix: 'Fix the remote side, then retry the incident, or skip it.',
  },
  ENG_LOOP_LIMIT: {
    what: 'One command moved tokens through more than 10,000 nodes without a wait: an endless loop.',
    fix: 'Add a wait (task, timer) or a condition that ends the loop.',
  },
  ENG_UNKNOWN_CALENDAR: {
    what: 'A deadline or timer names a calendar the engine was not given.',
    fix: 'Register the calendar with compileProcess.',
  },
  ENG_MIGRATION_UNMAPPED: {
    what: 'Migration: an active node of the instance has no node with its id in the target version, and the mapping names none.',
    fix: 'Map the node to a node of the target version (or leave such instances on their version).',
  },
  ENG_MIGRATION_UNKNOWN_TARGET: {
    what: 'Migration: the mapping sends a node to a node id the target version does not have.',
    fix: 'Pick a target node from the proposed mapping candidates.',
  },
  ENG_MIGRATION_INCOMPATIBLE: {
    what: 'Migration: the target node is of another kind (a user task mapped to a timer, a single task to a several-signer step, …).',
    fix: 'Map the node to a target node of the same kind and shape.',
  },
  ENG_MIGRATION_SIGNERS: {
    what: 'Migration: a several-signer or multi-instance step is under way and the target step decides differently (another policy, no signers).',
    fix: 'Map it to a step with the same signer policy, or let the step finish before migrating.',
  },
  ENG_MIGRATION_SCOPE: {
    what: 'Migration: the target node is not inside the sub-process the token lives in (or a top-level token would enter a sub-process).',
    fix: 'Map the node to a node at the same level, or map the sub-process too.',
  },
  ENG_MIGRATION_JOIN: {
    what: 'Migration: a parallel join has branches waiting on edges the target join does not have.',
    fix: 'Migrate once the branches have met, or map the join to a gateway with the same incoming edges.',
  },
  ENG_MIGRATION_DATA_INVALID: {
    what: "Migration: the instance data does not fit the target version's data schema.",
    fix: 'Correct the data (or the target schema) before migrating; the path names the field.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

/** An engine error code. */
export type EngineErrorCode = keyof typeof engineErrorCodes;

/** A thrown engine error (only for programmer mistakes such as compiling an invalid definition). */
export class EngineFault extends Error {
  override readonly name = 'EngineFault';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
