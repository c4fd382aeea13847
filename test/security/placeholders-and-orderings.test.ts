import net from 'node:net';
import {
  putBytes,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  tempDataDir,
  UPDATE_IMAGE,
  uploadImage,
  type TestServer,
} from '../helpers/server';
import { makeImage } from '../helpers/images';

const INT_MAX = 2147483647;
const LIST = `query($id: ID!) { productMedia(productId: $id) {
  images { id ordering status } pending: images(includePending: true) { id status }
  files { id } pendingFiles: files(includePending: true) { id status }
  thumbnail { id } } }`;

describe('orderings stay inside GraphQL Int (contract section 6)', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer()));
  afterAll(() => t.stop());

  it('accepts the largest ordering; the next image does not overflow and reads keep working', async () => {
    const first = await uploadImage(t, 'o-max', await makeImage(8, 8));
    const set = await t.gql(UPDATE_IMAGE, { input: { id: first, ordering: INT_MAX } });
    expect(set.body.data.updateImage.userErrors).toEqual([]);
    const second = await uploadImage(t, 'o-max', await makeImage(8, 8));
    const third = await uploadImage(t, 'o-max', await makeImage(8, 8));
    const res = await t.gql(LIST, { id: 'o-max' });
    expect(res.body.errors).toBeUndefined();
    const orderings = res.body.data.productMedia.images.map((i: { ordering: number }) => i.ordering);
    expect(orderings).toEqual([INT_MAX, INT_MAX, INT_MAX]);
    // Ties keep creation order.
    expect(res.body.data.productMedia.images.map((i: { id: string }) => i.id)).toEqual([first, second, third]);
  });

  it.each([-1, -INT_MAX - 1])('refuses ordering %p with INVALID_INPUT and changes nothing', async (ordering) => {
    const id = await uploadImage(t, `o-neg${ordering}`, await makeImage(8, 8));
    const res = await t.gql(UPDATE_IMAGE, { input: { id, ordering } });
    expect(res.body.data.updateImage.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'ordering'] }),
    ]);
    const after = await t.gql(`query($id: ID!) { productImage(id: $id) { ordering } }`, { id });
    expect(after.body.data.productImage.ordering).toBe(0);
  });

  it('refuses an ordering past Int at the GraphQL layer, as a typed request error', async () => {
    const id = await uploadImage(t, 'o-big', await makeImage(8, 8));
    const res = await t.gql(UPDATE_IMAGE, { input: { id, ordering: INT_MAX + 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('placeholders never pile up or reach a storefront', () => {
  let t: TestServer;
  beforeAll(
    async () =>
      (t = await startTestServer({
        MEDIA_MAX_IMAGES_PER_PRODUCT: '4',
        MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT: '3',
      })),
  );
  afterAll(() => t.stop());

  it('lists only media with bytes by default; includePending adds the placeholders', async () => {
    const ready = await uploadImage(t, 'pl-list', await makeImage(8, 8));
    const pending = await requestImage(t, { productId: 'pl-list' });
    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'pl-list', fileName: 'a.txt' } });
    const res = await t.gql(LIST, { id: 'pl-list' });
    expect(res.body.data.productMedia).toEqual({
      images: [{ id: ready, ordering: 0, status: 'READY' }],
      pending: [
        { id: ready, status: 'READY' },
        { id: pending.image.id, status: 'AWAITING_UPLOAD' },
      ],
      files: [],
      pendingFiles: [{ id: file.body.data.requestFileUpload.file.id, status: 'AWAITING_UPLOAD' }],
      thumbnail: null,
    });
  });

  it('a placeholder cannot be the thumbnail: CONFLICT, and the thumbnail stays', async () => {
    const ready = await uploadImage(t, 'pl-thumb', await makeImage(8, 8));
    expect((await t.gql(SET_THUMBNAIL, { imageId: ready })).body.data.setThumbnail.userErrors).toEqual([]);
    const pending = await requestImage(t, { productId: 'pl-thumb' });
    const set = await t.gql(SET_THUMBNAIL, { imageId: pending.image.id });
    expect(set.body.data.setThumbnail.userErrors).toEqual([
      expect.objectContaining({ code: 'CONFLICT', field: ['input', 'imageId'] }),
    ]);
    const update = await t.gql(UPDATE_IMAGE, { input: { id: pending.image.id, thumbnail: true } });
    expect(update.body.data.updateImage.userErrors).toEqual([
      expect.objectContaining({ code: 'CONFLICT', field: ['input', 'thumbnail'] }),
    ]);
    const res = await t.gql(LIST, { id: 'pl-thumb' });
    expect(res.body.data.productMedia.thumbnail).toEqual({ id: ready });
  });

  it('pending uploads per product (images and files together) are limited: LIMIT_EXCEEDED, nothing created', async () => {
    await requestImage(t, { productId: 'pl-pending' });
    await requestImage(t, { productId: 'pl-pending' });
    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'pl-pending', fileName: 'a.txt' } });
    expect(file.body.data.requestFileUpload.userErrors).toEqual([]);
    const image = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pl-pending' } });
    expect(image.body.data.requestImageUpload).toMatchObject({
      image: null,
      upload: null,
      userErrors: [expect.objectContaining({ code: 'LIMIT_EXCEEDED', retryable: false })],
    });
    expect(image.body.data.requestImageUpload.userErrors[0].message).toMatch(/MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT/);
    const another = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'pl-pending', fileName: 'b.txt' } });
    expect(another.body.data.requestFileUpload.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    ]);
    const res = await t.gql(LIST, { id: 'pl-pending' });
    expect(res.body.data.productMedia.pending).toHaveLength(2);
    expect(res.body.data.productMedia.pendingFiles).toHaveLength(1);
    // Another product is not affected.
    await requestImage(t, { productId: 'pl-other' });
  });

  it('images per product are limited, whatever their status', async () => {
    for (let i = 0; i < 3; i++) await uploadImage(t, 'pl-many', await makeImage(8, 8));
    await requestImage(t, { productId: 'pl-many' });
    const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pl-many' } });
    expect(res.body.data.requestImageUpload.userErrors).toEqual([
      expect.objectContaining({
        code: 'LIMIT_EXCEEDED',
        message: expect.stringMatching(/MEDIA_MAX_IMAGES_PER_PRODUCT/),
      }),
    ]);
    const list = await t.gql(LIST, { id: 'pl-many' });
    expect(list.body.data.productMedia.pending).toHaveLength(4);
  });

  it('holds under concurrent requests: never more placeholders than the limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pl-race' } })),
    );
    const accepted = results.filter((r) => r.body.data.requestImageUpload.userErrors.length === 0);
    expect(accepted).toHaveLength(3);
    const list = await t.gql(LIST, { id: 'pl-race' });
    expect(list.body.data.productMedia.pending).toHaveLength(3);
  });
});

