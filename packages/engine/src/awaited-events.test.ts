import type { ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { Driver, definition } from '../test/driver.ts';
import { awaitedEvents } from './awaited-events.ts';

const start: ProcessNode = { id: 'start', type: 'start' };
const end: ProcessNode = { id: 'end', type: 'end' };
const wait = (id: string, event: string): ProcessNode => ({ id, type: 'event', event });
const fork: ProcessNode = { id: 'fork', type: 'parallelGateway' };
const join: ProcessNode = { id: 'join', type: 'parallelGateway' };

describe('awaitedEvents', () => {
  it('names the events the tokens of a running instance rest on, each once', () => {
    const def = definition(
      [
        start,
        fork,
        wait('a', 'contract.signed'),
        wait('b', 'payment.received'),
        wait('c', 'contract.signed'),
        join,
        end,
      ],
      ['start->fork', 'fork->a', 'fork->b', 'fork->c', 'a->join', 'b->join', 'c->join', 'join->end'],
    );
    const d = new Driver(def).start();
    expect(awaitedEvents(d.snap).sort()).toEqual(['contract.signed', 'payment.received']);
    d.ok({ type: 'signal', event: 'contract.signed' });
    expect(awaitedEvents(d.snap)).toEqual(['payment.received']);
  });

  it('is empty once the instance has ended, and for an instance resting elsewhere', () => {
    const d = new Driver(definition([start, wait('a', 'contract.signed'), end], ['start->a', 'a->end'])).start();
    d.ok({ type: 'signal', event: 'contract.signed' });
    expect(d.snap.status).toBe('completed');
    expect(awaitedEvents(d.snap)).toEqual([]);
    const atTask = new Driver(
      definition(
        [start, { id: 't', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } }, end],
        ['start->t', 't->end'],
      ),
    ).start();
    expect(awaitedEvents(atTask.snap)).toEqual([]);
  });

  it('is empty after the instance is terminated while waiting', () => {
    const d = new Driver(definition([start, wait('a', 'contract.signed'), end], ['start->a', 'a->end'])).start();
    d.ok({ type: 'terminate', reason: 'lost deal' });
    expect(awaitedEvents(d.snap)).toEqual([]);
  });
});
