import { describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';
import { captureIo } from './capture-io.ts';

describe('baton main', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])('prints the usage on stderr and exits 2 for %j', async (argv) => {
    const c = captureIo();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toMatch(/^Usage: baton <command>/);
    expect(c.stderr()).toMatch(/^ {2}validate +Check process definition files/m);
    expect(c.stderr()).toMatch(/^ {2}help +/m);
  });

  it('prints a command\'s own usage for "help validate"', async () => {
    const c = captureIo();
    expect(await main(['help', 'validate'], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/^Usage: baton validate \[--json\] FILE\|DIR\.\.\./);
    expect(c.stderr()).toContain('Exit codes');
  });

  it('falls back to the general usage for "help" about an unknown command', async () => {
    const c = captureIo();
    expect(await main(['help', 'undeploy'], c.io)).toBe(2);
    expect(c.stderr()).toMatch(/^Usage: baton <command>/);
  });

  it('lists the server commands and prints their own usage', async () => {
    const c = captureIo();
    await main(['--help'], c.io);
    for (const name of ['login', 'deploy', 'versions', 'instances', 'tasks', 'logout'])
      expect(c.stderr()).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    const d = captureIo();
    expect(await main(['help', 'deploy'], d.io)).toBe(2);
    expect(d.stderr()).toMatch(/^Usage: baton deploy FILE/);
  });

  it('rejects an unknown command with a suggestion and the usage, exit 2', async () => {
    const c = captureIo();
    expect(await main(['valdate', 'x.json'], c.io)).toBe(2);
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toContain('baton: unknown command "valdate". Did you mean "validate"?');
    expect(c.stderr()).toContain('Usage: baton <command>');
  });

  it('offers no suggestion when nothing is close', async () => {
    const c = captureIo();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.stderr()).toContain('baton: unknown command "frobnicate".\n');
    expect(c.stderr()).not.toContain('Did you mean');
  });
});
