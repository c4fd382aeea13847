import { listFiles } from '../helpers/files';
import { makeImage, progressiveScanBomb, tiffPageBomb } from '../helpers/images';
import { putBytes, requestImage, startTestServer, uploadImage, type TestServer } from '../helpers/server';
import path from 'node:path';
import { spoolDir } from '../backend/backend';

/** No upload may hold the process: decoding runs in worker processes with a time limit (issue 13, item 1). */
describe('images that cost far more to decode than they weigh', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MEDIA_PROCESSING_TIMEOUT_MS: '4000', MEDIA_PROCESSING_CONCURRENCY: '2' });
  });
  afterAll(() => t.stop());

  it('4 progressive-scan bombs at once: /media still answers within 500 ms, a small upload completes, the bombs are refused', async () => {
    // 883 scans over 39.9 Mpx, about 147 KB: several seconds of CPU each with shrink-on-load, far more without.
    const bomb = progressiveScanBomb(6320);
    expect(bomb.length).toBeLessThan(200_000);
    const readyId = await uploadImage(t, 'bomb-neighbour', await makeImage(64, 64));
    const ready = await t.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id: readyId });
    const mediaUrl: string = ready.body.data.productImage.url;

    const targets = await Promise.all(Array.from({ length: 4 }, () => requestImage(t, { productId: 'bombs' })));
    const started = Date.now();
    const bombs = Promise.all(targets.map(({ upload }) => putBytes(upload, bomb)));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const small = requestImage(t, { productId: 'bomb-small' }).then(async ({ upload }) =>
      putBytes(upload, await makeImage(40, 30)),
    );
    const latencies: number[] = [];
    while (Date.now() - started < 2000) {
      const before = performance.now();
      const res = await fetch(mediaUrl);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      latencies.push(performance.now() - before);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(500);

    const answers = await bombs;
    for (const answer of answers) {
      expect(answer.status).toBe(415);
      expect(answer.body.error.message).toMatch(/too costly to decode/);
    }
    expect((await small).status).toBe(200);
    for (const { image } of targets) {
      const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id: image.id });
      expect(res.body.data.productImage.status).toBe('AWAITING_UPLOAD');
      expect(listFiles(path.join(t.dataDir, 'blobs', 'images', image.id.split('/').pop()))).toEqual([]);
    }
    expect(listFiles(spoolDir(t.dataDir))).toEqual([]);
    expect(t.logs().filter((l) => l.level === 'warn' && l.msg === 'image worker output')).toEqual([]);
  });

  it('a TIFF of 160,000 one-pixel pages is refused (its page count, or its cost to read), quickly', async () => {
    const bomb = tiffPageBomb(160_000);
    const { image, upload } = await requestImage(t, { productId: 'pages' });
    const before = Date.now();
    const res = await putBytes(upload, bomb);
    expect(res.status).toBe(415);
    // libtiff walks every page directory to count them; past the time limit that walk itself is the refusal.
    expect(res.body.error.message).toMatch(
      /160000 pages or frames; the limit is 1000 \(MEDIA_MAX_IMAGE_PAGES\)|too costly/,
    );
    expect(Date.now() - before).toBeLessThan(15_000);
    expect(listFiles(path.join(t.dataDir, 'blobs', 'images', image.id.split('/').pop()))).toEqual([]);
  });

  it('a TIFF with more pages than MEDIA_MAX_IMAGE_PAGES is refused by its count', async () => {
    const { upload } = await requestImage(t, { productId: 'pages-count' });
    const res = await putBytes(upload, tiffPageBomb(5000));
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/5000 pages or frames; the limit is 1000 \(MEDIA_MAX_IMAGE_PAGES\)/);
  });

  it('an image refused for its cost leaves the upload URL usable for a retry with a sane image', async () => {
    const { image, upload } = await requestImage(t, { productId: 'bomb-retry' });
    expect((await putBytes(upload, progressiveScanBomb(6320))).status).toBe(415);
    expect((await putBytes(upload, await makeImage(30, 20))).status).toBe(200);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status width } }`, { id: image.id });
    expect(res.body.data.productImage).toEqual({ status: 'READY', width: 30 });
  });
});
