import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { BatonDatabase } from './database.ts';
import type { Database } from './schema.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The open database (kysely instance, kind, LISTEN). Closed by whoever opened it, not by the app. */
    database: BatonDatabase;
    /** Shorthand for `database.db`. */
    db: Kysely<Database>;
  }
}

/** Options of {@link dbPlugin}. */
export interface DbPluginOptions {
  database: BatonDatabase;
}

/**
 * Decorates the app with `database` and `db` (wrapped in fastify-plugin, so every route sees
 * them). The app does not own the database: `main.ts` and the tests open and close it.
 */
export const dbPlugin = fp<DbPluginOptions>(
  async (app: FastifyInstance, options) => {
    app.decorate('database', options.database);
    app.decorate('db', options.database.db);
  },
  { name: 'baton-db' },
);
