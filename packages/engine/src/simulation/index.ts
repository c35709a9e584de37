/**
 * Monte Carlo of a definition's cycle time (see `docs/analytics.md`, "Simulation"). Pure.
 *
 * @module
 */
export { TimeHeap, WorkingAxis, quantileOf, sampleHours, seededRandom, simulate } from './simulate.ts';
export type {
  DurationModel,
  SimEdge,
  SimNode,
  SimRole,
  SimSpread,
  SimulationModel,
  SimulationOptions,
  SimulationResult,
} from './simulate.ts';
export {
  applyEdits,
  checkEdits,
  deadlineHoursOf,
  defaultEscalationHours,
  graphOf,
  hoursPerWorkingDay,
  normaliseEdges,
  pathsBetween,
} from './model.ts';
export type { DefinitionGraph, GraphNode, WhatIfEdit, WhatIfProblem } from './model.ts';
