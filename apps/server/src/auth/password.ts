import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16_384;
const r = 8;
const p = 1;
const keyLength = 64;

/** scrypt's cost parameters and the key length in bytes. */
interface ScryptParams {
  n: number;
  r: number;
  p: number;
  length: number;
}

function scryptAsync(password: string, salt: Buffer, { n, r: rr, p: pp, length }: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { N: n, r: rr, p: pp, maxmem: 256 * n * rr + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Hashes a password with scrypt (node:crypto) and a random 16-byte salt, giving
 * `scrypt$N$r$p$<salt base64>$<hash base64>`, so the cost can be raised later without
 * invalidating stored hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { n: N, r, p, length: keyLength });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash of a random password, compared against when the username is unknown so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored {@link hashPassword} value in constant time. Never throws;
 * a malformed stored hash gives false. With `storedHash` undefined (unknown user) it still spends
 * the time of one check and returns false.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  const hash = storedHash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, rr, pp] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Bounds keep a tampered row from making scrypt allocate gigabytes.
  if (![n, rr, pp].every(Number.isInteger) || n < 2 || n > 1 << 20 || rr < 1 || rr > 32 || pp < 1 || pp > 16)
    return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length === 0) return false;
  try {
    const actual = await scryptAsync(password, salt, { n, r: rr, p: pp, length: expected.length });
    return timingSafeEqual(actual, expected) && storedHash !== undefined;
  } catch {
    return false;
  }
}
