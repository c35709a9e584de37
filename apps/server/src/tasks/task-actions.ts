/**
 * What a user may do on a task now, for the task page (`actions` and `returnTargets` of
 * `GET /api/tasks/:id`): each command is tried on a copy of the instance's current snapshot
 * with the engine (a dry run, nothing is written), so the answer is the engine's own judgement,
 * and a refusal comes with a reason the web app can put in words.
 *
 * @module
 */
import type { TaskActionName, TaskActionReason, TaskActions, TaskActionState } from '@baton/client/contract';
import {
  type Actor,
  type Command,
  type CompiledProcess,
  type Directory,
  type EngineError,
  type InstanceSnapshot,
  isCandidate,
  step,
} from '@baton/engine';

/** The reason for an engine refusal of `action` on `task`. */
function reasonOf(
  action: TaskActionName,
  error: EngineError,
  snapshot: InstanceSnapshot,
  taskKey: string,
  actor: Actor,
): TaskActionReason {
  const task = snapshot.tasks[taskKey];
  switch (error.code) {
    case 'ENG_INSTANCE_ENDED':
      return 'instanceEnded';
    case 'ENG_TASK_NOT_OPEN':
      return 'taskClosed';
    case 'ENG_TASK_ALREADY_CLAIMED':
      return task?.assignee === actor.id ? 'alreadyYours' : 'assignedToOther';
    case 'ENG_RETURN_TARGET_INVALID':
      return 'noReturnTarget';
    case 'ENG_ADD_SIGNERS_INVALID':
      return 'multiInstance';
    case 'ENG_NOT_ALLOWED':
      if (action === 'withdrawInstance') return 'notInitiator';
      if (action === 'withdraw') return 'notCompleter';
      return task?.assignee != null && task.assignee !== actor.id ? 'assignedToOther' : 'notCandidate';
    case 'ENG_WITHDRAW_NOT_ALLOWED': {
      if (/does not let/.test(error.message)) return 'processForbids';
      if (action === 'withdrawInstance') return 'nextStepActed';
      if (task?.withdrawnAt !== undefined) return 'alreadyWithdrawn';
      if (task?.auto) return 'autoApproved';
      if (task?.status !== 'completed') return 'notCompleted';
      if (/merged parallel/.test(error.message)) return 'branchesMerged';
      return 'nextStepActed';
    }
    default:
      return 'refused';
  }
}

const allowed: TaskActionState = { allowed: true, reason: null, message: null };
const refused = (reason: TaskActionReason, message: string): TaskActionState => ({ allowed: false, reason, message });

/** Inputs of {@link judgeTaskActions}. */
export interface JudgeTaskActionsInput {
  process: CompiledProcess;
  snapshot: InstanceSnapshot;
  /** The engine's task id (`k3`). */
  taskKey: string;
  actor: Actor;
  now: number;
  directory?: Directory;
}

/**
 * Every task page action of `actor` on task `taskKey`, judged by dry runs of the engine (see
 * the module comment), and the return targets that would be accepted. Pure.
 */
export function judgeTaskActions(input: JudgeTaskActionsInput): { actions: TaskActions; returnTargets: string[] } {
  const { process, snapshot, taskKey, actor, now, directory } = input;
  const env = { now, ...(directory ? { directory } : {}) };
  const task = snapshot.tasks[taskKey];
  const tryCommand = (action: TaskActionName, command: Command): TaskActionState => {
    let result;
    try {
      result = step(process, structuredClone(snapshot), command, env);
    } catch {
      // A dry run that trips on something else (e.g. no directory to resolve an owner) says nothing against it.
      return allowed;
    }
    return result.ok
      ? allowed
      : refused(reasonOf(action, result.error, snapshot, taskKey, actor), result.error.message);
  };
  const open = task !== undefined && (task.status === 'open' || task.status === 'claimed');
  const ended = snapshot.status !== 'running';
  const closed = (): TaskActionState =>
    ended
      ? refused('instanceEnded', 'The instance has ended.')
      : refused('taskClosed', `Task "${taskKey}" is ${task?.status ?? 'gone'}.`);

  const claim = !open
    ? closed()
    : task.assignee === actor.id
      ? refused('alreadyYours', 'The task is already yours.')
      : task.assignee !== null
        ? refused('assignedToOther', `The task is assigned to "${task.assignee}".`)
        : tryCommand('claim', { type: 'claim', task: taskKey, actor });
  const mayWork =
    open && (actor.privileged === true || isCandidate(task, actor) || task.onBehalfOf === actor.id)
      ? allowed
      : open
        ? refused(
            task.assignee !== null && task.assignee !== actor.id ? 'assignedToOther' : 'notCandidate',
            task.assignee !== null ? `The task is assigned to "${task.assignee}".` : 'You are not a candidate for it.',
          )
        : closed();
  const transfer = mayWork.allowed
    ? tryCommand('transfer', { type: 'transfer', task: taskKey, actor, to: actor.id })
    : mayWork;
  const probe = `${actor.id}\u0000probe`;
  const addSigners = mayWork.allowed
    ? tryCommand('addSigners', { type: 'addSigners', task: taskKey, actor, users: [probe], position: 'before' })
    : mayWork;
  const urge = open ? allowed : closed();

  // Return: every earlier node and the two named targets, each tried.
  const returnTargets: string[] = [];
  if (mayWork.allowed) {
    const candidates = [...new Set(snapshot.visited)].filter((id) => id !== task?.node);
    for (const to of [...candidates, '@previous', '@initiator'])
      if (tryCommand('return', { type: 'return', task: taskKey, actor, to }).allowed) returnTargets.push(to);
  }
  const returnState = !mayWork.allowed
    ? mayWork
    : returnTargets.length > 0
      ? allowed
      : refused('noReturnTarget', 'There is no earlier step this task can be returned to.');

  const withdraw = tryCommand('withdraw', { type: 'withdraw', task: taskKey, actor });
  const withdrawInstance = tryCommand('withdrawInstance', { type: 'withdraw', actor });
  return {
    actions: {
      claim,
      complete: mayWork,
      transfer,
      return: returnState,
      addSigners,
      urge,
      withdraw,
      withdrawInstance,
    },
    returnTargets,
  };
}
