import { mkdirSync } from 'node:fs';
import { type BatonClient, createClient } from '@baton/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textChecker, type Lang } from './catalogue-check.ts';
import {
  type Browser,
  type CspViolation,
  demoPassword,
  exampleDefinition,
  launchBrowser,
  logIn,
  type RunningServer,
  screenshotDir,
  shot,
  startServer,
  visibleTexts,
  watchCsp,
} from './rig.ts';
import { todoItem } from './work.ts';

// The inbox as a sales manager uses it: tasks that arrive, move away and get approved in a batch
// show up live (through the websocket) without a reload, with their counts; a lost connection
// shows a banner until the app has subscribed again; the notification bell counts an urge.

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
/** Whether the browser's websocket to the server is refused (the route closes it at once). */
let refuseSockets = false;

/** A quick check for the manager that needs no form: what batch approval is for. */
const quickCheck = {
  schemaVersion: 1,
  key: 'quick-check',
  name: { en: 'Quick check', 'zh-CN': '快速核对' },
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'glance',
      type: 'userTask',
      name: { en: 'Glance over', 'zh-CN': '过目确认' },
      owner: { type: 'user', user: 'manager' },
      deadline: { duration: 'PT8H', time: 'working' },
    },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'glance' },
    { id: 'e2', from: 'glance', to: 'end' },
  ],
};

/** Display names of the users logged in through {@link api} (the header shows the page's user). */
const displayNames: string[] = [];

async function api(username: string): Promise<BatonClient> {
  const client = createClient({ baseUrl: server.baseUrl, fetch: (url, init) => globalThis.fetch(url, init) });
  const { user } = await client.login(username, demoPassword);
  displayNames.push(user.displayName);
  return client;
}

/** Starts a lead as `rep` and returns the instance id. */
async function startLead(rep: BatonClient, leadId: string): Promise<string> {
  const result = await rep.startInstance(exampleDefinition.key, {
    data: {
      leadId,
      territory: 'east',
      leadSource: 'website',
      customer: { name: `Customer ${leadId}` },
      amount: 120000,
    },
    businessKey: leadId,
  });
  return result.instance.id;
}

