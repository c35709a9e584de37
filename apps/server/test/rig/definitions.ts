/**
 * The process definitions the reliability scenarios run. Each is the smallest process that puts
 * one mechanism under load; the model key is a parameter so every test deploys its own model.
 *
 * @module
 */

const name = (text: string) => ({ en: text, 'zh-CN': text });

/**
 * One user task offered to team `sales` (rep1, rep2 and manager are candidates, through the
 * team tree) with a one-field form (`attempt`), then the end. For concurrent completions (B1).
 */
export function singleTaskDefinition(key: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: name(`Single task ${key}`),
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'review',
        type: 'userTask',
        name: name('Review'),
        owner: { type: 'team', team: 'sales' },
        outputs: { type: 'object', properties: { attempt: { type: 'integer' } }, required: ['attempt'] },
      },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { id: 'e-start-review', from: 'start', to: 'review' },
      { id: 'e-review-done', from: 'review', to: 'done' },
    ],
  };
}

/**
 * A user task for rep1 with a clock-time deadline whose only rung, at the deadline, leaves by the
 * escalation edge to `late`; completing in time reaches `done`. The deadline timer and the
 * escalation timer fall due at the same instant. For completion-versus-deadline races (B3).
 */
export function deadlineRaceDefinition(key: string, deadline: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: name(`Deadline race ${key}`),
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'follow-up',
        type: 'userTask',
        name: name('Follow up'),
        owner: { type: 'user', user: 'rep1' },
        deadline: {
          duration: deadline,
          time: 'clock',
          escalations: [{ at: 1, action: { type: 'leave', edge: 'e-late' } }],
        },
      },
      { id: 'done', type: 'end' },
      { id: 'late', type: 'end' },
    ],
    edges: [
      { id: 'e-start', from: 'start', to: 'follow-up' },
      { id: 'e-done', from: 'follow-up', to: 'done' },
      { id: 'e-late', from: 'follow-up', to: 'late', escalation: true },
    ],
  };
}

/**
 * Waits on a clock-time timer, then (when `withAction`) runs the demo action `attributeDeal`
 * through the outbox, then ends. For timer durability (A1, A3).
 */
export function timerWaitDefinition(key: string, duration: string, withAction = false): Record<string, unknown> {
  const nodes: Record<string, unknown>[] = [
    { id: 'start', type: 'start' },
    { id: 'wait', type: 'timer', name: name('Wait'), timer: { duration, time: 'clock' } },
  ];
  const edges: Record<string, unknown>[] = [{ id: 'e-start-wait', from: 'start', to: 'wait' }];
  if (withAction) {
    nodes.push({
      id: 'attribute',
      type: 'automaticTask',
      name: name('Attribute'),
      action: { kind: 'action', name: 'attributeDeal' },
      resultField: 'attribution',
    });
    edges.push(
      { id: 'e-wait-attribute', from: 'wait', to: 'attribute' },
      { id: 'e-attribute-done', from: 'attribute', to: 'done' },
    );
  } else {
    edges.push({ id: 'e-wait-done', from: 'wait', to: 'done' });
  }
  nodes.push({ id: 'done', type: 'end' });
  return { schemaVersion: 1, key, name: name(`Timer wait ${key}`), nodes, edges };
}

/**
 * A user task for rep1 with a clock-time deadline and a reminder rung at `reminderAt` of it (two
 * timers per instance), then the end; `label` names the task, so two labels give two versions.
 * For deploys while instances wait (D1, D2).
 */
export function waitingTaskDefinition(
  key: string,
  label: string,
  deadline: string,
  reminderAt: number,
): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: name(`Waiting task ${key}`),
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'approve',
        type: 'userTask',
        name: name(label),
        owner: { type: 'user', user: 'rep1' },
        deadline: { duration: deadline, time: 'clock', escalations: [{ at: reminderAt, action: { type: 'remind' } }] },
      },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { id: 'e-start-approve', from: 'start', to: 'approve' },
      { id: 'e-approve-done', from: 'approve', to: 'done' },
    ],
  };
}
