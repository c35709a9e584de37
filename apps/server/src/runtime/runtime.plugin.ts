import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Hub } from '../ws/hub.ts';
import { Runtime, type RuntimeOptions } from './runtime.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The run loop: commands, instance starts, the timer poller and the outbox worker. */
    runtime: Runtime;
    /** The websocket hub the run loop publishes to after commit. */
    hub: Hub;
  }
}

/** Options of {@link runtimePlugin}. */
export type RuntimePluginOptions = Omit<RuntimeOptions, 'database' | 'logger'>;

/**
 * Creates the {@link Runtime} and decorates the app with `runtime` and `hub`. Workers are not
 * started here (`main.ts` starts them; tests drive them with `runOnce()`), but they are always
 * stopped when the app closes, releasing this process's claims before the database closes.
 */
export const runtimePlugin = fp<RuntimePluginOptions>(
  async (app: FastifyInstance, options) => {
    const runtime = new Runtime({ ...options, database: app.database, logger: app.log });
    app.decorate('runtime', runtime);
    app.decorate('hub', options.hub);
    app.addHook('onClose', async () => {
      await runtime.stopWorkers();
    });
  },
  { name: 'baton-runtime', dependencies: ['baton-db'] },
);