describe('expired placeholders are swept', () => {
  it('periodically and at start-up, once their URL expired a grace period ago; media with bytes stay', async () => {
    const env = {
      MEDIA_UPLOAD_URL_TTL_SECONDS: '1',
      MEDIA_PENDING_UPLOAD_GRACE_SECONDS: '1',
      MEDIA_SWEEP_INTERVAL_SECONDS: '1',
    };
    // The image with bytes is uploaded before the short expiry applies: a one-second URL can expire before its PUT.
    const dataDir = tempDataDir();
    const before = await startTestServer({}, dataDir);
    const kept = await uploadImage(before, 'sw-1', await makeImage(8, 8));
    await before.stop();
    const t = await startTestServer(env, dataDir);
    const pending = await requestImage(t, { productId: 'sw-1' });
    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'sw-1', fileName: 'a.txt' } });
    expect(file.body.data.requestFileUpload.userErrors).toEqual([]);
    let list = await t.gql(LIST, { id: 'sw-1' });
    expect(list.body.data.productMedia.pending).toHaveLength(2);
    // Expiry (at most 2 s away) plus the 1 s grace, then the next sweep.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    list = await t.gql(LIST, { id: 'sw-1' });
    expect(list.body.data.productMedia.pending).toEqual([{ id: kept, status: 'READY' }]);
    expect(list.body.data.productMedia.pendingFiles).toEqual([]);
    const gone = await t.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id: pending.image.id });
    expect(gone.body.data.productImage).toBeNull();
    expect(t.logs().some((l) => l.msg === 'expired upload placeholders removed')).toBe(true);

    // At start-up: a placeholder left by a stopped process is gone once the new one starts.
    const left = await requestImage(t, { productId: 'sw-2' });
    await t.stop();
    // Expiry and cut-off are whole seconds: TTL 1 s (rounded up) plus grace 1 s has surely passed after 4 s.
    await new Promise((resolve) => setTimeout(resolve, 4200));
    const restarted = await startTestServer({ ...env, MEDIA_SWEEP_INTERVAL_SECONDS: '3600' }, t.dataDir);
    try {
      const res = await restarted.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id: left.image.id });
      expect(res.body.data.productImage).toBeNull();
      const still = await restarted.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id: kept });
      expect(still.body.data.productImage).toEqual({ id: kept });
    } finally {
      await restarted.stop();
    }
    // Nine seconds of waiting for expiry and two starts: more than the default 30 s on a busy machine.
  }, 90_000);
});

