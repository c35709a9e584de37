import { describe, expect, it } from 'vitest';
import schema from '../schema/definition.schema.json' with { type: 'json' };
import {
  escalationActionTypes,
  nodeTypes,
  ownerTypes,
  problemClasses,
  type Assessment,
  type AutomaticTaskNode,
  type Deadline,
  type Edge,
  type EndNode,
  type EscalationRung,
  type EventNode,
  type Layout,
  type ProcessDefinition,
  type ProcessNode,
  type RetryPolicy,
  type SubProcessNode,
  type TimeSpan,
  type TimerNode,
  type CcRule,
  type MultiInstance,
  type SignerSource,
  type SignerThreshold,
  type Signers,
  type UserTaskNode,
  type WhenNoSigners,
  type WithdrawPolicy,
  signerPolicies,
  signerSourceTypes,
} from './types.ts';

type UnionKeys<T> = { [K in T extends unknown ? keyof T : never]: unknown };

/**
 * Lists every key of T, checked by the compiler both ways: each listed name is a key of T, and
 * every key of T is listed. A field added to a type but not here fails to type-check; the test
 * below then compares the list with the JSON Schema.
 */
const keysOf =
  <T>() =>
  <const K extends readonly (keyof T)[]>(
    k: K & ([keyof T] extends [K[number]] ? unknown : 'missing keys'),
  ): readonly string[] =>
    k as readonly string[];

type Defs = Record<
  string,
  { properties?: Record<string, unknown>; oneOf?: { properties: Record<string, { const?: string }> }[] }
>;
const defs = (schema as unknown as { $defs: Defs }).$defs;
const props = (o: { properties?: Record<string, unknown> } | undefined) => Object.keys(o?.properties ?? {}).sort();
const nodeBranch = (type: string) => defs.node!.oneOf!.find((b) => b.properties.type?.const === type)!;
const baseKeys = [
  'id',
  'type',
  'name',
  'description',
  'owner',
  'inputs',
  'outputs',
  'trigger',
  'deadline',
  'calendar',
  'assessment',
  'layout',
  'cc',
] as const;

