import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, ProcessAnalytics, ProcessModel, StepAnalytics, Team, TeamAnalytics } from '@baton/client';
import { formatMoney, formatNumber, formatPercent } from '../src/analytics/format.ts';
import { en } from '../src/i18n/en.ts';
import { zhCN } from '../src/i18n/zh-cn.ts';
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

const modelKey = 'lead-to-after-sales';
// A short history keeps the test quick: 8 weeks, a dozen leads a week (the pilot starts at week 4).
const historySeed = Number(process.env.E2E_HISTORY_SEED ?? 7);

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
let token: string;
/** Strings the server sends that pages may show as they are (names, verdict sentences). */
const data: string[] = [];
const unknownTexts: string[] = [];

async function api<T>(path: string): Promise<T> {
  const response = await server.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
  expect(response.statusCode, path).toBe(200);
  return String(response.headers['content-type'] ?? '').includes('json') ? response.json<T>() : (response.body as T);
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  process.stdout.write(
    `analytics.e2e: seed:history seed ${historySeed} (repeat with E2E_HISTORY_SEED=${historySeed})\n`,
  );
  server = await startServer({ history: { seed: historySeed, weeks: 8, leadsPerWeek: 12 } });
  process.stdout.write(
    `analytics.e2e: ${server.history?.leads} leads, ${server.history?.commands} commands in ${((server.history?.elapsedMs ?? 0) / 1000).toFixed(1)} s\n`,
  );
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'owner', password: demoPassword },
  });
  token = login.json<{ token: string; user: { displayName: string } }>().token;
  data.push(login.json<{ user: { displayName: string } }>().user.displayName, 'cn-mainland');
  for (const m of await api<ProcessModel[]>('/api/models')) data.push(m.key, ...Object.values(m.name));
  for (const t of await api<Team[]>('/api/teams')) data.push(t.key, ...Object.values(t.name));
  const steps = await api<StepAnalytics>(`/api/analytics/models/${modelKey}/steps`);
  for (const s of steps.steps) data.push(...Object.values(s.name ?? {}));
  const processAnalytics = await api<ProcessAnalytics>(`/api/analytics/models/${modelKey}/process`);
  for (const o of processAnalytics.outcomes) data.push(...Object.values(o.name ?? {}));
  const team = await api<TeamAnalytics>(`/api/analytics/models/${modelKey}/team`);
  for (const p of team.people) data.push(p.displayName);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.locator('.ant-spin-spinning').waitFor({ state: 'detached', timeout: 30_000 });
  // The settled page from the top: no menu, tooltip or hover left open.
  await page.keyboard.press('Escape');
  await page.mouse.move(720, 30);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page
    .locator('.ant-dropdown:not(.ant-dropdown-hidden), .ant-tooltip:not(.ant-tooltip-hidden)')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage, animations: 'disabled' });
}

/** Records every visible string of the page that is neither catalogue text nor data (amounts are data). */
async function checkTexts(page: Page, lang: Lang, where: string): Promise<void> {
  const allowed = textChecker(lang, data);
  for (const text of await visibleTexts(page))
    if (!allowed(text) && !/^[+−]?¥[\d,.]+$/.test(text)) unknownTexts.push(`${where} (${lang}): "${text}"`);
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Username').fill('owner');
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/models');
}

async function useLanguage(page: Page, lang: Lang): Promise<void> {
  await page.evaluate((l) => window.localStorage.setItem('baton.language', l), lang);
}

/** Whether a chart's canvas has something drawn on it (more than a few hundred non-blank pixels). */
async function drawnPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((box) => {
    const canvas = box.querySelector('canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++;
    return count;
  });
}

/** The text of a table cell: row by its key, column by its position. */
async function cell(page: Page, table: string, rowKey: string, column: number): Promise<string> {
  return (
    (await page
      .getByTestId(table)
      .locator(`tr[data-row-key="${rowKey}"] > td`)
      .nth(column)
      .textContent({ timeout: 30_000 })) ?? ''
  ).trim();
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByTestId(testId).click(),
  ]);
  return readFileSync(await file.path(), 'utf8');
}

