import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** The parts of the example definition this test reads. */
interface ExampleNode {
  id: string;
  name: { 'zh-CN': string; en: string };
  inputs?: string[];
}
const definition = exampleDefinition as unknown as { nodes: ExampleNode[]; edges: { id: string }[] };

/** Every string of a JSON value (names, ids, conditions, field titles): data the designer may show as it is. */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const child of Object.values(value)) strings(child, into);
  return into;
}

let server: RunningServer;
let browser: Browser;
let violations: CspViolation[];
let data: string[];
const unknownTexts: string[] = [];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser('en-US');
  violations = await watchCsp(browser.context);
  data = [...strings(exampleDefinition), ...definition.nodes.flatMap((n) => (n.inputs ? [n.inputs.join(', ')] : []))];
  const owner = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'owner', password: demoPassword },
  });
  data.push(owner.json<{ user: { displayName: string } }>().user.displayName);
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
  await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

const canvasNode = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

describe('the designer, served by the real server', () => {
  it('opens the example model from the list and draws every node, with properties on click, in both languages', async () => {
    const page = await browser.context.newPage();
    // Everything the designer route loads, to report its size beside the first page's.
    const sizes = new Map<string, Promise<number>>();
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (/^\/assets\/.*\.(js|css)$/.test(path))
        sizes.set(
          path,
          response.body().then((b) => gzipSync(b).length),
        );
    });
    await page.goto(`${server.baseUrl}/models`);
    await page.waitForURL('**/login');
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(exampleDefinition.name.en, { exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    const before = new Set(sizes.keys());
    expect([...before].filter((p) => p.includes('designer-page'))).toEqual([]);

    await page.getByRole('link', { name: exampleDefinition.name.en }).click();
    await page.waitForURL(`**/models/${exampleDefinition.key}`);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(definition.nodes.length);
    for (const node of definition.nodes) {
      await canvasNode(page, node.id).waitFor();
      expect(await canvasNode(page, node.id).textContent()).toContain(node.name.en);
    }
    expect(await page.locator('.react-flow__edge').count()).toBe(definition.edges.length);
    await page.waitForLoadState('networkidle');
    const route = [...sizes.keys()].filter((p) => !before.has(p));
    const routeGzip = (await Promise.all(route.map((p) => sizes.get(p)!))).reduce((a, b) => a + b, 0);
    console.info(
      `designer route adds ${route.length} files, ${(routeGzip / 1024).toFixed(1)} KiB gzip: ${route.join(' ')}`,
    );
    expect(route.some((p) => p.includes('designer-page') && p.endsWith('.css'))).toBe(true);

    // It opens readable, from the start on the left; "zoom to fit" then shows every node.
    const canvas = await page.locator('.react-flow').boundingBox();
    const inside = async (id: string) => {
      const box = await canvasNode(page, id).boundingBox();
      return !!box && !!canvas && box.x >= canvas.x && box.x + box.width <= canvas.x + canvas.width;
    };
    await expect.poll(() => inside('lead-capture')).toBe(true);
    expect((await canvasNode(page, 'qualify').boundingBox())?.width).toBeGreaterThanOrEqual(150 * 0.75 - 1);

    // The version selector lists the published version.
    await page.getByTestId('version-select').click();
    await page.locator('.ant-select-item-option', { hasText: 'v1 · Published' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByText('Select a step on the diagram to see its properties.').waitFor();
    const panel = page.getByTestId('node-panel');
    await canvasNode(page, 'qualify').click();
    await panel.getByRole('heading', { name: 'Qualify customer' }).waitFor();
    for (const text of [
      'The user in field assignedRep',
      'If unavailable: Chosen by field territory',
      'east: Team sales-east',
      'Otherwise: Role sales-rep',
    ])
      await panel.getByText(text, { exact: true }).waitFor();
    await shot(page, 'designer-en-1440');
    await checkTexts(page, 'en', 'designer');

    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    for (const node of definition.nodes) await expect.poll(() => inside(node.id), { message: node.id }).toBe(true);
    await canvasNode(page, 'legal-review').click();
    await panel.getByRole('heading', { name: 'Legal review' }).waitFor();
    for (const text of [
      'User task',
      'Role legal',
      '48 h of working time',
      'Calendar cn-mainland',
      'At 50% of the deadline: remind the owner',
      'At 100% of the deadline: reassign to Role legal-manager',
      '法务意见 / Legal opinion',
      'to Fork',
    ])
      await panel.getByText(text, { exact: true }).waitFor();
    expect(await canvasNode(page, 'legal-review').getAttribute('class')).toContain('selected');
    await shot(page, 'designer-en-fit-1440');
    await checkTexts(page, 'en', 'designer, fitted');

    // A trigger condition, as written.
    await canvasNode(page, 'after-sales-start').click();
    await panel.getByText('contract.status = "signed"', { exact: true }).waitFor();

    // In Chinese: the node names on the canvas and the panel switch, the selection stays.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Language' }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    for (const node of definition.nodes)
      await expect.poll(() => canvasNode(page, node.id).textContent()).toContain(node.name['zh-CN']);
    await panel.getByRole('heading', { name: '售后启动' }).waitFor();
    await canvasNode(page, 'legal-review').click();
    await panel.getByRole('heading', { name: '合同评审' }).waitFor();
    await panel.getByText('48 小时（工作时间）', { exact: true }).waitFor();
    await panel.getByText('到时限的 50% 时：提醒处理人', { exact: true }).waitFor();
    await shot(page, 'designer-zh-CN-fit-1440');
    await checkTexts(page, 'zh-CN', 'designer, fitted');

    // The address names the version; reloading it opens the same diagram, in the opening view.
    await page.goto(`${server.baseUrl}/models/${exampleDefinition.key}/versions/1`);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(definition.nodes.length);
    await canvasNode(page, 'assign-lead').click();
    await panel.getByText('到时限的 50% 时：提醒处理人', { exact: true }).waitFor();
    await shot(page, 'designer-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'designer, version 1');
    // An unknown model says so.
    await page.goto(`${server.baseUrl}/models/no-such-model`);
    await page.getByText('没有标识为“no-such-model”的模型，或它还没有版本。').waitFor();
    await page.close();
  });

  it('shows no string outside the catalogues and causes no CSP violation', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
