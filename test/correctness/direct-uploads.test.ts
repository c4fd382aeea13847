import sharp from 'sharp';
import { bucketEnv, queryIndex, QUICK_SWEEP_ENV, storedKeys, withStore } from '../backend/backend';
import { makeImage } from '../helpers/images';
import {
  CONFIRM_FILE_UPLOAD,
  CONFIRM_IMAGE_UPLOAD,
  DELETE_IMAGE,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  SET_THUMBNAIL,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../helpers/server';

/**
 * `MEDIA_S3_DIRECT_UPLOADS` (contract sections 7 and 9): upload targets are
 * presigned PUT URLs of the bucket, signed for the declared type and length,
 * and `confirm*Upload` checks what arrived (exists, size, type from the bytes,
 * what processing checks) before it becomes a revision like any other. On
 * the embedded default the index is SQLite and only the bytes are in the
 * loopback S3 stand-in; the PostgreSQL + S3 run has both there.
 */
const dataDir = tempDataDir();
const DIRECT_ENV: Record<string, string> = {
  ...bucketEnv(dataDir),
  MEDIA_S3_DIRECT_UPLOADS: 'true',
  MEDIA_MAX_IMAGE_PIXELS: '4000000',
};
let t: TestServer;
beforeAll(async () => (t = await startTestServer(DIRECT_ENV, dataDir)));
afterAll(() => t.stop());

/** PUTs to a presigned URL as a browser would: the target's headers, the body's own length. */
async function put(
  target: { url: string; headers: { name: string; value: string }[] },
  body: Uint8Array,
  type?: string,
) {
  const headers = Object.fromEntries(target.headers.map((h) => [h.name, h.value]));
  if (type) headers['Content-Type'] = type;
  const res = await fetch(target.url, { method: 'PUT', headers, body });
  await res.arrayBuffer();
  return res.status;
}

async function requestDirectImage(input: Record<string, unknown>) {
  const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input });
  return res.body.data.requestImageUpload;
}

async function confirmImage(id: string) {
  return (await t.gql(CONFIRM_IMAGE_UPLOAD, { id })).body.data.confirmImageUpload;
}

async function pendingImages(productId: string) {
  const res = await t.gql(
    `query($id: ID!) { productMedia(productId: $id) { images(includePending: true) { id status failureReason } } }`,
    { id: productId },
  );
  return res.body.data.productMedia.images as { id: string; status: string; failureReason: string | null }[];
}

const idOf = (globalId: string) => globalId.split('/').pop()!;

