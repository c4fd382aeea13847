import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../helpers/chromium';
import { startProductsSubgraph, type ProductsSubgraph } from '../../examples/products-subgraph/server';
import { startGateway, type RunningGateway } from '../../examples/supergraph/gateway';
import {
  graphqlClient,
  putBytes,
  REQUEST_FILE_UPLOAD,
  startTestServer,
  uploadImage,
  type TestServer,
} from '../helpers/server';

const ROOT = path.resolve(__dirname, '../..');
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
const CONFIG = path.join(ROOT, 'examples/media-console/vite.config.ts');
const OUTPUT = path.join(ROOT, 'test-output');
export const SCREENSHOTS = {
  uploaded: path.join(OUTPUT, 'console-uploaded.png'),
  reordered: path.join(OUTPUT, 'console-reordered.png'),
  deleted: path.join(OUTPUT, 'console-deleted.png'),
  devServer: path.join(OUTPUT, 'console-dev-server.png'),
};

/**
 * Runs Vite's CLI as `npm run console` / `console:build` do. `done` resolves
 * once `ready` is true of its output so far, or (without `ready`) when it exits well.
 */
function runVite(args: string[], env: Record<string, string> = {}, ready?: (out: string) => boolean) {
  const child = spawn(process.execPath, [VITE, ...args, '--config', CONFIG], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite ${args[0]} did not finish:\n${out}`)), 60_000);
    const collect = (chunk: Buffer) => {
      // Colours (kept by some terminals and CI settings despite NO_COLOR) split the text matched: dropped.
      // eslint-disable-next-line no-control-regex
      out += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
      if (ready?.(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && !ready) resolve(out);
      else reject(new Error(`vite ${args[0]} exited (${code}):\n${out}`));
    });
  });
  return { child, done };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** The built console on a loopback port, with /graphql passed on to `graphqlOrigin`, as the dev server's proxy does. */
async function serveConsole(dir: string, graphqlOrigin: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname === '/graphql') {
      const forward = http.request(
        `${graphqlOrigin}/graphql`,
        { method: req.method, headers: { ...req.headers, host: new URL(graphqlOrigin).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
      return;
    }
    const file = path.join(dir, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dir) || !existsSync(file) || !TYPES[path.extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A free loopback port for the dev server (Vite's `--port 0` means its default). */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A real PNG, made with sharp: a coloured background with a light disc, so each one is told apart in the screenshots. */
function makePng(width: number, height: number, background: string): Promise<Buffer> {
  const r = Math.min(width, height) / 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${background}"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#f4efe6"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Allows the page loopback requests only, and records the others (refused) and any page error. */
async function guard(page: Page) {
  const elsewhere: string[] = [];
  const pageErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // Deleting asks first.
  page.on('dialog', (dialog) => void dialog.accept());
  return { elsewhere, pageErrors };
}

/** The ids of the grid's tiles, in the order shown. */
const tileIds = (page: Page): Promise<string[]> =>
  page.locator('#images li').evaluateAll((tiles: any[]) => tiles.map((tile) => tile.dataset.id as string));

/** Waits until the grid shows `ids`, in this order, all READY with their picture loaded. */
async function waitForGrid(page: Page, ids: string[] | number) {
  await page.waitForFunction(
    (expected: any) => {
      const tiles = [...(globalThis as any).document.querySelectorAll('#images li')];
      const shown = tiles.map((tile: any) => tile.dataset.id);
      const fits = typeof expected === 'number' ? shown.length === expected : shown.join() === expected.join();
      return (
        fits &&
        tiles.every((tile: any) => tile.dataset.status === 'READY' && tile.querySelector('img')?.naturalWidth > 0)
      );
    },
    ids,
    { timeout: 30_000 },
  );
}

describe('the media console in a real browser', () => {
  const product = 'console-product';
  let media: TestServer;
  let products: ProductsSubgraph;
  let gateway: RunningGateway;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;
  let buildDir: string;
  /** GraphQL through the gateway, as the console asks. */
  let api: TestServer['gql'];
  const manual = Buffer.from('Assembly: four screws per leg.\n');

  beforeAll(async () => {
    media = await startTestServer();
    products = await startProductsSubgraph(0);
    gateway = await startGateway({
      port: 0,
      env: {},
      routingUrls: { 'product-media': `${media.url}/graphql`, products: `${products.url}/graphql` },
    });
    api = graphqlClient(gateway.url);
    // `npm run console:build`, into a folder of the test's own.
    buildDir = mkdtempSync(path.join(os.tmpdir(), 'media-console-'));
    await runVite(['build', '--outDir', buildDir, '--logLevel', 'warn']).done;
    site = await serveConsole(buildDir, gateway.url);
    browser = await launchChromium();
    mkdirSync(OUTPUT, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await gateway?.stop();
    await products?.stop();
    await media?.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('uploads by file picker and by drop, reorders by drag, sets the thumbnail, deletes, and links files', async () => {
    // A downloadable file, uploaded the API's way: requestFileUpload, then a PUT.
    const requested = await media.gql(REQUEST_FILE_UPLOAD, {
      input: { productId: product, fileName: 'assembly.txt', contentType: 'text/plain', byteSize: manual.length },
    });
    expect(requested.body.data.requestFileUpload.userErrors).toEqual([]);
    expect((await putBytes(requested.body.data.requestFileUpload.upload, manual)).status).toBe(200);

    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const { elsewhere, pageErrors } = await guard(page);
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${site.url}/?product=${product}`);

    // The file, with a working download link.
    const link = page.locator('#files a');
    await link.waitFor({ timeout: 20_000 });
    // Nothing is uploading: no progress bar; and the page asked for nothing that is not there (its icon included).
    expect(await page.locator('#upload-state').isVisible()).toBe(false);
    expect(failed).toEqual([]);
    expect(await link.innerText()).toBe('assembly.txt');
    const download = await fetch((await link.getAttribute('href'))!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(manual)).toBe(true);
    expect(await page.inputValue('#product-id')).toBe(product);
    expect(await page.locator('#images li').count()).toBe(0);

    // Every value the progress bar takes.
    await page.evaluate(() => {
      const g = globalThis as any;
      const bar = g.document.getElementById('upload-progress');
      g.progressSeen = [];
      new g.MutationObserver(() => g.progressSeen.push(Number(bar.value))).observe(bar, { attributes: true });
    });

    // 1. A real PNG through the file picker.
    const red = await makePng(800, 600, '#c83c14');
    await page.setInputFiles('#file-input', { name: 'red.png', mimeType: 'image/png', buffer: red });
    await waitForGrid(page, 1);
    await page.waitForFunction(`document.getElementById('upload-label').textContent === 'Uploaded 1 of 1'`);
    expect(await page.locator('#upload-progress').evaluate((bar: any) => [bar.value, bar.max])).toEqual([100, 100]);
    expect(await page.locator('#upload-percent').innerText()).toBe('100%');
    const seen: number[] = await page.evaluate(() => (globalThis as any).progressSeen);
    expect(seen.at(-1)).toBe(100);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    const [redId] = await tileIds(page);
    const stored = await api(`query($id: ID!) { productImage(id: $id) { status width height byteSize } }`, {
      id: redId,
    });
    expect(stored.body.data.productImage).toEqual({ status: 'READY', width: 800, height: 600, byteSize: red.length });
    await page.screenshot({ path: SCREENSHOTS.uploaded, fullPage: true });

    // 2. A second PNG dropped on the drop zone (a synthetic drop carrying a File).
    const blue = await makePng(400, 600, '#1e50c8');
    const dataTransfer = await page.evaluateHandle((base64: string) => {
      const g = globalThis as any;
      const bytes = Uint8Array.from(g.atob(base64), (c: string) => c.charCodeAt(0));
      const transfer = new g.DataTransfer();
      transfer.items.add(new g.File([bytes], 'blue.png', { type: 'image/png' }));
      return transfer;
    }, blue.toString('base64'));
    await page.locator('#drop-zone').dispatchEvent('dragover', { dataTransfer });
    await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer });
    await waitForGrid(page, 2);
    const imageIds = await tileIds(page);
    const blueId = imageIds.find((id) => id !== redId)!;
    expect(imageIds).toEqual([redId, blueId]);
    await page.waitForFunction(`document.getElementById('message').textContent === 'Uploaded 1 image.'`);

    // 3. Drag the second tile onto the first: the order changes in the grid and in the API.
    const tiles = page.locator('#images li');
    await tiles.nth(1).dragTo(tiles.nth(0));
    await page.waitForFunction(`document.getElementById('message').textContent === 'Order saved.'`);
    await waitForGrid(page, [blueId, redId!]);
    const ordered = await api(`query($p: ID!) { productMedia(productId: $p) { images { id ordering } } }`, {
      p: product,
    });
    expect(ordered.body.data.productMedia.images).toEqual([
      { id: blueId, ordering: 0 },
      { id: redId, ordering: 1 },
    ]);
    await page.screenshot({ path: SCREENSHOTS.reordered, fullPage: true });

    // 4. Make the red image (now second) the thumbnail.
    const redTile = page.locator(`#images li[data-id="${redId}"]`);
    expect(await redTile.locator('.badge').count()).toBe(0);
    await redTile.locator('.set-thumbnail').click();
    await redTile.locator('.badge', { hasText: 'Thumbnail' }).waitFor({ timeout: 10_000 });
    expect(await redTile.locator('.set-thumbnail').isDisabled()).toBe(true);
    const thumbnail = await api(`query($p: ID!) { productMedia(productId: $p) { thumbnail { id } } }`, {
      p: product,
    });
    expect(thumbnail.body.data.productMedia.thumbnail).toEqual({ id: redId });

    // 5. Delete the blue image: gone from the grid, and its URLs answer 404.
    const blueTile = page.locator(`#images li[data-id="${blueId}"]`);
    const blueUrls = [(await blueTile.locator('img').getAttribute('src'))!];
    const blueImage = await api(`query($id: ID!) { productImage(id: $id) { url variants { url } } }`, {
      id: blueId,
    });
    blueUrls.push(
      blueImage.body.data.productImage.url,
      ...blueImage.body.data.productImage.variants.map((v: any) => v.url),
    );
    for (const url of blueUrls) expect((await fetch(url)).status).toBe(200);
    await blueTile.locator('.delete').click();
    await waitForGrid(page, [redId!]);
    await page.waitForFunction(`document.getElementById('message').textContent === 'Image deleted.'`);
    for (const url of blueUrls) expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 404 });
    const left = await api(`query($p: ID!) { productMedia(productId: $p) { images(includePending: true) { id } } }`, {
      p: product,
    });
    expect(left.body.data.productMedia.images).toEqual([{ id: redId }]);
    await page.screenshot({ path: SCREENSHOTS.deleted, fullPage: true });

    expect(await page.locator('#message.error').count()).toBe(0);
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it("runs on `npm run console`'s dev server, whose proxy passes /graphql on to the gateway", async () => {
    const other = 'console-dev-product';
    const imageId = await uploadImage(media, other, await makePng(300, 300, '#20a050'));
    const port = await freePort();
    const dev = runVite(
      ['--host', '127.0.0.1', '--port', String(port), '--strictPort', '--clearScreen', 'false'],
      { MEDIA_CONSOLE_TARGET: gateway.url },
      (out) => out.includes(`http://127.0.0.1:${port}/`),
    );
    try {
      await dev.done;
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      const { elsewhere, pageErrors } = await guard(page);
      // Opened without ?product=, the product is chosen in the text field.
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.fill('#product-id', other);
      await page.press('#product-id', 'Enter');
      await page.waitForURL(`**/?product=${other}`);
      await waitForGrid(page, [imageId]);
      expect(await page.locator('#no-files').isVisible()).toBe(true);
      await page.screenshot({ path: SCREENSHOTS.devServer, fullPage: true });
      expect(elsewhere).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.close();
    } finally {
      if (dev.child.exitCode === null && dev.child.signalCode === null) {
        const exited = new Promise((resolve) => dev.child.once('exit', resolve));
        dev.child.kill('SIGTERM');
        await exited;
      }
    }
  }, 90_000);
});
