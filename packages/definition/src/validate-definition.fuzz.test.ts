import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveJsonPointer } from './json-pointer.ts';
import { validateDefinition } from './validate-definition.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);

/** A valid definition that exercises most of the format, to mutate. */
const seedDefinition = {
  schemaVersion: 1,
  key: 'fuzz',
  name: { en: 'Fuzz', 'zh-CN': '模糊测试' },
  calendar: 'cn-mainland',
  data: {
    type: 'object',
    properties: { amount: { type: 'number' }, territory: { type: 'string' }, contract: { type: 'object' } },
  },
  nodes: [
    { id: 'start', type: 'start', layout: { x: 0, y: 0 } },
    {
      id: 'assign',
      type: 'userTask',
      owner: {
        type: 'byField',
        field: 'territory',
        map: { east: { type: 'team', team: 'east' } },
        default: { type: 'roundRobin', role: 'rep' },
      },
    },
    { id: 'x', type: 'exclusiveGateway' },
    { id: 'f', type: 'parallelGateway' },
    {
      id: 'legal',
      type: 'userTask',
      owner: { type: 'role', role: 'legal' },
      outputs: { type: 'object', properties: { verdict: { type: 'string' } } },
      deadline: {
        duration: 'PT48H',
        escalations: [
          { at: 0.5, action: { type: 'remind' } },
          { at: 1, action: { type: 'leave', edge: 'esc' } },
        ],
      },
    },
    { id: 'wait', type: 'event', event: 'contract.signed', resultField: 'contract' },
    { id: 'j', type: 'parallelGateway' },
    {
      id: 'crm',
      type: 'automaticTask',
      action: { kind: 'http', method: 'POST', url: 'https://crm.example/x', body: '{ a: amount }' },
      retry: { maxAttempts: 3 },
    },
    { id: 't', type: 'timer', timer: { duration: 'P1D' } },
    {
      id: 'sp',
      type: 'subProcess',
      nodes: [
        { id: 'ss', type: 'start' },
        { id: 'se', type: 'end' },
      ],
      edges: [{ id: 'sx', from: 'ss', to: 'se' }],
    },
    { id: 'end', type: 'end' },
    { id: 'kill', type: 'end', terminate: true },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'assign' },
    { id: 'e2', from: 'assign', to: 'x' },
    { id: 'e3', from: 'x', to: 'f', condition: 'amount > 10' },
    { id: 'e4', from: 'x', to: 'kill', default: true },
    { id: 'e5', from: 'f', to: 'legal' },
    { id: 'e6', from: 'f', to: 'wait' },
    { id: 'e7', from: 'legal', to: 'j' },
    { id: 'e8', from: 'wait', to: 'j' },
    { id: 'e9', from: 'j', to: 'crm' },
    { id: 'e10', from: 'crm', to: 't' },
    { id: 'e11', from: 't', to: 'sp' },
    { id: 'e12', from: 'sp', to: 'end' },
    { id: 'esc', from: 'legal', to: 'kill', escalation: true },
  ],
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** All paths (as segment lists) to values inside a JSON value. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

const mutation = fc.record({
  target: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'duplicate', 'rename', 'retype'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('start', 'end', 'legal', 'e1', 'PT1H', 'userTask', '__proto__', 'amount >', '', 'x'.repeat(3000)),
  ),
});

/** A property name from any generated value (some objects have no string form: `{ toString: 1 }`). */
function keyOf(value: unknown): string {
  try {
    return String(value).slice(0, 20);
  } catch {
    return 'renamed';
  }
}

function mutate(input: Json, muts: { target: number; op: string; value: unknown }[]): Json {
  const copy = JSON.parse(JSON.stringify(input)) as Json;
  for (const m of muts) {
    const all = paths(copy).filter((p) => p.length > 0);
    const path = all[m.target % all.length]!;
    let parent: Json = copy;
    for (const seg of path.slice(0, -1)) parent = (parent as Record<string, Json>)[seg as string]!;
    const last = path[path.length - 1]!;
    // An object, or a list indexed by number: both read and write by key.
    const container = parent as Record<string | number, Json>;
    switch (m.op) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete container[last];
        break;
      case 'replace':
        container[last] = m.value as Json;
        break;
      case 'duplicate':
        if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(parent[last as number])) as Json);
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          const v = container[last];
          delete container[last];
          Object.defineProperty(container, keyOf(m.value), {
            value: v,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        }
        break;
      case 'retype':
        container[last] = Array.isArray(container[last]) ? {} : [container[last]!];
        break;
    }
  }
  return copy;
}

function check(input: unknown): void {
  const started = performance.now();
  const r = validateDefinition(input);
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(1000);
  if (r.ok) expect(r.issues.every((i) => i.severity === 'warning')).toBe(true);
  else expect(r.issues.length).toBeGreaterThan(0);
  for (const i of r.issues) {
    expect(i.code).toMatch(/^DEF_[A-Z_]+$/);
    expect(typeof i.message).toBe('string');
    expect(resolveJsonPointer(input, i.path).found, `${i.code} at ${i.path}`).toBe(true);
  }
}

describe('validateDefinition under fuzzing', () => {
  it(`never throws on 10,000 random and mutated inputs, and every issue path resolves (seed ${SEED})`, () => {
    console.log(`validator fuzz seed ${SEED} (rerun with SEED=${SEED})`);
    expect(validateDefinition(seedDefinition).ok).toBe(true);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) =>
        check(mutate(seedDefinition as unknown as Json, muts)),
      ),
      { seed: SEED, numRuns: 8000 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => check(v)),
      { seed: SEED, numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.record({
          schemaVersion: fc.constant(1),
          key: fc.string(),
          name: fc.jsonValue(),
          nodes: fc.array(fc.jsonValue()),
          edges: fc.array(fc.jsonValue()),
        }),
        (v) => check(v),
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
