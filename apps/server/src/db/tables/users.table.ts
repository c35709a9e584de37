import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Locale, Role } from '@baton/client/contract';

/** The `users` table: people who log in. `roles` is a text[] of admin|owner|operator|participant. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$salt$hash` (see `auth/password.ts`). Never leaves the server. */
  password_hash: string;
  roles: Role[];
  /** Business positions (e.g. `sales-rep`, `legal`) that process definitions name as owner roles. */
  positions: Generated<string[]>;
  team_id: number | null;
  manager_id: number | null;
  locale: Generated<Locale>;
  out_of_office: Generated<boolean>;
  created_at: Generated<Date>;
}
/** A row of {@link UsersTable}. */
export type UserRow = Selectable<UsersTable>;
/** An insert into {@link UsersTable}. */
export type NewUserRow = Insertable<UsersTable>;
/** An update of {@link UsersTable}. */
export type UserUpdate = Updateable<UsersTable>;
