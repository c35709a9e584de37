import { type Kysely, sql } from 'kysely';
import type { LocalizedText, Locale, Role } from '@baton/client/contract';
import { hashPassword } from '../auth/password.ts';
import type { Database } from '../db/schema.ts';
import { insertTeam } from '../users/user-repository.ts';

/** The demo team tree: key, name, parent key. */
export const demoTeams: ReadonlyArray<{
  key: string;
  name: LocalizedText;
  parent: string | null;
  manager: string | null;
}> = [
  { key: 'company', name: { en: 'Company', 'zh-CN': '公司' }, parent: null, manager: null },
  { key: 'sales', name: { en: 'Sales', 'zh-CN': '销售部' }, parent: 'company', manager: 'manager' },
  { key: 'sales-east', name: { en: 'Sales East', 'zh-CN': '华东销售' }, parent: 'sales', manager: 'manager' },
  { key: 'sales-west', name: { en: 'Sales West', 'zh-CN': '华西销售' }, parent: 'sales', manager: 'manager' },
  { key: 'legal', name: { en: 'Legal', 'zh-CN': '法务部' }, parent: 'company', manager: 'legalmanager' },
  { key: 'finance', name: { en: 'Finance', 'zh-CN': '财务部' }, parent: 'company', manager: null },
  { key: 'after-sales', name: { en: 'After-sales', 'zh-CN': '售后服务部' }, parent: 'company', manager: null },
];

/**
 * The demo users: one per access role plus the people a sales process needs, with the business
 * positions the example definitions name as owners. They share one password.
 */
export const demoUsers: ReadonlyArray<{
  username: string;
  displayName: string;
  roles: Role[];
  positions: string[];
  team: string;
  manager: string | null;
  locale: Locale;
}> = [
  {
    username: 'admin',
    displayName: 'Ada Admin',
    roles: ['admin'],
    positions: [],
    team: 'company',
    manager: null,
    locale: 'en',
  },
  {
    username: 'owner',
    displayName: 'Olivia Owner (process owner)',
    roles: ['owner'],
    positions: [],
    team: 'company',
    manager: null,
    locale: 'en',
  },
  {
    username: 'ops',
    displayName: 'Oscar Ops (operator)',
    roles: ['operator'],
    positions: [],
    team: 'company',
    manager: null,
    locale: 'en',
  },
  {
    username: 'director',
    displayName: '赵总监 Zhao (sales director)',
    roles: ['participant'],
    positions: ['sales-director'],
    team: 'company',
    manager: null,
    locale: 'zh-CN',
  },
  {
    username: 'manager',
    displayName: '王经理 Wang (sales manager)',
    roles: ['participant'],
    positions: ['sales-manager'],
    team: 'sales',
    manager: 'director',
    locale: 'zh-CN',
  },
  {
    username: 'rep1',
    displayName: '李雷 Li Lei (sales East)',
    roles: ['participant'],
    positions: ['sales-rep'],
    team: 'sales-east',
    manager: 'manager',
    locale: 'zh-CN',
  },
  {
    username: 'rep2',
    displayName: 'Rita Rep (sales West)',
    roles: ['participant'],
    positions: ['sales-rep'],
    team: 'sales-west',
    manager: 'manager',
    locale: 'en',
  },
  {
    username: 'legalmanager',
    displayName: 'Lena Legal-Manager',
    roles: ['participant'],
    positions: ['legal-manager'],
    team: 'legal',
    manager: null,
    locale: 'en',
  },
  {
    username: 'legal',
    displayName: 'Liam Legal',
    roles: ['participant'],
    positions: ['legal'],
    team: 'legal',
    manager: 'legalmanager',
    locale: 'en',
  },
  {
    username: 'finance',
    displayName: '张财务 Zhang (finance)',
    roles: ['participant'],
    positions: ['finance'],
    team: 'finance',
    manager: null,
    locale: 'zh-CN',
  },
  {
    username: 'aftersales',
    displayName: '陈售后 Chen (after-sales)',
    roles: ['participant'],
    positions: ['after-sales'],
    team: 'after-sales',
    manager: null,
    locale: 'zh-CN',
  },
  // `baton deploy` publishes (owner) and deploys (operator) in one go: the README tour has this
  // user do it, while owner and ops keep one access role each (issue 8). Last, so the ids of the
  // users above stay as they were.
  {
    username: 'release',
    displayName: 'Rhea Release (publishes and deploys)',
    roles: ['owner', 'operator'],
    positions: [],
    team: 'company',
    manager: null,
    locale: 'en',
  },
];

/**
 * Seeds the demo teams and users (all sharing `password`) when the database has no user yet.
 * Safe when several replicas start at once: an advisory lock serialises the check and the
 * inserts. Returns whether it seeded.
 */
export async function seedDemoDataIfEmpty(db: Kysely<Database>, password: string): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    // 0x6261746f = "bato": an arbitrary, fixed lock id for seeding.
    await sql`select pg_advisory_xact_lock(1650553967)`.execute(trx);
    const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing) return false;

    const teamIds = new Map<string, number>();
    for (const team of demoTeams) {
      const parentId = team.parent === null ? null : (teamIds.get(team.parent) ?? null);
      teamIds.set(team.key, await insertTeam(trx, { key: team.key, name: team.name, parentId }));
    }
    const userIds = new Map<string, number>();
    for (const user of demoUsers) {
      const row = await trx
        .insertInto('users')
        .values({
          username: user.username,
          display_name: user.displayName,
          password_hash: passwordHash,
          roles: user.roles,
          positions: user.positions,
          team_id: teamIds.get(user.team) ?? null,
          manager_id: user.manager === null ? null : (userIds.get(user.manager) ?? null),
          locale: user.locale,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      userIds.set(user.username, row.id);
    }
    for (const team of demoTeams) {
      if (team.manager === null) continue;
      await trx
        .updateTable('teams')
        .set({ manager_id: userIds.get(team.manager) ?? null })
        .where('key', '=', team.key)
        .execute();
    }
    return true;
  });
}
