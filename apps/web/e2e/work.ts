/**
 * Shared steps of the work e2e tests (inbox, task page, start page): API clients for setting up
 * and checking, logging a browser in as a demo user, the form and picker helpers, and the flows
 * of issue 11 that more than one test file walks (flow 1's start and form parts, flow 3), each
 * at desktop size by mouse or at 390 × 844 by touch.
 *
 * @module
 */
import { type BatonClient, createClient } from '@baton/client';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoPassword, type RunningServer, shot as viewportOrPageShot } from './rig.ts';

/** How long to wait for one condition on a loaded machine. */
export const timeout = 30_000;
/** A whole flow on a loaded machine. */
export const flowTimeout = 300_000;

export type Lang = 'en' | 'zh-CN';
/** `desktop` is 1440 × 900 by mouse; `phone` is 390 × 844 by touch (a context with `touch`). */
export type Size = 'desktop' | 'phone';

/** An API client logged in as `username` (for setting up and checking, never for what the test drives). */
export async function api(server: RunningServer, username: string): Promise<BatonClient> {
  const c = createClient({ baseUrl: server.baseUrl, fetch: (url, init) => fetch(url, init) });
  await c.login(username, demoPassword);
  return c;
}

/** The browser as `username` in `language`: a fresh session cookie and the language stored. */
export async function as(
  server: RunningServer,
  context: BrowserContext,
  username: string,
  language: Lang,
): Promise<Page> {
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

/** A full-page screenshot under the screenshot folder, once nothing spins. */
export function shot(page: Page, name: string): Promise<void> {
  return viewportOrPageShot(page, name, true);
}

/** The page scrolls sideways nowhere (a phone must never need it). */
export async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}

/** Presses `target` the way the size does: a click on a desktop, a tap on a phone. */
export function press(target: Locator, size: Size): Promise<void> {
  return size === 'phone' ? target.tap({ timeout }) : target.click({ timeout });
}