describe('requesting a direct upload', () => {
  it('hands out a presigned bucket URL that signs the type and the exact length', async () => {
    const bytes = await makeImage(64, 48);
    const payload = await requestDirectImage({
      productId: 'direct-1',
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(payload.userErrors).toEqual([]);
    const url = new URL(payload.upload.url);
    expect(url.origin).toBe(DIRECT_ENV.MEDIA_S3_ENDPOINT);
    expect(url.pathname).toMatch(new RegExp(`/uploads/${idOf(payload.image.id)}/[0-9a-f-]{36}/data$`));
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    // No checksum the browser would have to compute (requestChecksumCalculation: WHEN_REQUIRED).
    expect([...url.searchParams.keys()].filter((key) => /checksum/i.test(key))).toEqual([]);
    expect(payload.upload.headers).toEqual([{ name: 'Content-Type', value: 'image/png' }]);
    expect(payload.image.status).toBe('AWAITING_UPLOAD');
  });

  it.each([
    [{ contentType: 'image/png' }, 'byteSize'],
    [{ byteSize: 100 }, 'contentType'],
  ])('refuses %j: the URL must sign the missing %s; nothing is created', async (declared, field) => {
    const payload = await requestDirectImage({ productId: 'direct-2', ...declared });
    expect(payload.image).toBeNull();
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', field], retryable: false }),
    ]);
    expect(await pendingImages('direct-2')).toEqual([]);
  });

  it('is refused by the bucket itself for another length or another type than signed', async () => {
    const bytes = await makeImage(30, 30);
    const { upload } = await requestDirectImage({
      productId: 'direct-3',
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(await put(upload, Buffer.concat([bytes, Buffer.from('x')]))).toBe(403);
    expect(await put(upload, bytes, 'image/jpeg')).toBe(403);
    expect(await put(upload, bytes)).toBe(200);
  });
});

describe('confirmImageUpload', () => {
  it('checks and processes what arrived: READY, served, the upload removed; confirming again changes nothing', async () => {
    const bytes = await makeImage(320, 200);
    const { image, upload } = await requestDirectImage({
      productId: 'direct-4',
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(await put(upload, bytes)).toBe(200);
    // Until confirmed, the subgraph has not seen the bytes: the placeholder is still pending.
    expect(await pendingImages('direct-4')).toEqual([{ id: image.id, status: 'AWAITING_UPLOAD', failureReason: null }]);

    const confirmed = await confirmImage(image.id);
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.image).toMatchObject({ status: 'READY', width: 320, height: 200, contentType: 'image/png' });
    const served = await fetch(confirmed.image.url);
    expect(served.status).toBe(200);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(320);
    expect(await storedKeys(dataDir, `uploads/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);

    const again = await confirmImage(image.id);
    expect(again.userErrors).toEqual([]);
    expect(again.image.url).toBe(confirmed.image.url);
    expect(again.image.updatedAt).toBe(confirmed.image.updatedAt);
  });

  it('answers CONFLICT before anything arrived, and leaves the placeholder waiting', async () => {
    const { image, upload } = await requestDirectImage({
      productId: 'direct-5',
      contentType: 'image/png',
      byteSize: 9,
    });
    const early = await confirmImage(image.id);
    expect(early.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['input', 'id'] })]);
    expect(early.image.status).toBe('AWAITING_UPLOAD');
    expect(upload.url).toContain('X-Amz-Signature=');
  });

  it.each([
    ['text that says it is a PNG', () => Promise.resolve(Buffer.from('not an image at all')), 'UNSUPPORTED_MEDIA_TYPE'],
    ['a JPEG declared as PNG', () => makeImage(20, 20, 'jpeg'), 'UNSUPPORTED_MEDIA_TYPE'],
    ['an image over the pixel limit', () => makeImage(2100, 2000), undefined],
  ])('%s: the upload is removed and the placeholder ends FAILED with a reason', async (name, make, code) => {
    const bytes = await make();
    const productId = `direct-6-${name.length}`;
    const { image, upload } = await requestDirectImage({ productId, contentType: 'image/png', byteSize: bytes.length });
    expect(await put(upload, bytes)).toBe(200);
    const confirmed = await confirmImage(image.id);
    expect(confirmed.image.status).toBe('FAILED');
    expect(confirmed.image.failureReason).toEqual(expect.any(String));
    expect(confirmed.userErrors).toEqual([
      expect.objectContaining({ code: code ?? expect.any(String), message: confirmed.image.failureReason }),
    ]);
    expect(await storedKeys(dataDir, `uploads/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);
    expect(await storedKeys(dataDir, `images/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);
    // Left out of the default listing, shown with includePending, never the thumbnail.
    const listed = await t.gql(`query($id: ID!) { productMedia(productId: $id) { images { id } } }`, { id: productId });
    expect(listed.body.data.productMedia.images).toEqual([]);
    expect(await pendingImages(productId)).toEqual([
      { id: image.id, status: 'FAILED', failureReason: confirmed.image.failureReason },
    ]);
    const thumbnail = await t.gql(SET_THUMBNAIL, { imageId: image.id });
    expect(thumbnail.body.data.setThumbnail.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it('recovers a FAILED image with a new upload URL: READY, and the reason is gone', async () => {
    const junk = Buffer.from('definitely not a picture');
    const first = await requestDirectImage({ productId: 'direct-7', contentType: 'image/png', byteSize: junk.length });
    expect(await put(first.upload, junk)).toBe(200);
    expect((await confirmImage(first.image.id)).image.status).toBe('FAILED');

    // Bytes that fail again replace the reason: the image has none to keep.
    const jpeg = await makeImage(12, 12, 'jpeg');
    const second = await requestDirectImage({
      imageId: first.image.id,
      contentType: 'image/png',
      byteSize: jpeg.length,
    });
    expect(await put(second.upload, jpeg)).toBe(200);
    const failedAgain = await confirmImage(first.image.id);
    expect(failedAgain.image).toMatchObject({ status: 'FAILED', failureReason: failedAgain.userErrors[0].message });
    expect(failedAgain.image.failureReason).toMatch(/image\/jpeg/);

    const bytes = await makeImage(50, 40);
    const again = await requestDirectImage({
      imageId: first.image.id,
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(again.userErrors).toEqual([]);
    expect(await put(again.upload, bytes)).toBe(200);
    const confirmed = await confirmImage(first.image.id);
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.image).toMatchObject({ status: 'READY', failureReason: null, width: 50 });
  });

  it('keeps the bytes of a READY image when replacement bytes fail the checks', async () => {
    const bytes = await makeImage(60, 60);
    const first = await requestDirectImage({ productId: 'direct-8', contentType: 'image/png', byteSize: bytes.length });
    expect(await put(first.upload, bytes)).toBe(200);
    const ready = (await confirmImage(first.image.id)).image;

    const junk = Buffer.from('this is not a png either');
    const replace = await requestDirectImage({ imageId: ready.id, contentType: 'image/png', byteSize: junk.length });
    expect(await put(replace.upload, junk)).toBe(200);
    const confirmed = await confirmImage(ready.id);
    expect(confirmed.userErrors).toEqual([expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' })]);
    expect(confirmed.image).toMatchObject({ status: 'READY', url: ready.url, failureReason: null });
    expect((await fetch(ready.url)).status).toBe(200);
  });

  it('processes an upload once under concurrent confirmations', async () => {
    const bytes = await makeImage(400, 300);
    const { image, upload } = await requestDirectImage({
      productId: 'direct-9',
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(await put(upload, bytes)).toBe(200);
    const answers = await Promise.all(Array.from({ length: 8 }, () => confirmImage(image.id)));
    const ready = answers.filter((a) => a.userErrors.length === 0);
    expect(ready.length).toBeGreaterThan(0);
    for (const answer of ready) expect(answer.image.status).toBe('READY');
    // Any other answer says to ask again, and may be retried.
    for (const answer of answers.filter((a) => a.userErrors.length > 0)) {
      expect(answer.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', retryable: true })]);
    }
    const revisions = new Set(
      (await storedKeys(dataDir, `images/${idOf(image.id)}`, DIRECT_ENV)).map((key) => key.split('/')[2]),
    );
    expect(revisions.size).toBe(1);
  });

  it('processes an upload once when two subgraph instances on one store are asked at once', async () => {
    const other = await startTestServer(DIRECT_ENV, dataDir);
    try {
      const bytes = await makeImage(300, 200);
      const { image, upload } = await requestDirectImage({
        productId: 'direct-9b',
        contentType: 'image/png',
        byteSize: bytes.length,
      });
      expect(await put(upload, bytes)).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const server = i % 2 === 0 ? t : other;
          return (await server.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
        }),
      );
      for (const answer of answers) {
        if (answer.userErrors.length === 0) expect(answer.image.status).toBe('READY');
        else expect(answer.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', retryable: true })]);
      }
      const final = await confirmImage(image.id);
      expect(final).toMatchObject({ image: { status: 'READY' }, userErrors: [] });
      const revisions = new Set(
        (await storedKeys(dataDir, `images/${idOf(image.id)}`, DIRECT_ENV)).map((key) => key.split('/')[2]),
      );
      expect(revisions.size).toBe(1);
    } finally {
      await other.stop();
    }
  });
});

describe('confirmFileUpload', () => {
  it('stores a file PUT straight to the bucket: READY, downloadable byte for byte', async () => {
    const bytes = Buffer.from('%PDF-1.7\n% a manual\n%%EOF\n');
    const res = await t.gql(REQUEST_FILE_UPLOAD, {
      input: { productId: 'direct-10', fileName: 'manual.pdf', byteSize: bytes.length },
    });
    const { file, upload } = res.body.data.requestFileUpload;
    expect(upload.headers).toEqual([{ name: 'Content-Type', value: 'application/octet-stream' }]);
    expect(await put(upload, bytes)).toBe(200);
    const confirmed = (await t.gql(CONFIRM_FILE_UPLOAD, { id: file.id })).body.data.confirmFileUpload;
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.file).toMatchObject({ status: 'READY', contentType: 'application/pdf', byteSize: bytes.length });
    const download = await fetch(confirmed.file.downloadUrl);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    expect(await storedKeys(dataDir, `uploads/${idOf(file.id)}`, DIRECT_ENV)).toEqual([]);
  });

  it('refuses a file upload without byteSize', async () => {
    const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'direct-11', fileName: 'a.bin' } });
    expect(res.body.data.requestFileUpload.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'byteSize'] }),
    ]);
  });
});

describe('deleting an image with a direct upload', () => {
  it('removes the bytes PUT but never confirmed with it', async () => {
    const bytes = await makeImage(30, 30);
    const { image, upload } = await requestDirectImage({
      productId: 'direct-d1',
      contentType: 'image/png',
      byteSize: bytes.length,
    });
    expect(await put(upload, bytes)).toBe(200);
    expect((await t.gql(DELETE_IMAGE, { id: image.id })).body.data.deleteImage.userErrors).toEqual([]);
    expect(await storedKeys(dataDir, `uploads/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);
  });

  // The delete lands at a different step of the confirmation each time (finding the upload, claiming it, reading
  // it, processing); the delays and the machine's speed decide which.
  it.each([0, 15, 30, 60, 120])(
    'while it is being confirmed (delete after %i ms): the confirmation answers NOT_FOUND and no image, and nothing stays stored',
    async (delayMs) => {
      const bytes = await makeImage(1800, 1800);
      const { image, upload } = await requestDirectImage({
        productId: `direct-d2-${delayMs}`,
        contentType: 'image/png',
        byteSize: bytes.length,
      });
      expect(await put(upload, bytes)).toBe(200);
      const confirming = t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const deleted = await t.gql(DELETE_IMAGE, { id: image.id });
      const confirmed = (await confirming).body.data.confirmImageUpload;
      // Either order is possible; whichever way it went, the image is gone with its bytes.
      if (deleted.body.data.deleteImage.userErrors.length === 0 && confirmed.userErrors.length > 0) {
        expect(confirmed).toEqual({ image: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
      }
      for (const prefix of ['uploads', 'images', 'sources']) {
        expect(await storedKeys(dataDir, `${prefix}/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);
      }
    },
  );
});

describe('a confirmation after the upload URL expired', () => {
  const lateDir = tempDataDir();
  const LATE_ENV = {
    ...bucketEnv(lateDir),
    MEDIA_S3_DIRECT_UPLOADS: 'true',
    MEDIA_UPLOAD_URL_TTL_SECONDS: '2',
    MEDIA_SWEEP_INTERVAL_SECONDS: '1',
  };
  let late: TestServer;
  beforeAll(async () => (late = await startTestServer(LATE_ENV, lateDir)));
  afterAll(() => late.stop());

  it('still processes bytes PUT in time, after sweeps ran past the expiry', async () => {
    const bytes = await makeImage(30, 30);
    const res = await late.gql(REQUEST_IMAGE_UPLOAD, {
      input: { productId: 'late-1', contentType: 'image/png', byteSize: bytes.length },
    });
    const { image, upload } = res.body.data.requestImageUpload;
    expect(await put(upload, bytes)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const confirmed = (await late.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(confirmed).toMatchObject({ image: { status: 'READY', width: 30 }, userErrors: [] });
    const again = (await late.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(again).toMatchObject({ image: { status: 'READY' }, userErrors: [] });
  });
});

describe('a confirmation cut off by a crash', () => {
  it('can be confirmed again once a confirmation cut off by a crash is past the leftover grace', async () => {
    // Sweeps every second. The grace is long enough that the uploaded bytes (a leftover until confirmed) outlive
    // a slow machine's steps below, while the claim, dated long ago, is past it at once.
    const crashDir = tempDataDir();
    const crashed = await startTestServer(
      {
        ...bucketEnv(crashDir),
        MEDIA_S3_DIRECT_UPLOADS: 'true',
        MEDIA_SWEEP_INTERVAL_SECONDS: '1',
        ...QUICK_SWEEP_ENV,
        MEDIA_LEFTOVER_GRACE_SECONDS: '60',
      },
      crashDir,
    );
    try {
      const bytes = await makeImage(20, 20);
      const res = await crashed.gql(REQUEST_IMAGE_UPLOAD, {
        input: { productId: 'crash-1', contentType: 'image/png', byteSize: bytes.length },
      });
      const { image, upload } = res.body.data.requestImageUpload;
      expect(await put(upload, bytes)).toBe(200);
      // A replica claimed the upload to confirm it and died long ago: its claim is still in progress.
      await withStore(crashDir, async ({ index }) => {
        const token = (await index.currentUploadToken(image.id))!;
        expect(await index.claimUploadToken(token.tokenId, image.id, token.expiresAt)).toBe(true);
      });
      await queryIndex(crashDir, 'UPDATE upload_claims SET claimed_at = 1000', true);
      const deadline = Date.now() + 10_000;
      let confirmed = (await crashed.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
      while (confirmed.userErrors.length > 0 && Date.now() < deadline) {
        expect(confirmed.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', retryable: true })]);
        await new Promise((resolve) => setTimeout(resolve, 250));
        confirmed = (await crashed.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
      }
      expect(confirmed).toMatchObject({ image: { status: 'READY', width: 20 }, userErrors: [] });
    } finally {
      await crashed.stop();
    }
  });
});

it('sweeps an upload never confirmed once it is past the leftover grace', async () => {
  const bytes = await makeImage(10, 10);
  const { image, upload } = await requestDirectImage({
    productId: 'direct-12',
    contentType: 'image/png',
    byteSize: bytes.length,
  });
  expect(await put(upload, bytes)).toBe(200);
  expect(await storedKeys(dataDir, `uploads/${idOf(image.id)}`, DIRECT_ENV)).toHaveLength(1);
  await t.stop();
  // A bucket is shared: only leftovers past the grace go (object times may be whole seconds).
  await new Promise((resolve) => setTimeout(resolve, 3100));
  t = await startTestServer({ ...DIRECT_ENV, ...QUICK_SWEEP_ENV }, dataDir);
  expect(await storedKeys(dataDir, `uploads/${idOf(image.id)}`, DIRECT_ENV)).toEqual([]);
});
