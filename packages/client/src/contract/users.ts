/**
 * Users, teams and logging in: `POST /api/auth/login`, `GET /api/me`, `GET|POST /api/users`,
 * `GET /api/teams`.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { locales, localizedTextResponseSchema, positionPattern, roles, usernamePattern } from './common.ts';
import { nullableInteger, nullableString, stringEnum } from './schema.ts';

/** Schema of {@link User}. */
export const userSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(stringEnum(roles)),
  positions: Type.Array(Type.String(), {
    description: 'Business positions (`sales-rep`, `legal`, …) that process definitions name as owner roles.',
  }),
  teamId: nullableInteger,
  teamKey: nullableString,
  managerId: nullableInteger,
  locale: stringEnum(locales),
  outOfOffice: Type.Boolean(),
});
/** A user as the API shows it (never the password hash). */
export type User = Static<typeof userSchema>;

/** Whether these access roles open the operations pages (instances, deployments, the directory): operators and admins. */
export function mayOperate(roles: readonly string[]): boolean {
  return roles.includes('operator') || roles.includes('admin');
}

/** Schema of {@link Team}. */
export const teamSchema = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  name: localizedTextResponseSchema,
  parentId: nullableInteger,
  managerId: nullableInteger,
});
/** A team in the team tree. */
export type Team = Static<typeof teamSchema>;

/** Schema of {@link LoginBody}. */
export const loginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/auth/login`. */
export type LoginBody = Static<typeof loginBodySchema>;

/** Schema of {@link LoginResult}. */
export const loginResultSchema = Type.Object({
  token: Type.String({ description: 'A JWT to send as `Authorization: Bearer <token>`; valid for 12 hours.' }),
  user: userSchema,
});
/** The answer of `POST /api/auth/login`. */
export type LoginResult = Static<typeof loginResultSchema>;

/** Schema of {@link CreateUserBody}. */
export const createUserBodySchema = Type.Object(
  {
    username: Type.String({ pattern: usernamePattern }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    roles: Type.Array(stringEnum(roles), { uniqueItems: true, maxItems: roles.length }),
    positions: Type.Optional(
      Type.Array(Type.String({ pattern: positionPattern }), {
        uniqueItems: true,
        maxItems: 50,
        description: 'Business positions, e.g. `["sales-rep"]`.',
      }),
    ),
    teamKey: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    managerUsername: Type.Optional(Type.String({ pattern: usernamePattern })),
    locale: Type.Optional(stringEnum(locales)),
    outOfOffice: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/users` (admin only). */
export type CreateUserBody = Static<typeof createUserBodySchema>;

/** Schema of the answer of `GET /api/users`. */
export const userListSchema = Type.Array(userSchema);
/** Schema of the answer of `GET /api/teams`. */
export const teamListSchema = Type.Array(teamSchema);

/** Schema of the empty answer of `DELETE /api/auth/session` (204 No Content). */
export const noContentSchema = Type.Null({ description: 'No content.' });
