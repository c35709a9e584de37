import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors.ts';

/** The placeholder the web app's build writes where each page needs its nonce (Vite `html.cspNonce`). */
export const cspNoncePlaceholder = '__BATON_CSP_NONCE__';

/** Options of {@link webPlugin}. */
export interface WebPluginOptions {
  /** The web app's build output (`apps/web/dist`): `index.html` and `assets/`. */
  root: string;
}

/**
 * The Content-Security-Policy of the app's pages, for one response's `nonce`.
 *
 * - `script-src 'self'`: only the app's own bundles; no inline script, no `eval`.
 * - `style-src 'self' 'nonce-…'`: the app's CSS files, and the `<style>` elements antd's
 *   CSS-in-JS inserts at run time, which carry this nonce (the app reads it from
 *   `<meta property="csp-nonce">` and hands it to `ConfigProvider csp`). No `unsafe-inline`:
 *   an injected `<style>` (CSS exfiltration, UI redress) is refused. Inline `style` attributes
 *   set from script through the CSSOM (React's `style` prop) are not governed by CSP.
 * - `connect-src 'self'`: the API and the websocket of this server only.
 * - `frame-ancestors 'none'`: no framing (clickjacking); `object-src 'none'`, `base-uri 'none'`.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response of the web app carries (pages and assets). */
export const webSecurityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * Serves the built web app on the API's port:
 * - `/assets/*` (content-hashed names) with `Cache-Control: public, max-age=31536000, immutable`;
 * - every other GET that is not under `/api` or `/docs` and does not name a file: `index.html`
 *   (the single-page app's routes), `no-store`, with a fresh CSP nonce per response;
 * - unknown `/api/…` paths keep answering 404 `API_NOT_FOUND` in JSON, missing files 404.
 * Pages and assets carry {@link webSecurityHeaders}; pages also the {@link contentSecurityPolicy}.
 *
 * Without `index.html` in `root` (the app was not built) the plugin logs a warning and serves
 * nothing, so the API still runs.
 */
export async function webPlugin(app: FastifyInstance, options: WebPluginOptions): Promise<void> {
  const indexFile = join(options.root, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn(
      { root: options.root },
      'the web app is not built; serving the API only (run `npm run build -w apps/web` or `npm start`)',
    );
    return;
  }
  const template = readFileSync(indexFile, 'utf8');

  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(webSecurityHeaders)) void reply.header(name, value);
  });

  await app.register(fastifyStatic, {
    root: join(options.root, 'assets'),
    prefix: '/assets/',
    index: false,
    // Hashed names: a changed file gets a new name, so browsers may keep these forever.
    maxAge: 365 * 24 * 3600 * 1000,
    immutable: true,
  });

  function sendPage(reply: FastifyReply): FastifyReply {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-security-policy', contentSecurityPolicy(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(template.replaceAll(cspNoncePlaceholder, nonce));
  }

  app.get('/', { schema: { hide: true } }, (_request, reply) => sendPage(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    if (/^\/(api|docs)(\/|$)/.test(path) || lastSegment.includes('.')) {
      const error = new ApiError('API_NOT_FOUND', { what: `route ${request.method} ${path.slice(0, 200)}` });
      return reply.code(404).send(error.toBody());
    }
    return sendPage(reply);
  });
}
