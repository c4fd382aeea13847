/**
 * Renditions on request at their edges (contract section 8): races with the
 * cap and with deletes, workers busy, renders too costly, wide images, crops
 * larger than the image, the redirect past the cap. Found by an adversarial
 * review; each failed before its fix.
 *
 * A few tests hold a rendition's render at the image pool's door (the test
 * wraps `server.images.renderRendition` of the running server), so that what
 * happens while a render is in flight happens every time, without any timing.
 */
import sharp from 'sharp';
import { BACKEND, prepareStore, storedKeys, storeEnv } from '../backend/backend';
import { makeImage } from '../helpers/images';
import {
  DELETE_IMAGE,
  putBytes,
  requestImage,
  startTestServer,
  updateImageWithFile,
  uploadImage,
  tempDataDir,
  type TestServer,
} from '../helpers/server';

const URL_OF = `query($id: ID!, $t: ImageTransformInput) { productImage(id: $id) { url(transform: $t) } }`;
const SRCSET = `query($id: ID!, $f: ImageFormat) { productImage(id: $id) { srcSet(format: $f) } }`;

async function urlOf(t: TestServer, id: string, transform?: Record<string, unknown>): Promise<string> {
  const res = await t.gql(URL_OF, { id, t: transform });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.productImage.url as string;
}

/** Fetches without following redirects and reads the whole body. */
async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const body = Buffer.from(await res.arrayBuffer());
  return { res, body };
}

const localId = (id: string) => id.split('/').pop()!;

