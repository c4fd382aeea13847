import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { listFiles } from '../helpers/files';
import { makeImage } from '../helpers/images';
import { multipartBody, rawRequest } from '../helpers/raw-http';
import { putBytes, requestImage, startTestServer, UPDATE_IMAGE, uploadImage, type TestServer } from '../helpers/server';
import { spoolDir } from '../backend/backend';

/**
 * Every intake path (upload URL, multipart, sourceUrl), with and without
 * Content-Length, answers promptly when a limit is crossed or the sender
 * stops, releases the upload URL and leaves no temporary file (issue 13, item 4).
 */
const MAX_IMAGE_BYTES = 100_000;
const IDLE_MS = 600;
const BOUNDARY = 'stall-boundary';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    MEDIA_MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES),
    MEDIA_UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
    MEDIA_FETCH_ALLOW_PRIVATE: 'true',
  });
});
afterAll(() => t.stop());

const incoming = () => listFiles(spoolDir(t.dataDir));

function multipartHead(id: string, chunked: boolean, fileBytes?: number) {
  const start = multipartBody(
    BOUNDARY,
    [
      `Content-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({
        query: UPDATE_IMAGE,
        variables: { input: { id, file: null } },
      })}`,
      `Content-Disposition: form-data; name="map"\r\n\r\n${JSON.stringify({ 0: ['variables.input.file'] })}`,
    ],
    false,
  );
  const part = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
  const prefix = start + part;
  const headers: Record<string, string> = {
    Host: '127.0.0.1',
    'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
    'Apollo-Require-Preflight': 'true',
  };
  if (chunked) headers['Transfer-Encoding'] = 'chunked';
  else
    headers['Content-Length'] = String(Buffer.byteLength(prefix) + (fileBytes ?? 0) + `\r\n--${BOUNDARY}--\r\n`.length);
  const head = `POST /graphql HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
  return { head, prefix };
}

const chunk = (data: Buffer | string) => {
  const bytes = Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
};

describe('a multipart updateImage whose file is over MEDIA_MAX_IMAGE_BYTES', () => {
  it.each([false, true])(
    'is answered promptly with FILE_TOO_LARGE (chunked: %p), leaving no temporary file',
    async (chunked) => {
      const id = await uploadImage(t, 'mp-big', await makeImage(10, 10));
      const file = Buffer.alloc(MAX_IMAGE_BYTES * 3, 7);
      const { head, prefix } = multipartHead(id, chunked, file.length);
      const tail = `\r\n--${BOUNDARY}--\r\n`;
      const body = chunked
        ? Buffer.concat([chunk(prefix), chunk(file), chunk(tail), Buffer.from('0\r\n\r\n')])
        : Buffer.concat([Buffer.from(prefix), file, Buffer.from(tail)]);
      const started = Date.now();
      const res = await rawRequest(t.url, head, body, 10_000);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
      const json = JSON.parse(res.body.slice(res.body.indexOf('{')).replace(/\r\n0\r\n\r\n$/, ''));
      expect(json.data.updateImage.userErrors).toEqual([expect.objectContaining({ code: 'FILE_TOO_LARGE' })]);
      expect(incoming()).toEqual([]);
      const read = await t.gql(`query($id: ID!) { productImage(id: $id) { width } }`, { id });
      expect(read.body.data.productImage.width).toBe(10);
    },
  );

  it('a stalled file part is answered within the idle timeout, storing nothing', async () => {
    const id = await uploadImage(t, 'mp-stall', await makeImage(10, 10));
    const { head, prefix } = multipartHead(id, false, 50_000);
    const started = Date.now();
    const res = await rawRequest(t.url, head, Buffer.concat([Buffer.from(prefix), Buffer.alloc(1000, 1)]), 10_000);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/stalled/);
    expect(Date.now() - started).toBeLessThan(IDLE_MS + 3000);
    expect(incoming()).toEqual([]);
  });
});

describe('an upload URL whose sender stops mid-body', () => {
  it.each([false, true])(
    'answers 408 within the idle timeout and releases the URL for a retry (chunked: %p)',
    async (chunked) => {
      const { image, upload } = await requestImage(t, { productId: 'put-stall' });
      const png = await makeImage(40, 40);
      const { pathname } = new URL(upload.url);
      const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${png.length}`;
      const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n${framing}\r\n\r\n`;
      const part = png.subarray(0, 20);
      const started = Date.now();
      const res = await rawRequest(t.url, head, chunked ? chunk(part) : part, 10_000);
      expect(res.status).toBe(408);
      expect(res.body).toMatch(/stalled/);
      expect(Date.now() - started).toBeLessThan(IDLE_MS + 3000);
      expect(incoming()).toEqual([]);
      // The URL is usable again at once, well within its lifetime.
      expect((await putBytes(upload, png)).status).toBe(200);
      const read = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id: image.id });
      expect(read.body.data.productImage.status).toBe('READY');
    },
  );
});

describe('a sourceUrl that stops sending', () => {
  it('is refused within the idle timeout with INVALID_INPUT, storing nothing', async () => {
    const png = await makeImage(20, 20);
    const stalling = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length) });
      res.write(png.subarray(0, 10)); // and nothing more
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    try {
      const id = await uploadImage(t, 'src-stall', await makeImage(10, 10));
      const started = Date.now();
      const res = await t.gql(UPDATE_IMAGE, { input: { id, sourceUrl: `http://127.0.0.1:${port}/a.png` } });
      expect(res.body.data.updateImage.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/no bytes arrived/) }),
      ]);
      expect(Date.now() - started).toBeLessThan(IDLE_MS + 3000);
      expect(incoming()).toEqual([]);
    } finally {
      stalling.closeAllConnections();
      stalling.close();
    }
  });
});

it('a PUT with no Content-Length over the limit is answered 413 while it streams', async () => {
  const { upload } = await requestImage(t, { productId: 'put-big' });
  const { pathname } = new URL(upload.url);
  const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const res = await rawRequest(t.url, head, chunk(Buffer.alloc(MAX_IMAGE_BYTES + 10, 1)), 10_000);
  expect(res.status).toBe(413);
  expect(incoming()).toEqual([]);
});

it('a sender that leaves mid-body frees the URL at once and is no error of the subgraph', async () => {
  const { upload } = await requestImage(t, { productId: 'put-gone' });
  const png = await makeImage(40, 40);
  const { pathname } = new URL(upload.url);
  const before = t.logs().length;
  const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${png.length + 100}\r\n\r\n`;
  await new Promise<void>((resolve) => {
    const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1', () => {
      socket.write(head);
      socket.end(png); // 100 bytes short, then gone
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
    socket.resume();
  });
  // Straight away: the URL is free again.
  expect((await putBytes(upload, png)).status).toBe(200);
  expect(incoming()).toEqual([]);
  const lines = t.logs().slice(before);
  expect(lines.filter((line) => line.level === 'error')).toEqual([]);
});
