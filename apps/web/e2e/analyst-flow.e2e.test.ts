/**
 * Flows 1 and 6 of the designer: an analyst who may publish and deploy (`release`) draws a
 * six-step process with a decision and a 48-working-hour deadline, sees the missing-owner badge
 * on the step, fixes it in the properties panel, lets it save, publishes it as the target state
 * and deploys it to one team, in English and again in Chinese, with no string outside the
 * catalogues. The deployment is checked through the API client.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@baton/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en as enCatalogue } from '../src/i18n/en.ts';
import { zhCN } from '../src/i18n/zh-cn.ts';
import { choose, connect, dropFromPalette, node, openSection } from './canvas.ts';
import { textChecker, type Lang } from './catalogue-check.ts';
import {
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
const violations: CspViolation[] = [];
const unknownTexts: string[] = [];
/** What the server sends or the test types: data the pages may show as they are. */
const data: string[] = [];

/** Every string of a JSON value. */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const child of Object.values(value)) strings(child, into);
  return into;
}

/** The model each language creates and draws. */
const modelOf = (lang: Lang) => ({
  key: lang === 'en' ? 'deal-desk' : 'deal-desk-zh',
  name: { 'zh-CN': '大单审批', en: 'Deal desk' },
});

const big = 'amount >= 100000';
const small = 'amount < 100000';

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  const api = createClient({ baseUrl: server.baseUrl, fetch: globalThis.fetch.bind(globalThis) });
  const { user } = await api.login('release', demoPassword);
  const teams = await api.listTeams();
  const users = await api.listUsers();
  data.push(
    user.displayName,
    ...strings(teams),
    ...strings(users),
    ...strings(modelOf('en').name),
    // The example process, listed on the models page.
    ...strings(exampleDefinition),
    // The amount field the first task asks for.
    '金额',
    'Amount',
    'amount',
    big,
    small,
    // Node and edge ids, shown in the properties panel.
    ...['task', 'task-2', 'choice', 'auto', 'e-choice-auto', 'e-choice-end', 'e-auto-end', 'e-task-2-end'],
  );
});

afterAll(async () => {
  await server?.close();
});

async function checkTexts(page: Page, lang: Lang, where: string): Promise<void> {
  const allowed = textChecker(lang, data);
  for (const text of await visibleTexts(page)) if (!allowed(text)) unknownTexts.push(`${where} (${lang}): "${text}"`);
}

