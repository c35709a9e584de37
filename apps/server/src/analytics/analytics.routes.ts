import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Kysely, sql } from 'kysely';
import {
  type AnalyticsParams,
  type AnalyticsQuery,
  type CompareQuery,
  type ExportQuery,
  analyticsParamsSchema,
  analyticsPositions,
  analyticsQuerySchema,
  compareQuerySchema,
  comparisonSchema,
  exportFileSchema,
  exportQuerySchema,
  mayReadAnalytics,
  processAnalyticsSchema,
  type SimulationRequest,
  simulationRequestSchema,
  simulationResponseSchema,
  stepAnalyticsSchema,
  teamAnalyticsSchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow } from '../auth/auth.plugin.ts';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../http/route-schemas.ts';
import {
  compareAnalytics,
  eventLog,
  loadAnalyticsModel,
  processAnalytics,
  teamAnalytics,
  toCsv,
  toXes,
} from './analytics-queries.ts';
import { stepAnalytics } from './step-rollups.ts';
import { simulateModel } from './simulation.ts';

/**
 * Only admins, process owners, operators and managers (positions {@link analyticsPositions}) read
 * analytics: team performance names people. Everyone else gets 403 `API_FORBIDDEN`.
 */
const canReadAnalytics: onRequestAsyncHookHandler = async (request) => {
  const user = getCurrentUserOrThrow(request);
  if (!mayReadAnalytics(user)) {
    throw new ApiError('API_FORBIDDEN', {
      route: `${request.method} ${request.routeOptions.url ?? request.url}`,
      roles: `"admin", "owner" or "operator" (or the position ${analyticsPositions.map((p) => `"${p}"`).join(', ')})`,
      actual: user.roles.length > 0 ? user.roles.map((r) => `"${r}"`).join(', ') : 'no role',
    });
  }
};

