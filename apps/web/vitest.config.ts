import { defineConfig } from 'vitest/config';
import { validatorsPlugin } from './scripts/validators-plugin.ts';

export default defineConfig({
  plugins: [validatorsPlugin()],
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
