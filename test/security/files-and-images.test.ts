import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { MediaFailure } from '../../src/domain/errors';
import { makeImage } from '../helpers/images';
import { putBytes, REQUEST_FILE_UPLOAD, requestImage, startTestServer, type TestServer } from '../helpers/server';
import { storedObjects } from '../backend/backend';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid PNG of `size` x `size` one-bit grey pixels, all black: a few
 * kilobytes on the wire, `size`² pixels once decoded (a decompression bomb).
 */
function pngBomb(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const row = Math.ceil(size / 8) + 1;
  const raw = Buffer.alloc(row * size); // every row: filter byte 0 and zero bits
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('image types are decided from the bytes, against an allowlist', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it.each(['png', 'jpeg', 'gif', 'webp', 'tiff', 'avif'] as const)('accepts %s', async (format) => {
    const bytes = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#0a8' } })
      .toFormat(format)
      .toBuffer();
    const { image, upload } = await requestImage(t, { productId: `type-${format}` });
    const put = await putBytes(upload, bytes, { 'content-type': 'application/octet-stream' });
    expect(put.status).toBe(200);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status contentType width height } }`, {
      id: image.id,
    });
    expect(res.body.data.productImage).toEqual({
      status: 'READY',
      contentType: `image/${format}`,
      width: 32,
      height: 24,
    });
  });

  it.each([
    ['SVG (scripts, external references)', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['SVG behind an XML prolog', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['HTML', '<!doctype html><script>alert(1)</script>'],
    ['PDF', '%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'],
    ['a PPM image (a type libvips reads but the subgraph does not allow)', 'P3\n1 1\n255\n0 0 0\n'],
    ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])],
  ])('refuses %s with 415, whatever the client declares', async (_, content) => {
    const { image, upload } = await requestImage(t, { productId: 'not-an-image' });
    const put = await putBytes(upload, Buffer.from(content), { 'content-type': 'image/png' });
    expect(put.status).toBe(415);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id: image.id });
    expect(res.body.data.productImage.status).toBe('AWAITING_UPLOAD');
  });

  it('refuses image/svg+xml as a declared type before issuing an upload URL', async () => {
    const res = await t.gql(
      `mutation { requestImageUpload(input: { productId: "svg", contentType: "image/svg+xml" }) { upload { url } userErrors { code field } } }`,
    );
    expect(res.body.data.requestImageUpload).toEqual({
      upload: null,
      userErrors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', field: ['input', 'contentType'] }],
    });
  });
});

describe('decoding limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MEDIA_MAX_IMAGE_PIXELS: '40000000' });
  });
  afterAll(() => t.stop());

  it('refuses a 20000x20000 PNG bomb from its header, and the process is unhurt', async () => {
    const bomb = pngBomb(20_000);
    expect(bomb.length).toBeLessThan(200_000);
    const { image, upload } = await requestImage(t, { productId: 'bomb' });
    const rssBefore = process.memoryUsage().rss;
    const put = await putBytes(upload, bomb);
    expect(put.status).toBe(413);
    expect(put.body.error.message).toMatch(/400000000 pixels; the limit is 40000000/);
    // Decoding 400 megapixels would take at least 400 MB; reading the header takes next to nothing.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id: image.id });
    expect(res.body.data.productImage.status).toBe('AWAITING_UPLOAD');
    expect((await storedObjects(t.dataDir)).filter((f) => f.includes(image.id.split('/').pop()))).toEqual([]);
    // Still serving uploads.
    const next = await requestImage(t, { productId: 'after-bomb' });
    expect((await putBytes(next.upload, await makeImage(40, 40))).status).toBe(200);
  });

  it('blocks the libvips decoders the subgraph does not need, even for bytes that reach sharp directly', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'decoders-'));
    const svg = path.join(dir, 'image.svg');
    await fs.writeFile(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const ppm = path.join(dir, 'image.ppm');
    await fs.writeFile(ppm, 'P3\n2 2\n255\n0 0 0 0 0 0 0 0 0 0 0 0\n');
    for (const file of [svg, ppm]) {
      const failure = await t.server.images.probe(file).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(MediaFailure);
      expect((failure as MediaFailure).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const png = path.join(dir, 'image.png');
    await fs.writeFile(png, await makeImage(10, 10));
    await expect(t.server.images.probe(png)).resolves.toEqual({ width: 10, height: 10 });
  });
});

describe('file names are metadata only', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const requestFile = (fileName: string) =>
    t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'names', fileName, contentType: 'application/pdf' } });

  it.each([
    ['../../etc/passwd', '../../etc/passwd'],
    ['/etc/passwd', '/etc/passwd'],
    ['C:\\Windows\\win.ini', 'C:\\Windows\\win.ini'],
    ['report\u0000.pdf', 'report.pdf'],
    ['line\r\nbreak\t.pdf', 'linebreak.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u2066isolated\u2069.pdf', 'isolated.pdf'],
  ])('keeps %j as a name (%j), never as a path', async (given, stored) => {
    const res = await requestFile(given);
    const { file, upload } = res.body.data.requestFileUpload;
    expect(file.fileName).toBe(stored);
    expect((await putBytes(upload, Buffer.from('%PDF-1.7\n%%EOF\n'))).status).toBe(200);

    // Every stored path is one the subgraph made: kinds, uuids and fixed names.
    for (const blob of await storedObjects(t.dataDir)) {
      expect(blob).toMatch(/^(images|files)\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/[a-z]+(\.[a-z]+)?$/);
    }
    const read = await t.gql(`query($id: ID!) { productFile(id: $id) { fileName downloadUrl } }`, { id: file.id });
    const download = await fetch(read.body.data.productFile.downloadUrl);
    expect(download.status).toBe(200);
    const disposition = download.headers.get('content-disposition')!;
    // The plain `filename` is printable ASCII with no quotes or separators; the exact name is only percent-encoded.
    expect(disposition).toMatch(
      /^attachment; filename="[\x20-\x21\x23-\x2e\x30-\x3a\x3c-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[^\s"]+$/,
    );
  });

  it.each(['.', '..', '%2e%2e'])(
    'a file named %j gets a download URL that survives URL normalisation, served as a sandboxed attachment',
    async (fileName) => {
      const res = await requestFile(fileName);
      const { file, upload } = res.body.data.requestFileUpload;
      const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
      expect((await putBytes(upload, html)).status).toBe(200);
      const read = await t.gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, { id: file.id });
      const url: string = read.body.data.productFile.downloadUrl;
      // What a browser would request: the URL after WHATWG normalisation.
      expect(new URL(url).pathname).toBe(new URL(url).pathname.replace(/\/\.{1,2}(?=\/|$)/g, '/x'));
      const download = await fetch(url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(html)).toBe(true);
      expect(download.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
    },
  );

  it.each([
    ['10,000 characters', 'a'.repeat(10_000)],
    ['only control characters', '\u0000\u0001\u0002'],
    ['only white space', '   '],
    ['lone surrogates', 'a\uD800b.pdf'],
  ])('refuses a name of %s with INVALID_INPUT, storing nothing', async (_, fileName) => {
    const res = await requestFile(fileName);
    expect(res.body.data.requestFileUpload).toEqual({
      file: null,
      upload: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'fileName'] })],
    });
  });

  it('cleans image names and alt text the same way', async () => {
    const res = await t.gql(
      `mutation { requestImageUpload(input: { productId: "names", name: "../x\\u0000\\u202E.png", alt: "a\\u0007lt" }) { image { name alt } userErrors { code } } }`,
    );
    expect(res.body.data.requestImageUpload).toEqual({ image: { name: '../x.png', alt: 'alt' }, userErrors: [] });
  });
});
