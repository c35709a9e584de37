import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, openSection } from './canvas.ts';
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

/** Every string of a JSON value: data the panel may show as it is. */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const child of Object.values(value)) strings(child, into);
  return into;
}

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
let draftNumber: number;
let token: string;
/** What the test types: data the page shows back. */
const data: string[] = [
  'contrct.status = "signed"',
  'contract.status =',
  '1cap',
  'liabilityCap',
  '赔偿上限',
  'Liability cap',
  'approval',
];
const unknownTexts: string[] = [];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
  // A draft of the example to edit (published versions are read-only).
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'owner', password: demoPassword },
  });
  token = login.json<{ token: string }>().token;
  const draft = await server.app.inject({
    method: 'POST',
    url: `/api/models/${exampleDefinition.key}/versions`,
    headers: { authorization: `Bearer ${token}` },
    payload: { definition: exampleDefinition, state: 'target' },
  });
  expect(draft.statusCode, draft.body).toBe(201);
  draftNumber = draft.json<{ number: number }>().number;
  const users = await server.app.inject({
    method: 'GET',
    url: '/api/users',
    headers: { authorization: `Bearer ${token}` },
  });
  const teams = await server.app.inject({
    method: 'GET',
    url: '/api/teams',
    headers: { authorization: `Bearer ${token}` },
  });
  const calendars = await server.app.inject({
    method: 'GET',
    url: '/api/calendars',
    headers: { authorization: `Bearer ${token}` },
  });
  data.push(
    ...strings(exampleDefinition),
    ...strings(users.json()),
    ...strings(teams.json()),
    ...strings(calendars.json()),
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function checkTexts(page: Page, lang: Lang, where: string): Promise<void> {
  const allowed = textChecker(lang, data);
  for (const text of await visibleTexts(page)) if (!allowed(text)) unknownTexts.push(`${where} (${lang}): "${text}"`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** Opens the draft in a new page (logging in if needed), in Chinese, zoomed to fit. */
async function openDraftInChinese(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.baseUrl}/models/${exampleDefinition.key}/versions/${draftNumber}`);
  const step = page.locator('.react-flow__node[data-id="legal-review"]');
  const username = page.getByLabel('Username');
  await step.or(username).first().waitFor();
  if (await username.isVisible()) {
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`**/versions/${draftNumber}`);
  }
  await page.locator('.react-flow__node[data-id="legal-review"]').waitFor();
  await page.getByRole('button', { name: /^(Zoom to fit|适应画布)$/ }).waitFor();
  if ((await page.getByRole('button', { name: 'Zoom to fit' }).count()) > 0) {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: /Language|语言/ }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
  }
  await page.getByRole('button', { name: '适应画布' }).click();
  return page;
}

const problemRows = (page: Page, code: string) => page.locator(`[data-testid="problem-row"][data-code="${code}"]`);

describe('the properties panel and live validation, served by the real server under its CSP', () => {
  it('edits a draft: a removed owner and a mistyped field appear as problems and disappear when fixed', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/models/${exampleDefinition.key}/versions/${draftNumber}`);
    await page.waitForURL('**/login');
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`**/versions/${draftNumber}`);
    const problems = page.getByTestId('problems-panel');
    await page.locator('.react-flow__node[data-id="after-sales-start"]').waitFor();
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await expect
      .poll(() => problems.getByTestId('problems-count').textContent(), { timeout: 15_000 })
      .toMatch(/^0 errors, \d+ warnings$/);

    // The owner: "nobody" makes DEF_MISSING_OWNER appear, live; a role from the directory fixes it.
    await page.locator('.react-flow__node[data-id="legal-review"]').click();
    const panel = page.getByTestId('properties-panel');
    await panel.getByRole('heading', { name: 'Legal review' }).waitFor();
    await openSection(page, 'owner');
    await choose(page, 'owner-type', 'Nobody yet');
    await problemRows(page, 'DEF_MISSING_OWNER').waitFor();
    expect(await problems.getByTestId('problems-count').textContent()).toMatch(/^1 errors, \d+ warnings$/);
    await panel
      .getByTestId('field-problem')
      .getByText('This user task has no owner, so nobody would see it.')
      .waitFor();
    await shot(page, 'properties-en-missing-owner-1440');
    await checkTexts(page, 'en', 'missing owner');
    await choose(page, 'owner-type', 'Anyone with a role');
    await page.getByTestId('owner-role').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'legal-manager' }).click();
    await problemRows(page, 'DEF_MISSING_OWNER').waitFor({ state: 'detached' });

    // A trigger condition with a typo: the field check under the input, and a problem in the list.
    await page.locator('.react-flow__node[data-id="after-sales-start"]').click();
    await panel.getByRole('heading', { name: 'Start after-sales' }).waitFor();
    await openSection(page, 'conditions');
    const trigger = panel.getByLabel('Starts only when (FEEL)');
    await trigger.fill('contrct.status = "signed"');
    await panel.getByText('Unknown field “contrct”. Did you mean “contract”?').waitFor();
    await problemRows(page, 'DEF_UNKNOWN_FIELD').waitFor();
    await trigger.fill('contract.status = ');
    await panel.getByText(/^Syntax error \(EXPR_SYNTAX\)/).waitFor();
    await problemRows(page, 'DEF_EXPRESSION_SYNTAX').waitFor();
    await shot(page, 'properties-en-feel-1440');
    await checkTexts(page, 'en', 'FEEL');

    // Clicking the problem from another step selects the step and focuses the faulty field.
    await page.locator('.react-flow__node[data-id="qualify"]').click();
    await panel.getByRole('heading', { name: 'Qualify customer' }).waitFor();
    await problemRows(page, 'DEF_EXPRESSION_SYNTAX').click();
    await panel.getByRole('heading', { name: 'Start after-sales' }).waitFor();
    await expect.poll(() => trigger.evaluate((el) => el === document.activeElement), { timeout: 5_000 }).toBe(true);
    await trigger.fill('contract.status = "signed"');
    await panel.getByText('Valid expression; reads contract.').waitFor();
    await problemRows(page, 'DEF_EXPRESSION_SYNTAX').waitFor({ state: 'detached' });
    await expect
      .poll(() => problems.getByTestId('problems-count').textContent(), { timeout: 15_000 })
      .toMatch(/^0 errors/);

    // The form: a money field with bilingual titles goes into the schema; a bad name is said at once.
    // (The problem's click centred its step: the whole diagram back in view first.)
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await page.locator('.react-flow__node[data-id="legal-review"]').click();
    await openSection(page, 'form');
    const before = await panel.locator('[data-testid^="form-field-"]').count();
    await choose(page, 'form-add', 'Amount of money');
    const added = panel.getByTestId(`form-field-${before}`);
    await added.getByLabel('Title (Chinese)').fill('赔偿上限');
    await added.getByLabel('Title (English)').fill('Liability cap');
    await added.getByLabel('Field name').fill('1cap');
    await added.getByText('Use letters, digits and “_”, starting with a letter or “_”.').waitFor();
    await added.getByLabel('Field name').fill('liabilityCap');
    await panel.getByTestId('permission-liabilityCap').waitFor();
    await shot(page, 'properties-en-form-1440');
    await checkTexts(page, 'en', 'form');

    // In Chinese: the panel, the problems and their fix hints.
    await page.locator('.react-flow__node[data-id="legal-review"]').click();
    await openSection(page, 'owner');
    await choose(page, 'owner-type', 'Nobody yet');
    await problemRows(page, 'DEF_MISSING_OWNER').waitFor();
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Language' }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await panel.getByTestId('field-problem').getByText('此人工任务没有处理人，没人能看到它。').waitFor();
    await problemRows(page, 'DEF_MISSING_OWNER').getByText('修改方法：在“处理人”一栏中选择由谁处理。').waitFor();
    await shot(page, 'properties-zh-CN-missing-owner-1440');
    await checkTexts(page, 'zh-CN', 'missing owner');
    await openSection(page, 'deadline');
    await panel.getByText('升级阶梯').waitFor();
    await panel.getByTestId('rung-0').scrollIntoViewIfNeeded();
    await shot(page, 'properties-zh-CN-deadline-1440');
    await checkTexts(page, 'zh-CN', 'deadline');
    await page.close();
  });

  it('sets several signers on a step in Chinese: 会签 by default, a threshold, the canvas badge following', async () => {
    const page = await openDraftInChinese();
    await page.locator('.react-flow__node[data-id="legal-review"]').click();
    const panel = page.getByTestId('properties-panel');
    await panel.getByRole('heading', { name: '合同评审' }).waitFor();
    await openSection(page, 'owner');
    await panel.getByRole('checkbox', { name: '本步骤由多人审批' }).check();
    const policy = panel.getByTestId('signers-policy');
    await expect.poll(() => policy.getByRole('radio', { name: '会签（需全部同意）' }).isChecked()).toBe(true);
    const badge = page.locator('.react-flow__node[data-id="legal-review"] .flow-badge');
    await expect.poll(() => badge.textContent()).toBe('会签');
    await expect.poll(() => panel.getByTestId('signers-result-field').inputValue()).toBe('approval');
    await policy.getByText('按票数通过').click();
    await expect.poll(() => panel.getByRole('spinbutton', { name: '固定人数' }).inputValue()).toBe('2');
    await expect.poll(() => badge.textContent()).toBe('按比例会签');
    await policy.getByText('会签（需全部同意）').click();
    await panel.getByRole('spinbutton', { name: '固定人数' }).waitFor({ state: 'detached' });
    await expect.poll(() => badge.textContent()).toBe('会签');
    await expect.poll(() => problemRows(page, 'DEF_BAD_SIGNERS').count()).toBe(0);
    await expect.poll(() => problemRows(page, 'DEF_SIGNERS_RESULT_UNUSED').count()).toBe(0);
    await expect.poll(() => problemRows(page, 'DEF_MISSING_OWNER').count()).toBe(0);
    await panel.getByTestId('signers').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'properties-zh-CN-signers-1440');
    await checkTexts(page, 'zh-CN', 'signers');
    await page.close();
  }, 120_000);

  it('adds a cc rule (抄送) in Chinese: after-sales when the step starts, saved with the draft', async () => {
    const page = await openDraftInChinese();
    await page.locator('.react-flow__node[data-id="qualify"]').click();
    const panel = page.getByTestId('properties-panel');
    await openSection(page, 'owner');
    const editor = panel.getByTestId('cc-editor');
    await editor.getByText('此步骤没有抄送任何人。').waitFor();
    await panel.getByTestId('cc-add').click();
    await editor.getByText('此规则还没有抄送对象：请选择成员、角色、团队或发起人。').waitFor();
    await choose(page, 'cc-rule-0-when', '步骤开始时');
    await choose(page, 'cc-rule-0-roles', 'after-sales');
    await page.keyboard.press('Escape');
    await editor.getByText('此规则还没有抄送对象：请选择成员、角色、团队或发起人。').waitFor({ state: 'detached' });
    // Autosave: the draft on the server carries the rule.
    await expect
      .poll(
        async () => {
          const answer = await server.app.inject({
            method: 'GET',
            url: `/api/models/${exampleDefinition.key}/versions/${draftNumber}`,
            headers: { authorization: `Bearer ${token}` },
          });
          const nodes = answer.json<{ definition: { nodes: Array<{ id: string; cc?: unknown }> } }>().definition.nodes;
          return nodes.find((n) => n.id === 'qualify')?.cc;
        },
        { timeout: 30_000 },
      )
      .toEqual([{ when: 'activated', roles: ['after-sales'] }]);
    await editor.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'properties-zh-CN-cc-1440');
    await checkTexts(page, 'zh-CN', 'cc');
    await page.close();
  }, 120_000);

  it('shows no string outside the catalogues and causes no CSP violation', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
