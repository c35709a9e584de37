/**
 * `npm run seed:history`: six months of sales history for the `examples/sales/` model, produced
 * through the real run loop (`Runtime.startInstance`, `Runtime.runCommand`, the timer poller)
 * with a simulated clock (`Runtime.setClockOffset`). It never writes instances, tasks or events
 * itself: every row there comes from an engine step. It adds the people the history needs
 * (teams north and south, reps, assistants, a second lawyer and after-sales agent), marks people
 * out of office for their weeks off (the `users.out_of_office` flag the directory reads), and
 * deploys the target state to the pilot team at the start of month four.
 *
 * @module
 */
import { type BusinessCalendar, builtinCalendars, createCalendar } from '@baton/definition';
import type { Actor, InstanceSnapshot, TaskState } from '@baton/engine';
import { TimeHeap } from '@baton/engine/simulation';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createDeployment, findStartContext } from '../deployments/deployment-repository.ts';
import { resolveVersionForStart } from '../deployments/resolve-version.ts';
import { nowSql } from '../runtime/clock.ts';
import type { CommandOutcome, RunCommandResult } from '../runtime/runtime.ts';
import { findTeamKeysWithAncestors, insertTeam } from '../users/user-repository.ts';
import { createRandom } from '../analytics/seeded-random.ts';
import { salesModelKey } from './sales-examples.ts';

/** Options of {@link seedHistory}. */
export interface SeedHistoryOptions {
  /** The random seed (printed; pass it again to get the same history). */
  seed: number;
  /** The end of the history (epoch ms). @default now */
  end?: number;
  /** How many weeks of history. @default 26 */
  weeks?: number;
  /** Leads per week across all teams. @default 44 */
  leadsPerWeek?: number;
  /** The team that pilots the target state from month four. @default sales-east */
  pilotTeam?: string;
  /** Progress lines (one per simulated month). */
  log?: (line: string) => void;
}

/** What {@link seedHistory} did. */
export interface SeedHistoryResult {
  seed: number;
  leads: number;
  commands: number;
  timersFired: number;
  refused: number;
  /** The engine's codes for the refused commands (e.g. a completion that lost the race to an escalation). */
  refusedCodes: Record<string, number>;
  start: number;
  pilotStart: number;
  end: number;
  elapsedMs: number;
  /** Where the time went: per kind of simulated action, how many and the milliseconds spent. */
  timing: Record<string, { count: number; ms: number }>;
}

const hour = 3_600_000;
const day = 24 * hour;

/** The history's teams: key, names, weekly lead share, speed factor. */
const teams = [
  { key: 'east', zh: '华东销售', en: 'Sales East', share: 0.3, speed: 1 },
  { key: 'west', zh: '华西销售', en: 'Sales West', share: 0.26, speed: 1.15 },
  { key: 'north', zh: '华北销售', en: 'Sales North', share: 0.24, speed: 0.9 },
  { key: 'south', zh: '华南销售', en: 'Sales South', share: 0.2, speed: 1.3 },
] as const;

