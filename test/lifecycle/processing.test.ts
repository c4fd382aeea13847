import sharp from 'sharp';
import { storedKeys } from '../backend/backend';
import { makeImage, makeNoisyImage } from '../helpers/images';
import {
  DELETE_IMAGE,
  putBytes,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from '../helpers/server';

/**
 * Processing off the request (contract section 7): new bytes are stored
 * first; a request waits up to MEDIA_PROCESSING_WAIT_MS (0 here, so every
 * answer comes before the renditions) and answers PROCESSING; the renditions
 * follow in the background, or the image ends FAILED with a reason.
 */
interface Seen {
  status: string;
  url: string | null;
  width: number | null;
  failureReason: string | null;
  variants: { kind: string; url: string; width: number }[];
}

async function imageOf(t: TestServer, id: string): Promise<Seen | null> {
  const res = await t.gql(
    `query($id: ID!) { productImage(id: $id) { status url width failureReason variants { kind url width } } }`,
    { id },
  );
  return res.body.data.productImage as Seen | null;
}

/** Waits for the background work, then answers the image as a client now sees it. */
async function settled(t: TestServer, id: string): Promise<Seen> {
  await t.server.processing.idle();
  return (await imageOf(t, id))!;
}

async function listed(t: TestServer, productId: string) {
  const res = await t.gql(`query($id: ID!) { productMedia(productId: $id) { images { id status } } }`, {
    id: productId,
  });
  return res.body.data.productMedia.images as { id: string; status: string }[];
}

const localId = (id: string) => id.split('/').pop()!;

/** A PNG cut short: its type is read from the header, but it does not decode. */
async function truncatedPng(): Promise<Buffer> {
  const png = await makeImage(400, 300);
  return png.subarray(0, Math.floor(png.length / 2));
}

async function widthOf(url: string): Promise<number | undefined> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width;
}

describe('with MEDIA_PROCESSING_WAIT_MS=0', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer({ MEDIA_PROCESSING_WAIT_MS: '0' })));
  afterAll(() => t.stop());

  it('a PUT answers PROCESSING at once; the image is listed meanwhile and becomes READY with its renditions', async () => {
    const { image, upload } = await requestImage(t, { productId: 'proc-1' });
    const put = await putBytes(upload, await makeImage(1200, 800));
    expect(put).toEqual({ status: 200, body: { id: image.id, status: 'PROCESSING' } });
    // Its bytes are durable already: the private source is stored before anything is decoded.
    expect(await storedKeys(t.dataDir, `sources/${localId(image.id)}`)).toHaveLength(1);

    const ready = await settled(t, image.id);
    expect(ready).toMatchObject({ status: 'READY', width: 1200, failureReason: null });
    expect(ready.variants.map((v) => [v.kind, v.width])).toEqual([
      ['ORIGINAL', 1200],
      ['STANDARD', 1000],
      ['LOW', 500],
      ['THUMBNAIL', 120],
    ]);
    for (const variant of ready.variants) expect(await widthOf(variant.url)).toBe(variant.width);
    expect(await listed(t, 'proc-1')).toEqual([{ id: image.id, status: 'READY' }]);
  });

  it('lists an image while it is PROCESSING, without a URL yet', async () => {
    const { image, upload } = await requestImage(t, { productId: 'proc-2' });
    // A photo-sized one, whose renditions take far longer than the two reads below.
    expect((await putBytes(upload, await makeNoisyImage(3000, 2000))).body.status).toBe('PROCESSING');
    expect(await imageOf(t, image.id)).toMatchObject({ status: 'PROCESSING', url: null, variants: [] });
    expect(await listed(t, 'proc-2')).toEqual([{ id: image.id, status: 'PROCESSING' }]);
    expect(await settled(t, image.id)).toMatchObject({ status: 'READY', width: 3000 });
  });

  it('multipart updateImage answers PROCESSING and keeps serving the earlier revision until the new one is ready', async () => {
    const id = await uploadImage(t, 'proc-3', await makeImage(300, 200));
    const before = await settled(t, id);
    expect(before.width).toBe(300);

    const res = await updateImageWithFile(t, { id }, await makeImage(900, 600));
    const payload = ((await res.json()) as any).data.updateImage;
    expect(payload.userErrors).toEqual([]);
    expect(payload.image).toMatchObject({ status: 'PROCESSING', url: before.url, width: 300 });
    expect(await widthOf(before.url!)).toBe(300);

    const after = await settled(t, id);
    expect(after).toMatchObject({ status: 'READY', width: 900, failureReason: null });
    expect(after.url).not.toBe(before.url);
    expect(await widthOf(after.url!)).toBe(900);
  });

  it('bytes that fail processing after the answer end FAILED with a reason, and nothing of them is kept', async () => {
    const { image, upload } = await requestImage(t, { productId: 'proc-4' });
    const put = await putBytes(upload, await truncatedPng());
    expect(put).toEqual({ status: 200, body: { id: image.id, status: 'PROCESSING' } });

    const failed = await settled(t, image.id);
    expect(failed).toMatchObject({ status: 'FAILED', url: null });
    expect(failed.failureReason).toMatch(/decode/i);
    for (const kind of ['sources', 'images'])
      expect(await storedKeys(t.dataDir, `${kind}/${localId(image.id)}`)).toEqual([]);
    // Not listed by default; the used URL stays used.
    expect(await listed(t, 'proc-4')).toEqual([]);
    expect((await putBytes(upload, await makeImage(10, 10))).status).toBe(403);
  });

  it('a replacement that fails after the answer leaves the image READY on its earlier bytes, with the reason', async () => {
    const id = await uploadImage(t, 'proc-5', await makeImage(200, 100));
    const before = await settled(t, id);
    const res = await updateImageWithFile(t, { id }, await truncatedPng());
    expect(((await res.json()) as any).data.updateImage.image.status).toBe('PROCESSING');

    const after = await settled(t, id);
    expect(after).toMatchObject({ status: 'READY', url: before.url, width: 200 });
    expect(after.failureReason).toMatch(/decode/i);
    expect(await widthOf(before.url!)).toBe(200);
    // Only the earlier revision is stored.
    const folders = new Set((await storedKeys(t.dataDir, `images/${localId(id)}`)).map((k) => k.split('/')[2]));
    expect([...folders]).toEqual([before.url!.split('/').at(-2)]);
  });

  it('deleting an image while it is processing leaves nothing once the processing ends', async () => {
    const { image, upload } = await requestImage(t, { productId: 'proc-6' });
    expect((await putBytes(upload, await makeImage(1600, 1200))).body.status).toBe('PROCESSING');
    const deleted = await t.gql(DELETE_IMAGE, { id: image.id });
    expect(deleted.body.data.deleteImage.userErrors).toEqual([]);
    await t.server.processing.idle();
    expect(await imageOf(t, image.id)).toBeNull();
    for (const kind of ['sources', 'images'])
      expect(await storedKeys(t.dataDir, `${kind}/${localId(image.id)}`)).toEqual([]);
  });

  it('a newer upload while the previous one is processing wins, and the previous bytes are not kept', async () => {
    const id = await uploadImage(t, 'proc-7', await makeImage(100, 100));
    await settled(t, id);
    const first = await updateImageWithFile(t, { id }, await makeImage(1400, 1000));
    expect(((await first.json()) as any).data.updateImage.image.status).toBe('PROCESSING');
    const second = await updateImageWithFile(t, { id }, await makeImage(700, 500));
    expect(((await second.json()) as any).data.updateImage.image.status).toBe('PROCESSING');

    const after = await settled(t, id);
    expect(after).toMatchObject({ status: 'READY', width: 700 });
    expect(await widthOf(after.url!)).toBe(700);
  });
});

