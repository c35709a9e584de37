/**
 * The registry of definition issue codes. `docs/errors.md` has one row per code; a test keeps
 * the two in step. A retired code is never reused.
 *
 * @module
 */

/** How serious an issue is: errors block saving and publishing; warnings are shown. */
export type Severity = 'error' | 'warning';

/** One problem found in a process definition. `path` is a JSON Pointer into the input. */
export interface DefinitionIssue {
  code: DefinitionIssueCode;
  severity: Severity;
  path: string;
  message: string;
}

/** Every definition issue code with what it means and how to fix it. */
export const definitionIssueCodes = {
  DEF_NOT_AN_OBJECT: {
    what: 'The input is not a JSON object.',
    fix: 'Pass the parsed definition object, e.g. `{ "schemaVersion": 1, ... }`.',
  },
  DEF_MISSING_PROPERTY: {
    what: 'A required property is missing.',
    fix: 'Add the property the message names.',
  },
  DEF_UNKNOWN_PROPERTY: {
    what: 'A property is not part of the format (often a typo).',
    fix: 'Remove it or correct its spelling; the message lists the allowed properties.',
  },
  DEF_WRONG_TYPE: {
    what: 'A value has the wrong JSON type.',
    fix: 'Use the type the message names (string, number, object, array, boolean).',
  },
  DEF_BAD_VALUE: {
    what: 'A value is not one of the allowed values.',
    fix: 'Use one of the values the message lists.',
  },
  DEF_UNKNOWN_KIND: {
    what: 'A node, owner, action or escalation has an unknown `type` (or `kind`).',
    fix: 'Use one of the kinds the message lists.',
  },
  DEF_BAD_FORMAT: {
    what: 'A string does not have the required form (identifier, key, event name, URL).',
    fix: 'Follow the pattern the message describes.',
  },
  DEF_OUT_OF_RANGE: {
    what: 'A number, string or list is too small or too large.',
    fix: 'Keep it within the limits the message gives.',
  },
  DEF_SCHEMA: {
    what: 'The value breaks another rule of the definition schema.',
    fix: 'Read the message; check the value against schema/definition.schema.json.',
  },
  DEF_DUPLICATE_ID: {
    what: 'Two nodes or edges share one id.',
    fix: 'Give every node and edge an id of its own, unique across the whole definition.',
  },
  DEF_UNKNOWN_SOURCE: {
    what: 'An edge starts at a node that does not exist (a dangling edge).',
    fix: 'Point `from` at an existing node id in the same scope; the message suggests the closest.',
  },
  DEF_UNKNOWN_TARGET: {
    what: 'An edge ends at a node that does not exist (a dangling edge).',
    fix: 'Point `to` at an existing node id in the same scope; the message suggests the closest.',
  },
  DEF_EDGE_ACROSS_SCOPES: {
    what: 'An edge joins a node inside a sub-process to one outside it.',
    fix: 'Connect to the sub-process node itself, or move the edge into the sub-process.',
  },
  DEF_NO_START: {
    what: 'The process (or a sub-process) has no start node.',
    fix: 'Add one node with `"type": "start"`.',
  },
  DEF_MULTIPLE_STARTS: {
    what: 'The process (or a sub-process) has more than one start node.',
    fix: 'Keep one start node; branch with a gateway after it.',
  },
  DEF_NO_END: {
    what: 'The process (or a sub-process) has no end node.',
    fix: 'Add a node with `"type": "end"` and connect the last steps to it.',
  },
  DEF_START_HAS_INCOMING: {
    what: 'An edge leads into a start node.',
    fix: 'Lead the edge into the first step after the start instead.',
  },
  DEF_END_HAS_OUTGOING: {
    what: 'An edge leaves an end node.',
    fix: 'Remove the edge, or replace the end node with a step.',
  },
  DEF_UNREACHABLE: {
    what: 'A node cannot be reached from the start.',
    fix: 'Connect an edge into it, or delete it.',
  },
  DEF_DEAD_END: {
    what: 'From this node no end can be reached: a token there would be stuck.',
    fix: 'Add an edge from it (or from a later node) towards an end node.',
  },
  DEF_TOO_MANY_OUTGOING: {
    what: 'A step that is not a gateway has more than one normal outgoing edge.',
    fix: 'Keep one outgoing edge and put an exclusive or parallel gateway after the step to branch.',
  },
  DEF_GATEWAY_DEGREE: {
    what: 'A gateway has too few incoming or outgoing edges to do anything.',
    fix: 'Give a fork one incoming and several outgoing edges, a join several incoming and one outgoing.',
  },
  DEF_JOIN_NEVER_FIRES: {
    what: 'A parallel join waits for branches that an exclusive gateway makes mutually exclusive.',
    fix: 'Use an exclusive gateway to merge exclusive branches, or fork with a parallel gateway.',
  },
  DEF_MISSING_CONDITION: {
    what: 'An edge leaving an exclusive gateway has no condition and is not the default.',
    fix: 'Add a FEEL `condition`, or mark the edge `"default": true`.',
  },
  DEF_CONDITIONS_MAY_ALL_FAIL: {
    what: 'An exclusive gateway has no default edge, so an instance whose data meets no condition stops there.',
    fix: 'Mark one outgoing edge `"default": true`.',
  },
  DEF_MULTIPLE_DEFAULTS: {
    what: 'An exclusive gateway has more than one default edge.',
    fix: 'Keep `"default": true` on one edge only.',
  },
  DEF_MISPLACED_CONDITION: {
    what: 'A condition or default flag sits on an edge that does not leave an exclusive gateway.',
    fix: 'Move the condition onto the edges of an exclusive gateway, or use a trigger condition on the node.',
  },
  DEF_MISSING_OWNER: {
    what: 'A user task has no owner, so nobody would ever see it.',
    fix: 'Add an `owner`: a user, role, team or an assignment strategy such as round robin.',
  },
  DEF_EXPRESSION_SYNTAX: {
    what: 'A FEEL expression does not parse, or breaks an expression limit.',
    fix: 'Correct the expression; the message says where it fails.',
  },
  DEF_UNKNOWN_FIELD: {
    what: 'An expression, input or owner field names a data field that the process does not declare.',
    fix: "Declare the field in `data.properties` or a node's `outputs`, or correct the name.",
  },
  DEF_BAD_DURATION: {
    what: 'A duration is not an ISO 8601 duration Baton accepts.',
    fix: 'Write e.g. `PT48H` (48 hours), `P3D` (3 days) or `P1DT4H`; years and months are not allowed.',
  },
  DEF_UNKNOWN_CALENDAR: {
    what: 'A calendar id names no known business calendar.',
    fix: 'Use a shipped calendar (`cn-mainland`, `standard`) or register the calendar first.',
  },
  DEF_CALENDAR_ENDING: {
    what: 'A calendar the definition uses has holiday data ending within 60 days of today (or already ended); later deadlines count holidays as working days. A warning, only when the caller gives today.',
    fix: "Add next year's holiday schedule to the calendar (on the server: a calendar file in CALENDARS_DIR).",
  },
  DEF_BAD_ESCALATION: {
    what: 'An escalation rung is malformed: it needs exactly one of `at` or `after`, in ladder order.',
    fix: 'Give each rung either `at` (a share of the deadline) or `after` (a duration).',
  },
  DEF_UNKNOWN_ESCALATION_EDGE: {
    what: 'A `leave` escalation names an edge that is not an escalation edge leaving this node.',
    fix: 'Add an edge from this node with `"escalation": true` and name its id in the action.',
  },
  DEF_UNUSED_ESCALATION_EDGE: {
    what: 'An escalation edge is never taken by any escalation rung of its node.',
    fix: 'Add a `leave` rung that names it, or drop `"escalation": true`.',
  },
  DEF_DEADLINE_NOT_ALLOWED: {
    what: 'A deadline sits on a node that never waits (start, end, gateway).',
    fix: 'Put deadlines on user tasks, automatic tasks, timers, event waits or sub-processes.',
  },
  DEF_BAD_DATA_SCHEMA: {
    what: 'A data or form schema is not a valid JSON Schema.',
    fix: 'Correct the schema; the message quotes the schema compiler.',
  },
  DEF_BAD_SIGNERS: {
    what: 'A several-signer or multi-instance user task is set up inconsistently (a threshold without policy `threshold` or the reverse, `signers` together with `multiInstance`, a count above the listed signers).',
    fix: 'Follow the message: give policy `threshold` a `threshold` (and no other policy one), keep one of `signers` and `multiInstance`.',
  },
  DEF_SIGNERS_RESULT_UNUSED: {
    what: 'A user task has several signers but no `resultField`, so a rejection cannot change the path the process takes.',
    fix: 'Add `"resultField": "approval"` and branch on `approval.outcome = "approved"` at a gateway after the step.',
  },
  DEF_INTERNAL: {
    what: 'The validator met an input it could not analyse (for example a cyclic object).',
    fix: 'Pass plain JSON data; report the input if it is plain JSON.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

/** A definition issue code. */
export type DefinitionIssueCode = keyof typeof definitionIssueCodes;
