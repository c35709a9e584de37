/**
 * The simulation of a model (`POST /api/analytics/models/:key/simulate`): a Monte Carlo of cycle
 * time fitted from the history, the current and the target state side by side, what-if edits, and
 * beside each result its backtest (the same fit on months 1–3 predicting month 4). See
 * `docs/analytics.md`, "Simulation".
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextSchema } from './common.ts';
import { nullable, stringEnum } from './schema.ts';

const nullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });
const stepId = Type.String({ minLength: 1, maxLength: 100, description: 'A user-task node id of the definition.' });

/** Schema of {@link WhatIf}: one edit of the fitted model. */
export const whatIfSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('deadline'),
      step: stepId,
      hours: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }), Type.Null()], {
        description: 'The deadline in working hours (null removes it).',
      }),
      escalationHours: Type.Optional(
        Type.Number({
          minimum: 0,
          maximum: 1000,
          description: 'How long an escalated task takes after its deadline (default 4).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('duration'),
      step: stepId,
      medianHours: Type.Number({ minimum: 0, maximum: 10_000, description: 'The step’s median in working hours.' }),
      sigma: Type.Optional(
        Type.Number({
          minimum: 0,
          maximum: 5,
          description: 'Log-normal spread (for a step without history; default 0.8).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('holders'),
      role: Type.String({ minLength: 1, maxLength: 100 }),
      add: Type.Integer({ minimum: -100, maximum: 100, description: 'People added to (or taken from) the role.' }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('remove'), step: stepId }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('arrivals'),
      perWorkingHour: Type.Number({ minimum: 0, maximum: 1000, description: 'New cases per working hour.' }),
    },
    { additionalProperties: false },
  ),
]);
/** A what-if edit: a deadline, a step's duration, holders of a role, a step removed, an arrival rate. */
export type WhatIf = Static<typeof whatIfSchema>;

/** Schema of {@link SimulationRequest}. */
export const simulationRequestSchema = Type.Object(
  {
    currentVersion: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Default: the newest published current state.' }),
    ),
    targetVersion: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Default: the newest published target state.' }),
    ),
    cases: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 20_000, description: 'Simulated cases (default 2,000).' }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Default 1.' })),
    targetDays: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 3650,
        description: 'The share finishing within this many calendar days (default 30).',
      }),
    ),
    edits: Type.Optional(Type.Array(whatIfSchema, { maxItems: 20 })),
    applyTo: Type.Optional(stringEnum(['both', 'current', 'target'] as const, { description: 'Default both.' })),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/analytics/models/:key/simulate`. */
export type SimulationRequest = Static<typeof simulationRequestSchema>;

const spread = Type.Object({ p50: nullableNumber, p90: nullableNumber, mean: nullableNumber });

/** Schema of {@link SimulationResult}. */
export const simulationResultSchema = Type.Object({
  cases: Type.Integer(),
  completed: Type.Integer(),
  abandoned: Type.Integer(),
  unfinished: Type.Integer(),
  cycleClockHours: spread,
  cycleWorkingHours: spread,
  withinTarget: nullableNumber,
  histogram: Type.Array(Type.Object({ fromDays: Type.Number(), toDays: Type.Number(), count: Type.Integer() })),
  roles: Type.Array(
    Type.Object({
      role: Type.String(),
      holders: Type.Integer(),
      slots: Type.Integer(),
      utilisation: Type.Number(),
      meanWaitHours: Type.Number(),
    }),
  ),
  outcomes: Type.Array(Type.Object({ end: Type.String(), share: Type.Number(), p50ClockHours: nullableNumber }), {
    description: 'Completed cases per end node: share of the completed and median cycle time.',
  }),
});
/** What one simulation run gives. */
export type SimulationResult = Static<typeof simulationResultSchema>;

/** Schema of {@link SimulationBacktest}. */
export const simulationBacktestSchema = Type.Object({
  predictedP50Hours: nullableNumber,
  predictedP90Hours: nullableNumber,
  actualP50Hours: nullableNumber,
  actualP90Hours: nullableNumber,
  actualCases: Type.Integer(),
  predictedCases: Type.Integer(),
  fittedCases: Type.Integer({ description: 'Instances of this version started in months 1–3, the fit.' }),
  fittedSteps: Type.Integer({ description: 'User-task steps of the version in the fit.' }),
  borrowedSteps: Type.Integer({
    description:
      'Steps with too few cases of their own in months 1–3, fitted on the other state’s history (or without data). Most of them borrowed: a version piloted later, whose backtest says how well the pilot was forecast before it ran.',
  }),
  error: Type.Unsafe<number | null>({
    type: ['number', 'null'],
    description: '(predicted − actual) ÷ actual median cycle time (clock hours).',
  }),
  actualP50Interval: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()], {
    description:
      'A seeded bootstrap 90 % interval of the actual median: how far month 4 alone could have landed from its own cases.',
  }),
  outcomes: Type.Array(
    Type.Object({
      end: Type.String(),
      predictedShare: Type.Number(),
      actualShare: Type.Number(),
      predictedP50Hours: nullableNumber,
      actualP50Hours: nullableNumber,
    }),
    { description: 'Per end node: the mix of outcomes and each one’s median, predicted against actual.' },
  ),
});
/** The model fitted on months 1–3 predicting month 4, against what month 4 did. */
export type SimulationBacktest = Static<typeof simulationBacktestSchema>;

/** Schema of {@link SimulationScenario}. */
export const simulationScenarioSchema = Type.Object({
  state: stringEnum(['current', 'target'] as const),
  version: Type.Integer(),
  edited: Type.Boolean(),
  steps: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      name: nullable(localizedTextSchema),
      role: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
      source: stringEnum(['history', 'otherState', 'none'] as const, {
        description: 'Durations from this version’s history, borrowed from the other state’s same step, or none.',
      }),
      samples: Type.Integer(),
      medianHours: nullableNumber,
      p90Hours: nullableNumber,
      abandon: Type.Number(),
      deadlineHours: nullableNumber,
    }),
  ),
  result: simulationResultSchema,
  backtest: Type.Union([simulationBacktestSchema, Type.Null()]),
});
/** One state (as fitted, or with the edits) and its backtest. */
export type SimulationScenario = Static<typeof simulationScenarioSchema>;

/** Schema of {@link SimulationResponse}. */
export const simulationResponseSchema = Type.Object({
  modelKey: Type.String(),
  calendar: Type.String(),
  seed: Type.Integer(),
  cases: Type.Integer(),
  targetDays: Type.Number(),
  historyFrom: Type.String(),
  historyTo: Type.String(),
  backtestWindow: Type.Union([
    Type.Object({ fitFrom: Type.String(), fitTo: Type.String(), testTo: Type.String() }),
    Type.Null(),
  ]),
  scenarios: Type.Array(simulationScenarioSchema),
});
/** Answer of `POST /api/analytics/models/:key/simulate`. */
export type SimulationResponse = Static<typeof simulationResponseSchema>;