/** The page scrolls sideways nowhere (a phone must never need it). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

async function count(page: Page, tab: string): Promise<number> {
  return Number((await page.getByTestId(`count-${tab}`).getAttribute('data-count')) ?? 'NaN');
}

async function checkTexts(page: Page, lang: Lang, data: string[]): Promise<void> {
  const allowed = textChecker(lang, [...data, ...displayNames]);
  const unknown = (await visibleTexts(page)).filter((text) => !allowed(text));
  expect(unknown, `texts on the inbox (${lang}) that are neither catalogue text nor data`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
  const owner = await api('owner');
  await owner.createModel({ key: quickCheck.key, name: quickCheck.name });
  const published = await owner.publish(quickCheck.key, { definition: quickCheck, state: 'current' });
  const ops = await api('ops');
  await ops.deploy(quickCheck.key, { version: published.version.number, cohort: { type: 'all' } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the inbox, live', () => {
  it('shows new tasks and counts live, drops a transferred task, approves a batch, survives a lost connection', async () => {
    const page = await browser.context.newPage();
    // Every websocket of the page goes through this route, so the test can refuse reconnects.
    await page.routeWebSocket(/\/api\/ws$/, (ws) => {
      if (refuseSockets) void ws.close({ code: 1013, reason: 'refused by the test' });
      else ws.connectToServer();
    });
    await logIn(server, page, 'manager');
    await page.waitForURL('**/models');
    await page.getByRole('menuitem', { name: 'Inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByText('Nothing to do. New tasks appear here by themselves.').waitFor();
    expect(await count(page, 'todo')).toBe(0);

    // A rep starts a lead: the manager's "assign lead" task appears without a reload.
    const rep1 = await api('rep1');
    const rep2 = await api('rep2');
    const manager = await api('manager');
    const first = await startLead(rep1, 'L-E2E-001');
    await todoItem(page, 'L-E2E-001').waitFor({ timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(1);
    const firstItem = todoItem(page, 'L-E2E-001');
    expect(await firstItem.getByText('Assign lead').count()).toBe(1);
    // The working time left to its deadline (24 working hours), not yet in its last quarter.
    expect(await firstItem.locator('[data-tone]').getAttribute('data-tone')).toBe('normal');
    expect(await firstItem.locator('[data-tone]').textContent()).toMatch(/\d+ h \d+ min working time left/);
    expect(await firstItem.getByRole('link', { name: 'Assign lead' }).getAttribute('href')).toMatch(/^\/tasks\/\d+$/);

    const second = await startLead(rep2, 'L-E2E-002');
    await todoItem(page, 'L-E2E-002').waitFor({ timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(2);

    // The manager hands the second lead to the director elsewhere: it leaves the list.
    const secondTask = (await manager.listTodo({})).items.find((x) => x.instanceId === second)!;
    await manager.claimTask(secondTask.id);
    await manager.transferTask(secondTask.id, { to: 'director' });
    await todoItem(page, 'L-E2E-002').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(1);

    // The rep urges the first lead: the bell counts it live; "mark all read" clears it.
    const firstTask = (await manager.listTodo({})).items.find((x) => x.instanceId === first)!;
    await rep1.urgeTask(firstTask.id);
    await expect
      .poll(async () => Number(await page.getByTestId('bell-count').getAttribute('data-count')), { timeout: 30_000 })
      .toBe(1);
    await page.getByTestId('bell').click();
    await page.getByTestId('bell-item').filter({ hasText: 'Urged' }).waitFor();
    // The bell names the step as the definition does, not by its id.
    const urged = await page.getByTestId('bell-item').filter({ hasText: 'Urged' }).textContent();
    expect(urged).toContain('step Assign lead');
    expect(urged).not.toContain('assign-lead');
    await shot(page, 'inbox-bell-en-1440');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await expect
      .poll(async () => Number(await page.getByTestId('bell-count').getAttribute('data-count')), { timeout: 30_000 })
      .toBe(0);
    await page.keyboard.press('Escape');

    // Two quick checks arrive; the manager approves them and the lead (which needs its form) in one batch.
    const quick = await api('rep1');
    for (const key of ['QC-1', 'QC-2']) await quick.startInstance(quickCheck.key, { businessKey: key });
    await todoItem(page, 'QC-2').waitFor({ timeout: 30_000 });
    await todoItem(page, 'QC-1').waitFor({ timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(3);
    await shot(page, 'inbox-en-1440');
    for (const key of ['QC-1', 'QC-2', 'L-E2E-001']) await todoItem(page, key).getByRole('checkbox').check();
    await page.getByTestId('batch-approve').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    const outcome = page.getByTestId('batch-result');
    await outcome.waitFor({ timeout: 30_000 });
    expect(await outcome.textContent()).toContain('Batch approval: 2 approved, 1 not');
    const rows = outcome.getByTestId('batch-outcome');
    expect(await rows.count()).toBe(3);
    expect(await rows.filter({ hasText: 'QC-1' }).getAttribute('data-ok')).toBe('true');
    expect(await rows.filter({ hasText: 'QC-2' }).getAttribute('data-ok')).toBe('true');
    const lead = rows.filter({ hasText: 'L-E2E-001' });
    expect(await lead.getAttribute('data-ok')).toBe('false');
    expect(await lead.textContent()).toContain('Needs form input');
    await todoItem(page, 'QC-1').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(1);
    await shot(page, 'inbox-batch-en-1440');
    await checkTexts(page, 'en', [
      'L-E2E-001',
      'QC-1',
      'QC-2',
      exampleDefinition.name.en,
      quickCheck.name.en,
      'Assign lead',
      'Glance over',
    ]);

    // The connection drops and reconnects are refused: the banner shows.
    refuseSockets = true;
    server.app.wsHub.closeAll(1012, 'restarting');
    const banner = page.getByTestId('live-lost');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain('Live updates are disconnected');
    await shot(page, 'inbox-lost-en-1440');
    // Work that arrives meanwhile is caught up once the app has subscribed again.
    await startLead(rep1, 'L-E2E-003');
    refuseSockets = false;
    await banner.waitFor({ state: 'detached', timeout: 60_000 });
    await todoItem(page, 'L-E2E-003').waitFor({ timeout: 30_000 });
    // And pushes flow again.
    await startLead(rep2, 'L-E2E-004');
    await todoItem(page, 'L-E2E-004').waitFor({ timeout: 30_000 });
    await expect.poll(() => count(page, 'todo'), { timeout: 30_000 }).toBe(3);

    // Started by me (the rep's view) shows each instance's current step.
    const started = await rep1.listStarted({});
    expect(started.items.find((x) => x.id === first)?.current.map((c) => c.nodeId)).toEqual(['assign-lead']);

    // Phone: cards, no sideways scroll, tabs reachable by thumb.
    await page.setViewportSize({ width: 390, height: 844 });
    await todoItem(page, 'L-E2E-004').waitFor();
    await expectNoSidewaysScroll(page);
    const tab = await page.getByTestId('tab-cc').boundingBox();
    expect(tab!.height).toBeGreaterThanOrEqual(20);
    await shot(page, 'inbox-en-390');

    // zh-CN at both sizes.
    await page.evaluate(() => window.localStorage.setItem('baton.language', 'zh-CN'));
    await page.reload();
    await page.getByRole('heading', { name: '待办中心' }).waitFor();
    await todoItem(page, 'L-E2E-004').waitFor();
    expect(await todoItem(page, 'L-E2E-004').locator('[data-tone]').textContent()).toMatch(
      /剩余工作时间 \d+ 小时 \d+ 分/,
    );
    await expectNoSidewaysScroll(page);
    await shot(page, 'inbox-zh-CN-390');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByRole('combobox', { name: '流程' }).waitFor();
    await shot(page, 'inbox-filters-zh-CN-390');
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'inbox-zh-CN-1440');
    await checkTexts(page, 'zh-CN', [
      'L-E2E-001',
      'L-E2E-003',
      'L-E2E-004',
      exampleDefinition.name['zh-CN'],
      quickCheck.name['zh-CN'],
      '线索分配',
    ]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('filters by process, step and overdue, and marks a cc entry read and unread', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/inbox`);
    await page.getByRole('heading', { name: /Inbox|待办中心/ }).waitFor();
    await page.evaluate(() => window.localStorage.setItem('baton.language', 'en'));
    await page.reload();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await todoItem(page, 'L-E2E-004').waitFor({ timeout: 30_000 });

    // Overdue only: nothing is overdue yet.
    await page.getByRole('checkbox', { name: 'Overdue only' }).check();
    await page.getByText('Nothing matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await todoItem(page, 'L-E2E-004').waitFor();

    // A quick check next to the leads, then only the quick checks by process.
    await (await api('rep2')).startInstance(quickCheck.key, { businessKey: 'QC-3' });
    await todoItem(page, 'QC-3').waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: 'Process' }).click();
    await page.getByTitle('Quick check').click();
    await expect.poll(() => page.getByTestId('todo-item').count(), { timeout: 30_000 }).toBe(1);
    await page.getByRole('combobox', { name: 'Process' }).press('Escape');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await todoItem(page, 'L-E2E-004').waitFor();
    // By step.
    await page.getByRole('combobox', { name: 'Step' }).click();
    await page.getByTitle('Assign lead').click();
    await expect.poll(() => page.getByTestId('todo-item').filter({ hasText: 'QC-3' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // A cc from the director arrives live in "Copied to me", unread; read and unread again.
    const director = await api('director');
    const transferred = (await director.listTodo({})).items.find((x) => x.businessKey === 'L-E2E-002')!;
    await page.getByRole('tab', { name: /Copied to me/ }).click();
    await page.getByText('Nothing has been copied to you.').waitFor();
    await director.completeTask(transferred.id, {
      output: { assignedRep: 'rep1', firstContactNote: 'Called, interested.' },
      cc: ['manager'],
    });
    const entry = page.getByTestId('cc-item').filter({ hasText: 'L-E2E-002' });
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.getAttribute('data-unread')).toBe('true');
    await expect.poll(() => count(page, 'cc'), { timeout: 30_000 }).toBe(1);
    // It names the step that cc'd as the definition does, in the language shown, never by its id.
    expect(await entry.getByTestId('cc-step').textContent()).toMatch(/^Copied by .+ at step Assign lead$/);
    await shot(page, 'inbox-cc-en-1440');
    await page.evaluate(() => window.localStorage.setItem('baton.language', 'zh-CN'));
    await page.reload();
    await page.getByRole('heading', { name: '待办中心' }).waitFor();
    expect(await entry.getByTestId('cc-step').textContent()).toMatch(/^.+ 在「线索分配」节点抄送$/);
    await shot(page, 'inbox-cc-zh-CN-1440');
    await page.evaluate(() => window.localStorage.setItem('baton.language', 'en'));
    await page.reload();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await entry.waitFor({ timeout: 30_000 });
    await entry.getByTestId('cc-toggle').click();
    await expect.poll(() => entry.getAttribute('data-unread')).toBe('false');
    await expect.poll(() => count(page, 'cc'), { timeout: 30_000 }).toBe(0);
    await entry.getByTestId('cc-toggle').click();
    await expect.poll(() => entry.getAttribute('data-unread')).toBe('true');
    await expect.poll(() => count(page, 'cc'), { timeout: 30_000 }).toBe(1);

    // Ten days on (the server's simulated clock), the leads are overdue: red, with the working time past.
    server.app.runtime.setClockOffset(10 * 24 * 3_600_000);
    await page.goto(`${server.baseUrl}/inbox`);
    const late = todoItem(page, 'L-E2E-004').locator('[data-tone]');
    await late.waitFor({ timeout: 30_000 });
    expect(await late.getAttribute('data-tone')).toBe('overdue');
    expect(await late.textContent()).toMatch(/^Overdue by \d+ h \d+ min working time$/);
    await page.getByRole('checkbox', { name: 'Overdue only' }).check();
    await todoItem(page, 'L-E2E-004').waitFor();
    const tones = await page
      .getByTestId('todo-item')
      .locator('[data-tone]')
      .evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-tone')));
    expect(new Set(tones)).toEqual(new Set(['overdue']));
    await expect.poll(() => page.getByTestId('count-todo').getAttribute('data-count')).toBe(String(tones.length));
    await shot(page, 'inbox-overdue-en-1440');
    await page.close();
  });

  it('shows a rep the instances they started with each one’s current step, on a phone', async () => {
    // Log the manager out (the cookies go), then in as the rep.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await logIn(server, page, 'rep1');
    await page.waitForURL('**/models');
    await page.goto(`${server.baseUrl}/inbox?tab=started`);
    const lead = page.getByTestId('started-item').filter({ hasText: 'L-E2E-001' });
    await lead.waitFor({ timeout: 30_000 });
    expect(await lead.getByTestId('started-current').textContent()).toBe('Now at: Assign lead (unclaimed)');
    await expectNoSidewaysScroll(page);
    await shot(page, 'inbox-started-en-390');
    expect(violations).toEqual([]);
    await page.close();
  });
});
