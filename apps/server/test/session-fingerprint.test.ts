import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSessionSecret,
  sessionSecretFingerprint,
  type SessionSecretSettings,
} from '../src/auth/session-fingerprint.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { BatonDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { backends } from './harness.ts';

const first = `first-secret-${'a'.repeat(32)}`;
const second = `second-secret-${'b'.repeat(32)}`;
const settings = (sessionSecret: string, extra: Partial<SessionSecretSettings> = {}): SessionSecretSettings => ({
  sessionSecret,
  sessionSecretSource: 'env',
  sessionSecretRotate: undefined,
  dataDir: '/srv/baton',
  ...extra,
});
const short = (secret: string) => sessionSecretFingerprint(secret).slice(0, 16);

describe('SESSION_SECRET_ROTATE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-rotate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the 16 hex digits of a fingerprint (any case) and refuses anything else with the fix', () => {
    expect(loadConfig({ DATA_DIR: dir, SESSION_SECRET_ROTATE: ' ABCDEF0123456789 ' }).sessionSecretRotate).toBe(
      'abcdef0123456789',
    );
    expect(loadConfig({ DATA_DIR: dir }).sessionSecretRotate).toBeUndefined();
    for (const bad of ['1', 'yes', 'abcdef012345678g', sessionSecretFingerprint(first)]) {
      expect(() => loadConfig({ DATA_DIR: dir, SESSION_SECRET_ROTATE: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dir, SESSION_SECRET_ROTATE: bad })).toThrow(
        /16 hex digits the start-up error printed/,
      );
    }
  });

  it('fingerprints are HMAC-SHA256 in hex and do not contain the secret', () => {
    expect(sessionSecretFingerprint(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionSecretFingerprint(first)).not.toBe(sessionSecretFingerprint(second));
    expect(sessionSecretFingerprint(first)).not.toContain('aaaa');
  });
});

describe.each(backends)('checkSessionSecret on $name', (backend) => {
  let database: BatonDatabase;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await backend.open());
    await migrateToLatest(database.db);
  });
  afterAll(async () => drop?.());

  const fingerprintRow = () =>
    database.db.selectFrom('settings').select('session_secret_fingerprint as value').executeTakeFirst();

  it(
    backend.name === 'pglite'
      ? 'does nothing on PGlite (one process per database)'
      : 'records the first secret, accepts it again, refuses another with the fix, rotates only by compare-and-set',
    async () => {
      if (database.kind === 'pglite') {
        expect(await checkSessionSecret(database, settings(first))).toEqual({ outcome: 'single-process' });
        expect(await checkSessionSecret(database, settings(second))).toEqual({ outcome: 'single-process' });
        expect(await fingerprintRow()).toBeUndefined();
        return;
      }
      expect(await checkSessionSecret(database, settings(first))).toMatchObject({ outcome: 'recorded' });
      expect(await checkSessionSecret(database, settings(first))).toMatchObject({ outcome: 'matched' });
      expect((await fingerprintRow())?.value).toBe(sessionSecretFingerprint(first));

      const refusal = await checkSessionSecret(database, settings(second)).catch(
        (error: unknown) => error as ConfigError,
      );
      expect(refusal).toBeInstanceOf(ConfigError);
      expect((refusal as ConfigError).message).toContain(
        `recorded fingerprint ${short(first)}, this process's ${short(second)}, from SESSION_SECRET`,
      );
      expect((refusal as ConfigError).message).toContain(`SESSION_SECRET_ROTATE=${short(first)}`);
      const generated = await checkSessionSecret(
        database,
        settings(second, { sessionSecretSource: 'generated' }),
      ).catch((error: unknown) => error as ConfigError);
      expect((generated as ConfigError).message).toContain(
        '/srv/baton/session-secret (SESSION_SECRET is unset, and each replica generates its own)',
      );
      // A stale or wrong fingerprint rotates nothing.
      await expect(
        checkSessionSecret(database, settings(second, { sessionSecretRotate: short(second) })),
      ).rejects.toThrow(/does not name the recorded fingerprint/);
      expect((await fingerprintRow())?.value).toBe(sessionSecretFingerprint(first));

      expect(await checkSessionSecret(database, settings(second, { sessionSecretRotate: short(first) }))).toMatchObject(
        {
          outcome: 'rotated',
          previous: sessionSecretFingerprint(first),
        },
      );
      expect((await fingerprintRow())?.value).toBe(sessionSecretFingerprint(second));
      // Left in place, the flag matches nothing any more: the old secret cannot come back by it.
      await expect(
        checkSessionSecret(database, settings(first, { sessionSecretRotate: short(first) })),
      ).rejects.toThrow(ConfigError);
      expect(await checkSessionSecret(database, settings(second, { sessionSecretRotate: short(first) }))).toMatchObject(
        { outcome: 'matched' },
      );
    },
  );
});
