import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { zhCN } from '../src/i18n/zh-cn.ts';
import {
  type Browser,
  buttonName,
  type CspViolation,
  injectApi,
  launchBrowser,
  logIn,
  type RunningServer,
  screenshotDir,
  shot,
  startServer,
  watchCsp,
} from './rig.ts';

/**
 * Issue 11, flow 4 (first part): ops finds an instance by business key, opens it, retries its
 * incident (a failing ERP call), and terminates another instance with a reason; in English and
 * Chinese. A participant sees a 403 page. Screenshots at 1440 × 900.
 */

let server: RunningServer;
let erp: Server;
let erpUrl: string;
/** Whether the fake ERP accepts orders (it answers 400 until then: a failure that is not retried, an incident at once). */
let erpUp = false;
const timeout = 30_000;

/** The process: an HTTP call to the ERP, then a review by the manager. */
function definition() {
  return {
    schemaVersion: 1,
    key: 'erp-push',
    name: { en: 'Push order to ERP', 'zh-CN': '订单推送 ERP' },
    nodes: [
      { id: 'start', type: 'start', name: { en: 'Start', 'zh-CN': '开始' }, layout: { x: 0, y: 100 } },
      {
        id: 'push',
        type: 'automaticTask',
        name: { en: 'Create ERP order', 'zh-CN': '创建 ERP 订单' },
        action: { kind: 'http', method: 'POST', url: `${erpUrl}/orders` },
        retry: { maxAttempts: 1 },
        resultField: 'erpOrder',
        layout: { x: 220, y: 100 },
      },
      {
        id: 'review',
        type: 'userTask',
        name: { en: 'Review the order', 'zh-CN': '审核订单' },
        owner: { type: 'user', user: 'manager' },
        layout: { x: 440, y: 100 },
      },
      { id: 'end', type: 'end', name: { en: 'End', 'zh-CN': '结束' }, layout: { x: 660, y: 100 } },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'push' },
      { id: 'e2', from: 'push', to: 'review' },
      { id: 'e3', from: 'review', to: 'end' },
    ],
  };
}

/** Calls the API as a demo user (bearer token). */
const api = <T>(as: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  injectApi<T>(server, as, method, url, payload);

/** Starts an instance as rep1 and lets the outbox deliver its ERP call (which fails: an incident). */
async function startFailing(businessKey: string): Promise<string> {
  const { instance } = await api<{ instance: { id: string } }>('rep1', 'POST', '/api/models/erp-push/instances', {
    businessKey,
  });
  await server.app.runtime.outbox.runOnce();
  const detail = await api<{ incidents: unknown[] }>('ops', 'GET', `/api/instances/${instance.id}`);
  expect(detail.incidents).toHaveLength(1);
  return instance.id;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  erp = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(erpUp ? 200 : 400, { 'content-type': 'application/json' });
      response.end(JSON.stringify(erpUp ? { id: 'SO-1001' } : { error: 'unknown customer' }));
    });
  });
  await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
  erpUrl = `http://127.0.0.1:${(erp.address() as { port: number }).port}`;
  server = await startServer();
  await api('owner', 'POST', '/api/models', { key: 'erp-push', name: definition().name });
  await api('owner', 'POST', '/api/models/erp-push/publish', { definition: definition(), state: 'current' });
  await api('ops', 'POST', '/api/models/erp-push/deployments', { version: 1, cohort: { type: 'all' } });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => (erp ? erp.close(() => resolve()) : resolve()));
});

