import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { deleteImage, MediaMutationError, reorderImages } from '../examples/frontend-client/src/manage-images';
import { getResponsiveImage, imgHtml } from '../examples/frontend-client/src/responsive-image';
import { ImageUploadError, uploadImage, type UploadProgress } from '../examples/frontend-client/src/upload-image';
import { makeImage } from './helpers/images';
import { startTestServer, type TestServer } from './helpers/server';

/** The attributes of the one `<img>` in `html`, unescaped; fails on anything else. */
function parseImg(html: string): Record<string, string> {
  expect(html).toMatch(/^<img( [a-z]+="[^"]*")*>$/);
  const unescape = (value: string) => value.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return Object.fromEntries([...html.matchAll(/ ([a-z]+)="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

/** Fetches a URL of the markup and decodes it: its status, format and size. */
async function fetchImage(url: string) {
  const res = await fetch(url);
  const { format, width, height } = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  return { status: res.status, format, width, height };
}

describe('the example frontend client', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('requests an upload URL, PUTs the bytes with progress and returns the image once READY', async () => {
    const bytes = await makeImage(900, 600, 'jpeg');
    const progress: UploadProgress[] = [];
    const image = await uploadImage({
      endpoint: `${t.url}/graphql`,
      productId: 'client-product',
      file: new Blob([bytes], { type: 'image/jpeg' }),
      fileName: 'desk.jpg',
      onProgress: (p) => progress.push(p),
      pollIntervalMs: 50,
    });

    expect(image).toMatchObject({ status: 'READY', width: 900, height: 600 });
    expect(image.variants.map((v) => v.kind).sort()).toEqual(['LOW', 'ORIGINAL', 'STANDARD', 'THUMBNAIL']);
    // Progress rises to the whole file, never past it.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loaded).toBeGreaterThan(progress[i - 1]!.loaded);
    // The subgraph has it: the bytes behind its URL are the ones sent.
    const original = await fetch(image.url!);
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('confirms the upload after the PUT (required where the bytes go straight to storage), then reads the image', async () => {
    // Every request the client sends, in order: a GraphQL operation by name, else its method.
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query: string }) : undefined;
      sent.push(body ? /^(?:query|mutation) (\w+)/.exec(body.query)![1]! : (init?.method ?? 'GET'));
      return realFetch(input, init);
    });
    try {
      const image = await uploadImage({
        endpoint: `${t.url}/graphql`,
        productId: 'client-confirmed',
        file: new Blob([await makeImage(40, 30, 'png')], { type: 'image/png' }),
        pollIntervalMs: 50,
      });
      expect(image.status).toBe('READY');
    } finally {
      spy.mockRestore();
    }
    expect(sent).toEqual(['RequestImageUpload', 'PUT', 'ConfirmImageUpload', 'ImageStatus']);
  });

  it("rejects with the subgraph's code when the bytes are not the declared type, and stores nothing", async () => {
    const bytes = await makeImage(10, 10, 'png');
    await expect(
      uploadImage({
        endpoint: `${t.url}/graphql`,
        productId: 'client-refused',
        // Declared as JPEG, but the bytes are a PNG: the upload URL answers 415.
        file: new Blob([bytes], { type: 'image/jpeg' }),
      }),
    ).rejects.toEqual(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }));
    const images = await t.gql(
      '{ productMedia(productId: "client-refused") { images(includeDisabled: true, includePending: true) { status } } }',
    );
    expect(images.body.data.productMedia.images).toEqual([{ status: 'AWAITING_UPLOAD' }]);
  });

  it('rejects with the userErrors code of requestImageUpload, before any PUT, when the image is over the limit', async () => {
    let puts = 0;
    const error = await uploadImage({
      endpoint: `${t.url}/graphql`,
      productId: 'client-too-big',
      file: new Blob([new Uint8Array(20 * 1024 * 1024 + 1)], { type: 'image/png' }),
      onProgress: () => puts++,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageUploadError);
    expect((error as ImageUploadError).code).toBe('FILE_TOO_LARGE');
    expect(puts).toBe(0);
    const images = await t.gql(
      '{ productMedia(productId: "client-too-big") { images(includeDisabled: true) { id } } }',
    );
    expect(images.body.data.productMedia.images).toEqual([]);
  });

  it('renders a responsive <img>: WebP srcset at the widths it states, a 640-wide WebP src, a ThumbHash placeholder', async () => {
    const endpoint = `${t.url}/graphql`;
    const file = new Blob([await makeImage(900, 600, 'jpeg')], { type: 'image/jpeg' });
    const { id } = await uploadImage({
      endpoint,
      productId: 'client-storefront',
      file,
      alt: 'A desk',
      pollIntervalMs: 50,
    });
    const image = (await getResponsiveImage({ endpoint }, id))!;
    const img = parseImg(imgHtml(image));

    expect(img).toMatchObject({
      width: '640',
      height: '427',
      sizes: '(max-width: 640px) 100vw, 640px',
      alt: 'A desk',
      loading: 'lazy',
    });
    // Every candidate is a WebP of the width its descriptor states, the image's own width last.
    const candidates = img.srcset!.split(', ').map((candidate) => {
      const [url, descriptor] = candidate.split(' ');
      return { url: url!, width: Number(/^(\d+)w$/.exec(descriptor!)![1]) };
    });
    expect(candidates.map((c) => c.width)).toEqual([256, 384, 512, 640, 750, 828, 900]);
    for (const { url, width } of candidates) {
      expect(await fetchImage(url)).toMatchObject({ status: 200, format: 'webp', width });
    }
    expect(await fetchImage(img.src!)).toEqual({ status: 200, format: 'webp', width: 640, height: 427 });
    // The placeholder is the ThumbHash as a small PNG of the image's shape.
    const dataUrl = /^background: center \/ cover no-repeat url\((data:image\/png;base64,[A-Za-z0-9+/=]+)\)$/.exec(
      img.style!,
    )![1]!;
    const png = await sharp(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')).metadata();
    expect(png.format).toBe('png');
    expect(png.width / png.height).toBeCloseTo(1.5, 0);
    // Without a ThumbHash, the dominant colour stands in.
    expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(parseImg(imgHtml({ ...image, thumbhash: null })).style).toBe(`background: ${image.dominantColor}`);
  });

  it('reorders a gallery and deletes an image, one mutation each, and names a refused id', async () => {
    const endpoint = `${t.url}/graphql`;
    const ids: string[] = [];
    for (const width of [30, 40, 50]) {
      const file = new Blob([await makeImage(width, 20)], { type: 'image/png' });
      ids.push((await uploadImage({ endpoint, productId: 'client-gallery', file, pollIntervalMs: 50 })).id);
    }
    const [a, b, c] = ids as [string, string, string];
    expect(await reorderImages({ endpoint }, 'client-gallery', [c, a])).toEqual([
      { id: c, ordering: 0 },
      { id: a, ordering: 1 },
      { id: b, ordering: 2 },
    ]);
    expect(await deleteImage({ endpoint }, a)).toEqual([c, b]);
    const refused = await reorderImages({ endpoint }, 'client-gallery', [b, a]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MediaMutationError);
    expect((refused as MediaMutationError).message).toBe(
      'INVALID_INPUT (input.imageIds.1): Not an image of product client-gallery at LOCAL',
    );
  });
});

describe('the example client on the command line (npm run example:upload)', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'client-cli-'));
  });
  afterAll(() => t.stop());

  /** Runs the client as `npm run example:upload -- <args>` would; resolves when it exits. */
  const runClient = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.resolve(__dirname, '../examples/frontend-client/src/main.ts'), ...args],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('uploads a file and prints the image once READY, then its <img>', async () => {
    const file = path.join(dir, 'shelf.png');
    writeFileSync(file, await makeImage(300, 200, 'png'));
    const run = await runClient(file, 'cli-product', `${t.url}/graphql`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^(\ruploaded \d+%)+\ngid:\/\/product-media\/ProductImage\/local\/cli-product\/\S+ is READY: /,
    );
    expect(run.stdout).toMatch(/\n<img [^\n]*srcset="[^"]+"[^\n]*>\n$/);
  });

  it('names the file that cannot be read', async () => {
    const run = await runClient(path.join(dir, 'missing.png'), 'cli-product', `${t.url}/graphql`);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `${path.join(dir, 'missing.png')}: no such file\n` });
  });

  it('names the endpoint that cannot be reached, with the reason', async () => {
    const file = path.join(dir, 'unsent.png');
    writeFileSync(file, await makeImage(10, 10, 'png'));
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
    await new Promise((resolve) => closed.close(resolve));
    const run = await runClient(file, 'cli-product', endpoint);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`NETWORK_ERROR: ${endpoint} could not be reached (ECONNREFUSED)\n`);
  });

  it('ends the progress line before the error, and names the upload URL without its token', async () => {
    // A JPEG under a .png name: requested as image/png, the upload URL answers 415 once the bytes are in.
    const file = path.join(dir, 'not-really.png');
    writeFileSync(file, await makeImage(400, 300, 'jpeg'));
    const run = await runClient(file, 'cli-product', `${t.url}/graphql`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^(\ruploaded \d+%)+\n$/);
    expect(run.stderr).toMatch(
      /^UNSUPPORTED_MEDIA_TYPE: PUT http:\/\/[a-z0-9.]+:\d+\/uploads\/…: The bytes are image\/jpeg, not the declared image\/png\n$/,
    );
  });
});
