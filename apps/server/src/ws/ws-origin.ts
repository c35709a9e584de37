/**
 * The Origin allow-list of `GET /api/ws`, checked before the upgrade. Browsers always send
 * `Origin` on websocket handshakes and do not apply CORS to them, so without this check any web
 * page could open a socket to the server (cross-site websocket hijacking, CWE-1385). Clients
 * that are not browsers (the CLI, scripts) send no `Origin` and are let through: they must
 * still present a token.
 *
 * @module
 */

/** Which origins may open a websocket. */
export interface OriginPolicy {
  /**
   * Allowed origins, `scheme://host[:port]`; a port of `*` allows every port
   * (`http://localhost:*`). `ALLOWED_ORIGINS`, comma-separated.
   */
  allowed: readonly string[];
  /** Also allow `http(s)://localhost`, `127.0.0.1` and `[::1]` on any port (development). */
  allowLocal: boolean;
}

const localHostnames = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a handshake with this `Origin` header may be upgraded. Allowed: no `Origin` at all
 * (non-browser clients); the same host as the request's `Host` header (the designer served by
 * this server); local origins when `policy.allowLocal`; and every origin of `policy.allowed`.
 * The opaque origin `null` (sandboxed frames, `file:` pages) is refused. Pure; never throws.
 *
 * @example
 * isOriginAllowed('https://evil.example', 'baton.example', { allowed: [], allowLocal: false }); // false
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  const url = toOriginUrl(origin);
  if (!url) return false;
  if (host !== undefined && url.host === host.trim().toLowerCase()) return true;
  if (policy.allowLocal && localHostnames.has(url.hostname)) return true;
  return policy.allowed.some((entry) => {
    if (entry.endsWith(':*')) {
      const base = toOriginUrl(entry.slice(0, -2));
      return base !== undefined && base.protocol === url.protocol && base.hostname === url.hostname;
    }
    return toOriginUrl(entry)?.origin === url.origin;
  });
}

/**
 * Parses `ALLOWED_ORIGINS` (comma- or space-separated origins, each `scheme://host[:port]` or
 * `scheme://host:*`). Unset or empty gives `[]`.
 *
 * @throws Error naming the entry and the expected form when an entry is not an origin.
 */
export function parseAllowedOrigins(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(/[\s,]+/).filter((e) => e !== '');
  for (const entry of entries) {
    const base = entry.endsWith(':*') ? entry.slice(0, -2) : entry;
    const url = toOriginUrl(base);
    if (!url || !/^[a-z]+:\/\/[^/?#]+\/?$/i.test(base) || url.username !== '' || url.password !== '') {
      throw new Error(
        `ALLOWED_ORIGINS: "${entry}" is not an origin. Use scheme://host[:port] without a path, e.g. "https://baton.example.com" or "http://localhost:*", separated by commas.`,
      );
    }
  }
  return entries;
}

/**
 * The default policy: `ALLOWED_ORIGINS` from the environment, plus local origins unless
 * `NODE_ENV` is `production`.
 */
export function originPolicyFromEnv(env: Record<string, string | undefined>): OriginPolicy {
  return { allowed: parseAllowedOrigins(env.ALLOWED_ORIGINS), allowLocal: env.NODE_ENV !== 'production' };
}

function toOriginUrl(text: string): URL | undefined {
  if (text === 'null') return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