/** Polls `check` until it holds or `ms` pass; never asserts on time itself. */
async function until(check: () => boolean | Promise<boolean>, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

/**
 * Holds every rendition render of `t` before it reaches a worker, until
 * `release()`. `started` counts the renders that got that far.
 */
function holdRenders(t: TestServer) {
  const images = t.server.images as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = images.renderRendition!.bind(images);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const state = { started: 0 };
  images.renderRendition = async (...args: unknown[]) => {
    state.started += 1;
    await gate;
    return original(...args);
  };
  return {
    state,
    release: () => {
      open();
      delete images.renderRendition;
    },
  };
}

describe('the per-image cap on stored renditions', () => {
  it('is not bypassed by concurrent first requests for different sizes', async () => {
    const t = await startTestServer({ MEDIA_MAX_RENDITIONS_PER_IMAGE: '2' });
    try {
      const id = await uploadImage(t, 'review-cap-1', await makeImage(900, 600, 'jpeg'));
      const urls: string[] = [];
      for (const maxWidth of [32, 64, 96, 128, 256, 384]) urls.push(await urlOf(t, id, { maxWidth, format: 'WEBP' }));
      const hold = holdRenders(t);
      let answered = 0;
      const answers = urls.map((url) => get(url).finally(() => (answered += 1)));
      // Either the cap turns the extra ones away at once (302), or every request got as far as rendering.
      await until(() => hold.state.started + answered >= urls.length);
      hold.release();
      const done = await Promise.all(answers);
      const rendered = done.filter((a) => a.res.status === 200).length;
      const kept = (await storedKeys(t.dataDir, `renditions/${localId(id)}`)).filter((k) => /\/rendition\./.test(k));
      // The cap is 2: at most 2 renditions made and kept; the others redirect to the original.
      expect({ rendered, kept: kept.length }).toEqual({ rendered: 2, kept: 2 });
    } finally {
      await t.stop();
    }
  });
});

describe('the per-image cap, when a render finishes while another request counts', () => {
  it('still holds: a request that listed before the other rendition was stored does not pass the cap', async () => {
    const t = await startTestServer({ MEDIA_MAX_RENDITIONS_PER_IMAGE: '1' });
    const storage = t.server.storage as unknown as Record<string, (prefix: string) => AsyncIterable<unknown>>;
    try {
      const id = await uploadImage(t, 'review-cap-2', await makeImage(900, 600, 'jpeg'));
      const [a, b] = [
        await urlOf(t, id, { maxWidth: 128, format: 'WEBP' }),
        await urlOf(t, id, { maxWidth: 256, format: 'WEBP' }),
      ];
      // The second listing of stored renditions (request b counting them) waits, once it has listed, for `resume`.
      const list = storage.list!.bind(storage);
      let listings = 0;
      let paused = false;
      let resume!: () => void;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      storage.list = (prefix: string) => {
        if (!prefix.startsWith('renditions/') || ++listings !== 2) return list(prefix);
        return (async function* () {
          yield* list(prefix);
          paused = true;
          await resumed;
        })();
      };
      const hold = holdRenders(t);
      const first = get(a);
      expect(await until(() => hold.state.started === 1)).toBe(true);
      const second = get(b);
      expect(await until(() => paused, 3000)).toBe(true);
      hold.release();
      expect((await first).res.status).toBe(200);
      resume();
      const answer = await second;
      const kept = (await storedKeys(t.dataDir, `renditions/${localId(id)}`)).filter((k) => /\/rendition\./.test(k));
      expect({ status: answer.res.status, kept: kept.length }).toEqual({ status: 302, kept: 1 });
    } finally {
      delete storage.list;
      await t.stop();
    }
  });
});

const replicated = BACKEND === 'postgres-s3' ? describe : describe.skip;

replicated('the per-image cap, with two replicas on one store (postgres-s3 only)', () => {
  it('holds per replica, as documented: each stores at most the cap, whatever the other does', async () => {
    const shared = tempDataDir();
    await prepareStore(shared);
    const env = { ...storeEnv(shared), MEDIA_MAX_RENDITIONS_PER_IMAGE: '2' };
    const a = await startTestServer(env, tempDataDir());
    const b = await startTestServer(env, tempDataDir());
    try {
      const id = await uploadImage(a, 'review-cap-3', await makeImage(900, 600, 'jpeg'));
      const urls: string[] = [];
      for (const maxWidth of [32, 64, 96, 128]) urls.push(await urlOf(a, id, { maxWidth, format: 'WEBP' }));
      // Behind the Router both replicas answer one public URL: half the requests reach each.
      const onReplica = (url: string, replica: TestServer) =>
        `${replica.url}${new URL(url).pathname}${new URL(url).search}`;
      const holds = [holdRenders(a), holdRenders(b)];
      let answered = 0;
      const answers = urls.map((url, i) => get(onReplica(url, i % 2 ? b : a)).finally(() => (answered += 1)));
      await until(() => holds[0]!.state.started + holds[1]!.state.started + answered >= urls.length);
      for (const hold of holds) hold.release();
      const done = await Promise.all(answers);
      const kept = (await storedKeys(shared, `renditions/${localId(id)}`)).filter((k) => /\/rendition\./.test(k));
      expect(done.map((d) => d.res.status).every((s) => s === 200 || s === 302)).toBe(true);
      const made = (t: TestServer) => t.logs().filter((l) => l.msg === 'rendition made').length;
      expect(made(a)).toBeLessThanOrEqual(2);
      expect(made(b)).toBeLessThanOrEqual(2);
      expect(kept.length).toBe(made(a) + made(b));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe("a render in flight when the image's bytes go", () => {
  // On the folder backend the staging folder lives inside renditions/<id>/<rev>/ and is removed with it, so
  // the render fails; on S3 (staging on the local disk) the rendition is published after the revision is gone.
  it('leaves no rendition of a deleted image behind, nor serves it (S3 only: a folder staging goes with the revision)', async () => {
    const t = await startTestServer();
    try {
      const id = await uploadImage(t, 'review-del-1', await makeImage(900, 600, 'jpeg'));
      const url = await urlOf(t, id, { maxWidth: 256, format: 'WEBP' });
      const hold = holdRenders(t);
      const first = get(url);
      expect(await until(() => hold.state.started === 1)).toBe(true);
      expect((await t.gql(DELETE_IMAGE, { id })).body.data.deleteImage.userErrors).toEqual([]);
      hold.release();
      await first;
      // Deleted: every URL of the image answers 404 from now on, and none of its bytes are kept.
      expect((await get(url)).res.status).toBe(404);
      expect(await storedKeys(t.dataDir, `renditions/${localId(id)}`)).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('leaves no rendition of a revision replaced past its grace behind, nor serves it (S3 only: a folder staging goes with the revision)', async () => {
    const t = await startTestServer({ MEDIA_REVISION_GRACE_SECONDS: '1', MEDIA_SWEEP_INTERVAL_SECONDS: '1' });
    try {
      const id = await uploadImage(t, 'review-grace-1', await makeImage(900, 600, 'jpeg'));
      const oldOriginal = await urlOf(t, id);
      const oldRendition = await urlOf(t, id, { maxWidth: 256, format: 'WEBP' });
      const oldRevision = new URL(oldRendition).pathname.split('/')[4]!;
      const hold = holdRenders(t);
      const first = get(oldRendition);
      expect(await until(() => hold.state.started === 1)).toBe(true);
      const replaced = await updateImageWithFile(t, { id }, await makeImage(800, 500, 'jpeg'));
      expect(((await replaced.json()) as any).data.updateImage.userErrors).toEqual([]);
      // The sweep removes the replaced revision once its second of grace has passed (it logs once every folder is gone).
      const swept = () => t.logs().some((l) => l.msg === 'replaced revisions past their grace removed');
      expect(await until(swept, 15_000)).toBe(true);
      expect((await get(oldOriginal)).res.status).toBe(404);
      hold.release();
      await first;
      expect((await get(oldRendition)).res.status).toBe(404);
      expect(await storedKeys(t.dataDir, `renditions/${localId(id)}/${oldRevision}`)).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('a rendition asked for while every image worker is busy', () => {
  it('is not answered 404 (the media exists): a retryable 503, or the original', async () => {
    const t = await startTestServer({ MEDIA_PROCESSING_CONCURRENCY: '1', MEDIA_PROCESSING_QUEUE_LIMIT: '0' });
    const pool = t.server.images as unknown as { acquire(): Promise<void>; release(): void };
    let held = false;
    try {
      const id = await uploadImage(t, 'review-busy-1', await makeImage(900, 600, 'jpeg'));
      const url = await urlOf(t, id, { maxWidth: 256, format: 'WEBP' });
      // The one worker is busy (as with another upload being processed) and the queue takes no more.
      await pool.acquire();
      held = true;
      const { res } = await get(url);
      expect(res.status).not.toBe(404);
      expect([302, 503]).toContain(res.status);
    } finally {
      if (held) pool.release();
      await t.stop();
    }
  });
});

describe('a rendition of a large photo too costly to make within MEDIA_PROCESSING_TIMEOUT_MS', () => {
  it('is not answered 404 (the image exists, and srcSet handed the URL out): the original, or a retryable 503', async () => {
    // A 12 MP photo: its 3840-wide AVIF (srcSet(format: AVIF) hands it out) takes seconds of one core to encode,
    // far past the half-second limit of the second start; the first start processes it with the default limit.
    const photo = await sharp({
      create: {
        width: 4000,
        height: 3000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 12 },
      },
    })
      .blur(1.2)
      .jpeg({ quality: 85 })
      .toBuffer();
    const first = await startTestServer();
    const id = await uploadImage(first, 'review-costly-1', photo);
    await first.stop();
    const t = await startTestServer({ MEDIA_PROCESSING_TIMEOUT_MS: '500' }, first.dataDir);
    try {
      const srcSet = (await t.gql(SRCSET, { id, f: 'AVIF' })).body.data.productImage.srcSet as string;
      const [url] = srcSet
        .split(', ')
        .find((entry) => entry.endsWith(' 3840w'))!
        .split(' ');
      const { res } = await get(url!);
      expect(res.status).not.toBe(404);
      expect([302, 503]).toContain(res.status);
    } finally {
      await t.stop();
    }
  });
});

describe('srcSet of an image wider than the largest transform side (4096)', () => {
  it('ends with the image at its own width, as for any other image', async () => {
    const t = await startTestServer();
    try {
      const id = await uploadImage(t, 'review-wide-1', await makeImage(5000, 40, 'png'));
      for (const format of ['ORIGINAL', 'WEBP']) {
        const srcSet = (await t.gql(SRCSET, { id, f: format })).body.data.productImage.srcSet as string;
        expect(srcSet.split(', ').at(-1)!.endsWith(' 5000w')).toBe(true);
      }
    } finally {
      await t.stop();
    }
  });
});

describe('a CENTER crop whose box is larger than the image', () => {
  it('shrinks to the image itself, not one pixel less (401 x 401 PNG, box 750 x 750)', async () => {
    const t = await startTestServer();
    try {
      const id = await uploadImage(t, 'review-crop-1', await makeImage(401, 401, 'png'));
      const cropped = await urlOf(t, id, { maxWidth: 750, maxHeight: 750, crop: 'CENTER' });
      const { res, body } = await get(cropped);
      expect(res.status).toBe(200);
      const meta = await sharp(body).metadata();
      // The square box shrunk to fit a square image is the whole image: 401 x 401 (the original itself).
      expect({ width: meta.width, height: meta.height }).toEqual({ width: 401, height: 401 });
      expect(cropped).toBe(await urlOf(t, id));
    } finally {
      await t.stop();
    }
  });
});

describe('the redirect past the cap, behind a public URL with a path', () => {
  it("sends the client to the original's handed-out URL, not to the host's root", async () => {
    const base = 'https://shop.example.com/product-media';
    const t = await startTestServer({ MEDIA_PUBLIC_URL: base, MEDIA_MAX_RENDITIONS_PER_IMAGE: '0' });
    try {
      const { image, upload } = await requestImage(t, { productId: 'review-prefix-1' });
      // The proxy in front strips the path: the test plays it.
      const put = await putBytes(
        { ...upload, url: upload.url.replace(base, t.url) },
        await makeImage(900, 600, 'jpeg'),
      );
      expect(put.status).toBe(200);
      const original = await urlOf(t, image.id);
      const rendition = await urlOf(t, image.id, { maxWidth: 256, format: 'WEBP' });
      expect(original.startsWith(`${base}/media/images/`)).toBe(true);
      expect(rendition.startsWith(`${base}/media/renditions/`)).toBe(true);
      const { res } = await get(rendition.replace(base, t.url));
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!, rendition).href).toBe(original);
    } finally {
      await t.stop();
    }
  });
});

describe('the redirect past the cap, for a TIFF upload', () => {
  it('sends the client to something a browser can show (TIFF is served as PNG everywhere else), not to original.tif', async () => {
    const t = await startTestServer({ MEDIA_MAX_RENDITIONS_PER_IMAGE: '0' });
    try {
      const id = await uploadImage(t, 'review-tiff-1', await makeImage(600, 400, 'tiff'));
      // Under the cap this would be a PNG (contract: ORIGINAL keeps the image's own encoding, TIFF becomes PNG).
      const rendition = await urlOf(t, id, { maxWidth: 256 });
      expect(new URL(rendition).pathname.endsWith('/256x0-fit.png')).toBe(true);
      const { res } = await get(rendition);
      expect(res.status).toBe(302);
      const target = await get(new URL(res.headers.get('location')!, rendition).href);
      expect(target.res.status).toBe(200);
      expect(['image/png', 'image/jpeg', 'image/webp', 'image/avif', 'image/gif']).toContain(
        target.res.headers.get('content-type'),
      );
    } finally {
      await t.stop();
    }
  });
});