/** People the history adds (the demo users rep1, rep2, manager, legal, … take part too). */
const extraPeople: ReadonlyArray<{
  username: string;
  name: string;
  positions: string[];
  team: string;
  manager: string;
}> = [
  {
    username: 'north.manager',
    name: '刘经理 Liu (sales manager North)',
    positions: ['sales-manager'],
    team: 'sales-north',
    manager: 'director',
  },
  {
    username: 'south.manager',
    name: '黄经理 Huang (sales manager South)',
    positions: ['sales-manager'],
    team: 'sales-south',
    manager: 'director',
  },
  {
    username: 'east.assistant',
    name: '孙助理 Sun (sales assistant East)',
    positions: ['sales-assistant'],
    team: 'sales-east',
    manager: 'manager',
  },
  {
    username: 'west.assistant',
    name: '周助理 Zhou (sales assistant West)',
    positions: ['sales-assistant'],
    team: 'sales-west',
    manager: 'manager',
  },
  {
    username: 'north.assistant',
    name: '吴助理 Wu (sales assistant North)',
    positions: ['sales-assistant'],
    team: 'sales-north',
    manager: 'north.manager',
  },
  {
    username: 'south.assistant',
    name: '郑助理 Zheng (sales assistant South)',
    positions: ['sales-assistant'],
    team: 'sales-south',
    manager: 'south.manager',
  },
  {
    username: 'east.chen',
    name: '陈晨 Chen Chen (sales East)',
    positions: ['sales-rep'],
    team: 'sales-east',
    manager: 'manager',
  },
  {
    username: 'east.lin',
    name: '林静 Lin Jing (sales East)',
    positions: ['sales-rep'],
    team: 'sales-east',
    manager: 'manager',
  },
  {
    username: 'east.ma',
    name: '马骁 Ma Xiao (sales East)',
    positions: ['sales-rep'],
    team: 'sales-east',
    manager: 'manager',
  },
  {
    username: 'west.gao',
    name: '高远 Gao Yuan (sales West)',
    positions: ['sales-rep'],
    team: 'sales-west',
    manager: 'manager',
  },
  {
    username: 'west.luo',
    name: '罗兰 Luo Lan (sales West)',
    positions: ['sales-rep'],
    team: 'sales-west',
    manager: 'manager',
  },
  {
    username: 'north.he',
    name: '何平 He Ping (sales North)',
    positions: ['sales-rep'],
    team: 'sales-north',
    manager: 'north.manager',
  },
  {
    username: 'north.xu',
    name: '徐磊 Xu Lei (sales North)',
    positions: ['sales-rep'],
    team: 'sales-north',
    manager: 'north.manager',
  },
  {
    username: 'north.song',
    name: '宋佳 Song Jia (sales North)',
    positions: ['sales-rep'],
    team: 'sales-north',
    manager: 'north.manager',
  },
  {
    username: 'south.tang',
    name: '唐宁 Tang Ning (sales South)',
    positions: ['sales-rep'],
    team: 'sales-south',
    manager: 'south.manager',
  },
  {
    username: 'south.feng',
    name: '冯涛 Feng Tao (sales South)',
    positions: ['sales-rep'],
    team: 'sales-south',
    manager: 'south.manager',
  },
  {
    username: 'south.deng',
    name: '邓丽 Deng Li (sales South)',
    positions: ['sales-rep'],
    team: 'sales-south',
    manager: 'south.manager',
  },
  { username: 'legal.sun', name: '孙律师 Sun (legal)', positions: ['legal'], team: 'legal', manager: 'legalmanager' },
  {
    username: 'aftersales.he',
    name: '何售后 He (after-sales)',
    positions: ['after-sales'],
    team: 'after-sales',
    manager: 'director',
  },
];

const customerNames = [
  '华信科技',
  '东方制造',
  '远航物流',
  '金桥贸易',
  '博雅教育',
  '海川医疗',
  '星辰软件',
  '瑞丰食品',
  '中拓建材',
  '明德咨询',
  '新元能源',
  '天和化工',
  '嘉禾农业',
  '云帆传媒',
  '恒通汽车',
  '佳美家居',
  '鼎盛金融',
  '宏达电子',
  '安康药业',
  '启明光电',
];

interface Person {
  username: string;
  id: number;
  teamId: number | null;
  actor: Actor;
  /** Multiplies every working duration of this person (0.6 fast … 1.8 slow). */
  speed: number;
  /** Weeks off: [from, to) epoch ms. */
  away: Array<[number, number]>;
}