async function shot(page: Page, name: string): Promise<void> {
  // An open dialog or drawer is shot once its opening animation is over.
  await poll(() =>
    page
      .locator('.ant-modal, .ant-drawer-content-wrapper')
      .evaluateAll((els: HTMLElement[]) =>
        els.every((e) => !/-(enter|appear)/.test(e.className) && getComputedStyle(e).opacity === '1'),
      ),
  ).toBe(true);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** A button's accessible name: antd puts a space between the two characters of a Chinese button. */
const buttonName = (text: string) =>
  new RegExp(`^${[...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s?')}$`);

/** `expect.poll` with a generous timeout: the machine is shared. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000 });

const edgeIds = (page: Page) =>
  page.locator('.react-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
/** The problem codes on the badge of node `id`; `''` without a badge. */
const codesOf = async (page: Page, id: string) =>
  (await node(page, id).getByTestId('problem-badge').count()) === 0
    ? ''
    : ((await node(page, id).getByTestId('problem-badge').getAttribute('data-codes')) ?? '');
const saveStatus = (page: Page) => page.getByTestId('save-status').textContent();

/** Gives edge `id` a FEEL condition in the edge panel. */
async function setCondition(page: Page, lang: Lang, id: string, condition: string): Promise<void> {
  const c = lang === 'en' ? enCatalogue : zhCN;
  await page.locator(`.react-flow__edge[data-id="${id}"]`).dispatchEvent('click');
  const panel = page.getByTestId('edge-panel');
  await panel.getByText(id, { exact: true }).waitFor();
  await panel.getByLabel(c.properties.conditions.edge).fill(condition);
  await poll(() => panel.getByLabel(c.properties.conditions.edge).inputValue()).toBe(condition);
}

describe.each(['en', 'zh-CN'] as const)('flow 1 in %s: draw, fix, publish and deploy a process', (lang) => {
  it('draws six steps with a decision and a deadline, fixes the missing owner the badge shows, publishes and deploys to one team', async () => {
    const c = lang === 'en' ? enCatalogue : zhCN;
    const model = modelOf(lang);
    const browser = await launchBrowser(lang === 'en' ? 'en-US' : 'zh-CN');
    violations.push(...(await watchCsp(browser.context)));
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.baseUrl}/models`);
      await page.waitForURL('**/login');
      await page.getByLabel(c.login.username).fill('release');
      await page.getByLabel(c.login.password).fill(demoPassword);
      await page.getByRole('button', { name: buttonName(c.login.submit) }).click();
      await page.waitForURL('**/models');

      // A new model: its first draft, a start joined to an end, opens in the designer.
      await page.getByTestId('new-model').click();
      const dialog = page.locator('.ant-modal');
      await dialog.getByTestId('new-model-key').fill(model.key);
      await dialog.getByTestId('new-model-zh').fill(model.name['zh-CN']);
      await dialog.getByTestId('new-model-en').fill(model.name.en);
      await shot(page, `analyst-flow-${lang}-new-model-1440`);
      await checkTexts(page, lang, 'new model');
      await dialog.getByRole('button', { name: buttonName(c.versions.newModel.create) }).click();
      await page.waitForURL(`**/models/${model.key}/versions/1`);
      await node(page, 'end').waitFor();

      // Draw: a task, a decision and a second task with "+", an automatic step from the palette
      // as the decision's other branch.
      await page.getByTestId('insert-on-e1').click();
      await page.getByRole('menuitem', { name: c.designer.kinds.userTask }).click();
      await node(page, 'task').waitFor();
      await page.getByTestId('insert-on-e-task-end').click();
      await page.getByRole('menuitem', { name: c.designer.kinds.exclusiveGateway }).click();
      await node(page, 'choice').waitFor();
      await page.getByTestId('insert-on-e-choice-end').click();
      await page.getByRole('menuitem', { name: c.designer.kinds.userTask }).click();
      await node(page, 'task-2').waitFor();
      await page.getByRole('button', { name: c.designer.a11y.fitView }).click();
      const second = (await node(page, 'task-2').boundingBox())!;
      await dropFromPalette(page, 'automaticTask', {
        x: second.x + second.width / 2,
        y: second.y + second.height / 2 + 140,
      });
      await node(page, 'auto').waitFor();
      await connect(page, 'choice', 'auto');
      await connect(page, 'auto', 'end');
      await poll(() => edgeIds(page)).toEqual([
        'e-auto-end',
        'e-choice-auto',
        'e-choice-end',
        'e-task-2-end',
        'e-task-end',
        'e1',
      ]);
      expect(await page.locator('.react-flow__node').count()).toBe(6);

      // The first task asks for the amount the decision reads.
      await node(page, 'task').click();
      await openSection(page, 'form');
      await choose(page, 'form-add', c.properties.form.kinds.money);
      const field = page.getByTestId('form-field-0');
      await field.getByLabel(c.properties.form.titleZh).fill('金额');
      await field.getByLabel(c.properties.form.titleEn).fill('Amount');
      await field.getByLabel(c.properties.form.fieldName).fill('amount');

      // The decision's branches have no condition yet: both edges carry an error badge.
      await poll(() => page.locator('[data-testid="problem-row"][data-code="DEF_MISSING_CONDITION"]').count()).toBe(2);
      await poll(() =>
        page
          .getByTestId('problem-badge')
          .evaluateAll((els) => els.filter((e) => e.getAttribute('data-codes') === 'DEF_MISSING_CONDITION').length),
      ).toBe(2);
      await setCondition(page, lang, 'e-choice-end', big);
      await setCondition(page, lang, 'e-choice-auto', small);
      await page.locator('[data-testid="problem-row"][data-code="DEF_MISSING_CONDITION"]').first().waitFor({
        state: 'detached',
        timeout: 30_000,
      });

      // A 48-working-hour deadline on the first task.
      await node(page, 'task').click();
      await openSection(page, 'deadline');
      await page.getByTestId('deadline-add').click();
      const hours = c.designer.time.hours.replace('{{count}}', '48');
      await poll(() => node(page, 'task').textContent()).toContain(
        c.designer.time.working.replace('{{duration}}', hours),
      );

      // The badge on the task says it has no owner (an error, in red), with the problem in its tooltip.
      const badge = node(page, 'task').getByTestId('problem-badge');
      await poll(() => codesOf(page, 'task')).toContain('DEF_MISSING_OWNER');
      expect(await badge.getAttribute('data-severity')).toBe('error');
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 100 } });
      await badge.hover();
      const missingOwner = c.properties.problems.codes.DEF_MISSING_OWNER.title;
      await page.locator('.ant-tooltip:visible').getByText(missingOwner).waitFor();
      await shot(page, `analyst-flow-${lang}-badge-1440`);
      await checkTexts(page, lang, 'badge');
      await page.mouse.move(5, 5);

      // A click on the problem selects the task and opens its owner field; the initiator does it.
      const ownerRows = page.locator('[data-testid="problem-row"][data-code="DEF_MISSING_OWNER"]');
      await poll(() => ownerRows.count()).toBe(2);
      await ownerRows.first().click();
      await poll(() => node(page, 'task').getAttribute('class')).toContain('selected');
      const offCentre = async () => {
        const [n, canvas] = [await node(page, 'task').boundingBox(), await page.locator('.react-flow').boundingBox()];
        return Math.hypot(
          n!.x + n!.width / 2 - canvas!.x - canvas!.width / 2,
          n!.y + n!.height / 2 - canvas!.y - canvas!.height / 2,
        );
      };
      await poll(offCentre).toBeLessThan(20);
      const ownerInput = page.getByTestId('owner-type').locator('input');
      await poll(() => ownerInput.evaluate((el) => el === document.activeElement)).toBe(true);
      await choose(page, 'owner-type', c.properties.owner.types.initiator);
      await poll(() => codesOf(page, 'task')).not.toContain('DEF_MISSING_OWNER');
      await node(page, 'task-2').click();
      await openSection(page, 'owner');
      await choose(page, 'owner-type', c.properties.owner.types.initiator);
      await ownerRows.first().waitFor({ state: 'detached', timeout: 30_000 });
      await poll(() => page.getByTestId('problems-count').textContent()).toMatch(
        lang === 'en' ? /^0 errors/ : /^0 个错误/,
      );
      await poll(() => saveStatus(page)).toBe(c.editor.save.saved);

      // Publish as the target state, from the versions drawer.
      await page.getByTestId('versions-button').click();
      const drawer = page.locator('.ant-drawer');
      await drawer.getByTestId('version-row-1').waitFor();
      await drawer.getByTestId('publish-1').click();
      await dialog.getByText(c.models.stateTarget).click();
      await shot(page, `analyst-flow-${lang}-publish-1440`);
      await checkTexts(page, lang, 'publish');
      await dialog.getByRole('button', { name: buttonName(c.versions.publish) }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await drawer.getByTestId('deploy-1').waitFor({ timeout: 30_000 });
      await page.getByTestId('save-status').waitFor({ state: 'detached' });

      // Deploy to one team.
      await drawer.getByTestId('deploy-1').click();
      await dialog.getByText(c.versions.teams, { exact: true }).click();
      const east = lang === 'en' ? 'Sales East' : '华东销售';
      await dialog.getByTestId('deploy-teams').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: east }).click();
      await dialog.locator('.ant-modal-title').click();
      await shot(page, `analyst-flow-${lang}-deploy-1440`);
      await checkTexts(page, lang, 'deploy');
      await dialog.getByRole('button', { name: buttonName(c.versions.deploy) }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      const deployment = drawer.locator('[data-testid^="deployment-"]');
      await deployment.getByText(c.versions.cohortTeams.replace('{{teams}}', east)).waitFor({ timeout: 30_000 });
      await shot(page, `analyst-flow-${lang}-deployed-1440`);
      await checkTexts(page, lang, 'deployed');

      // The API agrees: one active deployment of v1 to that team; v1 is the published target state.
      const api = createClient({ baseUrl: server.baseUrl, fetch: globalThis.fetch.bind(globalThis) });
      await api.login('release', demoPassword);
      const deployments = await api.listDeployments(model.key);
      expect(deployments.map((d) => ({ version: d.version, cohort: d.cohort, active: d.active }))).toEqual([
        { version: 1, cohort: { type: 'teams', teams: ['sales-east'] }, active: true },
      ]);
      const published = await api.getVersion(model.key, 1);
      expect({ status: published.status, state: published.state }).toEqual({ status: 'published', state: 'target' });
      const definition = published.definition as {
        nodes: { id: string; type: string; owner?: unknown; deadline?: unknown }[];
        edges: { from: string; to: string; condition?: string }[];
      };
      expect(definition.nodes.map((n) => `${n.id}:${n.type}`).sort()).toEqual([
        'auto:automaticTask',
        'choice:exclusiveGateway',
        'end:end',
        'start:start',
        'task-2:userTask',
        'task:userTask',
      ]);
      expect(definition.nodes.find((n) => n.id === 'task')).toMatchObject({
        owner: { type: 'initiator' },
        deadline: { duration: 'PT48H' },
      });
      expect(
        definition.edges
          .filter((e) => e.from === 'choice')
          .map((e) => `${e.to}:${e.condition}`)
          .sort(),
      ).toEqual([`auto:${small}`, `task-2:${big}`]);
      await page.close();
    } finally {
      await browser.close();
    }
  }, 300_000);
});

describe('flows 1 and 6 together', () => {
  it('shows no string outside the catalogues and causes no CSP violation', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
