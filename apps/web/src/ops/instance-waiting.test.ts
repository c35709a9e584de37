import { describe, expect, it } from 'vitest';
import type { Task } from '@baton/client';
import { waitingOf } from './instance-waiting.ts';

const definition = {
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'pause', type: 'timer' },
    { id: 'signed', type: 'event' },
    { id: 'review', type: 'userTask' },
    { id: 'push', type: 'automaticTask' },
    { id: 'end', type: 'end' },
  ],
} as never;
const task = (nodeId: string, status: Task['status']) => ({ nodeId, status }) as Task;

describe('waitingOf', () => {
  it('marks timer and event nodes, open tasks and incidents, not closed tasks', () => {
    expect(
      waitingOf(
        {
          activeNodes: ['pause', 'signed', 'review', 'push'],
          tasks: [task('review', 'open'), task('end', 'completed')],
          incidents: [{ id: 'i1', node: 'push', token: 't', code: 'ENG_SERVICE_FAILED', message: '', at: '' }],
        },
        definition,
      ),
    ).toEqual({ pause: 'timer', signed: 'event', review: 'task', push: 'incident' });
  });

  it('lets an incident win over an open task at the same step', () => {
    expect(
      waitingOf(
        {
          activeNodes: ['review'],
          tasks: [task('review', 'claimed')],
          incidents: [{ id: 'i1', node: 'review', token: 't', code: 'ENG_NO_SIGNERS', message: '', at: '' }],
        },
        definition,
      ),
    ).toEqual({ review: 'incident' });
  });
});
