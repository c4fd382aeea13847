import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeImage } from '../helpers/images';
import { startTestServer, UPDATE_IMAGE, uploadImage, type TestServer } from '../helpers/server';
import { storedObjects } from '../backend/backend';

/** A loopback origin with the behaviours a hostile or broken `sourceUrl` host shows, counting its requests. */
async function startOrigin(png: Buffer) {
  const hits: string[] = [];
  const closed: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.push(url);
    req.socket.once('close', () => closed.push(url));
    const redirect = /^\/redirect\?to=(.*)$/.exec(url);
    if (redirect) return void res.writeHead(302, { location: decodeURIComponent(redirect[1]!) }).end();
    const loop = /^\/loop\/(\d+)$/.exec(url);
    if (loop) return void res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
    if (url === '/photo.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (url === '/huge-declared') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(50 * 1024 * 1024) });
      return void res.write(png.subarray(0, 100));
    }
    if (url === '/endless') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(png.subarray(0, 64));
      const pump = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 5);
      return void res.once('close', () => clearInterval(pump));
    }
    if (url === '/drip') {
      res.writeHead(200, { 'content-type': 'image/png' });
      let sent = 0;
      const drip = setInterval(() => res.write(png.subarray(sent, ++sent)), 200);
      return void res.once('close', () => clearInterval(drip));
    }
    if (url === '/silent') return; // accepts the request, never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    hits,
    closed,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function updateFromUrl(t: TestServer, id: string, sourceUrl: string) {
  const res = await t.gql(UPDATE_IMAGE, { input: { id, sourceUrl } });
  return res.body.data.updateImage as {
    image: { width: number } | null;
    userErrors: { code: string; message: string; field: string[] }[];
  };
}

let png: Buffer;
let origin: Awaited<ReturnType<typeof startOrigin>>;
beforeAll(async () => {
  png = await makeImage(64, 48);
  origin = await startOrigin(png);
});
afterAll(() => origin.close());

describe('sourceUrl with private addresses refused (the default)', () => {
  let t: TestServer;
  let id: string;
  beforeAll(async () => {
    t = await startTestServer();
    id = await uploadImage(t, 'ssrf', await makeImage(10, 10));
  });
  afterAll(() => t.stop());

  it.each([
    ['loopback', () => `${origin.base}/photo.png`],
    ['a name that resolves to loopback (checked after DNS)', () => `http://localhost:${origin.port}/photo.png`],
    ['IPv6 loopback', () => `http://[::1]:${origin.port}/photo.png`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${origin.port}/photo.png`],
    ['loopback written as one decimal number', () => `http://2130706433:${origin.port}/photo.png`],
    ['loopback written in hex', () => `http://0x7f.1:${origin.port}/photo.png`],
    ['0.0.0.0', () => `http://0.0.0.0:${origin.port}/photo.png`],
    ['a private network', () => 'http://10.1.2.3/photo.png'],
    ['another private network', () => 'http://192.168.0.10/photo.png'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/photo.png'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['the AWS IPv6 metadata address', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['IPv6 link-local', () => 'http://[fe80::1]/'],
    ['IPv6 unique-local', () => 'http://[fd12:3456::1]/'],
  ])('refuses %s before connecting', async (_, url) => {
    const hitsBefore = origin.hits.length;
    const payload = await updateFromUrl(t, id, url());
    expect(payload.image).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field: ['input', 'sourceUrl'],
        message: expect.stringMatching(/address/),
      }),
    ]);
    expect(origin.hits.length).toBe(hitsBefore);
  });

  it.each([
    ['file:///etc/passwd'],
    ['ftp://example.com/photo.png'],
    ['gopher://127.0.0.1:6379/_INFO'],
    ['http://user:secret@example.com/photo.png'],
    ['not a url'],
  ])('refuses %s by its form', async (url) => {
    const payload = await updateFromUrl(t, id, url);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'sourceUrl'] }),
    ]);
    expect(JSON.stringify(payload)).not.toContain('secret');
  });
});

describe('sourceUrl with MEDIA_FETCH_ALLOW_PRIVATE=true (development)', () => {
  let t: TestServer;
  let id: string;
  beforeAll(async () => {
    t = await startTestServer({
      MEDIA_FETCH_ALLOW_PRIVATE: 'true',
      MEDIA_SOURCE_FETCH_TIMEOUT_MS: '1500',
      MEDIA_MAX_IMAGE_BYTES: String(1024 * 1024),
    });
    id = await uploadImage(t, 'dev', await makeImage(10, 10));
  });
  afterAll(() => t.stop());

  const width = async () =>
    (await t.gql(`query($id: ID!) { productImage(id: $id) { width } }`, { id })).body.data.productImage.width as number;

  it('fetches from loopback, following a redirect', async () => {
    const payload = await updateFromUrl(t, id, `${origin.base}/redirect?to=${encodeURIComponent('/photo.png')}`);
    expect(payload.userErrors).toEqual([]);
    expect(payload.image!.width).toBe(64);
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['the metadata address, IPv4-mapped', 'http://[::ffff:a9fe:a9fe]/latest/meta-data/'],
    ['a file URL', 'file:///etc/passwd'],
  ])('checks each redirect again: refuses one to %s', async (_, target) => {
    const before = await width();
    const payload = await updateFromUrl(t, id, `${origin.base}/redirect?to=${encodeURIComponent(target)}`);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'sourceUrl'] }),
    ]);
    expect(await width()).toBe(before);
  });

  it('refuses more than 3 redirects', async () => {
    const payload = await updateFromUrl(t, id, `${origin.base}/loop/0`);
    expect(payload.userErrors[0]!.message).toMatch(/redirected more than 3 times/);
    expect(origin.hits.filter((h) => h.startsWith('/loop/'))).toHaveLength(4);
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    const payload = await updateFromUrl(t, id, `${origin.base}/huge-declared`);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE', field: ['input', 'sourceUrl'] }),
    ]);
  });

  it('stops an endless body at the byte limit and hangs up', async () => {
    const payload = await updateFromUrl(t, id, `${origin.base}/endless`);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE', field: ['input', 'sourceUrl'] }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(origin.closed).toContain('/endless');
  });

  it.each([
    ['sends its body one byte at a time', '/drip'],
    ['never answers', '/silent'],
  ])('gives up on a server that %s, at the timeout', async (_, path) => {
    const before = await width();
    const payload = await updateFromUrl(t, id, `${origin.base}${path}`);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/timed out/) }),
    ]);
    expect(await width()).toBe(before);
    expect((await storedObjects(t.dataDir)).filter((f) => f.startsWith('incoming/'))).toEqual([]);
  });
});
