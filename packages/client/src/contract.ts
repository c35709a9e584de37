/**
 * The API contract; it lives in `./contract/` (one module per resource). This file re-exports it
 * for code that imports `./contract.ts`.
 *
 * @module
 */
export * from './contract/index.ts';