/** The analytics routes (`docs/analytics.md`). Read-only. */
export async function analyticsRoutes(app: FastifyInstance): Promise<void> {
  const model = (key: string) => loadAnalyticsModel(app.db, key, app.calendars.extra);
  /**
   * Runs a report in a read-only transaction on one snapshot, with room to sort and hash in memory (64 MB
   * instead of PostgreSQL's default 4 MB, which makes the grouping of a large history spill to
   * disk) and without JIT compilation (PostgreSQL compiled a step report's expressions for
   * 0.8 s to save less than that on 447,000 tasks; see docs/benchmarks.md).
   */
  const read = <T>(report: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
    app.db.transaction().execute(async (trx) => {
      // One snapshot for the report's statements (the step report reads the rollups, then the tasks of what they leave out).
      await sql`set transaction isolation level repeatable read, read only`.execute(trx);
      await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(trx);
      return report(trx);
    });
  const schema = (summary: string, querystring: object, response: object) => ({
    tags: ['analytics'],
    summary,
    params: analyticsParamsSchema,
    querystring,
    response: { 200: response, ...errorResponses },
  });

  app.get<{ Params: AnalyticsParams; Querystring: AnalyticsQuery }>(
    '/api/analytics/models/:key/steps',
    {
      onRequest: canReadAnalytics,
      schema: schema(
        'Per-step measures: durations (clock and working time), waiting vs working, pass rate, rework, deadlines, escalations',
        analyticsQuerySchema,
        stepAnalyticsSchema,
      ),
    },
    async (request) => {
      const m = await model(request.params.key);
      return read((db) => stepAnalytics(db, m, request.query));
    },
  );

  app.get<{ Params: AnalyticsParams; Querystring: AnalyticsQuery }>(
    '/api/analytics/models/:key/process',
    {
      onRequest: canReadAnalytics,
      schema: schema(
        "Per-process measures: cycle time, throughput per week, WIP, abandoned share, first-pass yield, variants, Little's law",
        analyticsQuerySchema,
        processAnalyticsSchema,
      ),
    },
    async (request) => {
      const m = await model(request.params.key);
      return read((db) => processAnalytics(db, m, request.query));
    },
  );

  app.get<{ Params: AnalyticsParams; Querystring: AnalyticsQuery }>(
    '/api/analytics/models/:key/team',
    {
      onRequest: canReadAnalytics,
      schema: schema(
        'Team performance per person and team: deals at signing, follow-up and deadline hit rates, load, per working day present',
        analyticsQuerySchema,
        teamAnalyticsSchema,
      ),
    },
    async (request) => {
      const m = await model(request.params.key);
      return read((db) => teamAnalytics(db, m, request.query));
    },
  );

  app.get<{ Params: AnalyticsParams; Querystring: CompareQuery }>(
    '/api/analytics/models/:key/compare',
    {
      onRequest: canReadAnalytics,
      schema: schema(
        'Compare population B with A (pilot vs control, before vs after): differences with a seeded bootstrap 95 % interval and a verdict',
        compareQuerySchema,
        comparisonSchema,
      ),
    },
    async (request) => {
      const m = await model(request.params.key);
      return read((db) => compareAnalytics(db, m, request.query));
    },
  );

  app.get<{ Params: AnalyticsParams; Querystring: ExportQuery }>(
    '/api/analytics/models/:key/export',
    {
      onRequest: canReadAnalytics,
      schema: schema(
        'Export a table as CSV, or the event log (table=eventLog) as CSV or XES',
        exportQuerySchema,
        exportFileSchema,
      ),
    },
    async (request, reply) => {
      const { table, format = 'csv', ...filters } = request.query;
      const m = await model(request.params.key);
      const file = `${m.key}-${table}.${format}`;
      if (format === 'xes' && table !== 'eventLog') {
        const message = 'At /format: only the event log (table=eventLog) exports as XES; use format=csv for tables.';
        throw new ApiError(
          'API_VALIDATION',
          { part: 'querystring', route: 'GET /api/analytics/models/:key/export', summary: message },
          { issues: [{ path: '/format', code: 'API_EXPORT_FORMAT', message }] },
        );
      }
      let body: string;
      if (table === 'eventLog') {
        const events = await read((db) => eventLog(db, m, filters));
        body =
          format === 'xes'
            ? toXes(m.key, events)
            : toCsv(
                ['case_id', 'business_key', 'activity', 'activity_zh', 'lifecycle', 'timestamp', 'resource'],
                events.map((e) => [
                  e.case_id,
                  e.business_key,
                  e.activity,
                  e.activity_zh,
                  e.lifecycle,
                  e.at.toISOString(),
                  e.resource,
                ]),
              );
      } else if (table === 'steps') {
        const s = await read((db) => stepAnalytics(db, m, filters));
        body = toCsv(
          [
            'node_id',
            'name_en',
            'name_zh',
            'tasks',
            'completed',
            'open',
            'duration_clock_h_p50',
            'duration_clock_h_p90',
            'duration_clock_h_mean',
            'duration_working_h_p50',
            'duration_working_h_p90',
            'duration_working_h_mean',
            'waiting_working_h_mean',
            'working_working_h_mean',
            'pass_rate',
            'rework',
            'with_deadline',
            'deadline_hit_rate',
            'escalations',
          ],
          s.steps.map((x) => [
            x.nodeId,
            x.name?.en,
            x.name?.['zh-CN'],
            x.tasks,
            x.completed,
            x.open,
            x.durationClockHours.p50,
            x.durationClockHours.p90,
            x.durationClockHours.mean,
            x.durationWorkingHours.p50,
            x.durationWorkingHours.p90,
            x.durationWorkingHours.mean,
            x.waitingWorkingHours.mean,
            x.workingWorkingHours.mean,
            x.passRate,
            x.rework,
            x.withDeadline,
            x.deadlineHitRate,
            x.escalations,
          ]),
        );
      } else if (table === 'variants' || table === 'throughput') {
        const p = await read((db) => processAnalytics(db, m, filters));
        body =
          table === 'variants'
            ? toCsv(
                ['path', 'count', 'share', 'cycle_clock_h_p50', 'cycle_clock_h_p90', 'cycle_clock_h_mean'],
                p.variants.map((v) => [
                  v.path.join(' > '),
                  v.count,
                  v.share,
                  v.cycleClockHours.p50,
                  v.cycleClockHours.p90,
                  v.cycleClockHours.mean,
                ]),
              )
            : toCsv(
                ['week', 'started', 'completed'],
                p.throughputPerWeek.map((w) => [w.week, w.started, w.completed]),
              );
      } else {
        const t = await read((db) => teamAnalytics(db, m, filters));
        body =
          table === 'people'
            ? toCsv(
                [
                  'username',
                  'display_name',
                  'team',
                  'deals',
                  'deal_amount',
                  'tasks_held',
                  'tasks_completed',
                  'follow_up_rate',
                  'deadline_hit_rate',
                  'open_load',
                  'days_present',
                  'deals_per_day_present',
                  'deal_amount_per_day_present',
                  'tasks_per_day_present',
                ],
                t.people.map((x) => [
                  x.username,
                  x.displayName,
                  x.team,
                  x.deals,
                  x.dealAmount,
                  x.tasksHeld,
                  x.tasksCompleted,
                  x.followUpRate,
                  x.deadlineHitRate,
                  x.openLoad,
                  x.daysPresent,
                  x.dealsPerDayPresent,
                  x.dealAmountPerDayPresent,
                  x.tasksPerDayPresent,
                ]),
              )
            : toCsv(
                [
                  'team',
                  'name_en',
                  'name_zh',
                  'people',
                  'deals',
                  'deal_amount',
                  'follow_up_rate',
                  'deadline_hit_rate',
                  'open_load',
                  'days_present',
                  'deal_amount_per_day_present',
                ],
                t.teams.map((x) => [
                  x.team,
                  x.name?.en,
                  x.name?.['zh-CN'],
                  x.people,
                  x.deals,
                  x.dealAmount,
                  x.followUpRate,
                  x.deadlineHitRate,
                  x.openLoad,
                  x.daysPresent,
                  x.dealAmountPerDayPresent,
                ]),
              );
      }
      void reply
        .header('content-disposition', `attachment; filename="${file}"`)
        .type(format === 'xes' ? 'application/xml; charset=utf-8' : 'text/csv; charset=utf-8');
      return reply.send(body);
    },
  );

  app.post<{ Params: AnalyticsParams; Body: SimulationRequest }>(
    '/api/analytics/models/:key/simulate',
    {
      onRequest: canReadAnalytics,
      schema: {
        tags: ['analytics'],
        summary:
          'Monte Carlo of cycle time: the current and the target state fitted from history, what-if edits, each with its backtest (months 1–3 predicting month 4)',
        params: analyticsParamsSchema,
        body: simulationRequestSchema,
        response: { 200: simulationResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const m = await model(request.params.key);
      return read((db) => simulateModel(db, m, request.body, Date.now()));
    },
  );
}
