/**
 * Driving the designer in e2e tests: its canvas (nodes, drawing an edge) and the antd controls
 * of its properties panel, as a user does it.
 *
 * @module
 */
import type { Locator, Page } from 'playwright-core';

/** Node `id` on the canvas. */
export const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** Drags from the centre of one node's out handle to the centre of another's in handle, as a user draws an edge. */
export async function connect(page: Page, from: string, to: string): Promise<void> {
  const source = await node(page, from).locator('.react-flow__handle[data-handleid="out"]').boundingBox();
  const target = await node(page, to).locator('.react-flow__handle[data-handleid="in"]').boundingBox();
  if (!source || !target) throw new Error(`no handles for ${from} → ${to}`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Picks `option` in the antd Select with test id `testId` (opened from the keyboard). */
export async function choose(page: Page, testId: string, option: string): Promise<void> {
  const item = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first();
  // Opened from the keyboard: a click may land on the sticky Problems panel over the select.
  const input = page.getByTestId(testId).locator('input');
  for (let attempt = 0; ; attempt++) {
    await input.scrollIntoViewIfNeeded();
    await input.focus();
    await page.keyboard.press(attempt % 2 === 0 ? 'ArrowDown' : 'Enter');
    try {
      await item.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await item.click();
}

/** Opens a section of the properties panel (a no-op when it is open). */
export async function openSection(page: Page, section: string): Promise<void> {
  const header = page.locator('.ant-collapse-header', { has: page.getByTestId(`tab-${section}`) });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}

/**
 * Drags palette item `kind` onto the canvas at the first point, from `near` downwards and then to
 * the right, where the pane itself is under the pointer (not a node, an edge, the minimap, the
 * controls or a panel over the canvas): a drop Playwright can always deliver, whatever the layout
 * the language's labels gave the diagram.
 */
export async function dropFromPalette(page: Page, kind: string, near: { x: number; y: number }): Promise<void> {
  const pane = page.locator('.react-flow__pane');
  const point = await pane.evaluate((el, start) => {
    const r = el.getBoundingClientRect();
    for (let dx = 0; dx <= 600; dx += 40) {
      for (let dy = 0; dy <= 400; dy += 20) {
        const x = start.x + dx;
        const y = start.y + dy;
        if (x < r.left + 20 || y < r.top + 20 || x > r.right - 20 || y > r.bottom - 20) continue;
        if (document.elementFromPoint(x, y) === el) return { x: x - r.left, y: y - r.top };
      }
    }
    return null;
  }, near);
  if (!point) throw new Error(`no free spot on the canvas near ${near.x},${near.y}`);
  await page.getByTestId(`palette-${kind}`).dragTo(pane, { targetPosition: point });
}