/** The open task of an instance at `node`, as `username` sees it (from their inbox). */
export async function taskAt(
  server: RunningServer,
  username: string,
  instanceId: string,
  node: string,
): Promise<number> {
  const c = await api(server, username);
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
export async function pickUser(page: Page, id: string, username: string, size: Size = 'desktop'): Promise<void> {
  const input = page.locator(`#${id}`);
  await press(input, size);
  await input.fill(username);
  const option = page.locator('.ant-select-item-option').filter({ hasText: `(${username})` });
  await option.waitFor({ timeout });
  if (size === 'phone') await option.tap({ timeout });
  else await input.press('Enter');
  // Chosen: the picker shows the user (with their username).
  await page
    .locator('.ant-select', { has: input })
    .filter({ hasText: `(${username})` })
    .waitFor({ timeout });
}

/** Closes an open picker's list: Escape on a desktop, a tap on `outside` on a phone. */
async function closeList(page: Page, outside: Locator, size: Size): Promise<void> {
  if (size === 'phone') await outside.tap({ timeout });
  else await page.keyboard.press('Escape');
}

/** The form item of a field of a generated form, by JSON Pointer. */
export const field = (page: Page, pointer: string) => page.locator(`[data-field="${pointer}"]`);

/** A task of the inbox's to-do list, by text (e.g. its business key). */
export const todoItem = (page: Page, text: string) => page.getByTestId('todo-item').filter({ hasText: text });

/**
 * Flow 1, the rep's part: starts lead `leadId` from the start page, first without the
 * customer's name (the error on the field, the rest kept), then complete; the page says the
 * first step went to the sales managers.
 */
export async function startLeadOnStartPage(
  server: RunningServer,
  page: Page,
  lang: Lang,
  leadId: string,
  size: Size,
): Promise<void> {
  const zh = lang === 'zh-CN';
  await page.goto(`${server.baseUrl}/start`);
  await press(page.locator('[data-start="lead-to-contract"]'), size);
  await field(page, '/leadId').locator('input').fill(leadId);
  await field(page, '/territory').locator('input').fill('east');
  await press(field(page, '/leadSource').locator('.ant-select'), size);
  await press(page.locator('.ant-select-item-option[title="website"]'), size);
  await field(page, '/amount').locator('input').fill('120000');
  // Submitting without the customer's name: the browser says so on the field and keeps the rest.
  await press(page.locator('[data-action="start"]'), size);
  await expect
    .poll(() => field(page, '/customer/name').locator('.ant-form-item-explain-error').textContent(), { timeout })
    .toBe(zh ? '必填。' : 'Required.');
  expect(await field(page, '/leadId').locator('input').inputValue()).toBe(leadId);
  await shot(page, `start-form-${lang}-${size}`);
  if (size === 'phone') await noHorizontalScroll(page);
  await field(page, '/customer/name').locator('input').fill('ACME 华东');
  await press(page.locator('[data-action="start"]'), size);
  // The first task is the sales managers', not the rep's: the page says where it went.
  await page.locator('.ant-result-success').waitFor({ timeout });
  expect(await page.locator('.ant-result-subtitle').textContent()).toContain(zh ? '线索分配' : 'Assign lead');
  await shot(page, `start-done-${lang}-${size}`);
}

/**
 * Flow 1, the manager's part, on the "assign lead" task page: the context first, then the form,
 * first without the rep (the error on the field, the note kept), then valid; the page says the
 * work went on to "qualify customer" and the timeline shows the comment.
 */
export async function completeAssignLead(page: Page, lang: Lang, size: Size, name = `task-form-error-${lang}-${size}`) {
  const zh = lang === 'zh-CN';
  await page.locator('.instance-canvas .react-flow__node.is-active').first().waitFor({ timeout });
  await page.locator('.timeline-row[data-type="instance.started"]').waitFor({ timeout });
  expect(await page.locator('.task-input-value').first().textContent()).toContain('ACME');
  // No rep: the browser refuses it on the field (no eval: an interpreting validator); the note typed stays.
  await field(page, '/firstContactNote').locator('textarea').fill('Called, interested');
  await press(page.locator('[data-action="complete"]'), size);
  await expect
    .poll(() => field(page, '/assignedRep').locator('.ant-form-item-explain-error').textContent(), { timeout })
    .toBe(zh ? '必填。' : 'Required.');
  expect(await field(page, '/firstContactNote').locator('textarea').inputValue()).toBe('Called, interested');
  await shot(page, name);
  if (size === 'phone') await noHorizontalScroll(page);
  // Valid: done, and the page says where the work went.
  await field(page, '/assignedRep').locator('input').fill('rep1');
  await page.locator('#task-comment').fill(zh ? '客户意向明确' : 'Strong interest');
  await press(page.locator('[data-action="complete"]'), size);
  await page.locator('.task-outcome').waitFor({ timeout });
  expect(await page.locator('.task-outcome').textContent()).toContain(zh ? '客户分级' : 'Qualify customer');
  await page.locator('.timeline-row[data-type="task.completed"]').waitFor({ timeout });
  expect(await page.locator('.timeline-row[data-type="task.completed"] .timeline-comment').textContent()).toBe(
    zh ? '客户意向明确' : 'Strong interest',
  );
}

/**
 * Flow 3 in English at `size`: transfer, return to a step picked on the diagram, add an
 * approver before, cc, withdraw. `context` is switched between the users; at `phone` size it
 * must have been launched with touch.
 */
export async function flow3(server: RunningServer, context: BrowserContext, size: Size, leadId: string): Promise<void> {
  const [width, height] = size === 'phone' ? [390, 844] : [1440, 900];
  const rep = await api(server, 'rep1');
  const manager = await api(server, 'manager');
  const started = await rep.startInstance('lead-to-contract', {
    data: { leadId, leadSource: 'referral', territory: 'east', customer: { name: '华为' }, amount: 80000 },
  });
  const id = started.instance.id;
  await manager.completeTask(await taskAt(server, 'manager', id, 'assign-lead'), {
    output: { assignedRep: 'rep1', firstContactNote: 'ok' },
  });
  const qualify = await taskAt(server, 'rep1', id, 'qualify');

  // Transfer: rep1 hands the qualification to rep2.
  let page = await as(server, context, 'rep1', 'en');
  await page.setViewportSize({ width, height });
  await page.goto(`${server.baseUrl}/tasks/${qualify}`);
  await press(page.locator('[data-action="transfer"]'), size);
  await pickUser(page, 'transfer-to', 'rep2', size);
  await page.locator('#dialog-comment').fill('Your territory');
  await press(page.getByRole('button', { name: 'Transfer', exact: true }).last(), size);
  await page.locator('.task-outcome').waitFor({ timeout });
  expect((await rep.getInstance(id)).tasks.find((x) => x.id === qualify)?.assignee).toBe('rep2');
  // rep1 no longer holds it: the page says why transfer is not offered, in words.
  await expect.poll(() => page.locator('[data-action="transfer"]').isDisabled(), { timeout }).toBe(true);
  expect(await page.locator('#why-transfer').textContent()).toBe('Someone else has this task.');
  if (size === 'phone') await noHorizontalScroll(page);

  // Return: rep2 sends it back to "Assign lead", picked on the diagram.
  page = await as(server, context, 'rep2', 'en');
  await page.goto(`${server.baseUrl}/tasks/${qualify}`);
  await press(page.locator('[data-action="return"]'), size);
  await press(page.locator('.ant-modal .react-flow__node.is-pickable[data-id="assign-lead"]'), size);
  await expect
    .poll(() => page.locator('.ant-modal input[type="radio"][value="assign-lead"]').isChecked(), { timeout })
    .toBe(true);
  await shot(page, `task-return-en-${size}`);
  await page.locator('#dialog-comment').fill('Wrong territory');
  await press(page.locator('.ant-modal-footer .ant-btn-primary'), size);
  await page.locator('.task-outcome').waitFor({ timeout });
  const again = await taskAt(server, 'manager', id, 'assign-lead');
  expect(again).not.toBe(qualify);

  // Add an approver before: the manager asks the director first.
  page = await as(server, context, 'manager', 'en');
  await page.goto(`${server.baseUrl}/tasks/${again}`);
  await press(page.locator('[data-action="addSigners"]'), size);
  await pickUser(page, 'add-signers', 'director', size);
  await closeList(page, page.locator('.ant-modal-title'), size);
  expect(await page.locator('.ant-modal input[type="radio"][value="before"]').isChecked()).toBe(true);
  await press(page.locator('.ant-modal-footer .ant-btn-primary'), size);
  await page.locator('.task-outcome').waitFor({ timeout });
  const director = await api(server, 'director');
  const directorTask = await taskAt(server, 'director', id, 'assign-lead');
  await director.completeTask(directorTask, {
    decision: 'approve',
    output: { assignedRep: 'rep1', firstContactNote: 'fine' },
  });

  // cc: the manager approves with finance in cc.
  const back = await taskAt(server, 'manager', id, 'assign-lead');
  await page.goto(`${server.baseUrl}/tasks/${back}`);
  await field(page, '/assignedRep').locator('input').fill('rep1', { timeout });
  await field(page, '/firstContactNote').locator('textarea').fill('Second call done');
  await pickUser(page, 'task-cc', 'finance', size);
  await closeList(page, page.locator('.page-title'), size);
  await press(page.locator('[data-action="complete"]'), size);
  await page.locator('.task-outcome').waitFor({ timeout });
  const finance = await api(server, 'finance');
  await expect.poll(async () => (await finance.listCc()).items.map((c) => c.instanceId), { timeout }).toContain(id);

  // A decided 加签 step cannot be withdrawn, and the page says why in words.
  await page.locator('.timeline-row[data-type="task.completed"]').first().waitFor({ timeout });
  expect(await page.locator('[data-action="withdraw"]').isDisabled()).toBe(true);
  expect(await page.locator('#why-withdraw').textContent()).toBe('The next person has already acted on it.');

  // Withdraw: rep1 completes the qualification, then takes it back before the next step is touched.
  const qualifyAgain = await taskAt(server, 'rep1', id, 'qualify');
  await rep.completeTask(qualifyAgain, { output: { segment: 'B', budget: 50000 } });
  page = await as(server, context, 'rep1', 'en');
  await page.goto(`${server.baseUrl}/tasks/${qualifyAgain}`);
  await expect.poll(() => page.locator('[data-action="withdraw"]').isEnabled(), { timeout }).toBe(true);
  await press(page.locator('[data-action="withdraw"]'), size);
  await press(page.locator('.ant-modal-footer .ant-btn-primary'), size);
  await expect.poll(async () => (await manager.getInstance(id)).activeNodes, { timeout }).toEqual(['qualify']);
  await page.locator('.timeline-row[data-type="task.withdrawn"]').waitFor({ timeout });
  if (size === 'phone') await noHorizontalScroll(page);
  await shot(page, `task-timeline-en-${size}`);
}
