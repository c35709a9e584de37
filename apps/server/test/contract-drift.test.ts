/**
 * The contract drift test: the routes the app registers, the OpenAPI document at `/docs`, the
 * client's route table and the websocket messages the server pushes must all agree with
 * `@baton/client/contract`. Each check names what disagrees and where to fix it.
 */
import { Ajv } from 'ajv';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@baton/client';
import * as contract from '@baton/client/contract';
import {
  type WsPushMessage,
  clientRoutes,
  idempotencyKeyHeader,
  idempotencyKeyHeadersSchema,
  parseWsClientMessage,
  wsClientMessageSchema,
  wsPath,
  wsPushMessageSchema,
  wsPushMessageTypes,
} from '@baton/client/contract';
import { websocketDescription } from '../src/http/openapi.ts';
import type { Audience, Hub } from '../src/ws/hub.ts';
import { type TestApp, backends, startTestApp } from './harness.ts';
import { definition, instanceDetail, openTaskAt, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

// Raw requests (`t.request`) on purpose: this file checks the client's route table against the
// server, so it drives the routes without going through the client it is checking.

/** Every schema object the contract exports: a route's schema must be one of these very objects. */
const contractSchemas = new Map<object, string>(
  Object.entries(contract)
    .filter(([, value]) => typeof value === 'object' && value !== null)
    .map(([name, value]): [object, string] => [value as object, name]),
);

const schemaParts = ['body', 'querystring', 'params', 'headers'] as const;

type OpenApiOperation = {
  parameters?: Array<{
    in: string;
    name: string;
    required?: boolean;
    schema: Record<string, unknown>;
    description?: string;
  }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
};
type OpenApiDocument = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  security?: unknown[];
  'x-websocket'?: unknown;
};

/** A schema as JSON: what the OpenAPI document can carry (non-enumerable keys and symbols dropped). */
function json(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * A schema in a canonical form for comparison with the OpenAPI document: keys sorted, and `const`
 * written as a one-value `enum`, as @fastify/swagger writes it.
 */
function canonical(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]): [string, unknown] =>
      k === 'const' ? ['enum', [x]] : [k, walk(x)],
    );
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  return JSON.stringify(walk(json(value)));
}

/** Strips the `description` that @fastify/swagger lifts from a parameter's schema onto the parameter. */
function withoutDescription(schema: Record<string, unknown>): Record<string, unknown> {
  const { description: _description, ...rest } = schema;
  return rest;
}

function key(method: string, url: string): string {
  return `${method} ${url}`;
}

function apiRoutes(routes: readonly RouteOptions[]): Array<RouteOptions & { method: string }> {
  return routes
    .flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ ...r, method: String(method) })),
    )
    .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
}

