import { putBytes, REQUEST_FILE_UPLOAD, requestImage, startTestServer, type TestServer } from '../helpers/server';
import { rawRequest, streamUntilAnswered } from '../helpers/raw-http';
import { makeImage } from '../helpers/images';
import { listFiles } from '../helpers/files';
import { storedObjects, spoolDir, storedKeys } from '../backend/backend';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MEDIA_MAX_IMAGE_BYTES: '200000', MEDIA_UPLOAD_URL_TTL_SECONDS: '2' });
});
afterAll(() => t.stop());

async function statusOf(id: string): Promise<string> {
  const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id });
  return res.body.data.productImage.status as string;
}

/** Nothing stored: the image is still awaiting its bytes and no blob (nor temporary file) exists. */
async function expectNothingStored(id: string) {
  expect(await statusOf(id)).toBe('AWAITING_UPLOAD');
  const imageId = id.split('/').pop()!;
  expect(await storedKeys(t.dataDir, `images/${imageId}`)).toEqual([]);
  expect(listFiles(spoolDir(t.dataDir))).toEqual([]);
}

describe('upload URLs refuse what they must, and store nothing', () => {
  it('403 for a tampered token', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-tamper' });
    const [body, signature] = upload.url.split('/uploads/')[1]!.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    payload.maxBytes = 10_000_000;
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    const res = await putBytes(
      { ...upload, url: upload.url.replace(/\/uploads\/.*/, `/uploads/${forged}`) },
      await makeImage(10, 10),
    );
    expect(res.status).toBe(403);
    const garbage = await putBytes({ ...upload, url: `${upload.url}x` }, await makeImage(10, 10));
    expect(garbage.status).toBe(403);
    await expectNothingStored(image.id);
  });

  it('403 for an expired token', async () => {
    const asked = Date.now();
    const { image, upload } = await requestImage(t, { productId: 'p-expired' });
    // The URL lives at least the configured two seconds (expiry is whole seconds, rounded up), and no longer.
    const expiresAt = Date.parse(upload.expiresAt);
    expect(expiresAt - asked).toBeGreaterThanOrEqual(2000);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    const res = await putBytes(upload, await makeImage(10, 10));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/expired/);
    await expectNothingStored(image.id);
  });

  it('403 for a token used a second time, and the first upload is kept', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-reuse' });
    const first = await makeImage(50, 50);
    expect((await putBytes(upload, first)).status).toBe(200);
    const before = (await storedObjects(t.dataDir)).filter((f) => f.includes(image.id.split('/').pop()));
    const second = await putBytes(upload, await makeImage(60, 60));
    expect(second.status).toBe(403);
    expect(second.body.error.message).toMatch(/already been used/);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { width byteSize } }`, { id: image.id });
    expect(res.body.data.productImage).toEqual({ width: 50, byteSize: first.length });
    expect((await storedObjects(t.dataDir)).filter((f) => f.includes(image.id.split('/').pop()))).toEqual(before);
  });

  it('403 for a used image URL after a restart, which releases only uploads left in progress', async () => {
    const first = await startTestServer({ MEDIA_UPLOAD_URL_TTL_SECONDS: '60' });
    const { upload } = await requestImage(first, { productId: 'p-reuse-restart' });
    expect((await putBytes(upload, await makeImage(20, 20))).status).toBe(200);
    await first.stop();
    const again = await startTestServer({ MEDIA_UPLOAD_URL_TTL_SECONDS: '60' }, first.dataDir);
    try {
      const path = new URL(upload.url).pathname;
      const reused = await putBytes({ ...upload, url: `${again.url}${path}` }, await makeImage(30, 30));
      expect(reused.status).toBe(403);
      expect(reused.body.error.message).toMatch(/already been used/);
    } finally {
      await again.stop();
    }
  });

  it('403 for the wrong method, and for one kind of signature presented as another', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-method' });
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'PATCH']) {
      const res = await fetch(upload.url, { method, body: method === 'GET' || method === 'HEAD' ? undefined : 'x' });
      expect([method, res.status]).toEqual([method, 403]);
    }
    // CORS preflight still answers, so browsers can PUT.
    const preflight = await fetch(upload.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBeLessThan(300);
    await expectNothingStored(image.id);

    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'p-method', fileName: 'a.pdf' } });
    const fileUpload = file.body.data.requestFileUpload.upload;
    expect((await putBytes(fileUpload, Buffer.from('%PDF-1.7\n'))).status).toBe(200);
    const read = await t.gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, {
      id: file.body.data.requestFileUpload.file.id,
    });
    const downloadUrl = new URL(read.body.data.productFile.downloadUrl as string);
    for (const method of ['PUT', 'POST', 'DELETE']) {
      expect((await fetch(downloadUrl, { method, body: 'overwrite' })).status).toBe(403);
    }
    expect(await (await fetch(downloadUrl)).text()).toBe('%PDF-1.7\n');
    // A download signature is not an upload token, and an upload token's MAC does not sign a download.
    const signature = downloadUrl.searchParams.get('signature')!;
    const asToken = await putBytes(
      { ...upload, url: upload.url.replace(/\/uploads\/.*/, `/uploads/x.${signature}`) },
      Buffer.from('x'),
    );
    expect(asToken.status).toBe(403);
    const tokenMac = upload.url.split('.').pop()!;
    const forged = new URL(downloadUrl);
    forged.searchParams.set('signature', tokenMac);
    expect((await fetch(forged)).status).toBe(403);
  });

  it('413 from the Content-Length alone, without waiting for the body', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-declared-length' });
    const { pathname } = new URL(upload.url);
    // Claims a gigabyte, sends one kilobyte, and keeps the connection open: only the header can have decided.
    const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n`;
    const res = await rawRequest(upload.url, head, Buffer.alloc(1024), 5_000);
    expect(res.status).toBe(413);
    await expectNothingStored(image.id);
  });

  it('stops reading a body that runs past the declared byteSize, storing nothing', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-runaway', byteSize: 1000 });
    const { pathname } = new URL(upload.url);
    const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const piece = Buffer.alloc(64 * 1024, 7);
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const res = await streamUntilAnswered(upload.url, head, chunk, 256 * 1024 * 1024);
    expect(res.status).toBe(413);
    // The client could have sent 256 MiB; the server stopped after the first kilobyte past the limit
    // (what it took in is the socket buffers' worth).
    expect(res.bytesSent).toBeLessThan(64 * 1024 * 1024);
    await expectNothingStored(image.id);
  });

  it('413 for a body over the limit, before reading it (Content-Length) and while reading it (chunked)', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-big' });
    const big = Buffer.concat([await makeImage(10, 10), Buffer.alloc(250_000)]);
    expect((await putBytes(upload, big)).status).toBe(413);
    await expectNothingStored(image.id);
    // Without a Content-Length the limit is enforced as the bytes stream in.
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 30; i += 1) controller.enqueue(new Uint8Array(10_000));
        controller.close();
      },
    });
    const res = await fetch(upload.url, { method: 'PUT', body: chunked, duplex: 'half' });
    expect(res.status).toBe(413);
    await expectNothingStored(image.id);
    // A refused upload gives its token back: the right bytes still go through.
    expect((await putBytes(upload, await makeImage(10, 10))).status).toBe(200);
  });

  it('413 for a body longer than the declared byteSize', async () => {
    const bytes = await makeImage(20, 20);
    const { image, upload } = await requestImage(t, { productId: 'p-declared', byteSize: bytes.length - 1 });
    expect((await putBytes(upload, bytes)).status).toBe(413);
    await expectNothingStored(image.id);
  });

  it('415 for bytes that are not an allowed image type, or not the declared one', async () => {
    const { image, upload } = await requestImage(t, { productId: 'p-type', contentType: 'image/png' });
    const text = await putBytes(upload, Buffer.from('<html><script>alert(1)</script></html>'), {
      'content-type': 'image/png',
    });
    expect(text.status).toBe(415);
    const svg = await putBytes(upload, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
    expect(svg.status).toBe(415);
    const jpeg = await putBytes(upload, await makeImage(20, 20, 'jpeg'));
    expect(jpeg.status).toBe(415);
    expect(jpeg.body.error.message).toMatch(/image\/jpeg, not the declared image\/png/);
    // A PNG signature followed by garbage is not a decodable image.
    const broken = Buffer.concat([(await makeImage(20, 20, 'png')).subarray(0, 40), Buffer.alloc(100, 1)]);
    expect((await putBytes(upload, broken)).status).toBe(415);
    await expectNothingStored(image.id);
  });

  it('refuses a declared type that is not an image, and a byteSize over the limit, as userErrors', async () => {
    const res = await t.gql(
      `mutation { a: requestImageUpload(input: { productId: "p", contentType: "text/html" }) { image { id } userErrors { code field } }
                  b: requestImageUpload(input: { productId: "p", byteSize: 999999999 }) { image { id } userErrors { code field } }
                  c: requestImageUpload(input: { productId: "p", imageId: "x" }) { image { id } userErrors { code field } } }`,
    );
    expect(res.body.data).toEqual({
      a: { image: null, userErrors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', field: ['input', 'contentType'] }] },
      b: { image: null, userErrors: [{ code: 'FILE_TOO_LARGE', field: ['input', 'byteSize'] }] },
      c: { image: null, userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'imageId'] }] },
    });
    const product = await t.gql(`{ productMedia(productId: "p") { images { id } } }`);
    expect(product.body.data.productMedia.images).toEqual([]);
  });
});