describe.each([
  { lang: 'en', locale: 'en-US', cat: en },
  { lang: 'zh-CN', locale: 'zh-CN', cat: zhCN },
])('ops: instances, incidents and terminate ($lang)', ({ lang, locale, cat }) => {
  let browser: Browser;
  let violations: CspViolation[];
  let page: Page;
  const tag = lang === 'en' ? 'EN' : 'ZH';
  let retried: string;
  let doomed: string;

  beforeAll(async () => {
    erpUp = false;
    retried = await startFailing(`ERP-${tag}-1`);
    doomed = await startFailing(`ERP-${tag}-2`);
    await startFailing(`ERP-${tag}-3`); // left in incident, for the stuck-work list
    browser = await launchBrowser(locale);
    violations = await watchCsp(browser.context);
    page = await browser.context.newPage();
    await logIn(server, page, 'ops', cat.login);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('finds an instance by business key, opens it and retries its incident', async () => {
    await page.goto(`${server.baseUrl}/instances`);
    await page.getByLabel(cat.ops.instances.businessKey).fill(`ERP-${tag}-1`);
    await page.getByRole('button', { name: buttonName(cat.ops.instances.search) }).click();
    const link = page.getByTestId('instance-link');
    await expect.poll(() => link.allTextContents(), { timeout }).toEqual([`ERP-${tag}-1`]);
    await shot(page, `ops-instances-${lang}-1440`);
    await link.click();
    await page.waitForURL(`**/instances/${retried}`, { timeout });

    const incident = page.getByTestId('incident');
    await incident.waitFor({ timeout });
    await expect.poll(() => incident.textContent()).toContain('unknown customer');
    await page.locator('.react-flow__node').first().waitFor({ timeout });
    await shot(page, `ops-instance-incident-${lang}-1440`);

    erpUp = true;
    await incident.getByRole('button', { name: buttonName(cat.ops.instance.retry) }).click();
    await page.getByText(cat.ops.instance.noIncidents).waitFor({ timeout });
    // The retried call goes out through the outbox; then the instance moves on to the review.
    await server.app.runtime.outbox.runOnce();
    await page.getByRole('button', { name: buttonName(cat.ops.common.reload) }).click();
    await page
      .getByRole('cell', { name: lang === 'en' ? 'Review the order' : '审核订单', exact: true })
      .waitFor({ timeout });
    const detail = await api<{ activeNodes: string[]; incidents: unknown[]; history: Array<{ type: string }> }>(
      'ops',
      'GET',
      `/api/instances/${retried}`,
    );
    expect(detail.activeNodes).toEqual(['review']);
    expect(detail.history.map((h) => h.type)).toContain('incident.resolved');
    await shot(page, `ops-instance-retried-${lang}-1440`);
  });

  it('terminates another instance after a confirmation with a reason', async () => {
    await page.goto(`${server.baseUrl}/instances?businessKey=ERP-${tag}-2`);
    await page.getByTestId('instance-link').click();
    await page.waitForURL(`**/instances/${doomed}`, { timeout });
    await page.getByRole('button', { name: buttonName(cat.ops.instance.terminate) }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(cat.ops.instance.terminateBody).waitFor({ timeout });
    // No reason: refused in the form, nothing sent.
    await dialog.getByRole('button', { name: buttonName(cat.ops.instance.terminate) }).click();
    await dialog.getByText(cat.ops.instance.reasonRequired).waitFor({ timeout });
    await shot(page, `ops-terminate-dialog-${lang}-1440`);
    expect(
      (await api<{ instance: { status: string } }>('ops', 'GET', `/api/instances/${doomed}`)).instance.status,
    ).toBe('running');
    await dialog.getByLabel(cat.ops.instance.reason).fill(lang === 'en' ? 'Duplicate order' : '重复下单');
    await dialog.getByRole('button', { name: buttonName(cat.ops.instance.terminate) }).click();
    await page.locator('.ant-tag', { hasText: cat.ops.status.terminated }).waitFor({ timeout });
    const after = await api<{
      instance: { status: string };
      history: Array<{ type: string; data: { reason?: string } }>;
    }>('ops', 'GET', `/api/instances/${doomed}`);
    expect(after.instance.status).toBe('terminated');
    expect(after.history.find((h) => h.type === 'instance.terminated')?.data.reason).toBe(
      lang === 'en' ? 'Duplicate order' : '重复下单',
    );
    await shot(page, `ops-instance-terminated-${lang}-1440`);
    // The history says who terminated it and why.
    const reason = page.getByText(lang === 'en' ? 'Duplicate order' : '重复下单', { exact: true }).last();
    await reason.waitFor({ timeout });
    await reason.scrollIntoViewIfNeeded();
    await shot(page, `ops-instance-history-${lang}-1440`);
  });

  it('shows the ops console: deployments, stuck work with the call in incident, the directory', async () => {
    await page.goto(`${server.baseUrl}/ops`);
    await page.getByRole('cell', { name: cat.ops.deployments.cohortAll }).first().waitFor({ timeout });
    await shot(page, `ops-deployments-${lang}-1440`);
    await page.getByRole('tab', { name: cat.ops.console.tabs.stuck }).click();
    await page.getByRole('link', { name: `ERP-${tag}-3` }).waitFor({ timeout });
    await shot(page, `ops-stuck-${lang}-1440`);
    await page.getByRole('tab', { name: cat.ops.console.tabs.directory }).click();
    await page.getByRole('cell', { name: 'rep1' }).first().waitFor({ timeout });
    await shot(page, `ops-directory-${lang}-1440`);
    expect(violations).toEqual([]);
  });

  it('shows a participant a 403 page', async () => {
    const other = await launchBrowser(locale);
    try {
      const p = await other.context.newPage();
      await logIn(server, p, 'rep1', cat.login);
      await p.goto(`${server.baseUrl}/ops`);
      await p.getByText(cat.ops.forbidden.title).waitFor({ timeout });
      await shot(p, `ops-forbidden-${lang}-1440`);
    } finally {
      await other.close();
    }
  });
});
