import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { addDataFormats, dataFormatNames } from './data-formats.ts';
import definitionSchema from '../schema/definition.schema.json' with { type: 'json' };
import {
  builtinCalendars,
  calendarCoverageWarningDays,
  daysOfCoverageLeft,
  parseDuration,
  toCalendarCoverage,
  type CalendarSpec,
} from './calendar/index.ts';
import { type DefinitionIssue, type DefinitionIssueCode, type Severity } from './errors.ts';
import { checkExpression, suggestClosest } from './expression/index.ts';
import { BUILTIN_FUNCTION_NAMES, CLOCK_FUNCTIONS, REGEX_FUNCTIONS } from './expression/feel-names.ts';
import { toJsonPointer } from './json-pointer.ts';
import { definitionSchemaAjvOptions, type PrecompiledValidators } from './precompiled-validators.ts';
import type { DataSchema, Edge, Owner, ProcessDefinition, ProcessNode, UserTaskNode } from './types.ts';

/** Whether a field name read as a value is also a built-in function a modeller may have meant. */
const isValueShadowingBuiltin = (name: string): boolean =>
  BUILTIN_FUNCTION_NAMES.has(name) && !CLOCK_FUNCTIONS.has(name) && !REGEX_FUNCTIONS.has(name);

/** Options of {@link validateDefinition}. */
export interface ValidateDefinitionOptions {
  /**
   * Ids of the calendars deadlines and timers may name, besides the shipped ones.
   * @default []
   */
  calendars?: readonly string[];
  /**
   * Today's local date (`YYYY-MM-DD`), from the caller's clock (the validator reads none). When
   * given, a calendar the definition uses whose holiday data ends within
   * {@link calendarCoverageWarningDays} days (or has ended) is a `DEF_CALENDAR_ENDING` warning.
   * Without it, no such warning.
   */
  today?: string;
  /**
   * The last covered date of calendars by id (`null`: nothing runs out), for calendars given in
   * `calendars` or replacing a shipped one; shipped calendars not listed use their own data.
   * @default {}
   */
  calendarCoverage?: Readonly<Record<string, string | null>>;
  /**
   * Validators compiled ahead of time, used instead of compiling schemas with ajv at run time
   * (for a browser under a CSP without `unsafe-eval`). See {@link PrecompiledValidators}.
   * @default undefined (compile with ajv at first use)
   */
  precompiled?: PrecompiledValidators;
}

/** The result of {@link validateDefinition}: the typed definition, or every issue found. */
export type ValidateDefinitionResult =
  { ok: true; definition: ProcessDefinition; issues: DefinitionIssue[] } | { ok: false; issues: DefinitionIssue[] };

/** Names every expression may read besides declared fields: supplied by the engine. */
export const builtinFieldNames = ['now', 'initiator', 'businessKey'] as const;

/** Counters a multi-instance completion condition may read besides the data (as BPMN names them). */
export const multiInstanceNames = ['nrOfInstances', 'nrOfCompletedInstances', 'nrOfActiveInstances'] as const;

let schemaValidator: ValidateFunction | undefined;
let dataSchemaCompiler: Ajv2020 | undefined;

function getSchemaValidator(): ValidateFunction {
  if (!schemaValidator) {
    const ajv = new Ajv2020({ ...definitionSchemaAjvOptions });
    schemaValidator = ajv.compile(definitionSchema);
  }
  return schemaValidator;
}

function getDataSchemaCompiler(): Ajv2020 {
  // The formats forms and instance data are checked with (issue 8); `strictSchema: 'log'` with
  // no logger makes an unknown `format` a compile error while other keywords (`x-…`, `title`)
  // stay allowed.
  dataSchemaCompiler ??= addDataFormats(
    new Ajv2020({ allErrors: true, strict: false, strictSchema: 'log', logger: false }),
  );
  return dataSchemaCompiler;
}

/**
 * Validates a process definition: a JSON Schema pass, then a semantic pass over the graph,
 * owners, expressions, durations and calendars.
 *
 * Pure. Never throws, whatever the input; every issue has a stable code, a severity, a JSON
 * Pointer into the input and a message that says where, what and how to fix. Only issues of
 * severity `error` make the result `ok: false`.
 *
 * @example
 * const result = validateDefinition(JSON.parse(text));
 * if (!result.ok) for (const i of result.issues) console.log(i.path, i.code, i.message);
 */
export function validateDefinition(input: unknown, options: ValidateDefinitionOptions = {}): ValidateDefinitionResult {
  try {
    return validateUnsafe(input, options);
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          code: 'DEF_INTERNAL',
          severity: 'error',
          path: '',
          message: `The definition could not be analysed (${error instanceof Error ? error.message : String(error)}). Pass plain JSON data.`,
        },
      ],
    };
  }
}

