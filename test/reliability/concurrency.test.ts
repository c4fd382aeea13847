import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { CONSISTENT, inspectStore, problemsOf } from '../helpers/integrity';
import { makeImage } from '../helpers/images';
import {
  putBytes,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from '../helpers/server';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A distinct image per `n`: its size and colour tell which upload won. */
const distinctImage = (n: number) =>
  sharp({ create: { width: 20 + n, height: 10 + n, channels: 3, background: { r: n * 5, g: 255 - n * 5, b: 90 } } })
    .png()
    .toBuffer();

describe('concurrency', () => {
  let t: TestServer;
  beforeAll(async () => {
    // 50 placeholders of one product at once, past the default per-product limit of 20.
    t = await startTestServer({ MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT: '100' });
  });
  afterAll(() => t.stop());

  it('50 concurrent setThumbnail calls across the images of one product leave exactly one thumbnail', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => uploadImage(t, 'race-thumb', await distinctImage(i))),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.gql(SET_THUMBNAIL, { imageId: ids[i % ids.length] })),
    );
    for (const res of results) expect(res.body.data.setThumbnail.userErrors).toEqual([]);
    const product = await t.gql(
      `{ productMedia(productId: "race-thumb") { thumbnail { id } images { id isThumbnail } } }`,
    );
    const { thumbnail, images } = product.body.data.productMedia;
    const flagged = images.filter((i: { isThumbnail: boolean }) => i.isThumbnail);
    expect(flagged).toHaveLength(1);
    expect(thumbnail.id).toBe(flagged[0].id);
    expect(problemsOf(await inspectStore(t.dataDir))).toEqual(CONSISTENT);
  });

  it('concurrent uploads to one image leave a row and bytes that belong together, and one revision', async () => {
    const id = await uploadImage(t, 'race-bytes', await makeImage(5, 5));
    // One upload URL per image is live at a time (a new one revokes the older), so the writers race through multipart.
    const candidates = await Promise.all(Array.from({ length: 12 }, (_, n) => distinctImage(n)));
    const writes = await Promise.all(candidates.map((bytes) => updateImageWithFile(t, { id }, bytes)));
    for (const write of writes) {
      expect(write.status).toBe(200);
      expect(((await write.json()) as any).data.updateImage.userErrors).toEqual([]);
    }

    const report = await inspectStore(t.dataDir);
    expect(problemsOf(report)).toEqual(CONSISTENT);
    const winner = candidates.findIndex((bytes) => sha256(bytes) === report.shaById.get(id));
    expect(winner).toBeGreaterThanOrEqual(0);
    // What the API says matches the bytes that won, down to the size and what is served.
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { width height byteSize url } }`, { id });
    const image = read.body.data.productImage;
    expect(image).toMatchObject({ width: 20 + winner, height: 10 + winner, byteSize: candidates[winner]!.length });
    expect(sha256(new Uint8Array(await (await fetch(image.url)).arrayBuffer()))).toBe(sha256(candidates[winner]!));
  });

  it('50 concurrent uploads of different images all land', async () => {
    const images = await Promise.all(Array.from({ length: 50 }, (_, n) => distinctImage(n)));
    const targets = await Promise.all(images.map(() => requestImage(t, { productId: 'race-many' })));
    const puts = await Promise.all(targets.map(({ upload }, n) => putBytes(upload, images[n]!)));
    expect(puts.map((p) => p.status)).toEqual(images.map(() => 200));

    const report = await inspectStore(t.dataDir);
    expect(problemsOf(report)).toEqual(CONSISTENT);
    targets.forEach(({ image }, n) => expect(report.shaById.get(image.id)).toBe(sha256(images[n]!)));
    const product = await t.gql(`{ productMedia(productId: "race-many") { images { id status } } }`);
    expect(product.body.data.productMedia.images).toHaveLength(50);
    expect(product.body.data.productMedia.images.every((i: { status: string }) => i.status === 'READY')).toBe(true);
  });
});