describe('the TypeScript types and the JSON Schema describe the same format', () => {
  it('has the same top-level properties', () => {
    const k = keysOf<ProcessDefinition>()([
      '$schema',
      'schemaVersion',
      'key',
      'name',
      'description',
      'state',
      'calendar',
      'data',
      'businessKeyField',
      'withdraw',
      'nodes',
      'edges',
    ]);
    expect(props(schema as { properties: Record<string, unknown> })).toEqual([...k].sort());
  });

  it('has one schema branch per node kind, with the same fields', () => {
    expect(defs.node!.oneOf!.map((b) => b.properties.type!.const)).toEqual([...nodeTypes]);
    const byType: Record<ProcessNode['type'], readonly string[]> = {
      start: keysOf<Extract<ProcessNode, { type: 'start' }>>()(baseKeys),
      end: keysOf<EndNode>()([...baseKeys, 'terminate']),
      userTask: keysOf<UserTaskNode>()([...baseKeys, 'signers', 'multiInstance', 'resultField']),
      automaticTask: keysOf<AutomaticTaskNode>()([...baseKeys, 'action', 'retry', 'resultField']),
      exclusiveGateway: keysOf<Extract<ProcessNode, { type: 'exclusiveGateway' }>>()(baseKeys),
      parallelGateway: keysOf<Extract<ProcessNode, { type: 'parallelGateway' }>>()(baseKeys),
      timer: keysOf<TimerNode>()([...baseKeys, 'timer']),
      event: keysOf<EventNode>()([...baseKeys, 'event', 'resultField']),
      subProcess: keysOf<SubProcessNode>()([...baseKeys, 'nodes', 'edges']),
    };
    for (const type of nodeTypes) expect(props(nodeBranch(type)), type).toEqual([...byType[type]].sort());
  });

  it('has the same fields on edges, deadlines, rungs, spans, assessments, layouts and retry policies', () => {
    const cases: [string, readonly string[]][] = [
      ['edge', keysOf<Edge>()(['id', 'from', 'to', 'name', 'condition', 'default', 'escalation'])],
      ['deadline', keysOf<Deadline>()(['duration', 'time', 'calendar', 'escalations'])],
      ['escalationRung', keysOf<EscalationRung>()(['id', 'at', 'after', 'action'])],
      ['timeSpan', keysOf<TimeSpan>()(['duration', 'time', 'calendar'])],
      ['assessment', keysOf<Assessment>()(['measuredDuration', 'scores', 'problems', 'notes', 'replaces'])],
      ['layout', keysOf<Layout>()(['x', 'y', 'width', 'height'])],
      ['retry', keysOf<RetryPolicy>()(['maxAttempts', 'backoff', 'factor'])],
      ['ccRule', keysOf<CcRule>()(['when', 'users', 'roles', 'teams', 'initiator'])],
      ['signers', keysOf<Signers>()(['from', 'policy', 'threshold', 'rejection', 'whenEmpty', 'dedupe'])],
      ['multiInstance', keysOf<MultiInstance>()(['collection', 'sequential', 'completionCondition', 'resultField'])],
      ['withdrawPolicy', keysOf<WithdrawPolicy>()(['initiator', 'completer'])],
    ];
    for (const [name, keys] of cases) expect(props(defs[name]), name).toEqual([...keys].sort());
  });

  it('lists the same signer sources, policies, thresholds and empty-signer actions', () => {
    expect(defs.signerSource!.oneOf!.map((b) => b.properties.type!.const)).toEqual([...signerSourceTypes]);
    const sourceKeys: Record<SignerSource['type'], readonly string[]> = {
      users: keysOf<Extract<SignerSource, { type: 'users' }>>()(['type', 'users']),
      role: keysOf<Extract<SignerSource, { type: 'role' }>>()(['type', 'role', 'team']),
      team: keysOf<Extract<SignerSource, { type: 'team' }>>()(['type', 'team']),
      field: keysOf<Extract<SignerSource, { type: 'field' }>>()(['type', 'field']),
      managers: keysOf<Extract<SignerSource, { type: 'managers' }>>()(['type', 'of', 'levels']),
      initiator: keysOf<Extract<SignerSource, { type: 'initiator' }>>()(['type']),
    };
    for (const b of defs.signerSource!.oneOf!) {
      const type = b.properties.type!.const as SignerSource['type'];
      expect(props(b), type).toEqual([...sourceKeys[type]].sort());
    }
    expect((defs.signers!.properties!.policy as { enum: string[] }).enum).toEqual([...signerPolicies]);
    const thresholds = defs.signerThreshold!.oneOf!.map((b) => Object.keys(b.properties)[0]);
    expect(thresholds).toEqual(['count', 'atLeast', 'moreThan'] satisfies (keyof UnionKeys<SignerThreshold>)[]);
    expect(defs.whenNoSigners!.oneOf!.map((b) => (b.properties as { action: { const: string } }).action.const)).toEqual(
      ['skip', 'fallback', 'incident'] satisfies WhenNoSigners['action'][],
    );
  });

  it('lists the same owner strategies, escalation actions and problem classes', () => {
    expect(defs.owner!.oneOf!.map((b) => b.properties.type!.const)).toEqual([...ownerTypes]);
    expect(defs.escalationAction!.oneOf!.map((b) => b.properties.type!.const)).toEqual([...escalationActionTypes]);
    const problems = (defs.assessment!.properties!.problems as { items: { properties: { class: { enum: string[] } } } })
      .items.properties.class.enum;
    expect(problems).toEqual([...problemClasses]);
    expect(defs.automaticAction!.oneOf!.map((b) => b.properties.kind!.const)).toEqual([
      'http',
      'action',
      'compute',
    ] satisfies AutomaticTaskNode['action']['kind'][]);
  });
});