function validateUnsafe(input: unknown, options: ValidateDefinitionOptions): ValidateDefinitionResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      issues: [
        issue(
          'DEF_NOT_AN_OBJECT',
          '',
          `The definition must be a JSON object, not ${describeType(input)}. Pass e.g. { "schemaVersion": 1, "key": "...", "nodes": [], "edges": [] }.`,
        ),
      ],
    };
  }
  const validate = options.precompiled?.definitionSchema ?? getSchemaValidator();
  if (!validate(input)) {
    return { ok: false, issues: dedupe((validate.errors ?? []).map((e) => schemaErrorToIssue(e, input))) };
  }
  const definition = input as unknown as ProcessDefinition;
  const issues = new SemanticPass(definition, options).run();
  return issues.some((i) => i.severity === 'error') ? { ok: false, issues } : { ok: true, definition, issues };
}

function issue(
  code: DefinitionIssueCode,
  path: string,
  message: string,
  severity: Severity = 'error',
): DefinitionIssue {
  return { code, severity, path, message };
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function dedupe(issues: DefinitionIssue[]): DefinitionIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const patternMeaning: Record<string, string> = {
  '#/$defs/id/pattern':
    'an identifier: letters, digits, "_", "." or "-", starting with a letter or "_", at most 64 characters',
  '#/properties/key/pattern': 'a key of lower-case letters, digits and dashes, e.g. "lead-to-contract"',
  '#/$defs/node/oneOf/7/properties/event/pattern': 'a dotted event name such as "contract.signed"',
};

function schemaErrorToIssue(e: ErrorObject, input: unknown): DefinitionIssue {
  const at = e.instancePath === '' ? 'the top level' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return issue(
        'DEF_MISSING_PROPERTY',
        e.instancePath,
        `At ${at}: property "${String(p.missingProperty)}" is required. Add it.`,
      );
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const hint = suggestClosest(name, allowed);
      return issue(
        'DEF_UNKNOWN_PROPERTY',
        toJsonPointer([...pointerSegments(e.instancePath), name]),
        `At ${at}: property "${name}" is not allowed.${hint ? ` Did you mean "${hint}"?` : ''} Allowed: ${allowed.join(', ')}.`,
      );
    }
    case 'type':
      return issue(
        'DEF_WRONG_TYPE',
        e.instancePath,
        `At ${at}: expected ${String(p.type)}, found ${describeType(valueAt(input, e.instancePath))}.`,
      );
    case 'const':
    case 'enum': {
      const allowed = e.keyword === 'const' ? [p.allowedValue] : (p.allowedValues as unknown[]);
      return issue(
        'DEF_BAD_VALUE',
        e.instancePath,
        `At ${at}: value ${JSON.stringify(valueAt(input, e.instancePath))} is not allowed. Use ${allowed.map((v) => JSON.stringify(v)).join(' or ')}.`,
      );
    }
    case 'discriminator': {
      const kinds = discriminatorKinds(e);
      const tag = String(p.tag);
      const value = valueAt(input, toJsonPointer([...pointerSegments(e.instancePath), tag]));
      const hint = typeof value === 'string' ? suggestClosest(value, kinds) : undefined;
      return issue(
        'DEF_UNKNOWN_KIND',
        p.error === 'tag' && value === undefined
          ? e.instancePath
          : toJsonPointer([...pointerSegments(e.instancePath), tag]),
        `At ${at}: ${tag} ${value === undefined ? 'is missing' : JSON.stringify(value) + ' is unknown'}.${hint ? ` Did you mean "${hint}"?` : ''} Known: ${kinds.join(', ')}.`,
      );
    }
    case 'pattern': {
      if (e.schemaPath.includes('isoDuration')) {
        return issue(
          'DEF_BAD_DURATION',
          e.instancePath,
          `At ${at}: ${JSON.stringify(valueAt(input, e.instancePath))} is not a duration. Write an ISO 8601 duration such as "PT48H", "P3D" or "P1DT4H" (no years or months).`,
        );
      }
      const meaning = patternMeaning[e.schemaPath] ?? `text matching ${String(p.pattern)}`;
      return issue(
        'DEF_BAD_FORMAT',
        e.instancePath,
        `At ${at}: ${JSON.stringify(valueAt(input, e.instancePath))} is not valid; expected ${meaning}.`,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
      return issue('DEF_OUT_OF_RANGE', e.instancePath, `At ${at}: ${e.message ?? 'out of range'}.`);
    default:
      return issue('DEF_SCHEMA', e.instancePath, `At ${at}: ${e.message ?? 'invalid'} (${e.keyword}).`);
  }
}

function discriminatorKinds(e: ErrorObject): string[] {
  const oneOf =
    (e.parentSchema as { oneOf?: { properties?: Record<string, { const?: string }> }[] } | undefined)?.oneOf ?? [];
  const tag = String((e.params as { tag?: string }).tag);
  return oneOf.map((b) => b.properties?.[tag]?.const).filter((v): v is string => typeof v === 'string');
}

function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(input: unknown, pointer: string): unknown {
  let current = input;
  for (const seg of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[seg];
  }
  return current;
}

interface Scope {
  /** JSON Pointer segments of the object that holds `nodes` and `edges`. */
  base: (string | number)[];
  nodes: ProcessNode[];
  edges: Edge[];
}

interface NodeRef {
  node: ProcessNode;
  scope: Scope;
  path: (string | number)[];
}

/** The semantic checks, on input that passed the schema. */
class SemanticPass {
  private readonly issues: DefinitionIssue[] = [];
  private readonly nodes = new Map<string, NodeRef>();
  private readonly scopes: Scope[] = [];
  private readonly knownFields = new Set<string>(builtinFieldNames);
  private readonly calendars: Set<string>;
  private readonly coverageWarned = new Set<string>();

  constructor(
    private readonly def: ProcessDefinition,
    private readonly options: ValidateDefinitionOptions,
  ) {
    this.calendars = new Set([...Object.keys(builtinCalendars), ...(options.calendars ?? [])]);
  }

  run(): DefinitionIssue[] {
    this.collectScopes({ base: [], nodes: this.def.nodes, edges: this.def.edges });
    this.checkIds();
    this.collectFields();
    for (const scope of this.scopes) this.checkScope(scope);
    this.checkCalendar(this.def.calendar, ['calendar']);
    if (this.def.data) this.checkDataSchema(this.def.data, ['data']);
    if (this.def.businessKeyField) this.checkField(this.def.businessKeyField, ['businessKeyField']);
    for (const ref of this.nodes.values()) this.checkNode(ref);
    return this.issues;
  }

  private add(
    code: DefinitionIssueCode,
    path: (string | number)[],
    message: string,
    severity: Severity = 'error',
  ): void {
    this.issues.push(issue(code, toJsonPointer(path), message, severity));
  }

  private collectScopes(scope: Scope): void {
    this.scopes.push(scope);
    scope.nodes.forEach((node, i) => {
      if (node.type === 'subProcess')
        this.collectScopes({ base: [...scope.base, 'nodes', i], nodes: node.nodes, edges: node.edges });
    });
  }

  private checkIds(): void {
    const edgeIds = new Map<string, (string | number)[]>();
    for (const scope of this.scopes) {
      scope.nodes.forEach((node, i) => {
        const path = [...scope.base, 'nodes', i];
        const prior = this.nodes.get(node.id) ?? (edgeIds.has(node.id) ? { path: edgeIds.get(node.id)! } : undefined);
        if (prior) {
          this.add(
            'DEF_DUPLICATE_ID',
            [...path, 'id'],
            `At ${toJsonPointer(path)}: id "${node.id}" is already used at ${toJsonPointer(prior.path)}. Rename one of them.`,
          );
        } else {
          this.nodes.set(node.id, { node, scope, path });
        }
      });
      scope.edges.forEach((edge, i) => {
        const path = [...scope.base, 'edges', i];
        const prior = edgeIds.get(edge.id) ?? this.nodes.get(edge.id)?.path;
        if (prior) {
          this.add(
            'DEF_DUPLICATE_ID',
            [...path, 'id'],
            `At ${toJsonPointer(path)}: id "${edge.id}" is already used at ${toJsonPointer(prior)}. Rename one of them.`,
          );
        } else {
          edgeIds.set(edge.id, path);
        }
      });
    }
  }

  private collectFields(): void {
    const addSchema = (schema: DataSchema | undefined): void => {
      for (const name of Object.keys(schema?.properties ?? {})) this.knownFields.add(name);
    };
    addSchema(this.def.data);
    for (const { node } of this.nodes.values()) {
      addSchema(node.outputs);
      if ((node.type === 'automaticTask' || node.type === 'event') && node.resultField) {
        this.knownFields.add(node.resultField.split('.')[0]!);
      }
      if (node.type === 'automaticTask' && node.action.kind === 'compute') {
        for (const field of Object.keys(node.action.set ?? {})) this.knownFields.add(field);
      }
      // Result fields of several-signer steps and multi-instance lists are declared by the node.
      if (node.type === 'userTask') {
        if (node.resultField) this.knownFields.add(node.resultField);
        if (node.multiInstance?.resultField) this.knownFields.add(node.multiInstance.resultField);
      }
    }
  }

  private checkScope(scope: Scope): void {
    const where = scope.base.length === 0 ? 'The process' : `The sub-process at ${toJsonPointer(scope.base)}`;
    const ids = new Set(scope.nodes.map((n) => n.id));
    const starts = scope.nodes.map((n, i) => [n, i] as const).filter(([n]) => n.type === 'start');
    if (starts.length === 0)
      this.add(
        'DEF_NO_START',
        [...scope.base, 'nodes'],
        `${where} has no start node. Add a node with "type": "start".`,
      );
    for (const [, i] of starts.slice(1)) {
      this.add(
        'DEF_MULTIPLE_STARTS',
        [...scope.base, 'nodes', i],
        `${where} has more than one start node; this is another. Keep one start and branch with a gateway after it.`,
      );
    }
    if (!scope.nodes.some((n) => n.type === 'end'))
      this.add('DEF_NO_END', [...scope.base, 'nodes'], `${where} has no end node. Add a node with "type": "end".`);

    const outgoing = new Map<string, Edge[]>();
    const incoming = new Map<string, Edge[]>();
    const edgePath = new Map<Edge, (string | number)[]>();
    let dangling = false;
    scope.edges.forEach((edge, i) => {
      const path = [...scope.base, 'edges', i];
      edgePath.set(edge, path);
      if (edge.condition !== undefined) this.checkExpr(edge.condition, [...path, 'condition']);
      let ok = true;
      for (const end of ['from', 'to'] as const) {
        const id = edge[end];
        if (ids.has(id)) continue;
        ok = false;
        const other = this.nodes.get(id);
        if (other) {
          this.add(
            'DEF_EDGE_ACROSS_SCOPES',
            [...path, end],
            `At ${toJsonPointer(path)}: edge "${edge.id}" ${end === 'from' ? 'starts at' : 'leads to'} "${id}", which is in another scope (${toJsonPointer(other.path)}). Connect to the sub-process node itself, or move the edge.`,
          );
        } else {
          const hint = suggestClosest(id, [...ids]);
          this.add(
            end === 'from' ? 'DEF_UNKNOWN_SOURCE' : 'DEF_UNKNOWN_TARGET',
            [...path, end],
            `At ${toJsonPointer(path)}/${end}: ${end === 'from' ? 'source' : 'target'} "${id}" does not exist.${hint ? ` Did you mean "${hint}"?` : ''} Known nodes: ${[...ids].map((x) => `"${x}"`).join(', ')}.`,
          );
        }
      }
      if (!ok) {
        dangling = true;
        return;
      }
      pushTo(outgoing, edge.from, edge);
      pushTo(incoming, edge.to, edge);
    });

    for (const [i, node] of scope.nodes.entries()) {
      const path = [...scope.base, 'nodes', i];
      const ins = incoming.get(node.id) ?? [];
      const outs = outgoing.get(node.id) ?? [];
      const normalOuts = outs.filter((e) => !e.escalation);
      if (node.type === 'start' && ins.length > 0) {
        this.add(
          'DEF_START_HAS_INCOMING',
          edgePath.get(ins[0]!)!,
          `Edge "${ins[0]!.id}" leads into start node "${node.id}". Lead it into the first step after the start instead.`,
        );
      }
      if (node.type === 'end' && outs.length > 0) {
        this.add(
          'DEF_END_HAS_OUTGOING',
          edgePath.get(outs[0]!)!,
          `Edge "${outs[0]!.id}" leaves end node "${node.id}". Remove it, or make "${node.id}" a step.`,
        );
      }
      if (node.type === 'exclusiveGateway') {
        this.checkExclusive(node.id, path, normalOuts, ins, edgePath);
      } else {
        for (const e of outs) {
          if (e.condition !== undefined || e.default) {
            this.add(
              'DEF_MISPLACED_CONDITION',
              edgePath.get(e)!,
              `Edge "${e.id}" leaves "${node.id}", a ${node.type}, and carries a ${e.condition !== undefined ? 'condition' : 'default flag'}. Only edges leaving an exclusive gateway may; use a trigger condition on the target node instead.`,
            );
          }
        }
      }
      if (node.type === 'parallelGateway') {
        if (ins.length === 0 || normalOuts.length === 0 || (ins.length === 1 && normalOuts.length === 1)) {
          this.add(
            'DEF_GATEWAY_DEGREE',
            path,
            `Parallel gateway "${node.id}" has ${ins.length} incoming and ${normalOuts.length} outgoing edges. A fork needs one in and several out; a join several in and one out.`,
            ins.length === 1 && normalOuts.length === 1 ? 'warning' : 'error',
          );
        }
      } else if (node.type !== 'exclusiveGateway' && node.type !== 'end' && normalOuts.length > 1) {
        this.add(
          'DEF_TOO_MANY_OUTGOING',
          path,
          `Node "${node.id}" has ${normalOuts.length} outgoing edges (${normalOuts.map((e) => `"${e.id}"`).join(', ')}). Keep one and branch with a gateway after the node.`,
        );
      }
      for (const e of outs) {
        if (e.escalation && !this.escalationEdgeUsed(node, e.id)) {
          this.add(
            'DEF_UNUSED_ESCALATION_EDGE',
            edgePath.get(e)!,
            `Escalation edge "${e.id}" leaves "${node.id}" but no escalation rung of "${node.id}" leaves by it. Add a rung { "action": { "type": "leave", "edge": "${e.id}" } }, or drop "escalation".`,
            'warning',
          );
        }
      }
    }

    // With a dangling edge the graph is cut where the author did not mean it: reachability
    // would report every node behind the cut. Report the edge; judge reachability once it is fixed.
    if (!dangling) this.checkReachability(scope, outgoing, incoming);
  }

  private escalationEdgeUsed(node: ProcessNode, edgeId: string): boolean {
    return (node.deadline?.escalations ?? []).some((r) => r.action.type === 'leave' && r.action.edge === edgeId);
  }

  private checkExclusive(
    id: string,
    path: (string | number)[],
    outs: Edge[],
    ins: Edge[],
    edgePath: Map<Edge, (string | number)[]>,
  ): void {
    if (ins.length === 0 || outs.length === 0) {
      this.add(
        'DEF_GATEWAY_DEGREE',
        path,
        `Exclusive gateway "${id}" has ${ins.length} incoming and ${outs.length} outgoing edges; it needs at least one of each.`,
      );
      return;
    }
    const defaults = outs.filter((e) => e.default);
    for (const extra of defaults.slice(1)) {
      this.add(
        'DEF_MULTIPLE_DEFAULTS',
        edgePath.get(extra)!,
        `Exclusive gateway "${id}" already has default edge "${defaults[0]!.id}"; "${extra.id}" is a second. Keep one.`,
      );
    }
    if (outs.length > 1) {
      for (const e of outs) {
        if (!e.default && e.condition === undefined) {
          this.add(
            'DEF_MISSING_CONDITION',
            edgePath.get(e)!,
            `Edge "${e.id}" leaves exclusive gateway "${id}" with no condition. Add a FEEL "condition", or mark it "default": true.`,
          );
        }
      }
    }
    const alwaysTrue = outs.some((e) => e.condition !== undefined && e.condition.trim() === 'true');
    if (defaults.length === 0 && outs.some((e) => e.condition !== undefined) && !alwaysTrue) {
      this.add(
        'DEF_CONDITIONS_MAY_ALL_FAIL',
        path,
        `Exclusive gateway "${id}" has no default edge: an instance whose data meets none of its conditions stops here with an incident. Mark one outgoing edge "default": true.`,
        'warning',
      );
    }
  }

  private checkReachability(scope: Scope, outgoing: Map<string, Edge[]>, incoming: Map<string, Edge[]>): void {
    const start = scope.nodes.find((n) => n.type === 'start');
    const forward = (from: string[], skip?: Edge): Set<string> =>
      walk(from, (id) => (outgoing.get(id) ?? []).filter((e) => e !== skip).map((e) => e.to));
    const reached = start ? forward([start.id]) : new Set<string>();
    const ends = scope.nodes.filter((n) => n.type === 'end').map((n) => n.id);
    const canEnd = walk(ends, (id) => (incoming.get(id) ?? []).map((e) => e.from));
    for (const [i, node] of scope.nodes.entries()) {
      const path = [...scope.base, 'nodes', i];
      if (start && !reached.has(node.id)) {
        this.add(
          'DEF_UNREACHABLE',
          path,
          `Node "${node.id}" cannot be reached from start "${start.id}". Connect an edge into it, or delete it.`,
        );
      } else if (ends.length > 0 && !canEnd.has(node.id)) {
        this.add(
          'DEF_DEAD_END',
          path,
          `From node "${node.id}" no end node can be reached, so a token there would be stuck. Add an edge from it towards an end.`,
        );
      }
    }
    if (!start) return;
    // A parallel join can never fire when two of its incoming edges lie on different branches
    // of one exclusive gateway: a token can only ever take one of them.
    const joins = scope.nodes.filter((n) => n.type === 'parallelGateway' && (incoming.get(n.id)?.length ?? 0) > 1);
    if (joins.length === 0) return;
    const exclusive = scope.nodes.filter((n) => n.type === 'exclusiveGateway');
    for (const join of joins) {
      const ins = incoming.get(join.id)!;
      for (const gateway of exclusive) {
        const branchOf = new Map<Edge, Edge>();
        for (const branch of outgoing.get(gateway.id) ?? []) {
          const without = forward([start.id], branch);
          for (const e of ins) {
            if (reached.has(e.from) && !without.has(e.from) && !(e.from === gateway.id && e !== branch))
              branchOf.set(e, branch);
            if (e === branch) branchOf.set(e, branch);
          }
        }
        const distinct = new Set(branchOf.values());
        if (distinct.size > 1) {
          const loops = forward([join.id]).has(gateway.id);
          const path = [...scope.base, 'nodes', scope.nodes.indexOf(join)];
          this.add(
            'DEF_JOIN_NEVER_FIRES',
            path,
            `Parallel join "${join.id}" waits for edges ${[...branchOf.keys()].map((e) => `"${e.id}"`).join(', ')}, which lie on different branches of exclusive gateway "${gateway.id}": ${loops ? 'it fires only if a loop sends tokens down both branches' : 'it can never fire'}. Merge them with an exclusive gateway instead.`,
            loops ? 'warning' : 'error',
          );
          break;
        }
      }
    }
  }

  private checkNode({ node, path }: NodeRef): void {
    if (node.type === 'userTask') this.checkApproval(node, path);
    if (node.type === 'userTask' && !node.owner && !node.signers) {
      this.add(
        'DEF_MISSING_OWNER',
        path,
        `User task "${node.id}" has no owner, so nobody would see it. Add an "owner", e.g. { "type": "role", "role": "sales-manager" }.`,
      );
    }
    if (node.owner) {
      // A multi-instance task's owner may read its element (`item.owner`).
      const itemAdded = node.type === 'userTask' && node.multiInstance !== undefined && !this.knownFields.has('item');
      if (itemAdded) this.knownFields.add('item');
      this.checkOwner(node.owner, [...path, 'owner']);
      if (itemAdded) this.knownFields.delete('item');
    }
    node.inputs?.forEach((field, i) => this.checkField(field, [...path, 'inputs', i]));
    if (node.trigger) this.checkExpr(node.trigger.condition, [...path, 'trigger', 'condition']);
    if (node.outputs) this.checkDataSchema(node.outputs, [...path, 'outputs']);
    this.checkCalendar(node.calendar, [...path, 'calendar']);
    if (node.assessment?.measuredDuration)
      this.checkSpan(node.assessment.measuredDuration, [...path, 'assessment', 'measuredDuration']);
    if (node.deadline) {
      const dpath = [...path, 'deadline'];
      const passesThrough = node.type === 'automaticTask' && node.action.kind === 'compute';
      if (
        node.type === 'start' ||
        node.type === 'end' ||
        node.type === 'exclusiveGateway' ||
        node.type === 'parallelGateway' ||
        passesThrough
      ) {
        this.add(
          'DEF_DEADLINE_NOT_ALLOWED',
          dpath,
          `Node "${node.id}" is a ${passesThrough ? 'compute task' : node.type}, which never waits, so its deadline could never run. Move the deadline to a task or wait.`,
        );
      }
      this.checkSpan(node.deadline, dpath);
      let lastShare = 0;
      node.deadline.escalations?.forEach((rung, i) => {
        const rpath = [...dpath, 'escalations', i];
        if ((rung.at === undefined) === (rung.after === undefined)) {
          this.add(
            'DEF_BAD_ESCALATION',
            rpath,
            `Escalation rung ${i} of "${node.id}" needs exactly one of "at" (a share of the deadline, e.g. 0.5) or "after" (a duration, e.g. "PT24H").`,
          );
        } else if (rung.at !== undefined) {
          if (rung.at < lastShare) {
            this.add(
              'DEF_BAD_ESCALATION',
              [...rpath, 'at'],
              `Escalation rung ${i} of "${node.id}" fires at ${rung.at}, before the rung above it (${lastShare}). List rungs in the order they fire.`,
              'warning',
            );
          }
          lastShare = rung.at;
        } else if (rung.after !== undefined) {
          this.checkDuration(rung.after, [...rpath, 'after']);
        }
        const action = rung.action;
        const apath = [...rpath, 'action'];
        if (action.type === 'leave') {
          const edge = this.findEscalationEdge(node.id, action.edge);
          if (!edge) {
            this.add(
              'DEF_UNKNOWN_ESCALATION_EDGE',
              [...apath, 'edge'],
              `Escalation rung ${i} of "${node.id}" leaves by edge "${action.edge}", which is not an edge from "${node.id}" marked "escalation": true. Add such an edge, or name an existing one.`,
            );
          }
        } else if (action.type === 'notify' || action.type === 'reassign') {
          this.checkOwner(action.to, [...apath, 'to']);
        } else if (action.type === 'complete' && node.outputs) {
          const allowed = Object.keys(node.outputs.properties ?? {});
          for (const key of Object.keys(action.output)) {
            if (!allowed.includes(key)) {
              this.add(
                'DEF_UNKNOWN_FIELD',
                [...apath, 'output', key],
                `Escalation rung ${i} of "${node.id}" completes with output field "${key}", which the node's outputs do not declare. Declared: ${allowed.join(', ') || '(none)'}.`,
              );
            }
          }
        }
      });
    }
    if (node.type === 'timer') {
      if ('date' in node.timer) this.checkExpr(node.timer.date, [...path, 'timer', 'date']);
      else this.checkSpan(node.timer, [...path, 'timer']);
    }
    if (node.type === 'automaticTask') {
      if (node.action.kind === 'http' && node.action.body !== undefined)
        this.checkExpr(node.action.body, [...path, 'action', 'body']);
      if (node.action.kind === 'compute') {
        for (const [field, expr] of Object.entries(node.action.set ?? {}))
          this.checkExpr(expr, [...path, 'action', 'set', field]);
      }
      if (node.retry?.backoff) this.checkDuration(node.retry.backoff, [...path, 'retry', 'backoff']);
    }
  }

  /** Several signers, multi-instance and result fields of a user task. */
  private checkApproval(node: UserTaskNode, path: (string | number)[]): void {
    const signers = node.signers;
    if (signers) {
      const spath = [...path, 'signers'];
      if (node.multiInstance) {
        this.add(
          'DEF_BAD_SIGNERS',
          [...path, 'multiInstance'],
          `User task "${node.id}" has both "signers" and "multiInstance"; a step is either several signers deciding it or one task per list element. Keep one of them.`,
        );
      }
      const policy = signers.policy ?? 'all';
      if (policy === 'threshold' && !signers.threshold) {
        this.add(
          'DEF_BAD_SIGNERS',
          spath,
          `User task "${node.id}" has policy "threshold" but no "threshold". Add e.g. "threshold": { "count": 2 } or { "moreThan": 0.5 }.`,
        );
      }
      if (policy !== 'threshold' && signers.threshold) {
        this.add(
          'DEF_BAD_SIGNERS',
          [...spath, 'threshold'],
          `User task "${node.id}" has a "threshold" but policy "${policy}", which ignores it. Set "policy": "threshold", or remove the threshold.`,
        );
      }
      const listed = signers.from.every((s) => s.type === 'users')
        ? new Set(signers.from.flatMap((s) => (s.type === 'users' ? s.users : []))).size
        : undefined;
      if (
        signers.threshold &&
        'count' in signers.threshold &&
        listed !== undefined &&
        signers.threshold.count > listed
      ) {
        this.add(
          'DEF_BAD_SIGNERS',
          [...spath, 'threshold', 'count'],
          `User task "${node.id}" needs ${signers.threshold.count} approvals but lists only ${listed} signer(s); the engine would need all of them. Lower the count or list more signers.`,
          'warning',
        );
      }
      signers.from.forEach((source, i) => {
        if (source.type === 'field') this.checkField(source.field, [...spath, 'from', i, 'field']);
      });
      if (signers.whenEmpty?.action === 'fallback')
        this.checkOwner(signers.whenEmpty.owner, [...spath, 'whenEmpty', 'owner']);
      if (node.owner) {
        this.add(
          'DEF_BAD_SIGNERS',
          [...path, 'owner'],
          `User task "${node.id}" has "signers", which decide who works on it, so its "owner" is never used. Remove the owner, or use "whenEmpty": { "action": "fallback", "owner": ... } for when nobody is found.`,
          'warning',
        );
      }
      if (!node.resultField) {
        this.add(
          'DEF_SIGNERS_RESULT_UNUSED',
          path,
          `User task "${node.id}" has several signers but no "resultField", so whether they approved or rejected cannot steer the process. Add "resultField": "approval" and branch on approval.outcome = "approved".`,
          'warning',
        );
      }
    }
    const mi = node.multiInstance;
    if (mi) {
      const mpath = [...path, 'multiInstance'];
      this.checkField(mi.collection, [...mpath, 'collection']);
      if (mi.completionCondition !== undefined) {
        this.checkExpr(mi.completionCondition, [...mpath, 'completionCondition'], multiInstanceNames);
      }
    }
  }

  private findEscalationEdge(nodeId: string, edgeId: string): Edge | undefined {
    const scope = this.nodes.get(nodeId)?.scope;
    return scope?.edges.find((e) => e.id === edgeId && e.from === nodeId && e.escalation);
  }

  private checkOwner(owner: Owner, path: (string | number)[]): void {
    if (owner.type === 'fromField') this.checkField(owner.field, [...path, 'field']);
    if (owner.type === 'byField') {
      this.checkField(owner.field, [...path, 'field']);
      for (const [key, sub] of Object.entries(owner.map)) this.checkOwner(sub, [...path, 'map', key]);
      if (owner.default) this.checkOwner(owner.default, [...path, 'default']);
    }
    if (owner.fallback) this.checkOwner(owner.fallback, [...path, 'fallback']);
  }

  private checkField(field: string, path: (string | number)[]): void {
    const root = field.split('.')[0]!;
    if (this.knownFields.has(root)) return;
    const hint = suggestClosest(root, [...this.knownFields]);
    this.add(
      'DEF_UNKNOWN_FIELD',
      path,
      `At ${toJsonPointer(path)}: field "${field}" is not declared.${hint ? ` Did you mean "${hint}"?` : ''} Declare it in "data.properties" or a node's "outputs".`,
    );
  }

  private checkExpr(source: string, path: (string | number)[], extra: readonly string[] = []): void {
    const knownFields = extra.length > 0 ? new Set([...this.knownFields, ...extra]) : this.knownFields;
    const result = checkExpression(source, { knownFields });
    if (!result.ok) {
      this.add(
        'DEF_EXPRESSION_SYNTAX',
        path,
        `At ${toJsonPointer(path)}: ${result.error.message} (${result.error.code})`,
      );
      return;
    }
    for (const name of result.unknown ?? []) {
      const hint = suggestClosest(name, [...knownFields]);
      this.add(
        'DEF_UNKNOWN_FIELD',
        path,
        `At ${toJsonPointer(path)}: expression ${JSON.stringify(source)} reads "${name}", which the process does not declare.${hint ? ` Did you mean "${hint}"?` : ''} Declare it in "data.properties" or a node's "outputs".${isValueShadowingBuiltin(name) ? ` "${name}" is also a FEEL built-in function, but read as a value it is a field (null when missing); to use the function, call it: ${name}(...).` : ''}`,
      );
    }
  }

  private checkSpan(span: { duration: string; calendar?: string }, path: (string | number)[]): void {
    this.checkDuration(span.duration, [...path, 'duration']);
    this.checkCalendar(span.calendar, [...path, 'calendar']);
  }

  private checkDuration(text: string, path: (string | number)[]): void {
    const parsed = parseDuration(text);
    if (!parsed.ok) this.add('DEF_BAD_DURATION', path, `At ${toJsonPointer(path)}: ${parsed.message}`);
  }

  private checkCalendar(id: string | undefined, path: (string | number)[]): void {
    if (id !== undefined && this.calendars.has(id)) this.checkCalendarCoverage(id, path);
    if (id === undefined || this.calendars.has(id)) return;
    const hint = suggestClosest(id, [...this.calendars]);
    this.add(
      'DEF_UNKNOWN_CALENDAR',
      path,
      `At ${toJsonPointer(path)}: calendar "${id}" is unknown.${hint ? ` Did you mean "${hint}"?` : ''} Known: ${[...this.calendars].join(', ')}.`,
    );
  }

  /** Warns once per calendar whose holiday data ends within the warning window of `today` (issue 8). */
  private checkCalendarCoverage(id: string, path: (string | number)[]): void {
    const today = this.options.today;
    if (today === undefined || this.coverageWarned.has(id)) return;
    const given = this.options.calendarCoverage;
    const builtin = (builtinCalendars as Readonly<Record<string, CalendarSpec>>)[id];
    const coveredUntil =
      given !== undefined && Object.prototype.hasOwnProperty.call(given, id)
        ? given[id]!
        : builtin
          ? toCalendarCoverage(builtin).coveredUntil
          : null;
    const left = daysOfCoverageLeft(coveredUntil, today);
    if (left === undefined || left >= calendarCoverageWarningDays) return;
    this.coverageWarned.add(id);
    const when =
      left < 0 ? `ended on ${coveredUntil} (${-left} days ago)` : `ends on ${coveredUntil} (in ${left} days)`;
    this.add(
      'DEF_CALENDAR_ENDING',
      path,
      `At ${toJsonPointer(path)}: the holiday data of calendar "${id}" ${when}; deadlines and timers counted past it treat public holidays as working days (and are flagged "beyond-calendar"). Add next year's schedule to the calendar.`,
      'warning',
    );
  }

  private checkDataSchema(schema: DataSchema, path: (string | number)[]): void {
    const check = this.options.precompiled?.checkDataSchema ?? compileDataSchema;
    const message = check(schema);
    if (message === undefined) return;
    const unknownFormat = /^unknown format "(.*)" ignored in schema at path "#(.*)"$/.exec(message);
    if (unknownFormat) {
      const [, format = '', at = ''] = unknownFormat;
      const hint = suggestClosest(format, dataFormatNames);
      this.add(
        'DEF_BAD_DATA_SCHEMA',
        path,
        `At ${toJsonPointer(path)}${at}: format "${format}" is unknown, so it would check nothing.${hint ? ` Did you mean "${hint}"?` : ''} Known formats: ${dataFormatNames.join(', ')}.`,
      );
      return;
    }
    this.add('DEF_BAD_DATA_SCHEMA', path, `At ${toJsonPointer(path)}: the schema does not compile: ${message}.`);
  }
}

/** Compiles a data or form schema with ajv: `undefined` when it compiles, else ajv's message. */
function compileDataSchema(schema: DataSchema): string | undefined {
  const ajv = getDataSchemaCompiler();
  try {
    ajv.compile(schema);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    // Compiled schemas are cached by the compiler; drop this one so validation keeps no memory.
    ajv.removeSchema(schema);
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function walk(from: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set(from);
  const stack = [...from];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!)) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}
