/**
 * `npm run bench:web`: the designer in headless Chromium beside a plain React Flow page, on the
 * same generated definitions (300 and 1,000 nodes), in one invocation (the machines are noisy:
 * compare ratios). For each size:
 *
 * - **open**: from navigation to every node drawn, on the plain page and in the designer;
 * - **pan**: 60 mouse moves dragging the canvas, frame intervals from `requestAnimationFrame`
 *   (p50 / p95 / max; headless Chromium paces at 60 Hz, so 16.7 ms steps);
 * - **drag**: the same 60 moves dragging one node (the designer opens the model's draft, so its
 *   nodes move), the frame intervals meanwhile;
 * - the designer's **approval view** and **lanes view** (click → every card or node drawn) and
 *   **tidy-up** (click → ELK in the worker → nodes moved).
 *
 * Also the **initial JavaScript**: the entry script and its module preloads in the built
 * `index.html`, gzip-compressed (what the first page costs before any route's chunk).
 *
 * Targets (issue 10): 300 nodes open in ≤ 1.5 s, dragging a node with a frame-interval p95 ≤ 33 ms;
 * initial JavaScript ≤ 500 kB gzip. Exits 1 when one is missed.
 * Env: SIZES (default "300,1000").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { demoPassword, launchBrowser, startServer } from '../e2e/rig.ts';
import { generateDefinition } from './generate.ts';

const sizes = (process.env.SIZES ?? '300,1000').split(',').map(Number);
const plainRoot = fileURLToPath(new URL('./plain', import.meta.url));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const ms = (n: number) => `${Math.round(n)} ms`;

/** Serves `dir` on a free loopback port. */
async function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.json': 'application/json',
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      const body = readFileSync(join(dir, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** The built app's initial JavaScript: entry script and module preloads, gzip bytes. */
function initialJavaScript(): { files: number; gzip: number } {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gzip = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length, 0);
  return { files: scripts.length, gzip };
}

/** A node drawn inside the canvas, away from its edges (the one a user would grab). */
async function grabbableNode(
  page: Page,
  canvas: string,
): Promise<{ x: number; y: number; node: ReturnType<Page['locator']> }> {
  const area = (await page.locator(canvas).boundingBox())!;
  const nodes = page.locator(`${canvas} .react-flow__node`);
  const count = await nodes.count();
  for (let i = 0; i < count; i++) {
    const box = await nodes.nth(i).boundingBox();
    if (!box) continue;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    if (x > area.x + 250 && x < area.x + area.width - 250 && y > area.y + 150 && y < area.y + area.height - 150)
      return { x, y, node: nodes.nth(i) };
  }
  throw new Error(`no node well inside ${canvas}`);
}

/**
 * Drags from a point with 60 mouse moves (sideways by up to `reach`, upwards by up to 19 × `rise`)
 * and returns the frame intervals seen meanwhile.
 */
async function dragFrames(page: Page, from: { x: number; y: number }, reach = 120, rise = 4): Promise<number[]> {
  // Strings, not functions: tsx's name helper would not exist in the page.
  await page.evaluate(
    'window.__frames = []; window.__run = true; const tick = (t) => { window.__frames.push(t); if (window.__run) requestAnimationFrame(tick); }; requestAnimationFrame(tick);',
  );
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(from.x + Math.sin(i / 6) * reach, from.y - (i % 20) * rise);
  await page.mouse.up();
  const frames = await page.evaluate<number[]>('window.__run = false; window.__frames');
  return frames.slice(1).map((t, i) => t - frames[i]!);
}

/** Drags the empty canvas near its bottom edge (a pan) and returns the frame intervals. */
async function panFrames(page: Page, canvas: string): Promise<number[]> {
  const box = (await page.locator(canvas).boundingBox())!;
  return dragFrames(page, { x: box.x + box.width * 0.5, y: box.y + box.height - 30 }, 200, 8);
}

async function timed(action: () => Promise<unknown>, until: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  await until();
  return performance.now() - t0;
}

/** A node's transform (a string, so tsx adds nothing the page lacks). */
const transformOf = (el: Element): string => (el as HTMLElement).style.transform;

const frameText = (f: number[]) =>
  `${pct(f, 50).toFixed(1)} / ${pct(f, 95).toFixed(1)} / ${Math.max(...f).toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log(`bench:web  load ${load()}  sizes ${sizes.join(', ')}`);
  const initial = initialJavaScript();
  console.log(
    `web initial JavaScript: ${initial.files} files, ${(initial.gzip / 1024).toFixed(1)} kB gzip (target ≤ 500 kB)`,
  );
  let missed = initial.gzip > 500 * 1024;
  const plainOut = mkdtempSync(join(tmpdir(), 'baton-bench-plain-'));
  await build({ root: plainRoot, logLevel: 'warn', base: './', build: { outDir: plainOut, emptyOutDir: true } });
  const plain = await serveStatic(plainOut);
  const server = await startServer();
  const browser = await launchBrowser('en-US');
  try {
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'owner', password: demoPassword },
    });
    const auth = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));

    for (const size of sizes) {
      const key = `bench-${size}`;
      const definition = generateDefinition(key, size);
      const n = definition.nodes.length;
      writeFileSync(join(plainOut, 'definition.json'), JSON.stringify(definition));
      for (const [url, payload] of [
        ['/api/models', { key, name: definition.name }],
        [`/api/models/${key}/versions`, { definition, state: 'target' }],
      ] as const) {
        const answer = await server.app.inject({ method: 'POST', url, payload, headers: auth });
        if (answer.statusCode >= 300) throw new Error(`${url}: ${answer.statusCode} ${answer.body}`);
      }
      const nodes = (scope = '') => page.locator(`${scope} .react-flow__node`).count();
      const allDrawn =
        (scope = '') =>
        async () => {
          while ((await nodes(scope)) < n) await page.waitForTimeout(20);
        };

      await page.goto('about:blank');
      const plainOpen = await timed(() => page.goto(`${plain.url}/index.html`), allDrawn());
      const plainPan = await panFrames(page, '.react-flow');
      const plainDrag = await dragFrames(page, await grabbableNode(page, '.react-flow'));

      await page.goto('about:blank');
      const open = await timed(() => page.goto(`${server.baseUrl}/models/${key}`), allDrawn());
      const pan = await panFrames(page, '.designer-canvas');
      const grabbed = await grabbableNode(page, '.designer-canvas');
      const id = await grabbed.node.getAttribute('data-id');
      const at = await grabbed.node.evaluate(transformOf);
      const drag = await dragFrames(page, grabbed);
      const moved = page.locator(`.designer-canvas .react-flow__node[data-id="${id}"]`);
      if ((await moved.evaluate(transformOf)) === at) throw new Error('the dragged node did not move');
      await page.keyboard.press('Control+z');

      const views = page.getByTestId('view-switch');
      const approval = await timed(
        () => views.getByText('Approval', { exact: true }).click(),
        () => page.locator('[data-testid="approval-view"] [data-node="end"]').waitFor(),
      );
      const lanes = await timed(
        () => views.getByText('Lanes', { exact: true }).click(),
        allDrawn('[data-testid="lanes-view"]'),
      );
      await views.getByText('Graph', { exact: true }).click();
      const end = page.locator('.react-flow__node[data-id="end"]');
      const before = await end.evaluate(transformOf);
      const tidy = await timed(
        () => page.getByTestId('tidy-up').click(),
        async () => {
          while ((await end.evaluate(transformOf)) === before) await page.waitForTimeout(20);
        },
      );

      console.log(
        `web ${n} nodes: plain open ${ms(plainOpen)}, pan ${frameText(plainPan)}, drag ${frameText(plainDrag)}; designer open ${ms(open)} (×${(open / plainOpen).toFixed(2)}), pan ${frameText(pan)}, drag ${frameText(drag)}; approval view ${ms(approval)}; lanes view ${ms(lanes)}; tidy up ${ms(tidy)}  [load ${load()}]`,
      );
      if (size <= 300 && (open > 1500 || pct(drag, 95) > 33.4)) missed = true;
    }
    await page.close();
  } finally {
    await browser.close();
    await server.close();
    plain.server.close();
    rmSync(plainOut, { recursive: true, force: true });
  }
  if (missed) {
    console.log(
      'bench:web: a target was missed (initial JavaScript ≤ 500 kB gzip; 300 nodes: open ≤ 1.5 s, drag p95 ≤ 33 ms)',
    );
    process.exitCode = 1;
  }
}

mkdirSync(tmpdir(), { recursive: true });
await main();
