import {
  signerPolicies,
  type Edge,
  type EscalationAction,
  type ProcessDefinition,
  type ProcessNode,
  type SignerSource,
  type SignerThreshold,
  type WhenNoSigners,
} from '@baton/definition';

/** A small seeded PRNG (mulberry32), so a failing definition can be rebuilt from its seed. */
import { seededRandom as prng } from '../src/simulation/simulate.ts';

export { prng };

interface Fragment {
  entry: string;
  exit: string;
}

/**
 * Generates a random valid definition: sequences, exclusive choices (with and without default),
 * parallel blocks, rework loops, timers, event waits, automatic tasks with retry, compute tasks,
 * sub-processes, deadlines with escalation ladders, trigger conditions, several-signer steps (every
 * policy, rejection rule and empty-signer rule, 去重, cc) and multi-instance steps, and cross edges that make
 * the graph non-block-structured (a branch of one parallel block joining another block's join
 * is avoided, since that can never fire; cross edges go between exclusive branches).
 */
export function randomDefinition(seed: number): ProcessDefinition {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let n = 0;
  const id = (p: string) => `${p}${++n}`;

  const build = (nodes: ProcessNode[], edges: Edge[], depth: number, budget: { left: number }): Fragment => {
    const edge = (from: string, to: string, extra: Partial<Edge> = {}) =>
      edges.push({ id: id('e'), from, to, ...extra });
    const leaf = (): Fragment => {
      const kind = pick([
        'task',
        'task',
        'task',
        'timer',
        'event',
        'service',
        'compute',
        'trigger',
        'deadline',
        'signers',
        'signers',
        'multi',
      ]);
      const nid = id(kind);
      switch (kind) {
        case 'timer':
          nodes.push({
            id: nid,
            type: 'timer',
            timer: { duration: pick(['PT1H', 'P1D', 'PT30M']), time: pick(['working', 'clock'] as const) },
          });
          break;
        case 'event':
          nodes.push({
            id: nid,
            type: 'event',
            event: pick(['contract.signed', 'payment.received']),
            resultField: 'payload',
          });
          break;
        case 'service':
          nodes.push({
            id: nid,
            type: 'automaticTask',
            action: { kind: 'action', name: 'doIt' },
            retry: { maxAttempts: 2, backoff: 'PT1M' },
          });
          break;
        case 'compute':
          nodes.push({ id: nid, type: 'automaticTask', action: { kind: 'compute', set: { score: 'score + 1' } } });
          break;
        case 'trigger':
          nodes.push({
            id: nid,
            type: 'userTask',
            owner: { type: 'role', role: 'r' },
            trigger: { condition: 'score >= 0' },
          });
          break;
        case 'signers': {
          const policy = pick(signerPolicies);
          nodes.push({
            id: nid,
            type: 'userTask',
            signers: {
              from: pick<SignerSource[]>([
                [{ type: 'users', users: ['u2', 'u3', 'u4'] }],
                [{ type: 'role', role: 'r' }],
                [{ type: 'field', field: 'signers' }],
                [{ type: 'managers', of: 'initiator', levels: 2 }, { type: 'initiator' }],
              ]),
              policy,
              ...(policy === 'threshold'
                ? { threshold: pick<SignerThreshold>([{ count: 2 }, { moreThan: 0.5 }, { atLeast: 0.6 }]) }
                : {}),
              rejection: pick(['veto', 'count'] as const),
              whenEmpty: pick<WhenNoSigners>([
                { action: 'skip' },
                { action: 'fallback', owner: { type: 'role', role: 'r' } },
                { action: 'incident' },
              ]),
              dedupe: rnd() < 0.5,
            },
            resultField: 'approval',
            ...(rnd() < 0.3
              ? {
                  deadline: {
                    duration: 'PT4H',
                    escalations: [
                      { at: 0.5, action: { type: 'remind' } },
                      {
                        at: 1,
                        action: pick<EscalationAction>([
                          { type: 'reassign', to: { type: 'user', user: 'boss' } },
                          { type: 'complete', output: {} },
                        ]),
                      },
                    ],
                  },
                }
              : {}),
            ...(rnd() < 0.3 ? { cc: [{ when: 'completed' as const, initiator: true, roles: ['r'] }] } : {}),
          });
          break;
        }
        case 'multi':
          nodes.push({
            id: nid,
            type: 'userTask',
            owner: { type: 'role', role: 'r' },
            multiInstance: {
              collection: 'items',
              sequential: rnd() < 0.5,
              ...(rnd() < 0.5 ? { completionCondition: 'nrOfCompletedInstances >= 2' } : {}),
              resultField: 'results',
            },
          });
          break;
        case 'deadline': {
          nodes.push({
            id: nid,
            type: 'userTask',
            owner: { type: 'role', role: 'r' },
            outputs: { type: 'object', properties: { x: { type: 'integer' } } },
            deadline: {
              duration: pick(['PT2H', 'P1D']),
              escalations: [
                { at: 0.5, action: { type: 'remind' } },
                {
                  at: 1,
                  action: pick([
                    { type: 'reassign', to: { type: 'role', role: 'boss' } },
                    { type: 'complete', output: { x: 1 } },
                  ] as const),
                },
              ],
            },
          });
          break;
        }
        default:
          nodes.push({
            id: nid,
            type: 'userTask',
            owner: { type: 'role', role: 'r' },
            outputs: { type: 'object', properties: { x: { type: 'integer' } } },
          });
      }
      return { entry: nid, exit: nid };
    };
    const block = (d: number): Fragment => {
      budget.left--;
      if (d <= 0 || budget.left <= 0) return leaf();
      const shape = pick(['seq', 'seq', 'xor', 'and', 'loop', 'leaf', 'sub']);
      if (shape === 'leaf') return leaf();
      if (shape === 'seq') {
        const a = block(d - 1);
        const b = block(d - 1);
        edge(a.exit, b.entry);
        return { entry: a.entry, exit: b.exit };
      }
      if (shape === 'sub') {
        const sid = id('sub');
        const inner: ProcessNode[] = [];
        const innerEdges: Edge[] = [];
        const s = id('s');
        const en = id('end');
        inner.push({ id: s, type: 'start' }, { id: en, type: 'end' });
        const body = build(inner, innerEdges, d - 1, budget);
        innerEdges.push({ id: id('e'), from: s, to: body.entry }, { id: id('e'), from: body.exit, to: en });
        nodes.push({ id: sid, type: 'subProcess', nodes: inner, edges: innerEdges });
        return { entry: sid, exit: sid };
      }
      if (shape === 'loop') {
        const body = block(d - 1);
        const g = id('xl');
        const merge = id('xm');
        nodes.push({ id: merge, type: 'exclusiveGateway' }, { id: g, type: 'exclusiveGateway' });
        // A rework task in every round: a body that may pass through without waiting (a skipped
        // signer step, an empty multi-instance list) would otherwise loop until ENG_LOOP_LIMIT.
        const rework = id('task');
        nodes.push({ id: rework, type: 'userTask', owner: { type: 'role', role: 'r' } });
        edge(merge, body.entry);
        edge(body.exit, rework);
        edge(rework, g);
        edge(g, merge, { condition: 'x = 7' });
        const out = id('x');
        nodes.push({ id: out, type: 'exclusiveGateway' });
        edge(g, out, { default: true });
        return { entry: merge, exit: out };
      }
      const branches = 2 + Math.floor(rnd() * 2);
      const split = id(shape === 'xor' ? 'xs' : 'ps');
      const join = id(shape === 'xor' ? 'xj' : 'pj');
      nodes.push(
        { id: split, type: shape === 'xor' ? 'exclusiveGateway' : 'parallelGateway' },
        { id: join, type: shape === 'xor' ? 'exclusiveGateway' : 'parallelGateway' },
      );
      const withDefault = shape === 'xor' && rnd() < 0.8;
      const frags: Fragment[] = [];
      for (let i = 0; i < branches; i++) {
        const f = block(d - 1);
        frags.push(f);
        if (shape === 'xor') {
          const last = i === branches - 1;
          edge(split, f.entry, last && withDefault ? { default: true } : { condition: `score = ${i}` });
        } else {
          edge(split, f.entry);
        }
        edge(f.exit, join);
      }
      // A cross edge between two exclusive branches makes the graph non-block-structured.
      // (Not into a parallel split: a second incoming edge would make it a join that waits for both.)
      const entryNode = nodes.find((x) => x.id === frags[1]!.entry);
      if (shape === 'xor' && branches > 2 && rnd() < 0.5 && entryNode?.type !== 'parallelGateway') {
        const g = id('xc');
        nodes.push({ id: g, type: 'exclusiveGateway' });
        const f0 = frags[0]!;
        const f1 = frags[1]!;
        // Re-route branch 0's exit through a decision that may jump into branch 1.
        const old = edges.findIndex((e) => e.from === f0.exit && e.to === join);
        edges.splice(old, 1);
        edge(f0.exit, g);
        edge(g, f1.entry, { condition: 'score > 5' });
        edge(g, join, { default: true });
      }
      return { entry: split, exit: join };
    };
    return block(depth);
  };

  const nodes: ProcessNode[] = [
    { id: 'start', type: 'start' },
    { id: 'end', type: 'end' },
  ];
  const edges: Edge[] = [];
  const body = build(nodes, edges, 1 + Math.floor(rnd() * 4), { left: 4 + Math.floor(rnd() * 14) });
  edges.push({ id: 'eStart', from: 'start', to: body.entry }, { id: 'eEnd', from: body.exit, to: 'end' });
  return {
    schemaVersion: 1,
    key: 'random',
    name: { en: `random ${seed}` },
    calendar: pick(['standard', 'cn-mainland']),
    data: {
      type: 'object',
      properties: { score: { type: 'integer' }, x: { type: 'integer' }, payload: {}, signers: {}, items: {} },
    },
    withdraw: { initiator: pick(['cancel', 'restart', 'never'] as const) },
    nodes,
    edges,
  };
}