describe('a placeholder whose bytes are arriving', () => {
  it('is not swept while its upload runs past the URL expiry and grace period, and ends READY', async () => {
    // Three seconds for the head to arrive, even on a busy machine; the body takes about six.
    const t = await startTestServer({
      MEDIA_UPLOAD_URL_TTL_SECONDS: '3',
      MEDIA_PENDING_UPLOAD_GRACE_SECONDS: '0',
      MEDIA_SWEEP_INTERVAL_SECONDS: '1',
    });
    try {
      const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'sw-slow', fileName: 'slow.txt' } });
      const { file, upload } = res.body.data.requestFileUpload;
      const body = Buffer.alloc(150, 'x');
      const { pathname } = new URL(upload.url);
      const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
      // The head at once (the token is claimed), then the body over about 6 s: several sweeps run meanwhile.
      const answer = await new Promise<string>((resolve) => {
        const { hostname, port } = new URL(t.url);
        const socket = net.connect(Number(port), hostname, () => socket.write(head));
        let sent = 0;
        let text = '';
        const timer = setInterval(() => {
          if (sent < body.length) socket.write(body.subarray(sent, (sent += 1)));
          else clearInterval(timer);
        }, 40);
        socket.on('data', (data) => (text += data.toString()));
        socket.on('close', () => {
          clearInterval(timer);
          resolve(text);
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      const read = await t.gql(`query($id: ID!) { productFile(id: $id) { status byteSize } }`, { id: file.id });
      expect(read.body.data.productFile).toEqual({ status: 'READY', byteSize: 150 });
    } finally {
      await t.stop();
    }
  });
});

describe('upload URLs: the token is judged before the body', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer()));
  afterAll(() => t.stop());

  it('a used URL answers 403 whatever the new body is (another length included)', async () => {
    const bytes = await makeImage(10, 10);
    const { upload } = await requestImage(t, { productId: 'u-used', byteSize: bytes.length });
    expect((await putBytes(upload, bytes)).status).toBe(200);
    const again = await putBytes(upload, Buffer.concat([bytes, Buffer.from('more')]));
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('FORBIDDEN_UPLOAD');
  });

  it('issuing a new URL for an image revokes the older ones', async () => {
    const { image, upload: older } = await requestImage(t, { productId: 'u-revoke' });
    const newer = (await requestImage(t, { imageId: image.id })).upload;
    const refused = await putBytes(older, await makeImage(20, 20));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/newer upload URL/);
    expect((await putBytes(newer, await makeImage(30, 30))).status).toBe(200);
    // And after bytes arrived through the newer one, an even older URL cannot replace them.
    const third = (await requestImage(t, { imageId: image.id })).upload;
    const fourth = (await requestImage(t, { imageId: image.id })).upload;
    expect((await putBytes(third, await makeImage(40, 40))).status).toBe(403);
    expect((await putBytes(fourth, await makeImage(50, 50))).status).toBe(200);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { width } }`, { id: image.id });
    expect(res.body.data.productImage.width).toBe(50);
  });

  it('paths are matched exactly: PUT /UPLOADS/<token> is not an upload URL, and no token reaches the log', async () => {
    const { upload } = await requestImage(t, { productId: 'u-case' });
    const token = upload.url.split('/uploads/')[1]!;
    for (const path of [`/UPLOADS/${token}`, `/Uploads/${token}`, `/x/${token}`, `/uploads/${token}/`]) {
      const res = await fetch(`${t.url}${path}`, { method: 'PUT', body: await makeImage(10, 10) });
      expect([403, 404]).toContain(res.status);
      expect(res.status).not.toBe(200);
    }
    expect(t.rawLogs()).not.toContain(token);
    expect(t.rawLogs()).not.toContain(token.slice(0, 40));
    expect((await putBytes(upload, await makeImage(10, 10))).status).toBe(200);
  });
});
