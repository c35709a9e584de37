#!/usr/bin/env node
// The `baton` command. The workspace runs from TypeScript source (no build step), so the
// tsx loader is registered before the real entry point is imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
