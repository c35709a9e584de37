/**
 * `@baton/definition`: the process-definition format, its validation, diff, FEEL expressions and
 * business calendars. Pure: no I/O, no clock.
 *
 * @module
 */
export type {
  AutomaticAction,
  AutomaticTaskNode,
  Assessment,
  CcRule,
  DataSchema,
  Deadline,
  Edge,
  EndNode,
  EscalationAction,
  EscalationActionType,
  EscalationRung,
  EventNode,
  ExclusiveGatewayNode,
  JsonSchema,
  Layout,
  LocalizedText,
  MultiInstance,
  NodeBase,
  NodeType,
  Owner,
  OwnerType,
  ParallelGatewayNode,
  ProblemClass,
  ProcessDefinition,
  ProcessNode,
  RetryPolicy,
  SignerPolicy,
  SignerSource,
  Signers,
  SignerThreshold,
  StartNode,
  SubProcessNode,
  TimeMode,
  TimeSpan,
  TimerNode,
  UserTaskNode,
  WhenNoSigners,
  WithdrawPolicy,
} from './types.ts';
export {
  escalationActionTypes,
  nodeTypes,
  ownerTypes,
  problemClasses,
  signerPolicies,
  signerSourceTypes,
  timeModes,
} from './types.ts';
export { definitionIssueCodes } from './errors.ts';
export type { DefinitionIssue, DefinitionIssueCode, Severity } from './errors.ts';
export { builtinFieldNames, multiInstanceNames, validateDefinition } from './validate-definition.ts';
export { addDataFormats, dataFormatNames } from './data-formats.ts';
export type { ValidateDefinitionOptions, ValidateDefinitionResult } from './validate-definition.ts';
export { definitionSchemaAjvOptions } from './precompiled-validators.ts';
export type { PrecompiledValidators, SchemaValidateFunction } from './precompiled-validators.ts';
export { canonicalJson, diffDefinitions } from './diff-definitions.ts';
export type { DefinitionDiff, ElementChange, FieldChange } from './diff-definitions.ts';
export { resolveJsonPointer, toJsonPointer } from './json-pointer.ts';
export * from './calendar/index.ts';
export * from './expression/index.ts';
export { compileExpression } from './feel-fast/compile-expression.ts';
export type { CompiledExpression } from './feel-fast/compile-expression.ts';
