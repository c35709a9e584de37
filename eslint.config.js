// Lint: typescript-eslint's type-checked recommended rules over every TypeScript source and test.
// Formatting is Prettier's job (`npm run format`; `npm run lint` checks both), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The test tsconfigs include the sources too, so each file is checked once with the
        // settings its own tests see; tools (scripts, vitest configs) have a tsconfig of their own.
        project: [
          './packages/*/tsconfig.test.json',
          './apps/server/tsconfig.json',
          './apps/cli/tsconfig.json',
          './apps/web/tsconfig.json',
          './apps/web/tsconfig.node.json',
          './tsconfig.tools.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Fastify plugins and hooks, and implementations of async interfaces, are async by contract
      // even when a given one awaits nothing; a forgotten await is caught by no-floating-promises.
      '@typescript-eslint/require-await': 'off',
      // The engine refuses commands by throwing a `Rejection` (a plain value with a code: no stack
      // to capture on a hot path) and catches it in the same module.
      '@typescript-eslint/only-throw-error': [
        'error',
        { allow: [{ from: 'file', name: 'Rejection', path: 'packages/engine/src/step.ts' }] },
      ],
    },
  },
  {
    // Kysely's documented convention: migrations take `Kysely<any>`, since they must not depend
    // on today's schema types.
    files: ['apps/server/src/db/migrations/**', 'apps/server/src/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
