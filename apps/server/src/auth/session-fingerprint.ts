/**
 * Makes sure every server process on one PostgreSQL database signs and checks session tokens
 * with the same `SESSION_SECRET`, so a token issued by one replica works on all of them. The
 * first process records a fingerprint of its secret in the `settings` row; a later process whose
 * secret has another fingerprint refuses to start and says what to set.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { ConfigError, type Config } from '../config.ts';
import type { BatonDatabase } from '../db/database.ts';

/** The message the fingerprint is an HMAC of (the secret is the key). */
const fingerprintMessage = 'baton-session-fingerprint';

/** How many hex characters of a fingerprint are shown in messages and accepted by `SESSION_SECRET_ROTATE`. */
export const shortFingerprintLength = 16;

/**
 * The fingerprint of a session secret: HMAC-SHA256(secret, "baton-session-fingerprint") in hex.
 * It identifies the secret without revealing it (an HMAC cannot be inverted, and secrets have at
 * least 32 characters), so it may be stored in the database and shown in logs.
 *
 * @example
 * sessionSecretFingerprint('x'.repeat(32)).slice(0, 16); // 16 hex characters
 */
export function sessionSecretFingerprint(secret: string): string {
  return createHmac('sha256', secret).update(fingerprintMessage).digest('hex');
}

/** The NOTIFY channel on which a rotation announces the new fingerprint (its first 16 hex digits). */
export const sessionSecretChannel = 'baton_session';

/** What {@link checkSessionSecret} decided. */
export type SessionSecretCheck =
  /** PGlite: one process per database, nothing to agree on. */
  | { outcome: 'single-process' }
  /** This process is the first one: its fingerprint is now the database's. */
  | { outcome: 'recorded'; fingerprint: string }
  /** The recorded fingerprint is this process's. */
  | { outcome: 'matched'; fingerprint: string }
  /** `SESSION_SECRET_ROTATE` named the recorded fingerprint, which this process replaced with its own. */
  | { outcome: 'rotated'; fingerprint: string; previous: string };

/** What {@link checkSessionSecret} needs from the configuration. */
export type SessionSecretSettings = Pick<
  Config,
  'sessionSecret' | 'sessionSecretSource' | 'sessionSecretRotate' | 'dataDir'
>;

/**
 * Checks this process's session secret against the one recorded for the database (PostgreSQL
 * only; on PGlite it does nothing). The first process records its fingerprint; a process with
 * the same secret passes; a process with another secret throws a {@link ConfigError} that says
 * to set the same `SESSION_SECRET` on every replica, or how to rotate it on purpose: start with
 * the new secret and `SESSION_SECRET_ROTATE=<the recorded fingerprint's first 16 hex digits>`.
 * The swap is a compare-and-set on the recorded value, so a `SESSION_SECRET_ROTATE` left in the
 * configuration never lets a third secret in later.
 *
 * @throws ConfigError when the secrets disagree and no matching rotation was asked for.
 */
export async function checkSessionSecret(
  database: BatonDatabase,
  settings: SessionSecretSettings,
): Promise<SessionSecretCheck> {
  if (database.kind === 'pglite') return { outcome: 'single-process' };
  const mine = sessionSecretFingerprint(settings.sessionSecret);
  const db = database.db;
  // Whoever inserts first wins; a row without a fingerprint (none yet) is filled in atomically.
  const inserted =
    await sql`insert into settings (id, session_secret_fingerprint) values (true, ${mine}) on conflict (id) do nothing returning id`.execute(
      db,
    );
  const filled = await sql`update settings set session_secret_fingerprint = ${mine}, updated_at = now()
    where id and session_secret_fingerprint is null returning id`.execute(db);
  if (inserted.rows.length + filled.rows.length > 0) return { outcome: 'recorded', fingerprint: mine };
  const row = await db
    .selectFrom('settings')
    .select('session_secret_fingerprint')
    .where('id', '=', true)
    .executeTakeFirstOrThrow();
  const recorded = row.session_secret_fingerprint!;
  if (recorded === mine) return { outcome: 'matched', fingerprint: mine };

  const short = (fingerprint: string) => fingerprint.slice(0, shortFingerprintLength);
  const rotate = settings.sessionSecretRotate;
  if (rotate !== undefined && rotate === short(recorded)) {
    // The NOTIFY tells replicas still running with the old secret (see watchSessionSecret).
    const swapped = await sql`with swapped as (
        update settings set session_secret_fingerprint = ${mine}, updated_at = now()
        where id and session_secret_fingerprint = ${recorded} returning id)
      select pg_notify(${sessionSecretChannel}, ${short(mine)}) from swapped`.execute(db);
    if (swapped.rows.length === 1) return { outcome: 'rotated', fingerprint: mine, previous: recorded };
    // Another replica rotated at the same moment: judge against what it recorded.
    return checkSessionSecret(database, { ...settings, sessionSecretRotate: undefined });
  }

  const where =
    settings.sessionSecretSource === 'env'
      ? 'SESSION_SECRET'
      : `the secret this process generated into ${settings.dataDir}/session-secret (SESSION_SECRET is unset, and each replica generates its own)`;
  throw new ConfigError(
    [
      `The session secret differs from the one the other server processes on this PostgreSQL database use`,
      `(recorded fingerprint ${short(recorded)}, this process's ${short(mine)}, from ${where}).`,
      `A token issued by one replica would be refused by another. Set the same SESSION_SECRET (at least 32 random characters, e.g. \`openssl rand -base64 48\`) on every replica.`,
      rotate !== undefined
        ? `SESSION_SECRET_ROTATE=${rotate} does not name the recorded fingerprint, so nothing was rotated.`
        : `To replace the secret on purpose (this logs every user out): stop every replica, then start them with the new SESSION_SECRET and SESSION_SECRET_ROTATE=${short(recorded)}.`,
    ].join(' '),
  );
}

/** The logger call of {@link watchSessionSecret} (a pino logger fits). */
export interface SessionSecretLogger {
  error(obj: object, msg: string): void;
}

/**
 * Watches for a rotation made by another replica while this one runs (PostgreSQL only): when the
 * recorded fingerprint stops being this process's, logs at error that this replica must be
 * restarted with the new `SESSION_SECRET` (its tokens fail on the others, and theirs on it).
 * Told by the NOTIFY of the rotation, and checked again after the listener reconnects.
 * Resolves once listening; the returned function stops.
 */
export async function watchSessionSecret(
  database: BatonDatabase,
  secret: string,
  logger: SessionSecretLogger,
): Promise<() => Promise<void>> {
  if (database.kind === 'pglite') return async () => undefined;
  const mine = sessionSecretFingerprint(secret).slice(0, shortFingerprintLength);
  const complain = (recorded: string) =>
    logger.error(
      { recorded, mine },
      'another replica rotated the session secret (SESSION_SECRET_ROTATE): this process still signs and checks tokens with the old one; restart it with the new SESSION_SECRET',
    );
  return database.listen(sessionSecretChannel, (payload) => {
    if (payload !== '') {
      if (payload !== mine) complain(payload);
      return;
    }
    // The listener reconnected: a rotation may have happened meanwhile.
    void database.db
      .selectFrom('settings')
      .select('session_secret_fingerprint as value')
      .executeTakeFirst()
      .then((row) => {
        const recorded = row?.value?.slice(0, shortFingerprintLength);
        if (recorded !== undefined && recorded !== mine) complain(recorded);
      })
      .catch(() => undefined);
  });
}
