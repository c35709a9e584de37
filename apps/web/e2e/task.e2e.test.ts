/**
 * The task page and the start page in a real Chromium against the real server (issue 11):
 * flow 1 (a rep starts a lead, the manager completes the task through the generated form, first
 * with invalid values, then valid), in English at 1440 × 900 and in Chinese at 390 × 844; and
 * flow 3 (transfer, return to a step picked on the diagram, add an approver before, cc,
 * withdraw). Screenshots of both pages in both languages at both sizes.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type CspViolation,
  launchBrowser,
  type RunningServer,
  screenshotDir,
  startServer,
  watchCsp,
} from './rig.ts';
import {
  api,
  as,
  completeAssignLead,
  flow3,
  flowTimeout,
  type Lang,
  noHorizontalScroll,
  shot,
  type Size,
  startLeadOnStartPage,
  taskAt,
  timeout,
} from './work.ts';

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US', { touch: true });
  violations = await watchCsp(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Flow 1 in one language and size; returns the started instance's id. */
async function flow1(page: Page, lang: Lang, leadId: string, size: Size): Promise<string> {
  // The rep starts a lead from the start page.
  await startLeadOnStartPage(server, page, lang, leadId, size);
  const rep = await api(server, 'rep1');
  const instance = (await rep.listStarted()).items.find((i) => i.businessKey === leadId)!;
  expect(instance).toBeDefined();
  const taskId = await taskAt(server, 'manager', instance.id, 'assign-lead');

  // The manager opens the task: context first, then the form.
  page = await as(server, browser.context, 'manager', lang);
  await page.goto(`${server.baseUrl}/tasks/${taskId}`);
  await completeAssignLead(page, lang, size);
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
      const page = await as(server, browser.context, 'rep1', 'en');
      await page.setViewportSize({ width: 1440, height: 900 });
      await flow1(page, 'en', 'L-E2E-EN', 'desktop');
    },
    flowTimeout,
  );

  it(
    'flow 1 in Chinese at 390 × 844, by touch',
    async () => {
      const page = await as(server, browser.context, 'rep1', 'zh-CN');
      await page.setViewportSize({ width: 390, height: 844 });
      await flow1(page, 'zh-CN', 'L-E2E-ZH', 'phone');
    },
    flowTimeout,
  );

  it(
    'flow 3: transfer, return to a step picked on the diagram, add an approver before, cc, withdraw',
    () => flow3(server, browser.context, 'desktop', 'L-E2E-3'),
    flowTimeout,
  );

  it(
    'shows both pages in both languages at both sizes without CSP violations',
    async () => {
      const rep = await api(server, 'rep1');
      const started = await rep.startInstance('lead-to-contract', {
        data: { leadId: 'L-E2E-S', leadSource: 'website', territory: 'east', customer: { name: 'ACME' }, amount: 5000 },
      });
      const taskId = await taskAt(server, 'manager', started.instance.id, 'assign-lead');
      for (const lang of ['en', 'zh-CN'] as const)
        for (const [size, width, height] of [
          ['desktop', 1440, 900],
          ['phone', 390, 844],
        ] as const) {
          let page = await as(server, browser.context, 'manager', lang);
          await page.setViewportSize({ width, height });
          await page.goto(`${server.baseUrl}/tasks/${taskId}`);
          await page.locator('.instance-canvas .react-flow__node').first().waitFor({ timeout });
          await page.locator('[data-action="complete"]').waitFor({ timeout });
          await shot(page, `task-${lang}-${size}`);
          await noHorizontalScroll(page);
          page = await as(server, browser.context, 'rep1', lang);
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
