import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('defaults: port 3000, loopback host, .data under the start directory, PGlite, info logs', () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: join(cwd, '.data'),
      databaseUrl: undefined,
      pgliteDir: join(cwd, '.data', 'pglite'),
      logLevel: 'info',
    });
    expect(statSync(config.dataDir).isDirectory()).toBe(true);
  });

  it('resolves a relative DATA_DIR against INIT_CWD (where npm/pnpm was started) before process.cwd()', () => {
    const root = tempDir();
    const config = loadConfig({ INIT_CWD: root, DATA_DIR: 'state' }, '/nonexistent-cwd');
    expect(config.dataDir).toBe(join(root, 'state'));
  });

  it('generates a random session secret once, keeps it in DATA_DIR/session-secret with mode 0600, and reuses it', () => {
    const cwd = tempDir();
    const first = loadConfig({}, cwd);
    expect(first.sessionSecretSource).toBe('generated');
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    const file = join(first.dataDir, 'session-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.sessionSecret);
    const second = loadConfig({}, cwd);
    expect(second).toMatchObject({ sessionSecret: first.sessionSecret, sessionSecretSource: 'file' });
    // Another data directory gets another secret: it is never a constant.
    expect(loadConfig({}, tempDir()).sessionSecret).not.toBe(first.sessionSecret);
  });

  it('takes SESSION_SECRET from the environment, refusing short ones', () => {
    const cwd = tempDir();
    const secret = 's'.repeat(40);
    expect(loadConfig({ SESSION_SECRET: secret }, cwd)).toMatchObject({
      sessionSecret: secret,
      sessionSecretSource: 'env',
    });
    expect(() => loadConfig({ SESSION_SECRET: 'short' }, cwd)).toThrow(/at least 32/);
  });

  it('refuses a too-short stored secret and tightens loose file permissions', () => {
    const cwd = tempDir();
    const dataDir = loadConfig({}, cwd).dataDir;
    const file = join(dataDir, 'session-secret');
    writeFileSync(file, 'x'.repeat(40), { mode: 0o644 });
    loadConfig({}, cwd);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'tiny');
    expect(() => loadConfig({}, cwd)).toThrow(ConfigError);
  });

  it('reads HTTP_ACTION_ALLOW as normalised URL prefixes and refuses entries that are not http(s) prefixes', () => {
    const cwd = tempDir();
    expect(loadConfig({}, cwd).httpActionAllow).toBeUndefined();
    expect(
      loadConfig({ HTTP_ACTION_ALLOW: ' https://crm.example.com, http://erp.internal:8080/api/ ' }, cwd)
        .httpActionAllow,
    ).toEqual(['https://crm.example.com/', 'http://erp.internal:8080/api/']);
    for (const bad of [
      'crm.example.com',
      'ftp://files.example.com',
      'https://user:pw@crm.example.com',
      'https://crm.example.com/?q=1',
    ]) {
      expect(() => loadConfig({ HTTP_ACTION_ALLOW: bad }, cwd)).toThrow(ConfigError);
    }
    expect(() => loadConfig({ HTTP_ACTION_ALLOW: 'crm.example.com' }, cwd)).toThrow(
      /HTTP_ACTION_ALLOW: "crm.example.com" is not an http\(s\) URL prefix/,
    );
  });

  it('selects PostgreSQL with DATABASE_URL and validates PORT, DATABASE_URL and LOG_LEVEL with fixes in the message', () => {
    const cwd = tempDir();
    const pg = loadConfig(
      { DATABASE_URL: 'postgres://u@h:5432/db', PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'debug' },
      cwd,
    );
    expect(pg).toMatchObject({
      databaseUrl: 'postgres://u@h:5432/db',
      pgliteDir: null,
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'debug',
    });
    expect(() => loadConfig({ PORT: 'eighty' }, cwd)).toThrow(/PORT "eighty".*0 to 65535/);
    expect(() => loadConfig({ PORT: '70000' }, cwd)).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' }, cwd)).toThrow(/postgres:\/\//);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, cwd)).toThrow(/one of: fatal/);
  });
});
