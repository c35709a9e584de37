/**
 * The task page and the start page in a real Chromium against the real server (issue 11):
 * flow 1 (a rep starts a lead, the manager completes the task through the generated form, first
 * with invalid values, then valid), in English at 1440 × 900 and in Chinese at 390 × 844; and
 * flow 3 (transfer, return to a step picked on the diagram, add an approver before, cc,
 * withdraw). Screenshots of both pages in both languages at both sizes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BatonClient, createClient } from '@baton/client';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type CspViolation,
  demoPassword,
  launchBrowser,
  type RunningServer,
  screenshotDir,
  startServer,
  watchCsp,
} from './rig.ts';

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
const timeout = 30_000;
/** A whole flow on a loaded machine. */
const flowTimeout = 300_000;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** An API client logged in as `username` (for setting up and checking, never for what the test drives). */
async function api(username: string): Promise<BatonClient> {
  const c = createClient({ baseUrl: server.baseUrl, fetch: (url, init) => fetch(url, init) });
  await c.login(username, demoPassword);
  return c;
}

/** The browser as `username` in `language`: a fresh session cookie and the language stored. */
async function as(context: BrowserContext, username: string, language: 'en' | 'zh-CN'): Promise<Page> {
  await context.clearCookies();
  const response = await context.request.post(`${server.baseUrl}/api/auth/session`, {
    data: { username, password: demoPassword },
  });
  expect(response.status()).toBe(200);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.baseUrl}/login`);
  await page.evaluate((lang) => localStorage.setItem('baton.language', lang), language);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}

/** The open task of an instance at `node`, as `username` sees it (from their inbox). */
async function taskAt(username: string, instanceId: string, node: string): Promise<number> {
  const c = await api(username);
  let id: number | undefined;
  await expect
    .poll(
      async () => {
        id = (await c.listTasks({ instance: instanceId })).find((x) => x.nodeId === node)?.id;
        return id;
      },
      { timeout },
    )
    .toBeDefined();
  return id!;
}

/** Picks a user in a user picker by typing (the list is virtual: not every option is drawn). */
async function pickUser(page: Page, id: string, username: string): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.fill(username);
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `(${username})` })
    .waitFor({ timeout });
  await input.press('Enter');
  // Chosen: the picker shows the user (with their username).
  await page
    .locator('.ant-select', { has: input })
    .filter({ hasText: `(${username})` })
    .waitFor({ timeout });
}

const field = (page: Page, pointer: string) => page.locator(`[data-field="${pointer}"]`);

/** Flow 1 in one language and size; returns the started instance's id. */
async function flow1(page: Page, lang: 'en' | 'zh-CN', leadId: string, size: string): Promise<string> {
  const zh = lang === 'zh-CN';
  // The rep starts a lead from the start page.
  await page.goto(`${server.baseUrl}/start`);
  await page.locator('[data-start="lead-to-contract"]').click({ timeout });
  await field(page, '/leadId').locator('input').fill(leadId);
  await field(page, '/territory').locator('input').fill('east');
  await field(page, '/leadSource').locator('.ant-select').click();
  await page.locator('.ant-select-item-option[title="website"]').click();
  await field(page, '/amount').locator('input').fill('120000');
  // Submitting without the customer's name: the browser says so on the field and keeps the rest.
  await page.locator('[data-action="start"]').click();
  await expect
    .poll(() => field(page, '/customer/name').locator('.ant-form-item-explain-error').textContent(), { timeout })
    .toBe(zh ? '必填。' : 'Required.');
  expect(await field(page, '/leadId').locator('input').inputValue()).toBe(leadId);
  await shot(page, `start-form-${lang}-${size}`);
  if (size === 'phone') await noHorizontalScroll(page);
  await field(page, '/customer/name').locator('input').fill('ACME 华东');
  await page.locator('[data-action="start"]').click();
  // The first task is the sales managers', not the rep's: the page says where it went.
  await page.locator('.ant-result-success').waitFor({ timeout });
  expect(await page.locator('.ant-result-subtitle').textContent()).toContain(zh ? '线索分配' : 'Assign lead');
  await shot(page, `start-done-${lang}-${size}`);

  const rep = await api('rep1');
  const instance = (await rep.listStarted()).items.find((i) => i.businessKey === leadId)!;
  expect(instance).toBeDefined();
  const taskId = await taskAt('manager', instance.id, 'assign-lead');

  // The manager opens the task: context first, then the form.
  page = await as(browser.context, 'manager', lang);
  await page.goto(`${server.baseUrl}/tasks/${taskId}`);
  await page.locator('.instance-canvas .react-flow__node.is-active').first().waitFor({ timeout });
  await page.locator('.timeline-row[data-type="instance.started"]').waitFor({ timeout });
  expect(await page.locator('.task-input-value').first().textContent()).toContain('ACME');
  // No rep: the browser refuses it on the field (no eval: an interpreting validator); the note typed stays.
  await field(page, '/firstContactNote').locator('textarea').fill('Called, interested');
  await page.locator('[data-action="complete"]').click();
  await expect
    .poll(() => field(page, '/assignedRep').locator('.ant-form-item-explain-error').textContent(), { timeout })
    .toBe(zh ? '必填。' : 'Required.');
  expect(await field(page, '/firstContactNote').locator('textarea').inputValue()).toBe('Called, interested');
  await shot(page, `task-form-error-${lang}-${size}`);
  if (size === 'phone') await noHorizontalScroll(page);
  // Valid: done, and the page says where the work went.
  await field(page, '/assignedRep').locator('input').fill('rep1');
  await page.locator('#task-comment').fill(zh ? '客户意向明确' : 'Strong interest');
  await page.locator('[data-action="complete"]').click();
  await page.locator('.task-outcome').waitFor({ timeout });
  expect(await page.locator('.task-outcome').textContent()).toContain(zh ? '客户分级' : 'Qualify customer');
  await page.locator('.timeline-row[data-type="task.completed"]').waitFor({ timeout });
  expect(await page.locator('.timeline-row[data-type="task.completed"] .timeline-comment').textContent()).toBe(
    zh ? '客户意向明确' : 'Strong interest',
  );
  await shot(page, `task-done-${lang}-${size}`);
  if (size === 'phone') await noHorizontalScroll(page);

  // The rep's started list has it, now at the next step.
  expect((await rep.listStarted()).items.map((i) => i.id)).toContain(instance.id);
  expect((await rep.getInstance(instance.id)).activeNodes).toEqual(['qualify']);
  return instance.id;
}

describe('the task page and the start page (issue 11)', () => {
  it(
    'flow 1 in English at 1440 × 900: start a lead, complete the task through the form',
    async () => {
      const page = await as(browser.context, 'rep1', 'en');
      await page.setViewportSize({ width: 1440, height: 900 });
      await flow1(page, 'en', 'L-E2E-EN', 'desktop');
    },
    flowTimeout,
  );

  it(
    'flow 1 in Chinese at 390 × 844, by touch',
    async () => {
      const page = await as(browser.context, 'rep1', 'zh-CN');
      await page.setViewportSize({ width: 390, height: 844 });
      await flow1(page, 'zh-CN', 'L-E2E-ZH', 'phone');
    },
    flowTimeout,
  );

  it(
    'flow 3: transfer, return to a step picked on the diagram, add an approver before, cc, withdraw',
    async () => {
      const rep = await api('rep1');
      const manager = await api('manager');
      const started = await rep.startInstance('lead-to-contract', {
        data: {
          leadId: 'L-E2E-3',
          leadSource: 'referral',
          territory: 'east',
          customer: { name: '华为' },
          amount: 80000,
        },
      });
      const id = started.instance.id;
      await manager.completeTask(await taskAt('manager', id, 'assign-lead'), {
        output: { assignedRep: 'rep1', firstContactNote: 'ok' },
      });
      const qualify = await taskAt('rep1', id, 'qualify');

      // Transfer: rep1 hands the qualification to rep2.
      let page = await as(browser.context, 'rep1', 'en');
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${server.baseUrl}/tasks/${qualify}`);
      await page.locator('[data-action="transfer"]').click({ timeout });
      await pickUser(page, 'transfer-to', 'rep2');
      await page.locator('#dialog-comment').fill('Your territory');
      await page.getByRole('button', { name: 'Transfer', exact: true }).last().click();
      await page.locator('.task-outcome').waitFor({ timeout });
      expect((await rep.getInstance(id)).tasks.find((x) => x.id === qualify)?.assignee).toBe('rep2');
      // rep1 no longer holds it: the page says why transfer is not offered, in words.
      await expect.poll(() => page.locator('[data-action="transfer"]').isDisabled(), { timeout }).toBe(true);
      expect(await page.locator('#why-transfer').textContent()).toBe('Someone else has this task.');

      // Return: rep2 sends it back to "Assign lead", picked on the diagram.
      page = await as(browser.context, 'rep2', 'en');
      await page.goto(`${server.baseUrl}/tasks/${qualify}`);
      await page.locator('[data-action="return"]').click({ timeout });
      const picked = page.locator('.ant-modal .react-flow__node.is-pickable[data-id="assign-lead"]');
      await picked.click({ timeout });
      await expect
        .poll(() => page.locator('.ant-modal input[type="radio"][value="assign-lead"]').isChecked(), { timeout })
        .toBe(true);
      await shot(page, 'task-return-en-desktop');
      await page.locator('#dialog-comment').fill('Wrong territory');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.locator('.task-outcome').waitFor({ timeout });
      const again = await taskAt('manager', id, 'assign-lead');
      expect(again).not.toBe(qualify);

      // Add an approver before: the manager asks the director first.
      page = await as(browser.context, 'manager', 'en');
      await page.goto(`${server.baseUrl}/tasks/${again}`);
      await page.locator('[data-action="addSigners"]').click({ timeout });
      await pickUser(page, 'add-signers', 'director');
      await page.keyboard.press('Escape');
      expect(await page.locator('.ant-modal input[type="radio"][value="before"]').isChecked()).toBe(true);
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.locator('.task-outcome').waitFor({ timeout });
      const director = await api('director');
      const directorTask = await taskAt('director', id, 'assign-lead');
      await director.completeTask(directorTask, {
        decision: 'approve',
        output: { assignedRep: 'rep1', firstContactNote: 'fine' },
      });

      // cc: the manager approves with finance in cc.
      const back = await taskAt('manager', id, 'assign-lead');
      await page.goto(`${server.baseUrl}/tasks/${back}`);
      await field(page, '/assignedRep').locator('input').fill('rep1', { timeout });
      await field(page, '/firstContactNote').locator('textarea').fill('Second call done');
      await pickUser(page, 'task-cc', 'finance');
      await page.keyboard.press('Escape');
      await page.locator('[data-action="complete"]').click();
      await page.locator('.task-outcome').waitFor({ timeout });
      const finance = await api('finance');
      await expect.poll(async () => (await finance.listCc()).items.map((c) => c.instanceId), { timeout }).toContain(id);

      // A decided 加签 step cannot be withdrawn, and the page says why in words.
      await page.locator('.timeline-row[data-type="task.completed"]').first().waitFor({ timeout });
      expect(await page.locator('[data-action="withdraw"]').isDisabled()).toBe(true);
      expect(await page.locator('#why-withdraw').textContent()).toBe('The next person has already acted on it.');

      // Withdraw: rep1 completes the qualification, then takes it back before the next step is touched.
      const qualifyAgain = await taskAt('rep1', id, 'qualify');
      await rep.completeTask(qualifyAgain, { output: { segment: 'B', budget: 50000 } });
      page = await as(browser.context, 'rep1', 'en');
      await page.goto(`${server.baseUrl}/tasks/${qualifyAgain}`);
      await expect.poll(() => page.locator('[data-action="withdraw"]').isEnabled(), { timeout }).toBe(true);
      await page.locator('[data-action="withdraw"]').click();
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await expect.poll(async () => (await manager.getInstance(id)).activeNodes, { timeout }).toEqual(['qualify']);
      await page.locator('.timeline-row[data-type="task.withdrawn"]').waitFor({ timeout });
      await shot(page, 'task-timeline-en-desktop');
    },
    flowTimeout,
  );

  it(
    'shows both pages in both languages at both sizes without CSP violations',
    async () => {
      const rep = await api('rep1');
      const started = await rep.startInstance('lead-to-contract', {
        data: { leadId: 'L-E2E-S', leadSource: 'website', territory: 'east', customer: { name: 'ACME' }, amount: 5000 },
      });
      const taskId = await taskAt('manager', started.instance.id, 'assign-lead');
      for (const lang of ['en', 'zh-CN'] as const)
        for (const [size, width, height] of [
          ['desktop', 1440, 900],
          ['phone', 390, 844],
        ] as const) {
          let page = await as(browser.context, 'manager', lang);
          await page.setViewportSize({ width, height });
          await page.goto(`${server.baseUrl}/tasks/${taskId}`);
          await page.locator('.instance-canvas .react-flow__node').first().waitFor({ timeout });
          await page.locator('[data-action="complete"]').waitFor({ timeout });
          await shot(page, `task-${lang}-${size}`);
          await noHorizontalScroll(page);
          page = await as(browser.context, 'rep1', lang);
          await page.goto(`${server.baseUrl}/start`);
          await page.locator('[data-start="lead-to-contract"]').waitFor({ timeout });
          await shot(page, `start-${lang}-${size}`);
          await noHorizontalScroll(page);
        }
      expect(violations).toEqual([]);
    },
    flowTimeout,
  );
});
