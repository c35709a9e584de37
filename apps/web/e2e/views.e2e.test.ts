import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
const definition = exampleDefinition as unknown as { nodes: { id: string; inputs?: string[] }[] };

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
  data = [
    ...strings(exampleDefinition),
    ...definition.nodes.flatMap((n) => (n.inputs ? [n.inputs.join(', ')] : [])),
    // What the test's own edits add: the new steps' ids (shown in the properties panel) and the
    // placeholder condition (an edge label on the canvas).
    'approval-1',
    'approval-2',
    'false',
  ];
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
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

const canvasNode = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const card = (page: Page, id: string) => page.locator(`[data-testid="approval-view"] [data-node="${id}"]`);

/** Closes the import problems dialog and waits until it is gone. */
async function closeModal(page: Page): Promise<void> {
  await page.locator('.ant-modal-confirm-btns button').last().click();
  await expect.poll(() => page.locator('.ant-modal-confirm').count(), { timeout: 10_000 }).toBe(0);
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function exportPng(page: Page, name: string): Promise<{ width: number; height: number }> {
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: /PNG/ }).click(),
  ]);
  const path = join(screenshotDir, name);
  await download.saveAs(path);
  return pngSize(readFileSync(path));
}

describe('the approval view, lanes, tidy-up and export, served by the real server', () => {
  it('shows the example as approval cards and lanes, edits it with "+", tidies it up and exports PNG, in both languages', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    await page.goto(`${server.baseUrl}/models/${exampleDefinition.key}`);
    await expect
      .poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 })
      .toBe(definition.nodes.length);
    // The published version is read-only: edit a new draft made from it.
    await page.getByTestId('new-draft').click();
    await page.waitForURL(`**/models/${exampleDefinition.key}/versions/2`);
    await page.getByTestId('palette-userTask').waitFor();

    // Approval view: cards top to bottom, the segment split as two columns, the loop as one block.
    const views = page.getByTestId('view-switch');
    await views.getByText('Approval', { exact: true }).click();
    const tree = page.getByTestId('approval-view');
    await tree.waitFor();
    for (const id of ['lead-capture', 'assign-lead', 'qualify', 'standard-quote', 'legal-review', 'finance-check'])
      await card(page, id).waitFor();
    const opaque = tree.locator('[data-opaque="proposal"]');
    await opaque.getByText(/contains a loop back \(Rework/).waitFor();
    await tree.getByText('Priority 1', { exact: true }).waitFor();
    await tree.getByText('Otherwise (default)', { exact: true }).waitFor();
    await tree.getByText('segment = "A"', { exact: true }).waitFor();
    // Cards go down the page: qualify above legal review, the two parallel branches side by side.
    const box = async (id: string) => (await card(page, id).boundingBox())!;
    expect((await box('qualify')).y).toBeLessThan((await box('legal-review')).y);
    expect(Math.abs((await box('finance-check')).y - (await box('contract-signing')).y)).toBeLessThan(2);
    expect((await box('finance-check')).x).toBeLessThan((await box('contract-signing')).x);
    await shot(page, 'views-approval-en-1440');
    await checkTexts(page, 'en', 'approval view');

    // "+" in the default branch inserts an approval step there; "Add condition" a second condition.
    await tree.locator('[data-slot="e-segment-other"]').click();
    await page.getByRole('menuitem', { name: 'Approval step' }).click();
    await card(page, 'approval-1').waitFor();
    expect((await box('approval-1')).y).toBeLessThan((await box('standard-quote')).y);
    await tree.locator('[data-node="segment-gateway"]').getByRole('button', { name: 'Add condition' }).click();
    await tree.getByText('Priority 2', { exact: true }).waitFor();
    await tree.getByText('Condition not set yet (false)', { exact: true }).waitFor();
    await card(page, 'approval-2').waitFor();
    await shot(page, 'views-approval-edited-en-1440');
    await checkTexts(page, 'en', 'approval view, edited');

    // The loop opens in the graph view, where the inserted steps are on the canvas too.
    await opaque.getByRole('button', { name: 'Open in the graph view' }).click();
    await tree.waitFor({ state: 'detached' });
    await canvasNode(page, 'approval-1').waitFor();
    await canvasNode(page, 'approval-2').waitFor();
    await page.locator('.react-flow__node.selected[data-id="proposal"]').waitFor();

    // Tidy up: ELK in a worker moves nodes, one change (nothing selected: the whole flow).
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 100 } });
    const transform = () => canvasNode(page, 'join').evaluate((el) => (el as HTMLElement).style.transform);
    const before = await transform();
    await page.getByTestId('tidy-up').click();
    await expect.poll(transform, { timeout: 20_000 }).not.toBe(before);
    await page.mouse.move(700, 500);
    await page.waitForTimeout(800); // the zoom-to-fit animation after the tidy-up
    await shot(page, 'views-tidied-en-1440');

    // Lanes: one band per role, the system lane, and the initiator's manager of the new steps; every node.
    await views.getByText('Lanes', { exact: true }).click();
    const lanes = page.getByTestId('lanes-view');
    await lanes.waitFor();
    await expect.poll(() => lanes.locator('.react-flow__node-lane').count(), { timeout: 30_000 }).toBe(7);
    for (const title of ['Role: sales-manager', 'Role: sales-rep', 'Role: legal', 'System / unassigned', 'Manager'])
      await lanes.getByText(title, { exact: true }).waitFor();
    await expect
      .poll(() => lanes.locator('.react-flow__node:not(.react-flow__node-lane)').count())
      .toBe(definition.nodes.length + 2);
    await shot(page, 'views-lanes-en-1440');
    await checkTexts(page, 'en', 'lanes view');
    const lanesPng = await exportPng(page, 'export-lanes-en.png');
    expect(lanesPng.width).toBeGreaterThan(2000);
    expect(lanesPng.height).toBeGreaterThan(800);

    // In Chinese.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Language' }).hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await lanes.getByText('角色：legal', { exact: true }).waitFor();
    await lanes.getByText('系统 / 未分配', { exact: true }).waitFor();
    await shot(page, 'views-lanes-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'lanes view');
    await views.getByText('审批视图', { exact: true }).click();
    await tree.waitFor();
    await tree.getByText('其他情况（默认）', { exact: true }).waitFor();
    await tree
      .locator('[data-opaque="proposal"]')
      .getByText(/其中有回退循环（退回修改/)
      .waitFor();
    await shot(page, 'views-approval-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'approval view');
    const approvalPng = await exportPng(page, 'export-approval-zh-CN.png');
    expect(approvalPng.height).toBeGreaterThan(1000);
    await views.getByText('流程图', { exact: true }).click();
    await canvasNode(page, 'approval-1').waitFor();
    const graphPng = await exportPng(page, 'export-graph-zh-CN.png');
    expect(graphPng.width).toBeGreaterThan(1500);

    // The definition as JSON: the edited one, with the inserted steps.
    await page.getByTestId('export-menu').click();
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: '导出定义（JSON）' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe('lead-to-contract.json');
    const exported = JSON.parse(readFileSync(await json.path(), 'utf8')) as { nodes: { id: string }[] };
    expect(exported.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['approval-1', 'approval-2']));

    // Importing: a broken file is refused with every problem and its path; the example is taken.
    const file = page.locator('input[type="file"]');
    await file.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"schemaVersion":1,"key":"lead-to-contract","nodes":[{"id":3}],"edges":{}}'),
    });
    const problems = page.getByTestId('import-problems');
    await problems.getByText('/nodes/0/id："id" 必须是文本。').waitFor();
    await problems.getByText('/edges："edges" 必须是列表。').waitFor();
    await page.locator('.ant-modal-confirm-title', { hasText: '文件未导入：发现 3 个问题' }).waitFor();
    await page.waitForTimeout(500); // the dialog's opening animation
    await shot(page, 'views-import-refused-zh-CN-1440');
    await checkTexts(page, 'zh-CN', 'import refused');
    await closeModal(page);
    await file.setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...exampleDefinition, key: 'other-process' })),
    });
    await problems.getByText(/该文件属于流程“other-process”/).waitFor();
    await closeModal(page);
    await file.setInputFiles({
      name: 'lead-to-contract.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(exampleDefinition)),
    });
    await page.getByText(/定义已导入；可撤销还原。/).waitFor();
    await canvasNode(page, 'approval-1').waitFor({ state: 'detached' });
    await canvasNode(page, 'proposal').waitFor();
    await page.close();
  }, 180_000);

  it('shows no string outside the catalogues and causes no CSP violation (the worker and the export included)', () => {
    expect(unknownTexts).toEqual([]);
    expect(violations).toEqual([]);
  });
});
