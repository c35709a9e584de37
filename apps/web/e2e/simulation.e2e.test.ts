import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHistory } from '@baton/server/src/seed/history.ts';
import { readSalesExamples, seedSalesExampleIfMissing } from '@baton/server/src/seed/sales-examples.ts';
import { textChecker, type Lang } from './catalogue-check.ts';
import {
  type Browser,
  type CspViolation,
  demoPassword,
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
/** Strings from the server the page shows as they are: model and step names, role keys. */
const data: string[] = [];
const unknownTexts: string[] = [];
/** A small, fixed history: 18 weeks (four months and a half) of 8 leads a week. */
const historySeed = 5;

function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const child of Object.values(value)) strings(child, into);
  return into;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  await seedSalesExampleIfMissing(server.app.db);
  process.stdout.write(`simulation.e2e: seed:history seed ${historySeed}\n`);
  await seedHistory(server.app, { seed: historySeed, weeks: 18, leadsPerWeek: 8 });
  const { current, target } = readSalesExamples();
  const owner = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'owner', password: demoPassword },
  });
  data.push(...strings(current), ...strings(target), owner.json<{ user: { displayName: string } }>().user.displayName);
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

async function checkTexts(page: Page, lang: Lang, where: string): Promise<void> {
  const allowed = textChecker(lang, data);
  for (const text of await visibleTexts(page)) if (!allowed(text)) unknownTexts.push(`${where} (${lang}): "${text}"`);
}

/** Runs the simulation and waits for the four result cards (current and target, as fitted and edited). */
async function run(page: Page, button: string, cards: number): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await expect.poll(() => page.locator('.simulation-scenario').count(), { timeout: 60_000 }).toBe(cards);
  await page.locator('.ant-btn-loading').waitFor({ state: 'detached', timeout: 60_000 });
}

describe('the simulation page, served by the real server under its CSP', () => {
  it('simulates the current and the target state with a what-if and shows the backtest beside each (en, zh-CN)', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.baseUrl}/analytics/simulation`);
    await page.waitForURL('**/login');
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/analytics/simulation');
    // The page opens on the default model simulated as fitted; running it again gives the same cards.
    await expect.poll(() => page.locator('.simulation-scenario').count(), { timeout: 60_000 }).toBe(2);
    await run(page, 'Run simulation', 2);
    const current = page.getByTestId('scenario-current');
    await current.getByText('Backtest').waitFor();
    // Month 4 of this history has finished cases of the current state: predicted, actual and the error.
    await current.getByText('Actual p50').waitFor();
    await current.getByText('Error').waitFor();
    const p50 = await current.locator('.ant-statistic').first().locator('.ant-statistic-content-value').innerText();
    expect(Number(p50)).toBeGreaterThan(0);
    // The target state ran only from its pilot on: its backtest says it forecast the pilot before it ran.
    await page.getByTestId('scenario-target').getByTestId('backtest-before-pilot').waitFor();
    expect(await current.getByTestId('backtest-before-pilot').count()).toBe(0);

    // A what-if: legal review answered within 16 working hours, on both states.
    await page.getByRole('button', { name: 'Add a change' }).click();
    const edit = page.getByTestId('simulation-edit').first();
    await edit.getByLabel('Step').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Legal' }).first().click();
    await edit.getByRole('spinbutton', { name: 'Value' }).fill('16');
    await run(page, 'Run simulation', 4);
    await page.getByTestId('scenario-current-edited').getByText('with your changes').waitFor();
    const edited = await page
      .getByTestId('scenario-current-edited')
      .locator('.ant-statistic-content-value')
      .first()
      .innerText();
    // The deadline cuts the long legal reviews: the edited median is not clearly longer than the
    // fitted one. Not strictly shorter: a review past the deadline is escalated and still takes a
    // while after it (the model's escalated time), and the history's timers vary by a few from run
    // to run (CI once saw 15.1 against 14.3), so the headline may move a little either way.
    expect(Number(edited)).toBeGreaterThan(0);
    expect(Number(edited)).toBeLessThanOrEqual(Number(p50) * 1.1);
    await shot(page, 'simulation-en-1440');
    await checkTexts(page, 'en', 'simulation');
    // Lower down: the fitted steps and the backtest per outcome.
    await page.getByText('Backtest per outcome (predicted / actual)').first().scrollIntoViewIfNeeded();
    await shot(page, 'simulation-en-steps-1440');
    await checkTexts(page, 'en', 'simulation steps');

    // In Chinese: the same page, the form kept.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Language' }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByText('流程仿真').first().waitFor();
    await expect.poll(() => page.getByTestId('simulation-edit').count()).toBe(1);
    await run(page, '开始仿真', 4);
    await page.getByTestId('scenario-target').getByText('回测').waitFor();
    await shot(page, 'simulation-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'simulation');
    await page.close();

    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  }, 240_000);
});
