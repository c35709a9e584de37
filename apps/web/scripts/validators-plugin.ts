/**
 * A Vite plugin that generates, at build time, the JSON Schema validators the designer runs in
 * the browser: ajv **standalone** code for the definition schema and for the JSON Schema 2020-12
 * meta-schema (to check task forms). Runtime ajv compiles with `new Function`, which the app's
 * Content-Security-Policy forbids (no `unsafe-eval`); standalone code is plain JavaScript.
 *
 * The code is served as virtual modules, so nothing generated is written to the source tree:
 * - `virtual:baton-validators/definition-schema` → `validate` (with `definitionAjvOptions`);
 * - `virtual:baton-validators/json-schema-meta` → `validate` for the 2020-12 meta-schema.
 *
 * ajv's ESM output still `require`s its small runtime helpers (`ucs2length`, `equal`); the
 * plugin turns each into an import, which Vite dev, the production build and Node all accept.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const virtualPrefix = 'virtual:baton-validators/';
const definitionId = `${virtualPrefix}definition-schema`;
const metaId = `${virtualPrefix}json-schema-meta`;
const metaSchemaUrl = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The ajv options of the definition schema: the same as `definitionSchemaAjvOptions` of
 * `@baton/definition` (a unit test keeps the two equal), plus standalone ESM output.
 */
export const definitionAjvOptions = { allErrors: true, discriminator: true, strict: false, verbose: true } as const;

/** The options the package compiles data and form schemas with (`getDataSchemaCompiler`). */
const dataAjvOptions = { allErrors: true, strict: false } as const;

interface AjvLike {
  compile(schema: object): unknown;
  getSchema(id: string): unknown;
}

/** `require` as seen from `@baton/definition` (ajv is its dependency, not the web app's). */
function definitionRequire(): { require: NodeRequire; packageDir: string } {
  const schemaFile = createRequire(import.meta.url).resolve('@baton/definition/schema/definition.schema.json');
  const packageDir = dirname(dirname(schemaFile));
  return { require: createRequire(join(packageDir, 'package.json')), packageDir };
}

/**
 * Turns `require("ajv/dist/runtime/x")` into an import of the resolved file. The helper modules
 * are CommonJS with `exports.default`; bundlers hand that back as the namespace's `default`
 * export, Node as `default.default`: `pick` accepts both.
 */
function toModule(code: string, require: NodeRequire): string {
  const imports: string[] = [];
  const seen = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)/g, (_, specifier: string) => {
    let name = seen.get(specifier);
    if (!name) {
      name = `__ajvRuntime${seen.size}`;
      seen.set(specifier, name);
      imports.push(`import * as ${name}Ns from ${JSON.stringify(require.resolve(specifier))};`);
      imports.push(`const ${name} = __pick(${name}Ns);`);
    }
    return name;
  });
  const pick =
    'function __pick(ns) { const d = ns.default; return d && typeof d === "object" && "default" in d ? d : ns; }';
  return [pick, ...imports, body.replace(/^"use strict";/, '')].join('\n');
}

/** Generates the standalone module for `id`. */
export function generateValidatorModule(id: string): string {
  const { require, packageDir } = definitionRequire();
  const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: new (options: object) => AjvLike };
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: AjvLike, v: unknown) => string })
    .default;
  const code = { source: true, esm: true };
  if (id === definitionId) {
    const schema = JSON.parse(readFileSync(join(packageDir, 'schema', 'definition.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ ...definitionAjvOptions, code });
    return toModule(standalone(ajv, ajv.compile(schema)), require);
  }
  if (id === metaId) {
    const ajv = new Ajv2020({ ...dataAjvOptions, code });
    return toModule(standalone(ajv, ajv.getSchema(metaSchemaUrl)), require);
  }
  throw new Error(`unknown validator module ${id}`);
}

/** The plugin: resolves and loads the `virtual:baton-validators/…` modules. */
export function validatorsPlugin(): Plugin {
  return {
    name: 'baton-validators',
    resolveId(id) {
      return id === definitionId || id === metaId ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(`\0${virtualPrefix}`)) return undefined;
      const { packageDir } = definitionRequire();
      // Rebuild (and reload in dev) when the schema changes.
      this.addWatchFile(join(packageDir, 'schema', 'definition.schema.json'));
      return generateValidatorModule(id.slice(1));
    },
  };
}