describe.each(backends)('the contract on $name', (backend) => {
  let t: TestApp;
  const published: Array<{ message: WsPushMessage; audience: Audience }> = [];
  const hub: Hub = { publish: (message, audience) => void published.push({ message, audience }) };

  beforeAll(async () => {
    t = await startTestApp(backend, { hub });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every registered route takes its body, query, path and header schemas and its answers from the contract, as the very objects', () => {
    const problems: string[] = [];
    for (const route of apiRoutes(t.app.registeredRoutes)) {
      const where = key(route.method, route.url);
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      if (route.url === wsPath) continue; // the websocket: documented in x-websocket, checked below
      for (const part of schemaParts) {
        const value = schema[part];
        if (value !== undefined && !contractSchemas.has(value as object))
          problems.push(`${where}: its ${part} schema is not exported by the contract`);
      }
      if (
        (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') &&
        schema.body === undefined
      ) {
        problems.push(
          `${where}: a command without a body schema accepts any body; use the contract's (emptyBodySchema when it takes none)`,
        );
      }
      if (route.url.includes(':') && schema.params === undefined)
        problems.push(`${where}: path parameters without a params schema`);
      const responses = (schema.response ?? {}) as Record<string, unknown>;
      if (!Object.keys(responses).some((code) => code.startsWith('2')))
        problems.push(`${where}: no 2xx response schema`);
      for (const [code, value] of Object.entries(responses)) {
        if (!contractSchemas.has(value as object))
          problems.push(`${where}: its ${code} response schema is not exported by the contract`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the route table lists exactly the registered routes, each with a client method', () => {
    const registered = apiRoutes(t.app.registeredRoutes)
      .map((r) => key(r.method, r.url))
      .sort();
    const table = clientRoutes.map((r) => key(r.method, r.url)).sort();
    expect(
      table,
      'clientRoutes (packages/client/src/contract/routes.ts) must list every route of the app, and no other',
    ).toEqual(registered);

    const client = createClient({
      baseUrl: 'http://baton.test',
      fetch: () => Promise.reject(new Error('not called')),
    }) as unknown as Record<string, unknown>;
    const missing = clientRoutes
      .filter((r) => typeof client[r.clientMethod] !== 'function')
      .map((r) => `${key(r.method, r.url)} → ${r.clientMethod}`);
    expect(missing, 'createClient must have a method for every route').toEqual([]);
  });

  it('Idempotency-Key is declared exactly on the commands the table marks idempotent', () => {
    const declared = apiRoutes(t.app.registeredRoutes)
      .filter((r) => r.schema?.headers === idempotencyKeyHeadersSchema)
      .map((r) => key(r.method, r.url))
      .sort();
    const marked = clientRoutes
      .filter((r) => 'idempotent' in r && r.idempotent)
      .map((r) => key(r.method, r.url))
      .sort();
    expect(declared).toEqual(marked);
  });

  it('the OpenAPI document has every route with the contract schemas, the bearer scheme, Idempotency-Key where accepted and the websocket', () => {
    const doc = t.app.swagger() as unknown as OpenApiDocument;
    const routes = new Map(apiRoutes(t.app.registeredRoutes).map((r) => [key(r.method, r.url), r]));
    const problems: string[] = [];
    expect(doc.security).toEqual([{ bearerAuth: [] }]);

    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => key(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1'))),
      )
      .sort();
    expect(documented).toEqual(clientRoutes.map((r) => key(r.method, r.url)).sort());

    for (const row of clientRoutes) {
      const where = key(row.method, row.url);
      const op = doc.paths[row.url.replace(/:(\w+)/g, '{$1}')]?.[row.method.toLowerCase()];
      const route = routes.get(where);
      if (!op || !route) continue; // reported above
      const schema = (route.schema ?? {}) as Record<string, Record<string, unknown> | undefined>;

      // Bearer on every route that needs a token; `security: []` only on the public ones.
      const isPublic = route.config?.public === true && row.url !== wsPath;
      if (isPublic ? JSON.stringify(op.security) !== '[]' : op.security !== undefined)
        problems.push(`${where}: security ${JSON.stringify(op.security)} (public: ${isPublic})`);

      // Idempotency-Key as a header parameter exactly where accepted.
      const header = op.parameters?.find((p) => p.in === 'header' && p.name === idempotencyKeyHeader);
      const idempotent = 'idempotent' in row && row.idempotent === true;
      if (Boolean(header) !== idempotent)
        problems.push(`${where}: Idempotency-Key ${header ? 'documented' : 'missing'} (idempotent: ${idempotent})`);

      // Body and answers: the contract's schemas as they are.
      const body = op.requestBody?.content['application/json']?.schema;
      if (schema.body !== undefined && canonical(body) !== canonical(schema.body))
        problems.push(`${where}: documented body differs from the contract`);
      for (const [code, value] of Object.entries(schema.response ?? {})) {
        const documentedSchema = op.responses[code.toUpperCase()]?.content?.['application/json']?.schema;
        // 204 No Content: the document lists the answer with no body at all.
        if (code === '204') {
          if (op.responses[code] === undefined || documentedSchema !== undefined)
            problems.push(`${where}: 204 must be documented without a body`);
          continue;
        }
        if (canonical(documentedSchema) !== canonical(value))
          problems.push(`${where}: documented ${code} answer differs from the contract`);
      }

      // Path and query parameters: one per property of the contract's schema, same schema.
      for (const [part, location] of [
        ['params', 'path'],
        ['querystring', 'query'],
      ] as const) {
        const properties =
          (json(schema[part] ?? {}) as { properties?: Record<string, Record<string, unknown>>; required?: string[] })
            .properties ?? {};
        const documentedParameters = (op.parameters ?? []).filter((p) => p.in === location);
        if (documentedParameters.length !== Object.keys(properties).length)
          problems.push(`${where}: ${location} parameters differ from the contract`);
        for (const [name, property] of Object.entries(properties)) {
          const parameter = documentedParameters.find((p) => p.name === name);
          if (
            !parameter ||
            canonical(withoutDescription(parameter.schema)) !== canonical(withoutDescription(property))
          ) {
            problems.push(`${where}: ${location} parameter "${name}" differs from the contract`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(doc['x-websocket']).toEqual(json(websocketDescription()));
    expect(json(websocketDescription())).toMatchObject({
      path: wsPath,
      serverMessages: { pushed: json(wsPushMessageSchema) },
    });
  });

  it('every message the server pushes during a workday validates against WsPushMessage, and every kind occurs', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(wsPushMessageSchema);
    published.length = 0;

    // A task for rep1, handed to rep2 and completed with a cc, then an action that fails (an incident),
    // skipped by an operator, a second task urged twice, notifications read, and a termination.
    const key = 'drift';
    await publishAndDeploy(
      t,
      key,
      definition(
        key,
        [
          { id: 'start', type: 'start' },
          { id: 'review', type: 'userTask', owner: { type: 'initiator' } },
          { id: 'call', type: 'automaticTask', action: { kind: 'action', name: 'noSuchAction' } },
          { id: 'check', type: 'userTask', owner: { type: 'user', user: 'rep1' } },
          { id: 'end', type: 'end' },
        ],
        ['start->review', 'review->call', 'call->check', 'check->end'],
      ),
    );
    const id = await startInstance(t, 'rep1', key);
    const review = await openTaskAt(t, id, 'review');
    const ok = async (res: { statusCode: number; body: string }, status = 200) =>
      expect(res.statusCode, res.body).toBe(status);
    await ok(
      await t.request({ method: 'POST', url: `/api/tasks/${review.id}/transfer`, as: 'rep1', body: { to: 'rep2' } }),
    );
    await ok(
      await t.request({
        method: 'POST',
        url: `/api/tasks/${review.id}/complete`,
        as: 'rep2',
        body: { cc: ['finance'] },
      }),
    );
    await t.app.runtime.outbox.runOnce();
    const incident = (await instanceDetail(t, id)).incidents[0];
    expect(incident, 'the unknown action raises an incident').toBeDefined();
    await ok(
      await t.request({
        method: 'POST',
        url: `/api/instances/${id}/incidents/${incident!.id}/skip`,
        as: 'ops',
        body: {},
      }),
    );
    const check = await openTaskAt(t, id, 'check');
    await ok(await t.request({ method: 'POST', url: `/api/tasks/${check.id}/urge`, as: 'ops' }));
    await ok(await t.request({ method: 'POST', url: `/api/tasks/${check.id}/urge`, as: 'ops' }));
    const notifications = (await t.request({ method: 'GET', url: '/api/notifications?unread=true', as: 'rep1' })).json<
      Array<{ id: number }>
    >();
    expect(notifications.length).toBeGreaterThanOrEqual(2);
    await ok(await t.request({ method: 'POST', url: `/api/notifications/${notifications[0]!.id}/read`, as: 'rep1' }));
    await ok(await t.request({ method: 'POST', url: '/api/notifications/read-all', as: 'rep1' }));
    await ok(
      await t.request({
        method: 'POST',
        url: `/api/instances/${id}/terminate`,
        as: 'ops',
        body: { reason: 'drift test' },
      }),
    );

    const invalid = published
      .filter(({ message }) => !validate(message))
      .map(({ message }) => `${JSON.stringify(message)}: ${ajv.errorsText(validate.errors)}`);
    expect(invalid, 'pushed messages the contract does not describe (packages/client/src/contract/ws.ts)').toEqual([]);
    const seen = new Set(published.map(({ message }) => message.type));
    expect(
      wsPushMessageTypes.filter((type) => !seen.has(type)),
      'push message kinds the scenario never saw',
    ).toEqual([]);
  });

  it('the websocket client-message schema accepts exactly what the server parser accepts', () => {
    const validate = new Ajv({ strict: false }).compile(wsClientMessageSchema);
    const id = '0B6F1C2E-3D4A-4B5C-8D6E-7F8091A2B3C4';
    const samples: unknown[] = [
      { type: 'ping' },
      { type: 'ping', extra: 1 },
      { type: 'subscribe', topic: 'inbox' },
      { type: 'unsubscribe', topic: 'inbox' },
      { type: 'subscribe', topic: 'inbox', instanceId: id },
      { type: 'subscribe', topic: 'instance', instanceId: id },
      { type: 'unsubscribe', topic: 'instance', instanceId: id.toLowerCase() },
      { type: 'subscribe', topic: 'instance' },
      { type: 'subscribe', topic: 'instance', instanceId: 'not-a-uuid' },
      { type: 'subscribe', topic: 'instance', instanceId: id, more: true },
      { type: 'subscribe', topic: 'everything' },
      { type: 'subscribed', topic: 'inbox' },
      { topic: 'inbox' },
      [],
      'ping',
      null,
    ];
    const disagreements = samples
      .filter((sample) => parseWsClientMessage(JSON.stringify(sample)).ok !== validate(sample))
      .map((sample) => JSON.stringify(sample));
    expect(disagreements).toEqual([]);
  });
});