describe('the thumbnail, with MEDIA_PROCESSING_WAIT_MS=0', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer({ MEDIA_PROCESSING_WAIT_MS: '0' })));
  afterAll(() => t.stop());

  async function thumbnailOf(productId: string) {
    const res = await t.gql(`query($id: ID!) { productMedia(productId: $id) { thumbnail { id } } }`, { id: productId });
    return res.body.data.productMedia.thumbnail as { id: string } | null;
  }

  async function productWithThumbnail(productId: string): Promise<string> {
    const id = await uploadImage(t, productId, await makeImage(200, 100));
    await t.server.processing.idle();
    expect((await t.gql(SET_THUMBNAIL, { imageId: id })).body.data.setThumbnail.userErrors).toEqual([]);
    return id;
  }

  it('a new image asked to be the thumbnail becomes it once processed, and not when its bytes are refused', async () => {
    const kept = await productWithThumbnail('proc-thumb-1');
    const { image: refused } = await requestImage(t, { productId: 'proc-thumb-1' });
    const res = await updateImageWithFile(t, { id: refused.id, thumbnail: true }, await truncatedPng());
    expect(((await res.json()) as any).data.updateImage.image).toMatchObject({
      status: 'PROCESSING',
      isThumbnail: false,
    });
    expect(await thumbnailOf('proc-thumb-1')).toEqual({ id: kept });
    expect(await settled(t, refused.id)).toMatchObject({ status: 'FAILED' });
    expect(await thumbnailOf('proc-thumb-1')).toEqual({ id: kept });

    const { image: taken } = await requestImage(t, { productId: 'proc-thumb-1' });
    await updateImageWithFile(t, { id: taken.id, thumbnail: true }, await makeImage(300, 200));
    expect(await settled(t, taken.id)).toMatchObject({ status: 'READY' });
    expect(await thumbnailOf('proc-thumb-1')).toEqual({ id: taken.id });
  });

  it('an image whose first bytes are PROCESSING cannot be made the thumbnail yet (CONFLICT)', async () => {
    const kept = await productWithThumbnail('proc-thumb-2');
    const { image, upload } = await requestImage(t, { productId: 'proc-thumb-2' });
    expect((await putBytes(upload, await makeNoisyImage(3000, 2000))).body.status).toBe('PROCESSING');
    const set = (await t.gql(SET_THUMBNAIL, { imageId: image.id })).body.data.setThumbnail;
    expect(set.userErrors).toMatchObject([{ code: 'CONFLICT' }]);
    expect(await thumbnailOf('proc-thumb-2')).toEqual({ id: kept });
    await t.server.processing.idle();
  });
});

describe('with the wait long enough', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer({ MEDIA_PROCESSING_WAIT_MS: '60000' })));
  afterAll(() => t.stop());

  it('answers READY, and refuses bytes that fail processing with nothing stored', async () => {
    const { image, upload } = await requestImage(t, { productId: 'proc-8' });
    const refused = await putBytes(upload, await truncatedPng());
    expect(refused.status).toBe(415);
    expect(await storedKeys(t.dataDir, `sources/${localId(image.id)}`)).toEqual([]);
    expect((await imageOf(t, image.id))!.status).toBe('AWAITING_UPLOAD');
    // The URL was given back: correct bytes may follow.
    expect(await putBytes(upload, await makeImage(64, 48))).toEqual({
      status: 200,
      body: { id: image.id, status: 'READY' },
    });
  });
});
