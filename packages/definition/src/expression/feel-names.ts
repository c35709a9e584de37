/**
 * Name tables for the FEEL expression layer: feelin's built-in functions, FEEL type names, and
 * the names an expression may not use.
 *
 * @module
 */

/**
 * The FEEL built-in function names (DMN 1.5; `feel-builtins.ts` implements them, except the clock's).
 *
 * @internal
 */
export const BUILTIN_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'number',
  'string',
  'date',
  'date and time',
  'time',
  'duration',
  'years and months duration',
  '@',
  'now',
  'today',
  'not',
  'substring',
  'string length',
  'upper case',
  'lower case',
  'substring before',
  'substring after',
  'replace',
  'contains',
  'matches',
  'starts with',
  'ends with',
  'split',
  'string join',
  'list contains',
  'list replace',
  'count',
  'min',
  'max',
  'sum',
  'mean',
  'all',
  'any',
  'sublist',
  'append',
  'concatenate',
  'insert before',
  'remove',
  'reverse',
  'index of',
  'union',
  'distinct values',
  'flatten',
  'product',
  'median',
  'stddev',
  'mode',
  'decimal',
  'floor',
  'ceiling',
  'abs',
  'round up',
  'round down',
  'round half up',
  'round half down',
  'modulo',
  'sqrt',
  'log',
  'exp',
  'odd',
  'even',
  'is',
  'before',
  'after',
  'meets',
  'met by',
  'overlaps',
  'overlaps before',
  'overlaps after',
  'finishes',
  'finished by',
  'includes',
  'during',
  'starts',
  'started by',
  'coincides',
  'day of year',
  'day of week',
  'month of year',
  'week of year',
  'sort',
  'get value',
  'get entries',
  'context',
  'context merge',
  'context put',
  'range',
]);

/**
 * Built-ins that read the real clock. The engine passes the time as data instead.
 *
 * @internal
 */
export const CLOCK_FUNCTIONS: ReadonlySet<string> = new Set(['now', 'today']);

/**
 * Built-ins that take a regular expression; calls are routed to the linear-time engine in
 * `safe-regex.ts`, so the built-in itself must never become reachable as a value.
 *
 * @internal
 */
export const REGEX_FUNCTIONS: ReadonlySet<string> = new Set(['matches', 'replace', 'split']);

/**
 * Type names accepted after `instance of` (feelin's named types).
 *
 * @internal
 */
export const FEEL_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Any',
  'Null',
  'number',
  'string',
  'boolean',
  'date',
  'time',
  'date and time',
  'duration',
  'days and time duration',
  'years and months duration',
  'context',
  'list',
  'range',
  'function',
]);

/**
 * Names of JavaScript object internals. Never valid as a variable, path segment, context key,
 * parameter or string key, because they are how prototype-pollution and sandbox-escape payloads
 * start (docs/reliability.md F1).
 *
 * @internal
 */
export const OBJECT_INTERNAL_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'valueOf',
  'toLocaleString',
]);

/**
 * Names of JavaScript runtime globals, rejected as root variables and callees. FEEL cannot
 * reach them anyway (names resolve only from the data), but an expression that mentions them
 * is a probe, so it is rejected up front. Common words (`document`, `module`, `call`) are not
 * listed because they are plausible field names.
 *
 * @internal
 */
export const RUNTIME_GLOBAL_NAMES: ReadonlySet<string> = new Set([
  'process',
  'require',
  'globalThis',
  'window',
  'this',
  'eval',
  'Function',
  'import',
  'Object',
  'Reflect',
  'Proxy',
  'Symbol',
  'Buffer',
]);

/**
 * Why a name may not be used, or `undefined` when it may.
 *
 * @internal
 */
export function forbiddenNameReason(name: string): string | undefined {
  if (OBJECT_INTERNAL_NAMES.has(name)) {
    return `"${name}" is a JavaScript object internal`;
  }
  if (name.startsWith('__')) {
    return `names starting with "__" are reserved`;
  }
  return undefined;
}
