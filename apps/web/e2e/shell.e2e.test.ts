import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textChecker, type Lang } from './catalogue-check.ts';
import {
  type Browser,
  type CspViolation,
  demoPassword,
  exampleDefinition,
  launchBrowser,
  type RunningServer,
  screenshotDir,
  startServer,
  visibleTexts,
  watchCsp,
} from './rig.ts';

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
/** Strings the server sends that pages may show as they are. */
let data: string[];
/** Every page's texts that did not come from the catalogues, with the page they were on. */
const unknownTexts: string[] = [];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
  const owner = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'owner', password: demoPassword },
  });
  const { user } = owner.json<{ user: { displayName: string } }>();
  data = [exampleDefinition.key, exampleDefinition.name.en, exampleDefinition.name['zh-CN'], user.displayName];
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  // Wait for loading overlays to go, and finish transitions, so the picture shows the settled page.
  await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false, animations: 'disabled' });
}

/** Records every visible string of the page that is neither catalogue text nor data. */
async function checkTexts(page: Page, lang: Lang, where: string): Promise<void> {
  const allowed = textChecker(lang, data);
  for (const text of await visibleTexts(page)) if (!allowed(text)) unknownTexts.push(`${where} (${lang}): "${text}"`);
}

async function openLogin(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/models`);
  await page.waitForURL('**/login');
  await page.getByLabel('Username').waitFor();
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function switchLanguage(page: Page, from: 'Language' | '语言', to: 'English' | '简体中文'): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: from }).hover();
  await page.getByRole('menuitem', { name: to }).click();
}

describe('the web app shell, served by the real server', () => {
  it('serves the app with a strict Content-Security-Policy and security headers', async () => {
    for (const path of ['/', '/login', '/models']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      // The page's nonce is the policy's, and fresh per response.
      const html = await response.text();
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(html).toContain(`nonce="${nonce}"`);
      expect(html).not.toContain('__BATON_CSP_NONCE__');
    }
    // Pages are never cached (each has its nonce); hashed assets are cached for good.
    const page = await fetch(`${server.baseUrl}/`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(await page.text())?.[1];
    const asset = await fetch(`${server.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(`${server.baseUrl}/`);
    const first = await fetch(`${server.baseUrl}/`);
    expect(again.headers.get('content-security-policy')).not.toBe(first.headers.get('content-security-policy'));
    // Unknown API paths stay JSON 404s; missing assets are not answered with the page.
    expect((await fetch(`${server.baseUrl}/api/nope`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/assets/missing.js`)).status).toBe(404);
  });

  it('loads only what the login page needs: no shell, no models page, within the 500 kB gzip budget', async () => {
    const page = await browser.context.newPage();
    await page.route('**/assets/**', (route) => route.continue());
    const loading: Array<Promise<{ path: string; gzip: number }>> = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/assets/') && /\.(js|css)$/.test(path))
        loading.push(response.body().then((body) => ({ path, gzip: gzipSync(body).length })));
    });
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Username').waitFor();
    await page.waitForLoadState('networkidle');
    const loaded = await Promise.all(loading);
    const names = loaded.map((l) => l.path);
    expect(names.some((n) => n.includes('/login-page-'))).toBe(true);
    expect(names.filter((n) => /\/(app-layout|models-page|inbox-page)-/.test(n))).toEqual([]);
    const total = loaded.reduce((sum, l) => sum + l.gzip, 0);
    console.info(`first page (login): ${loaded.length} files, ${(total / 1024).toFixed(1)} KiB gzip`);
    expect(total).toBeLessThan(500 * 1024);
    await page.close();
  });

  it('refuses a wrong password with a clear error and keeps the username typed', async () => {
    const page = await browser.context.newPage();
    await openLogin(page);
    await shot(page, 'login-en-1440');
    await checkTexts(page, 'en', 'login');
    await logIn(page, 'owner', 'not-the-password');
    await expect
      .poll(() => page.getByTestId('login-error').textContent())
      .toContain('Unknown username or wrong password');
    expect(await page.getByLabel('Username').inputValue()).toBe('owner');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await checkTexts(page, 'en', 'login with error');
    // Empty fields: the form says what is missing, in the catalogue's words.
    await page.getByLabel('Username').fill('');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Enter your username.').waitFor();
    await page.close();
  });

  it('logs in through the form, lists the models, switches to zh-CN and back, and logs out', async () => {
    const page = await browser.context.newPage();
    await openLogin(page);
    await logIn(page, 'owner', demoPassword);
    await page.waitForURL('**/models');
    await page.getByText(exampleDefinition.name.en, { exact: true }).waitFor();
    // A logged-in user's first page: everything the models list loads, cold.
    const fresh = await browser.context.newPage();
    // Routing through Playwright bypasses the HTTP cache: every file is fetched and counted.
    await fresh.route('**/assets/**', (route) => route.continue());
    const sizes: Array<Promise<number>> = [];
    const files: string[] = [];
    fresh.on('response', (response) => {
      if (!/\/assets\/.*\.(js|css)$/.test(response.url())) return;
      files.push(new URL(response.url()).pathname.replace('/assets/', ''));
      sizes.push(response.body().then((body) => gzipSync(body).length));
    });
    await fresh.goto(`${server.baseUrl}/models`);
    await fresh.getByText(exampleDefinition.name.en, { exact: true }).waitFor();
    await fresh.waitForLoadState('networkidle');
    const modelsPageGzip = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    console.info(
      `first page of a logged-in user (models list): ${files.length} files, ${(modelsPageGzip / 1024).toFixed(1)} KiB gzip: ${files.join(' ')}`,
    );
    expect(modelsPageGzip).toBeLessThan(500 * 1024);
    await fresh.close();
    expect(await page.getByText(exampleDefinition.key, { exact: true }).count()).toBe(1);
    // antd's own texts are English.
    await page.getByText('20 / page').waitFor();

    const cookies = await browser.context.cookies(server.baseUrl);
    const session = cookies.find((c) => c.name === 'baton_session');
    const csrf = cookies.find((c) => c.name === 'baton_csrf');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(csrf).toMatchObject({ httpOnly: false, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('baton_session');

    await shot(page, 'models-en-1440');
    await checkTexts(page, 'en', 'models');

    // The websocket opens with the session cookie alone (same origin, allowed by connect-src 'self').
    const socket = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/ws`, ['baton.v1']);
          ws.onopen = () => {
            resolve(`open ${ws.protocol}`);
            ws.close();
          };
          ws.onerror = () => resolve('error');
        }),
    );
    expect(socket).toBe('open baton.v1');

    // Search: a query that matches nothing says so; the key finds the model.
    await page.getByPlaceholder('Search by name or key').fill('zzz-nothing');
    await page.getByText('No model matches “zzz-nothing”.').waitFor();
    await checkTexts(page, 'en', 'models, no match');
    await page.getByPlaceholder('Search by name or key').fill('lead-to');
    await page.getByText(exampleDefinition.name.en, { exact: true }).waitFor();

    // The menu offers a process owner what they may open: analytics, not the operators' pages
    // (those answer "forbidden" when typed in); every section it shows opens its page.
    expect(await page.getByRole('menuitem', { name: 'Instances' }).count()).toBe(0);
    expect(await page.getByRole('menuitem', { name: 'Operations' }).count()).toBe(0);
    for (const [menu, path] of [['Analytics', '/analytics']] as const) {
      await page.getByRole('menuitem', { name: menu }).click();
      await page.waitForURL(`**${path}`);
      await page.locator('main').first().waitFor();
      expect(await page.getByText('Coming soon').count()).toBe(0);
      await checkTexts(page, 'en', menu);
    }
    // The start page is built (issue 11): it lists the processes one may start.
    await page.getByRole('menuitem', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Start a request' }).waitFor();
    await page.getByRole('menuitem', { name: 'Inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await shot(page, 'inbox-en-1440');

    // To Chinese: our texts and antd's switch together, and the choice survives a reload.
    await page.getByRole('menuitem', { name: 'Process models' }).click();
    await page.getByPlaceholder('Search by name or key').waitFor();
    await switchLanguage(page, 'Language', '简体中文');
    await page.getByRole('heading', { name: '流程模型' }).waitFor();
    await page.getByText(exampleDefinition.name['zh-CN'], { exact: true }).waitFor();
    await page.getByText('20 条/页').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { name: '流程模型' }).waitFor();
    await page.getByText(exampleDefinition.name['zh-CN'], { exact: true }).waitFor();
    await shot(page, 'models-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'models');
    await page.getByPlaceholder('按名称或标识搜索').fill('不存在');
    await page.getByText('没有与“不存在”匹配的模型。').waitFor();
    for (const [menu, path] of [
      ['发起', '/start'],
      ['分析', '/analytics'],
    ] as const) {
      await page.getByRole('menuitem', { name: menu }).click();
      await page.waitForURL(`**${path}`);
      await page.locator('main').first().waitFor();
      expect(await page.getByText('即将上线').count()).toBe(0);
      await checkTexts(page, 'zh-CN', menu);
    }
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByRole('heading', { name: '待办中心' }).waitFor();
    await shot(page, 'inbox-zh-CN-1440');

    // Phone size: the inbox in both languages.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: '待办中心' }).waitFor();
    await shot(page, 'inbox-zh-CN-390');
    await checkTexts(page, 'zh-CN', 'inbox (phone)');
    // On a phone the menu opens over the page and closes once a page is chosen.
    await page.locator('.ant-layout-sider-zero-width-trigger').click();
    await page.getByRole('menuitem', { name: '流程模型' }).waitFor();
    await shot(page, 'menu-zh-CN-390');
    // A tap beside the open menu closes it.
    await page.mouse.click(360, 600);
    await expect.poll(() => page.getByRole('menuitem', { name: '流程模型' }).isVisible()).toBe(false);
    await page.locator('.ant-layout-sider-zero-width-trigger').click();
    await page.getByRole('menuitem', { name: '流程模型' }).click();
    await page.getByText(exampleDefinition.name['zh-CN'], { exact: true }).waitFor();
    await expect.poll(() => page.getByRole('menuitem', { name: '流程模型' }).isVisible()).toBe(false);
    await shot(page, 'models-zh-CN-390');
    await checkTexts(page, 'zh-CN', 'models (phone)');
    await page.goto(`${server.baseUrl}/inbox`);
    await page.getByRole('heading', { name: '待办中心' }).waitFor();

    // Back to English.
    await page.setViewportSize({ width: 1440, height: 900 });
    await switchLanguage(page, '语言', 'English');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await shot(page, 'inbox-en-390');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Log out: the cookies are gone and the app asks for a login again.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.getByText('You have been logged out.').waitFor();
    const after = await browser.context.cookies(server.baseUrl);
    expect(after.map((c) => c.name)).not.toContain('baton_session');
    expect(after.map((c) => c.name)).not.toContain('baton_csrf');
    await page.goto(`${server.baseUrl}/inbox`);
    await page.waitForURL('**/login');
    await page.close();
  });

  it('sends the user to the login page, saying why, when the session ends behind their back', async () => {
    const page = await browser.context.newPage();
    await openLogin(page);
    await logIn(page, 'rep1', demoPassword);
    await page.getByText(exampleDefinition.name.en, { exact: true }).waitFor();
    // A sales rep's menu: their work, no analytics (it names people) and no operators' pages.
    await page.getByRole('menuitem', { name: 'Inbox' }).waitFor();
    for (const hidden of ['Instances', 'Analytics', 'Operations'])
      expect(await page.getByRole('menuitem', { name: hidden }).count(), hidden).toBe(0);
    // The session cookie disappears (expired, or cleared elsewhere); the next request gets a 401.
    const others = (await browser.context.cookies(server.baseUrl)).filter((c) => c.name !== 'baton_session');
    await browser.context.clearCookies();
    await browser.context.addCookies(others);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL('**/login');
    await page.getByText('Your session has ended. Log in again.').waitFor();
    await checkTexts(page, 'en', 'login after the session ended');
    await page.close();
    await browser.context.clearCookies();
  });

  it('renders the login page in Chinese for a Chinese browser, on a phone too', async () => {
    const zh = await launchBrowser('zh-CN');
    try {
      const zhViolations = await watchCsp(zh.context);
      const page = await zh.context.newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.getByRole('heading', { name: '登录 Baton' }).waitFor();
      await shot(page, 'login-zh-CN-1440');
      await checkTexts(page, 'zh-CN', 'login');
      await page.getByLabel('用户名').fill('rep1');
      await page.getByLabel('密码').fill('wrong');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByText('用户名不存在或密码错误，请检查后重试。').waitFor();
      expect(await page.getByLabel('用户名').inputValue()).toBe('rep1');
      await checkTexts(page, 'zh-CN', 'login with error');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'login-zh-CN-390');
      await checkTexts(page, 'zh-CN', 'login (phone)');
      expect(zhViolations).toEqual([]);
    } finally {
      await zh.close();
    }
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await openLogin(page);
    await shot(page, 'login-en-390');
    await page.close();
  });

  it('shows no string outside the catalogues and causes no CSP violation', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