/** A planned action of the simulation, run in time order. */
type Plan =
  | { at: number; kind: 'lead'; team: (typeof teams)[number] }
  | { at: number; kind: 'claim'; taskId: number; instanceId: string; key: string; who: string }
  | {
      at: number;
      kind: 'complete';
      taskId: number;
      instanceId: string;
      key: string;
      who: string;
      output: Record<string, unknown>;
      /** A signer's vote on a several-signer step (会签), with its comment. */
      vote?: { decision: 'approve' | 'reject'; comment: string };
    }
  | { at: number; kind: 'timer'; instanceId: string; timer: string }
  | { at: number; kind: 'away'; who: string; away: boolean }
  | { at: number; kind: 'pilot' };
type Planned = Plan & { seq: number };

/** The planned actions by time (then by insertion order, so ties keep their order). */
class Agenda {
  private readonly heap = new TimeHeap<Planned>();
  private seq = 0;
  push(item: Plan): void {
    this.heap.push({ ...item, seq: this.seq++ });
  }
  pop(): Planned | undefined {
    return this.heap.pop();
  }
  get size(): number {
    return this.heap.size;
  }
}

/**
 * Seeds the history (see the module description). The app must be built on a migrated database
 * with the demo data and the sales example seeded, and its workers must not run. Refuses (throws)
 * when the sales model already has instances. Leaves the clock offset at 0.
 */
