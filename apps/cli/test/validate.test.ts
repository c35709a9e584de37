import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveJsonPointer } from '@baton/definition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult } from '../src/commands/validate.ts';
import { main } from '../src/main.ts';
import { captureIo, repoRoot } from './capture-io.ts';

const example = 'examples/lead-to-contract/definition.json';
const broken = 'apps/cli/test/fixtures/lead-to-contract-broken.json';

/** The three mistakes planted in the broken fixture: where, which code, and a word of the message. */
const planted = [
  { path: '/nodes/2', code: 'DEF_MISSING_OWNER', mentions: '"qualify"' },
  { path: '/nodes/15/trigger/condition', code: 'DEF_UNKNOWN_FIELD', mentions: 'Did you mean "amount"?' },
  { path: '/edges/7/to', code: 'DEF_UNKNOWN_TARGET', mentions: 'Did you mean "proposal"?' },
];

/** A valid definition whose exclusive gateway has no default edge: a warning, not an error. */
const warningOnly = {
  schemaVersion: 1,
  key: 'warning-only',
  name: { en: 'Warning only' },
  data: { type: 'object', properties: { size: { type: 'number' } } },
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'size-gateway', type: 'exclusiveGateway' },
    { id: 'small', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'large', type: 'userTask', owner: { type: 'role', role: 'sales-manager' } },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'size-gateway' },
    { id: 'e2', from: 'size-gateway', to: 'small', condition: 'size < 10' },
    { id: 'e3', from: 'size-gateway', to: 'large', condition: 'size >= 10' },
    { id: 'e4', from: 'small', to: 'end' },
    { id: 'e5', from: 'large', to: 'end' },
  ],
};

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'baton-cli-'));
  const valid = await readFile(path.join(repoRoot, example), 'utf8');
  await mkdir(path.join(scratch, 'defs/sub'), { recursive: true });
  await mkdir(path.join(scratch, 'defs/node_modules/pkg'), { recursive: true });
  await mkdir(path.join(scratch, 'defs/.cache'), { recursive: true });
  await mkdir(path.join(scratch, 'empty'), { recursive: true });
  await writeFile(path.join(scratch, 'defs/b.json'), valid);
  await writeFile(path.join(scratch, 'defs/sub/a.json'), valid);
  await writeFile(path.join(scratch, 'defs/notes.txt'), 'not json');
  await writeFile(path.join(scratch, 'defs/node_modules/pkg/package.json'), '{ "name": "pkg" }');
  await writeFile(path.join(scratch, 'defs/.cache/bad.json'), '{');
  await writeFile(path.join(scratch, 'trailing-comma.json'), '{\n  "schemaVersion": 1,\n}\n');
  await writeFile(path.join(scratch, 'empty.json'), '');
  await writeFile(path.join(scratch, 'array.json'), '[]');
  await writeFile(path.join(scratch, 'warning-only.json'), JSON.stringify(warningOnly, null, 2));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('baton validate', () => {
  it('exits 0 and prints only the summary for a valid definition', async () => {
    const c = captureIo();
    expect(await main(['validate', example], c.io)).toBe(0);
    expect(c.lines()).toEqual(['Checked 1 file: 1 valid, 0 invalid; 0 errors, 0 warnings.']);
    expect(c.stderr()).toBe('');
  });

  it('reports the three planted mistakes of the broken lead-to-contract copy, each with a JSON Pointer, and exits 1', async () => {
    const c = captureIo();
    expect(await main(['validate', broken], c.io)).toBe(1);
    const lines = c.lines();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('Checked 1 file: 0 valid, 1 invalid; 3 errors, 0 warnings.');
    const fixture: unknown = JSON.parse(await readFile(path.join(repoRoot, broken), 'utf8'));
    const reported = lines.slice(0, 3).map((line) => {
      const [file, pointer, code, message] = line.split('  ');
      expect(file).toBe(broken);
      expect(resolveJsonPointer(fixture, pointer!).found).toBe(true);
      return { path: pointer, code, message };
    });
    const byPath = (a: { path?: string }, b: { path?: string }) => a.path!.localeCompare(b.path!);
    expect(reported.map(({ path: p, code }) => ({ path: p, code })).sort(byPath)).toEqual(
      planted.map(({ path: p, code }) => ({ path: p, code })).sort(byPath),
    );
    for (const p of planted) expect(reported.find((r) => r.code === p.code)!.message).toContain(p.mentions);
  });

  it('prints [{ file, ok, issues }] with --json', async () => {
    const c = captureIo();
    expect(await main(['validate', '--json', example, broken], c.io)).toBe(1);
    const results = JSON.parse(c.stdout()) as FileResult[];
    expect(results.map((r) => [r.file, r.ok, r.issues.length])).toEqual([
      [example, true, 0],
      [broken, false, 3],
    ]);
    for (const i of results[1]!.issues) {
      expect(i).toMatchObject({ severity: 'error', path: expect.stringMatching(/^\//) as unknown });
      expect(Object.keys(i).sort()).toEqual(['code', 'message', 'path', 'severity']);
    }
  });

  it('walks directories for *.json in sorted order, skipping node_modules and hidden directories', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', '--json', 'defs'], c.io)).toBe(0);
    const results = JSON.parse(c.stdout()) as FileResult[];
    expect(results.map((r) => r.file)).toEqual([path.join('defs', 'b.json'), path.join('defs', 'sub', 'a.json')]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('validates a file once even when it is named twice', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'defs', 'defs/b.json', './defs/sub/a.json'], c.io)).toBe(0);
    expect(c.lines()).toEqual(['Checked 2 files: 2 valid, 0 invalid; 0 errors, 0 warnings.']);
  });

  it('reports a missing file as CLI_READ_ERROR and still checks the other files', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'nope.json', 'defs/b.json'], c.io)).toBe(1);
    const lines = c.lines();
    expect(lines[0]).toMatch(
      /^nope\.json {2}\(root\) {2}CLI_READ_ERROR {2}Cannot read "nope\.json": no such file or directory \(ENOENT\)\./,
    );
    expect(lines[1]).toBe('Checked 2 files: 1 valid, 1 invalid; 1 error, 0 warnings.');
  });

  it('reports a directory without JSON files as CLI_NO_FILES', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'empty'], c.io)).toBe(1);
    expect(c.lines()[0]).toMatch(/^empty {2}\(root\) {2}CLI_NO_FILES {2}Directory "empty" holds no \*\.json file/);
  });

  it('reports JSON syntax errors as CLI_JSON_SYNTAX with line and column', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'trailing-comma.json', 'empty.json'], c.io)).toBe(1);
    const lines = c.lines();
    expect(lines[0]).toMatch(
      /^trailing-comma\.json {2}\(root\) {2}CLI_JSON_SYNTAX {2}At line 3, column 1: the file is not valid JSON \(.+\)\. Correct the syntax there/,
    );
    expect(lines[1]).toMatch(/^empty\.json {2}\(root\) {2}CLI_JSON_SYNTAX {2}At line 1, column 1: /);

    const j = captureIo(scratch);
    await main(['validate', '--json', 'trailing-comma.json'], j.io);
    expect((JSON.parse(j.stdout()) as FileResult[])[0]!.issues[0]).toMatchObject({
      code: 'CLI_JSON_SYNTAX',
      path: '',
      line: 3,
      column: 1,
    });
  });

  it('passes JSON that is not an object on to the validator', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'array.json'], c.io)).toBe(1);
    expect(c.lines()[0]).toMatch(/^array\.json {2}\(root\) {2}DEF_NOT_AN_OBJECT {2}/);
  });

  it('prints warnings with a "warning:" prefix and still exits 0', async () => {
    const c = captureIo(scratch);
    expect(await main(['validate', 'warning-only.json'], c.io)).toBe(0);
    expect(c.lines()).toEqual([
      expect.stringMatching(
        /^warning-only\.json {2}\/nodes\/1 {2}DEF_CONDITIONS_MAY_ALL_FAIL {2}warning: Exclusive gateway "size-gateway"/,
      ),
      'Checked 1 file: 1 valid, 0 invalid; 0 errors, 1 warning.',
    ]);
  });

  it.each([
    [[], /name at least one file or directory/],
    [['--jsn', 'x.json'], /Unknown option '--jsn'/],
    [['--help'], /^Usage: baton validate/],
    [['-h'], /^Usage: baton validate/],
  ])('treats %j as a usage error: usage on stderr, exit 2', async (args, pattern) => {
    const c = captureIo();
    expect(await main(['validate', ...args], c.io)).toBe(2);
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toMatch(pattern);
    expect(c.stderr()).toContain('Usage: baton validate [--json] FILE|DIR...');
  });
});

describe('the broken fixture', () => {
  it('is the lead-to-contract example with exactly the three planted mistakes', async () => {
    const original = JSON.parse(await readFile(path.join(repoRoot, example), 'utf8')) as Record<string, unknown>;
    const fixture = JSON.parse(await readFile(path.join(repoRoot, broken), 'utf8')) as {
      nodes: { owner?: unknown; trigger?: { condition: string } }[];
      edges: { to: string }[];
    } & Record<string, unknown>;
    // Undo the three mistakes; what is left must equal the example, so the fixture cannot drift.
    fixture.edges[7]!.to = 'proposal';
    fixture.nodes[2]!.owner = (original.nodes as { owner?: unknown }[])[2]!.owner;
    fixture.nodes[15]!.trigger!.condition = 'contract.status = "signed"';
    expect({ ...fixture, $schema: undefined }).toEqual({ ...original, $schema: undefined });
  });
});
