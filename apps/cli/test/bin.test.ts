import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './capture-io.ts';

/**
 * Runs the real `baton` bin from the repository root, as `npx baton` does. English unless `env`
 * says otherwise, whatever the locale of the machine running the tests.
 */
function runBin(args: string[], env: Record<string, string> = { BATON_LANG: 'en' }) {
  const options = { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } } as const;
  const result = spawnSync(process.execPath, ['apps/cli/bin/baton.mjs', ...args], options);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/baton.mjs', () => {
  it('validates the broken lead-to-contract copy: three issue lines, a summary, exit 1', () => {
    const { status, stdout, stderr } = runBin(['validate', 'apps/cli/test/fixtures/lead-to-contract-broken.json']);
    // ajv inside @baton/definition warns on the console about the "date-time" format it does not
    // check; anything else on stderr (a stack trace, a loader error) is a wiring failure.
    expect(stderr.split('\n').filter((l) => l !== '' && !l.startsWith('unknown format'))).toEqual([]);
    expect(status).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3)) {
      expect(line).toMatch(/^apps\/cli\/test\/fixtures\/lead-to-contract-broken\.json {2}\/\S+ {2}DEF_[A-Z_]+ {2}\S/);
    }
    expect(lines[3]).toBe('Checked 1 file: 0 valid, 1 invalid; 3 errors, 0 warnings.');
  });

  it('exits 0 on the examples folder', () => {
    const { status, stdout } = runBin(['validate', 'examples']);
    expect(stdout).toMatch(/^Checked \d+ files: (\d+) valid, 0 invalid; 0 errors, 0 warnings\.\n$/);
    expect(status).toBe(0);
  });

  it('prints the usage on stderr and exits 2 for --help', () => {
    const { status, stdout, stderr } = runBin(['--help']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: baton <command>/);
  });

  it("speaks Chinese when the process's LANG is zh_CN.UTF-8 and BATON_LANG is unset", () => {
    const { status, stderr } = runBin(['help', 'tasks'], {
      BATON_LANG: '',
      LC_ALL: '',
      LC_MESSAGES: '',
      LANG: 'zh_CN.UTF-8',
    });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^用法：baton tasks \[--json\]\n/);
  });
});
