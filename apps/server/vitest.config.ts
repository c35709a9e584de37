import { defineConfig } from 'vitest/config';

// The multi-process reliability tests (docs/reliability.md A1, A3, B1, B3, D1/D2) and the replica
// tests (several processes on one database) need a real PostgreSQL server. Without
// TEST_DATABASE_URL they are not collected at all, and one line says so.
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!withPostgres) console.log('reliability and replica tests not run: TEST_DATABASE_URL is not set');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: withPostgres ? [] : ['test/reliability/**', 'test/replicas.test.ts', 'test/replica-fan-out.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Type tests (`*.test-d.ts`, expectTypeOf) run through tsc as part of `vitest run`.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