export async function seedHistory(app: FastifyInstance, options: SeedHistoryOptions): Promise<SeedHistoryResult> {
  const t0 = performance.now();
  const db = app.db;
  const runtime = app.runtime;
  const random = createRandom(options.seed);
  const log = options.log ?? (() => {});
  const calendar: BusinessCalendar = createCalendar(builtinCalendars['cn-mainland']);
  const weeks = options.weeks ?? 26;
  const end = options.end ?? Date.now();
  const start = calendar.nextWorkingInstant(end - weeks * 7 * day);
  // Month four: the pilot starts on the first working day after three months.
  const pilotStart = calendar.nextWorkingInstant(start + Math.round((weeks * 7 * 3) / 6) * day);
  const leadsPerWeek = options.leadsPerWeek ?? 44;
  const pilotTeam = options.pilotTeam ?? 'sales-east';

  const model = await db.selectFrom('process_models').select('id').where('key', '=', salesModelKey).executeTakeFirst();
  if (!model) throw new Error(`The model "${salesModelKey}" does not exist: start the server once (npm start) first.`);
  const existing = await db
    .selectFrom('instances')
    .select('id')
    .where('model_id', '=', model.id)
    .limit(1)
    .executeTakeFirst();
  if (existing)
    throw new Error(`The model "${salesModelKey}" already has instances: seed:history runs on a fresh database only.`);

  // The current state has run for everyone since the start of the history.
  await db
    .updateTable('deployments')
    .set({ started_at: new Date(start) })
    .where('model_id', '=', model.id)
    .where('ended_at', 'is', null)
    .execute();

  // ---- People ----------------------------------------------------------------------------
  const template = await db
    .selectFrom('users')
    .select('password_hash')
    .where('username', '=', 'rep1')
    .executeTakeFirst();
  if (!template) throw new Error('The demo users are missing: seed:history needs the demo data.');
  const salesTeam = await db.selectFrom('teams').select('id').where('key', '=', 'sales').executeTakeFirstOrThrow();
  for (const team of teams) {
    const key = `sales-${team.key}`;
    const found = await db.selectFrom('teams').select('id').where('key', '=', key).executeTakeFirst();
    if (!found) await insertTeam(db, { key, name: { 'zh-CN': team.zh, en: team.en }, parentId: salesTeam.id });
  }
  for (const p of extraPeople) {
    const exists = await db.selectFrom('users').select('id').where('username', '=', p.username).executeTakeFirst();
    if (exists) continue;
    const team = await db.selectFrom('teams').select('id').where('key', '=', p.team).executeTakeFirstOrThrow();
    const manager = await db.selectFrom('users').select('id').where('username', '=', p.manager).executeTakeFirst();
    await db
      .insertInto('users')
      .values({
        username: p.username,
        display_name: p.name,
        password_hash: template.password_hash,
        roles: ['participant'],
        positions: p.positions,
        team_id: team.id,
        manager_id: manager?.id ?? null,
        locale: 'zh-CN',
      })
      .execute();
  }
  for (const [teamKey, manager] of [
    ['sales-north', 'north.manager'],
    ['sales-south', 'south.manager'],
  ] as const) {
    const m = await db.selectFrom('users').select('id').where('username', '=', manager).executeTakeFirstOrThrow();
    await db.updateTable('teams').set({ manager_id: m.id }).where('key', '=', teamKey).execute();
  }
  runtime.directory.invalidate();

  const rows = await db.selectFrom('users').select(['id', 'username', 'positions', 'team_id']).execute();
  const people = new Map<string, Person>();
  for (const row of rows) {
    const teamKeys = await findTeamKeysWithAncestors(db, row.team_id);
    people.set(row.username, {
      username: row.username,
      id: row.id,
      teamId: row.team_id,
      actor: { id: row.username, roles: row.positions, teams: teamKeys, privileged: false },
      speed: Math.exp(0.35 * normal(random)),
      away: [],
    });
  }
  const person = (username: string): Person => {
    const p = people.get(username);
    if (!p) throw new Error(`seed:history: unknown user "${username}"`);
    return p;
  };
  const withPosition = (position: string, teamKey?: string) =>
    [...people.values()].filter(
      (p) =>
        (p.actor.roles ?? []).includes(position) && (teamKey === undefined || (p.actor.teams ?? []).includes(teamKey)),
    );

  const agenda = new Agenda();
  // Weeks off: each rep, manager and lawyer takes 0–2 weeks (not in the first fortnight).
  for (const p of people.values()) {
    const roles = p.actor.roles ?? [];
    if (!roles.some((r) => ['sales-rep', 'sales-manager', 'legal', 'after-sales'].includes(r))) continue;
    const count = random() < 0.3 ? 0 : random() < 0.7 ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const from = calendar.nextWorkingInstant(start + (14 + Math.floor(random() * (weeks * 7 - 21))) * day);
      const to = from + 7 * day;
      p.away.push([from, to]);
      agenda.push({ at: from, kind: 'away', who: p.username, away: true });
      agenda.push({ at: to, kind: 'away', who: p.username, away: false });
    }
  }
  // The pilot first: a lead arriving at the very instant goes to the target state.
  agenda.push({ at: pilotStart, kind: 'pilot' });
  // Leads: arrivals over working time, a Poisson count per team and week.
  for (let w = 0; w < weeks; w++) {
    for (const team of teams) {
      const count = poisson(random, leadsPerWeek * team.share);
      for (let i = 0; i < count; i++) {
        const at = calendar.nextWorkingInstant(start + w * 7 * day + random() * 7 * day);
        if (at >= end) continue;
        agenda.push({ at, kind: 'lead', team });
      }
    }
  }

  // ---- Behaviour --------------------------------------------------------------------------
  const lognormal = (median: number, sigma: number) => median * Math.exp(sigma * normal(random));
  /** When `who` finishes `hours` of working time started at `from`, skipping their weeks off. */
  const workEnd = (who: Person, from: number, hours: number): number => {
    let t = calendar.addWorkingTime(from, Math.max(60_000, hours * who.speed * hour));
    for (const [a, b] of who.away)
      if (t >= a && from < b) t = calendar.addWorkingTime(b, Math.max(60_000, hours * hour));
    return t;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const isAway = (who: Person, at: number) => who.away.some(([a, b]) => at >= a && at < b);
  const teamOf = (snapshot: InstanceSnapshot) => (typeof snapshot.data.team === 'string' ? snapshot.data.team : 'east');
  const teamSpeed = (snapshot: InstanceSnapshot) => teams.find((t) => t.key === teamOf(snapshot))?.speed ?? 1;
  /** The next Monday 10:00 Beijing time (the weekly lead meeting), moved past a public holiday. */
  const nextMonday10 = (t: number) => {
    const local = t + 8 * hour;
    const dayStart = local - (local % day);
    const weekday = new Date(dayStart).getUTCDay();
    const ahead = (8 - weekday) % 7 || 7;
    return calendar.nextWorkingInstant(dayStart + ahead * day + 10 * hour - 8 * hour);
  };

  /** Plans who claims (if open) and completes a new task, when, and with what output. */
  const planTask = (
    instanceId: string,
    taskId: number,
    task: TaskState,
    snapshot: InstanceSnapshot,
    target: boolean,
  ) => {
    const created = task.createdAt;
    const team = teamOf(snapshot);
    const ts = teamSpeed(snapshot);
    const assignee = task.assignee ? people.get(task.assignee) : undefined;
    const claimer = (position: string, teamKey?: string) => {
      const pool = withPosition(position, teamKey);
      const present = pool.filter((p) => !isAway(p, created));
      return pick(present.length > 0 ? present : pool);
    };
    const complete = (
      who: Person,
      at: number,
      output: Record<string, unknown>,
      claimAt?: number,
      vote?: { decision: 'approve' | 'reject'; comment: string },
    ) => {
      if (at >= end) return;
      if (claimAt !== undefined)
        agenda.push({ at: claimAt, kind: 'claim', taskId, instanceId, key: task.id, who: who.username });
      agenda.push({
        at,
        kind: 'complete',
        taskId,
        instanceId,
        key: task.id,
        who: who.username,
        output,
        ...(vote ? { vote } : {}),
      });
    };
    const amount = Number(snapshot.data.amount ?? 100_000);
    switch (task.node) {
      case 'crm-reentry': {
        const who = assignee ?? claimer('sales-assistant', `sales-${team}`);
        complete(who, workEnd(who, created, lognormal(5, 0.8) * ts), {});
        return;
      }
      case 'assign-lead': {
        // The weekly meeting: Monday morning, unless the manager deals with it at once (20 %).
        const who = assignee ?? claimer('sales-manager');
        let at = random() < 0.2 ? workEnd(who, created, lognormal(3, 0.6)) : nextMonday10(created);
        if (isAway(who, at)) at = nextMonday10(who.away.find(([a, b]) => at >= a && at < b)![1]);
        const reps = withPosition('sales-rep', `sales-${team}`);
        complete(who, at, { assignedRep: pick(reps).username });
        return;
      }
      case 'first-follow-up': {
        const qualified = random() < (target ? 0.6 : 0.55);
        const output = {
          followUpOutcome: qualified ? 'qualified' : 'notInterested',
          note: qualified ? '客户有意向' : '暂无需求',
        };
        if (!target) {
          // No deadline, no reminder: about 15 % are never followed up (the lead is lost in the inbox).
          if (!assignee || random() < 0.15) return;
          complete(assignee, workEnd(assignee, created, lognormal(14, 1.0) * ts), output);
          return;
        }
        // Round robin; a rep who lets it slip (12 %) loses it to the team's pool at the deadline.
        const due = task.dueAt ?? created + 3 * day;
        const rep = assignee ?? claimer('sales-rep', `sales-${team}`);
        const at = workEnd(rep, created, lognormal(8, 0.9) * ts);
        if (random() >= 0.12 && at < due) {
          complete(rep, at, { ...output, assignedRep: rep.username });
          return;
        }
        const other = claimer('sales-rep', `sales-${team}`);
        const claimAt = workEnd(other, due + 60_000, lognormal(3, 0.8));
        complete(
          other,
          workEnd(other, claimAt, lognormal(2, 0.6)),
          { ...output, assignedRep: other.username },
          claimAt,
        );
        return;
      }
      case 'proposal': {
        const who = assignee ?? claimer('sales-rep', `sales-${team}`);
        // Waiting on the customer's requirements: long-tailed.
        const quote = Math.round(amount * (0.9 + random() * 0.2));
        complete(who, workEnd(who, created, lognormal(target ? 14 : 20, 0.9) * ts), { quoteAmount: quote });
        return;
      }
      case 'quote-approval': {
        if (task.group !== undefined && assignee) {
          // The target state's 会签: each signer (manager, finance, director) votes on their own;
          // one rejection sends the deal back, and the others' tasks are then cancelled.
          const approve = random() < 0.94;
          const at = workEnd(assignee, created, lognormal(3, 0.7));
          complete(assignee, at, {}, undefined, {
            decision: approve ? 'approve' : 'reject',
            comment: approve ? '同意' : '折扣过大，请调整',
          });
          return;
        }
        const who = assignee ?? claimer('sales-manager');
        const approved = random() < (target ? 0.82 : 0.72);
        const at = workEnd(who, created, lognormal(target ? 4 : 12, target ? 0.7 : 1.0));
        complete(who, at, { approved, comment: approved ? '同意' : '折扣过大，请调整' });
        return;
      }
      case 'legal-review': {
        const approved = random() < 0.85;
        const output = { approved, comment: approved ? '合同条款可接受' : '付款条款需修改' };
        const lawyer = claimer('legal');
        const claimAt = workEnd(lawyer, created, lognormal(target ? 5 : 18, target ? 0.9 : 1.1));
        const at = workEnd(lawyer, claimAt, lognormal(5, 0.6));
        if (target && task.dueAt !== null && at > task.dueAt) {
          // 48 working hours passed: the review went to the legal manager.
          const lm = person('legalmanager');
          const lmAt = workEnd(lm, task.dueAt + 60_000, lognormal(4, 0.6));
          complete(lm, workEnd(lm, lmAt, 1), output, lmAt);
          return;
        }
        complete(lawyer, at, output, claimAt);
        return;
      }
      case 'sign-contract': {
        const who = assignee ?? claimer('sales-rep', `sales-${team}`);
        const signed = random() < (target ? 0.84 : 0.78);
        // Waiting on the customer's stamp: calendar days, long-tailed.
        const at = calendar.nextWorkingInstant(created + lognormal(target ? 3 : 6, 0.8) * day);
        const quote = Number(snapshot.data.quoteAmount ?? amount);
        complete(who, at, { signed, contractAmount: Math.round(quote * (0.85 + random() * 0.15)) });
        return;
      }
      case 'month-end-attribution': {
        const who = claimer('finance');
        const d = new Date(created + 8 * hour);
        const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 8 * hour;
        const claimAt = calendar.addWorkingDays(calendar.nextWorkingInstant(monthEnd), Math.floor(random() * 4));
        complete(
          who,
          workEnd(who, claimAt, lognormal(2, 0.5)),
          {
            attributedRep: typeof snapshot.data.assignedRep === 'string' ? snapshot.data.assignedRep : '',
            attributedAmount: Number(snapshot.data.contractAmount ?? 0),
          },
          claimAt,
        );
        return;
      }
      case 'after-sales-start': {
        const who = claimer('after-sales');
        // Today the customer has to call first; in the target the task is there at signing.
        const claimAt = workEnd(who, created, target ? lognormal(3, 0.7) : lognormal(28, 0.7));
        complete(who, workEnd(who, claimAt, lognormal(1.5, 0.5)), {}, claimAt);
        return;
      }
      default:
        return;
    }
  };

  // ---- The run loop -------------------------------------------------------------------------
  const planned = new Set<string>();
  const timersSeen = new Set<string>();
  const snapshots = new Map<string, InstanceSnapshot>();
  const isTarget = new Set<string>();
  const versionState = new Map<number, boolean>();
  let commands = 0;
  let refused = 0;
  const refusedCodes: Record<string, number> = {};
  let timersFired = 0;
  const setClock = (at: number) => runtime.setClockOffset(at - Date.now());

  const afterStep = async (
    instanceId: string,
    versionId: number,
    snapshot: InstanceSnapshot,
    taskIds: ReadonlyMap<string, number>,
  ) => {
    snapshots.set(instanceId, snapshot);
    let target = versionState.get(versionId);
    if (target === undefined) {
      const v = await db
        .selectFrom('process_versions')
        .select('state')
        .where('id', '=', versionId)
        .executeTakeFirstOrThrow();
      target = v.state === 'target';
      versionState.set(versionId, target);
    }
    if (target) isTarget.add(instanceId);
    for (const task of Object.values(snapshot.tasks)) {
      if (task.status !== 'open' && task.status !== 'claimed') continue;
      const key = `${instanceId}:${task.id}`;
      if (planned.has(key)) continue;
      const taskId = taskIds.get(task.id);
      if (taskId === undefined) continue;
      planned.add(key);
      planTask(instanceId, taskId, task, snapshot, target);
    }
    for (const timer of Object.values(snapshot.timers)) {
      const key = `${instanceId}:${timer.id}`;
      if (timersSeen.has(key) || timer.dueAt >= end) continue;
      timersSeen.add(key);
      agenda.push({ at: timer.dueAt, kind: 'timer', instanceId, timer: timer.id });
    }
  };
  const done = async (result: RunCommandResult<undefined>) => {
    commands++;
    if (result.kind !== 'done') return;
    const outcome: CommandOutcome = result.outcome;
    if (!outcome.ok) {
      refused++;
      refusedCodes[outcome.error.code] = (refusedCodes[outcome.error.code] ?? 0) + 1;
      return;
    }
    await afterStep(
      outcome.instance.id,
      outcome.instance.version_id,
      outcome.instance.snapshot as InstanceSnapshot,
      outcome.taskIds,
    );
  };

  let leadNumber = 0;
  let month = -1;
  const timing: Record<string, { count: number; ms: number }> = {};
  const versionOfTask = (instanceId: string) => (isTarget.has(instanceId) ? 'target' : 'current');
  for (let item = agenda.pop(); item; item = agenda.pop()) {
    if (item.at >= end) break;
    const m = Math.floor((item.at - start) / (30.4 * day));
    if (m !== month) {
      month = m;
      log(
        `seed:history: month ${m + 1} (${new Date(item.at).toISOString().slice(0, 10)}), ${commands} commands so far`,
      );
    }
    setClock(item.at);
    const began = performance.now();
    const kind =
      item.kind === 'claim' || item.kind === 'complete' ? `${item.kind}:${versionOfTask(item.instanceId)}` : item.kind;
    switch (item.kind) {
      case 'away': {
        const p = person(item.who);
        await db.updateTable('users').set({ out_of_office: item.away }).where('id', '=', p.id).execute();
        runtime.directory.invalidate();
        break;
      }
      case 'pilot': {
        const release = person('release');
        await createDeployment(db, {
          modelKey: salesModelKey,
          versionNumber: 2,
          cohort: { type: 'teams', teams: [pilotTeam] },
          createdBy: release.id,
        });
        // The deployment rows carry the simulated instants (release markers on the charts).
        await db
          .updateTable('deployments')
          .set({ started_at: new Date(item.at) })
          .where('model_id', '=', model.id)
          .where('cohort', '@>', sql<never>`${JSON.stringify({ type: 'teams' })}::jsonb`)
          .execute();
        break;
      }
      case 'lead': {
        const team = item.team;
        const initiator = person(`${team.key}.assistant`);
        const context = await findStartContext(db, salesModelKey, nowSql(runtime.clock));
        if (!context) throw new Error(`The model "${salesModelKey}" vanished.`);
        leadNumber++;
        const businessKey = `L-${new Date(item.at + 8 * hour).toISOString().slice(0, 7).replace('-', '')}-${String(leadNumber).padStart(5, '0')}`;
        const chosen = resolveVersionForStart(context.deployments, {
          teamKeys: initiator.actor.teams ?? [],
          businessKey,
        });
        if (!chosen) throw new Error(`No deployment of "${salesModelKey}" for team ${team.key}.`);
        const version = await runtime.processes.get(db, chosen.versionId);
        const amount = Math.round(lognormal(160_000, 0.9) / 1000) * 1000;
        const data = {
          leadId: businessKey,
          team: team.key,
          leadSource: pick(['website', 'tradeShow', 'referral', 'phone'] as const),
          customer: { name: `${pick(customerNames)}${pick(['有限公司', '集团', '股份公司'])}` },
          amount,
        };
        const issues = version.validateData(data);
        if (issues.length > 0) throw new Error(`seed:history: invalid lead data: ${JSON.stringify(issues)}`);
        const started = await runtime.startInstance<ReadonlyMap<string, number>>(
          {
            version,
            initiator: { id: initiator.id, username: initiator.username, teamId: initiator.teamId },
            data,
            businessKey,
            now: context.now,
          },
          { respond: (s) => s.taskIds },
        );
        commands++;
        if ('instance' in started)
          await afterStep(
            started.instance.id,
            started.instance.version_id,
            started.instance.snapshot as InstanceSnapshot,
            started.value ?? new Map(),
          );
        break;
      }
      case 'timer': {
        const snapshot = snapshots.get(item.instanceId);
        if (!snapshot?.timers[item.timer]) break; // cancelled meanwhile
        setClock(item.at + 1);
        await runtime.timers.runOnce();
        timersFired++;
        const row = await db
          .selectFrom('instances')
          .select(['id', 'version_id', 'snapshot'])
          .where('id', '=', item.instanceId)
          .executeTakeFirstOrThrow();
        await afterStep(row.id, row.version_id, row.snapshot as InstanceSnapshot, await openTaskIds(row.id));
        break;
      }
      case 'claim':
      case 'complete': {
        const p = person(item.who);
        const planItem = item;
        const result = await runtime.runCommand<undefined>({ taskId: item.taskId }, (context) => {
          const key = context.taskKey ?? planItem.key;
          if (planItem.kind === 'claim') return { type: 'claim', task: key, actor: p.actor };
          const state = context.snapshot.tasks[key];
          const output = planItem.output;
          if (state && Object.keys(output).length > 0) {
            const issues = context.version.outputValidator(state.node)(output);
            if (issues.length > 0)
              throw new Error(`seed:history: invalid form for ${state.node}: ${JSON.stringify(issues)}`);
          }
          return { type: 'complete', task: key, actor: p.actor, output, ...planItem.vote };
        });
        await done(result);
        break;
      }
    }
    const spent = (timing[kind] ??= { count: 0, ms: 0 });
    spent.count++;
    spent.ms += performance.now() - began;
  }
  runtime.setClockOffset(0);
  runtime.directory.invalidate();
  return {
    seed: options.seed,
    leads: leadNumber,
    commands,
    timersFired,
    refused,
    refusedCodes,
    start,
    pilotStart,
    end,
    elapsedMs: Math.round(performance.now() - t0),
    timing: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, { count: v.count, ms: Math.round(v.ms) }])),
  };

  async function openTaskIds(instanceId: string): Promise<Map<string, number>> {
    const found = await db
      .selectFrom('tasks')
      .select(['id', 'key'])
      .where('instance_id', '=', instanceId)
      .where('status', 'in', ['open', 'claimed'])
      .execute();
    return new Map(found.map((r) => [r.key, r.id]));
  }
}

/** A standard normal deviate (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Poisson deviate (Knuth; fine for the small means used here). */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > limit);
  return k - 1;
}
