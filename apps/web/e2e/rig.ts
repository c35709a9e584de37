/**
 * The end-to-end rig: the real Baton server (buildApp on an in-memory PGlite with the demo
 * users and the example process, listening on a free port, serving the built app) and Debian's
 * Chromium driven by playwright-core.
 *
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '@baton/server/src/app.ts';
import { type BatonDatabase, createDatabase } from '@baton/server/src/db/database.ts';
import { migrateToLatest } from '@baton/server/src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '@baton/server/src/seed/demo-data.ts';
import { seedExampleProcessIfEmpty } from '@baton/server/src/seed/example-process.ts';
import { type SeedHistoryOptions, type SeedHistoryResult, seedHistory } from '@baton/server/src/seed/history.ts';
import { seedSalesExampleIfMissing } from '@baton/server/src/seed/sales-examples.ts';
import { en } from '../src/i18n/en.ts';

/** The password of every demo user in these tests. */
export const demoPassword = 'e2e-password-1';

/** The built app the server serves (`npm test` builds it first when stale). */
export const webRoot = fileURLToPath(new URL('../dist', import.meta.url));

/** Where the screenshots go (git-ignored; the README names it). */
export const screenshotDir = fileURLToPath(new URL('./screenshots', import.meta.url));

/** The example process the server publishes into its empty database. */
export const exampleDefinition = JSON.parse(
  readFileSync(new URL('../../../examples/lead-to-contract/definition.json', import.meta.url), 'utf8'),
) as { key: string; name: { 'zh-CN': string; en: string } };

/** A running server on 127.0.0.1. */
export interface RunningServer {
  app: Awaited<ReturnType<typeof buildApp>>;
  baseUrl: string;
  /** What the sales history seed did (only with the `history` option). */
  history?: SeedHistoryResult;
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Also publish the sales example (`examples/sales/`, model `lead-to-after-sales`: v1 current, v2 target). */
  salesExample?: boolean;
  /** Also run `seedHistory` on it with these (small) settings before listening; implies `salesExample`. */
  history?: SeedHistoryOptions;
}

/** Starts the real server on a free port with demo data and the example process. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const database: BatonDatabase = await createDatabase({ pgliteDir: null });
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, demoPassword);
  await seedExampleProcessIfEmpty(database.db, exampleDefinition);
  if (options.salesExample || options.history) await seedSalesExampleIfMissing(database.db);
  const app = await buildApp({
    database,
    config: { sessionSecret: 'e2e-session-secret-0123456789abcdef', logLevel: 'warn' },
    webRoot,
  });
  let history: SeedHistoryResult | undefined;
  if (options.history) {
    await app.ready();
    history = await seedHistory(app, options.history);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    ...(history ? { history } : {}),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A headless Chromium (Debian's) with a fresh profile, in `locale`. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches Chromium headless with a throwaway profile; with `touch`, its pages take taps. */
export async function launchBrowser(locale: string, options: { touch?: boolean } = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install it with "apt-get install -y chromium fonts-noto-cjk" (as .ci/run does), or set CHROMIUM_PATH.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    locale,
    viewport: { width: 1440, height: 900 },
    ...(options.touch ? { hasTouch: true } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--lang=${locale}`,
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A CSP violation reported by the page (`securitypolicyviolation`) or the console. */
export interface CspViolation {
  url: string;
  text: string;
}

/**
 * Collects CSP violations of every page of `context`: a `securitypolicyviolation` listener
 * installed before any script of the page runs, reporting through a binding, plus console
 * messages that mention the Content Security Policy.
 */
export async function watchCsp(context: BrowserContext): Promise<CspViolation[]> {
  const violations: CspViolation[] = [];
  await context.exposeBinding('__batonReportCsp', ({ page }, text: string) => {
    violations.push({ url: page.url(), text });
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __batonReportCsp: (text: string) => void }).__batonReportCsp;
      report(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`,
      );
    });
  });
  context.on('console', (message) => {
    if (/content security policy/i.test(message.text()))
      violations.push({ url: message.page()?.url() ?? '', text: message.text() });
  });
  return violations;
}

/**
 * The user-facing text of the page: visible text nodes (outside `<time>`, which holds
 * formatted data), input placeholders and the document title.
 */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
      const element = node.parentElement;
      if (text === '' || !element || element.closest('script, style, noscript, time')) continue;
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      out.push(text);
    }
    for (const element of document.querySelectorAll('[placeholder]'))
      out.push(element.getAttribute('placeholder') ?? '');
    return out.filter((text) => text.trim() !== '');
  });
}

/**
 * Calls the API as a demo user with a bearer token, through `app.inject` (no socket), and
 * answers the JSON body; a status of 300 or more throws with the method, address, user and body.
 */
export async function injectApi<T>(
  server: RunningServer,
  as: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
): Promise<T> {
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: as, password: demoPassword },
  });
  const { token } = login.json<{ token: string }>();
  const res = await server.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} as ${as}: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

/** The labels of the login form in one language (a catalogue's `login` section). */
export interface LoginLabels {
  username: string;
  password: string;
  submit: string;
}

/** A button's accessible name as a pattern: antd puts a space between two Chinese characters on buttons. */
export function buttonName(text: string): RegExp {
  return new RegExp([...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*'));
}

/**
 * Logs `page` in as a demo user through the login form, labelled as in `labels` (the English
 * catalogue's by default), and waits until the page has left `/login`.
 */
export async function logIn(
  server: RunningServer,
  page: Page,
  username: string,
  labels: LoginLabels = en.login,
): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel(labels.username).fill(username);
  await page.getByLabel(labels.password).fill(demoPassword);
  await page.getByRole('button', { name: buttonName(labels.submit) }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
}

/** A screenshot of the viewport under the screenshot folder (`fullPage`: the whole page), once nothing spins. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage, animations: 'disabled' });
}
