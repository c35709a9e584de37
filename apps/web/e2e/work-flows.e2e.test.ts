/**
 * Issue 11's end-to-end flows across several people at once, each in their own browser:
 * flow 1 with the live inbox (a rep starts a lead on a phone; the manager's inbox, open
 * beforehand, shows the task without a reload; the manager completes it through the form; the
 * rep's "started by me" shows the next step), flow 2 (the lead-to-contract 会签 step approved by
 * the manager and finance at the same moment) and flow 3 at 390 × 844 by touch.
 */
import { mkdirSync } from 'node:fs';
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
  noHorizontalScroll,
  shot,
  startLeadOnStartPage,
  taskAt,
  timeout,
  todoItem,
} from './work.ts';

let server: RunningServer;
/** The rep's (and later finance's) browser: takes taps. */
let browserA: Browser;
/** The manager's browser. */
let browserB: Browser;
let violations: CspViolation[][];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browserA = await launchBrowser('zh-CN', { touch: true });
  browserB = await launchBrowser('en-US');
  violations = [await watchCsp(browserA.context), await watchCsp(browserB.context)];
});

afterAll(async () => {
  await browserA?.close();
  await browserB?.close();
  await server?.close();
});

describe('issue 11 flows across browsers', () => {
  it(
    'flow 1: a rep starts a lead on a phone, the manager’s open inbox shows it live, the manager completes it, the rep sees the next step',
    async () => {
      // The manager's inbox is open before anything is started.
      const inbox = await as(server, browserB.context, 'manager', 'en');
      await inbox.goto(`${server.baseUrl}/inbox`);
      await inbox.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout });
      await inbox.getByText('Nothing to do. New tasks appear here by themselves.').waitFor({ timeout });

      // The rep starts a lead from the start page, in Chinese on a phone, by touch.
      const rep = await as(server, browserA.context, 'rep1', 'zh-CN');
      await rep.setViewportSize({ width: 390, height: 844 });
      await startLeadOnStartPage(server, rep, 'zh-CN', 'L-FLOW-1', 'phone');
      await noHorizontalScroll(rep);

      // The task arrives in the manager's inbox without a reload.
      const item = todoItem(inbox, 'L-FLOW-1');
      await item.waitFor({ timeout });
      await expect.poll(() => inbox.getByTestId('count-todo').getAttribute('data-count'), { timeout }).toBe('1');
      await shot(inbox, 'flows-inbox-live-en-desktop');

      // The manager opens it from the inbox and completes it through the form.
      await item.getByRole('link', { name: 'Assign lead' }).click({ timeout });
      await inbox.waitForURL(/\/tasks\/\d+$/, { timeout });
      await completeAssignLead(inbox, 'en', 'desktop', 'flows-task-form-error-en-desktop');
      await shot(inbox, 'flows-task-done-en-desktop');
      // Back in the inbox, the task is gone.
      await inbox.goto(`${server.baseUrl}/inbox`);
      await inbox.getByText('Nothing to do. New tasks appear here by themselves.').waitFor({ timeout });

      // The rep's "started by me" shows the next step, with who holds it.
      await rep.goto(`${server.baseUrl}/inbox?tab=started`);
      const started = rep.getByTestId('started-item').filter({ hasText: 'L-FLOW-1' });
      await started.waitFor({ timeout });
      await expect
        .poll(() => started.getByTestId('started-current').textContent(), { timeout })
        .toBe('当前节点：客户分级（rep1）');
      await noHorizontalScroll(rep);
      await shot(rep, 'flows-inbox-started-zh-CN-phone');
    },
    flowTimeout,
  );

  it(
    'flow 2: the manager and finance approve the 会签 step at the same moment; it completes once and the timeline shows both',
    async () => {
      // The earlier steps through the API: a large A deal up to the 会签.
      const rep1 = await api(server, 'rep1');
      const manager = await api(server, 'manager');
      const { instance } = await rep1.startInstance('lead-to-contract', {
        data: {
          leadId: 'L-FLOW-2',
          leadSource: 'referral',
          territory: 'east',
          customer: { name: '华东大客户' },
          amount: 800000,
        },
        businessKey: 'L-FLOW-2',
      });
      const id = instance.id;
      await manager.completeTask(await taskAt(server, 'manager', id, 'assign-lead'), {
        output: { assignedRep: 'rep1', firstContactNote: 'Big one' },
      });
      await rep1.completeTask(await taskAt(server, 'rep1', id, 'qualify'), {
        output: { segment: 'A', budget: 900000 },
      });
      await rep1.completeTask(await taskAt(server, 'rep1', id, 'proposal'), { output: { quoteAmount: 600000 } });
      await manager.completeTask(await taskAt(server, 'manager', id, 'manager-approval'), {
        output: { approved: true },
      });
      const managerTask = await taskAt(server, 'manager', id, 'large-deal-approval');
      const financeTask = await taskAt(server, 'finance', id, 'large-deal-approval');
      expect(managerTask).not.toBe(financeTask);

      // Both open their task, each in their own browser.
      const managerPage = await as(server, browserB.context, 'manager', 'en');
      const financePage = await as(server, browserA.context, 'finance', 'zh-CN');
      await financePage.setViewportSize({ width: 1440, height: 900 });
      await managerPage.goto(`${server.baseUrl}/tasks/${managerTask}`);
      await financePage.goto(`${server.baseUrl}/tasks/${financeTask}`);
      const approve = (page: typeof managerPage) => page.locator('[data-action="complete"]');
      await expect.poll(() => approve(managerPage).isEnabled(), { timeout }).toBe(true);
      await expect.poll(() => approve(financePage).isEnabled(), { timeout }).toBe(true);
      await managerPage.locator('#task-comment').fill('Margin is fine');
      await financePage.locator('#task-comment').fill('回款条件可以');

      // Both approve at the same moment.
      await Promise.all([approve(managerPage).click(), approve(financePage).click()]);

      // Both pages end consistent: each says its task is done, neither shows an error.
      for (const page of [managerPage, financePage]) {
        await page.locator('.task-outcome').waitFor({ timeout });
        expect(await page.locator('.task-error').count()).toBe(0);
      }
      expect((await manager.getTask(managerTask)).status).toBe('completed');
      expect((await (await api(server, 'finance')).getTask(financeTask)).status).toBe('completed');

      // The step completed exactly once: one decision, both approvals, one next step.
      const detail = await manager.getInstance(id);
      const decided = detail.history.filter((h) => h.type === 'signers.decided' && h.nodeId === 'large-deal-approval');
      expect(decided).toHaveLength(1);
      expect(decided[0]!.data.outcome).toBe('approved');
      const approvals = detail.history.filter((h) => h.type === 'task.completed' && h.nodeId === 'large-deal-approval');
      expect(approvals.map((h) => h.actor).sort()).toEqual(['finance', 'manager']);
      expect(detail.activeNodes).toEqual(['legal-review']);
      expect(detail.tasks.filter((x) => x.nodeId === 'legal-review')).toHaveLength(1);

      // The timeline on each page shows both decisions, with their comments.
      for (const [page, step] of [
        [managerPage, 'Large-deal co-approval'],
        [financePage, '大额会签'],
      ] as const) {
        await page.reload();
        const rows = page.locator('.timeline-row[data-type="task.completed"]').filter({ hasText: step });
        await expect.poll(() => rows.count(), { timeout }).toBe(2);
        const text = (await rows.allTextContents()).join(' | ');
        expect(text).toContain('王经理');
        expect(text).toContain('张财务');
        expect(text).toContain('Margin is fine');
        expect(text).toContain('回款条件可以');
        expect(await approve(page).isDisabled()).toBe(true);
      }
      await shot(managerPage, 'flows-countersign-en-desktop');
      await shot(financePage, 'flows-countersign-zh-CN-desktop');
    },
    flowTimeout,
  );

  it(
    'flow 3 at 390 × 844 by touch: transfer, return picked on the diagram, add an approver before, cc, withdraw',
    () => flow3(server, browserA.context, 'phone', 'L-FLOW-3'),
    flowTimeout,
  );

  it('had no CSP violations in either browser', () => {
    expect(violations.flat()).toEqual([]);
  });
});