describe('the analytics pages on a seeded sales history', () => {
  it('shows the dashboard with the API numbers, drawn charts, exports, and relabels in Chinese', async () => {
    const page = await browser.context.newPage();
    await logIn(page);
    await page.goto(`${server.baseUrl}/analytics`);
    await page.getByRole('heading', { name: en.analytics.title }).waitFor();
    const steps = await api<StepAnalytics>(`/api/analytics/models/${modelKey}/steps`);
    const process = await api<ProcessAnalytics>(`/api/analytics/models/${modelKey}/process`);
    expect(steps.instances).toBeGreaterThan(50);
    await page.getByTestId('steps-table').locator('tr[data-row-key]').first().waitFor({ timeout: 30_000 });

    // The stat cards and every step row say what the API says.
    expect(await page.getByTestId('stat-instances').locator('.ant-statistic-content').textContent()).toBe(
      formatNumber(process.instances, 'en', 0),
    );
    expect(await page.getByTestId('stat-wip').locator('.ant-statistic-content').textContent()).toBe(
      formatNumber(process.workInProgress, 'en', 0),
    );
    expect(await page.getByTestId('stat-abandoned').locator('.ant-statistic-content').textContent()).toBe(
      formatPercent(process.abandonedShare, 'en'),
    );
    expect(await page.getByTestId('steps-table').locator('tr[data-row-key]').count()).toBe(steps.steps.length);
    for (const s of steps.steps) {
      expect(await cell(page, 'steps-table', s.nodeId, 0)).toBe(s.name?.en);
      expect(await cell(page, 'steps-table', s.nodeId, 1)).toBe(formatNumber(s.tasks, 'en', 0));
      // Duration p50 and p90 in working hours (the default), then the mean waiting and working.
      expect(await cell(page, 'steps-table', s.nodeId, 2)).toBe(formatNumber(s.durationWorkingHours.p50, 'en'));
      expect(await cell(page, 'steps-table', s.nodeId, 3)).toBe(formatNumber(s.durationWorkingHours.p90, 'en'));
      expect(await cell(page, 'steps-table', s.nodeId, 5)).toBe(formatNumber(s.waitingWorkingHours.mean, 'en'));
      expect(await cell(page, 'steps-table', s.nodeId, 6)).toBe(formatNumber(s.workingWorkingHours.mean, 'en'));
      expect(await cell(page, 'steps-table', s.nodeId, 7)).toBe(formatPercent(s.passRate, 'en'));
      expect(await cell(page, 'steps-table', s.nodeId, 10)).toBe(formatNumber(s.escalations, 'en', 0));
    }
    // Clock time: the same columns switch to the clock-hour figures.
    await page.getByText(en.analytics.steps.clockTime, { exact: true }).click();
    const first = steps.steps[0]!;
    await expect
      .poll(() => cell(page, 'steps-table', first.nodeId, 2))
      .toBe(formatNumber(first.durationClockHours.p50, 'en'));

    // Little's law as a data-quality signal, as the API judges it.
    await expect
      .poll(() => page.getByTestId('littles-law').textContent())
      .toContain(process.littlesLaw.consistent ? en.analytics.little.consistent : en.analytics.little.inconsistent);

    // The charts are drawn and named in English; the throughput chart has the pilot's release.
    for (const chart of ['chart-cycle', 'chart-throughput', 'chart-outcomes'])
      await expect.poll(() => drawnPixels(page, chart), { timeout: 30_000 }).toBeGreaterThan(500);
    expect(await page.getByTestId('chart-cycle').getAttribute('aria-label')).toBe(
      `${en.analytics.charts.cycleTitle}: ${en.analytics.charts.cycleX}, ${en.analytics.charts.instances}`,
    );
    expect(process.releases.some((r) => r.cohort === 'teams:sales-east')).toBe(true);
    await page.getByTestId('variants-table').locator('tr[data-row-key]').first().waitFor();
    expect(await page.getByTestId('variants-table').locator('tr[data-row-key]').count()).toBe(
      Math.min(8, process.variants.length),
    );
    await shot(page, 'analytics-dashboard-en-1440');
    await shot(page, 'analytics-dashboard-en-1440-full', true);
    await checkTexts(page, 'en', 'dashboard');

    // Exports: the file is the API's answer (CSV with a byte-order mark for spreadsheets).
    const stepsCsv = await download(page, 'export-steps');
    expect(stepsCsv).toBe(`\ufeff${await api<string>(`/api/analytics/models/${modelKey}/export?table=steps`)}`);
    const xes = await download(page, 'export-eventlog-xes');
    expect(xes).toContain('<log xes.version="2.0"');
    expect(xes).toBe(await api<string>(`/api/analytics/models/${modelKey}/export?table=eventLog&format=xes`));
    const logCsv = await download(page, 'export-eventlog-csv');
    expect(logCsv.split('\r\n')[0]).toContain('case_id');

    // A filter narrows the population; the address keeps it.
    await page.goto(`${server.baseUrl}/analytics?model=${modelKey}&team=sales-east&version=2`);
    const pilot = await api<StepAnalytics>(`/api/analytics/models/${modelKey}/steps?team=sales-east&version=2`);
    expect(pilot.instances).toBeGreaterThan(0);
    expect(pilot.instances).toBeLessThan(steps.instances);
    const pilotStep = pilot.steps.find((s) => s.tasks > 0)!;
    await expect
      .poll(() => cell(page, 'steps-table', pilotStep.nodeId, 1))
      .toBe(formatNumber(pilotStep.tasks, 'en', 0));
    await page.getByTestId('analytics-filters').getByText('Sales East').waitFor();

    // Chinese: the language switch relabels the page and the charts.
    await page.goto(`${server.baseUrl}/analytics`);
    await page.getByTestId('steps-table').locator('tr[data-row-key]').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Language' }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('heading', { name: zhCN.analytics.title }).waitFor();
    await expect
      .poll(() => page.getByTestId('chart-cycle').getAttribute('aria-label'))
      .toBe(`${zhCN.analytics.charts.cycleTitle}: ${zhCN.analytics.charts.cycleX}, ${zhCN.analytics.charts.instances}`);
    for (const chart of ['chart-cycle', 'chart-throughput', 'chart-outcomes'])
      await expect.poll(() => drawnPixels(page, chart), { timeout: 30_000 }).toBeGreaterThan(500);
    for (const s of steps.steps) {
      expect(await cell(page, 'steps-table', s.nodeId, 0)).toBe(s.name?.['zh-CN']);
      expect(await cell(page, 'steps-table', s.nodeId, 2)).toBe(formatNumber(s.durationWorkingHours.p50, 'zh-CN'));
    }
    expect(await page.getByTestId('stat-abandoned').locator('.ant-statistic-content').textContent()).toBe(
      formatPercent(process.abandonedShare, 'zh-CN'),
    );
    await shot(page, 'analytics-dashboard-zh-CN-1440');
    await shot(page, 'analytics-dashboard-zh-CN-1440-full', true);
    await checkTexts(page, 'zh-CN', 'dashboard');
    await useLanguage(page, 'en');
    await page.close();
    // The machine may be loaded: room for the pages to load, never a timing assertion.
  }, 180_000);

  it('compares pilot against control and before against after, with the verdict in both languages', async () => {
    const page = await browser.context.newPage();
    for (const lang of ['en', 'zh-CN'] as const) {
      const texts = lang === 'en' ? en : zhCN;
      await page.goto(`${server.baseUrl}/analytics/compare?model=${modelKey}`);
      if (page.url().includes('/login')) await logIn(page);
      await useLanguage(page, lang);
      await page.goto(`${server.baseUrl}/analytics/compare?model=${modelKey}`);
      await page.getByRole('heading', { name: texts.analytics.compare.title }).waitFor();
      for (const preset of ['preset-pilot', 'preset-before-after'] as const) {
        await page.getByTestId(preset).click();
        await expect.poll(() => page.getByTestId(preset).getAttribute('class')).toContain('ant-btn-primary');
        // The page's populations are in its address, named as the API's query.
        const query = new URL(page.url()).searchParams;
        query.delete('model');
        query.delete('a');
        expect(query.get('bTeam')).toBe('sales-east');
        const comparison = await api<Comparison>(`/api/analytics/models/${modelKey}/compare?${query.toString()}`);
        await page.getByTestId('compare-table').locator('tr[data-row-key]').first().waitFor({ timeout: 30_000 });
        for (const m of comparison.measures) {
          await expect.poll(() => page.getByTestId(`verdict-${m.measure}`).textContent()).toBe(m.text[lang]);
          const row = page.getByTestId('compare-table').locator(`tr[data-row-key="${m.measure}"]`);
          expect(await row.locator('td').nth(1).textContent()).toContain(`n = ${m.nA}`);
          expect(await row.locator('td').last().textContent()).toBe(texts.analytics.compare.verdicts[m.verdict]);
        }
        const first = comparison.measures[0]!;
        if (first.a !== null)
          expect(await page.getByTestId('compare-table').locator('tr[data-row-key] td').nth(1).textContent()).toContain(
            formatNumber(first.a, lang),
          );
        const tooFew = comparison.measures.every((m) => m.verdict === 'tooFewData');
        if (tooFew)
          expect(await page.getByTestId('compare-verdict').textContent()).toContain(
            texts.analytics.compare.summaryTooFew.split('{{')[0],
          );
        data.push(...comparison.measures.map((m) => m.text[lang] ?? ''));
        await shot(page, `analytics-compare-${preset.replace('preset-', '')}-${lang}-1440`);
        await checkTexts(page, lang, `compare ${preset}`);
      }
    }
    await useLanguage(page, 'en');
    await page.close();
    // The machine may be loaded: room for the pages to load, never a timing assertion.
  }, 180_000);

  it('lists team performance per team and person, sortable, with CSV export, in both languages', async () => {
    const page = await browser.context.newPage();
    const team = await api<TeamAnalytics>(`/api/analytics/models/${modelKey}/team`);
    const byTotal = [...team.people].sort((a, b) => b.dealAmount - a.dealAmount);
    const rep = byTotal[0]!;
    expect(rep.deals).toBeGreaterThan(0);
    for (const lang of ['en', 'zh-CN'] as const) {
      const texts = lang === 'en' ? en : zhCN;
      await page.goto(`${server.baseUrl}/analytics/team?model=${modelKey}`);
      if (page.url().includes('/login')) await logIn(page);
      await useLanguage(page, lang);
      await page.goto(`${server.baseUrl}/analytics/team?model=${modelKey}`);
      await page.getByRole('heading', { name: texts.analytics.team.title }).waitFor();
      await page.getByTestId('people-table').locator('tr[data-row-key]').first().waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('teams-table').locator('tr[data-row-key]').count()).toBe(team.teams.length);
      // Per day present first; a person's row says what the API says.
      expect(await cell(page, 'people-table', rep.username, 0)).toBe(rep.displayName);
      expect(await cell(page, 'people-table', rep.username, 3)).toBe(formatMoney(rep.dealAmountPerDayPresent, lang));
      expect(await cell(page, 'people-table', rep.username, 5)).toBe(formatPercent(rep.followUpRate, lang));
      expect(await cell(page, 'people-table', rep.username, 8)).toBe(formatNumber(rep.daysPresent, lang, 0));
      // Totals, sorted by amount (descending by default): the top earner first.
      await page.getByTestId('team-basis').getByText(texts.analytics.team.total, { exact: true }).click();
      await expect.poll(() => cell(page, 'people-table', rep.username, 3)).toBe(formatMoney(rep.dealAmount, lang));
      // The whole page in total-amount order (the API's order; ties keep it), not the per-day one.
      const keys = await page
        .getByTestId('people-table')
        .locator('tr[data-row-key]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')));
      expect(keys[0]).toBe(rep.username);
      expect(keys).toEqual(byTotal.slice(0, keys.length).map((p) => p.username));
      // Sorting by days present, ascending then descending.
      const header = page
        .getByTestId('people-table')
        .locator('th')
        .filter({ hasText: texts.analytics.team.daysPresent });
      await header.click();
      const fewest = Math.min(...team.people.map((p) => p.daysPresent));
      await expect
        .poll(async () =>
          (await page.getByTestId('people-table').locator('tr[data-row-key] td').nth(8).textContent())?.trim(),
        )
        .toBe(formatNumber(fewest, lang, 0));
      await shot(page, `analytics-team-${lang}-1440`);
      await checkTexts(page, lang, 'team');
    }
    const csv = await download(page, 'export-people');
    expect(csv).toBe(`\ufeff${await api<string>(`/api/analytics/models/${modelKey}/export?table=people`)}`);
    await useLanguage(page, 'en');
    await page.close();
    // The machine may be loaded: room for the pages to load, never a timing assertion.
  }, 180_000);

  it('shows no string outside the catalogues and causes no CSP violation', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
