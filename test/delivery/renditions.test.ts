import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio } from 'thumbhash';
import { makeImage } from '../helpers/images';
import { DELETE_IMAGE, putBytes, requestImage, startTestServer, uploadImage, type TestServer } from '../helpers/server';

const URL_OF = `query($id: ID!, $t: ImageTransformInput) { productImage(id: $id) { url(transform: $t) } }`;
const SRCSET = `query($id: ID!, $f: ImageFormat) { productImage(id: $id) { srcSet(format: $f) } }`;
const SUMMARY = `query($id: ID!) { productImage(id: $id) {
  width height thumbhash dominantColor variants { kind format } } }`;

/** A photo-like 1600 x 1000 JPEG: a gradient, so crops and resizes show. */
function makePhoto(width = 1600, height = 1000): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 90;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A three-frame animated GIF of 200 x 120. */
function makeAnimatedGif(): Promise<Buffer> {
  const frames = [0, 120, 240].map((r) =>
    sharp({ create: { width: 200, height: 120, channels: 3, background: { r, g: 40, b: 255 - r } } })
      .raw()
      .toBuffer(),
  );
  return Promise.all(frames).then((raw) =>
    sharp(Buffer.concat(raw), { raw: { width: 200, height: 360, channels: 3, pageHeight: 120 } } as never)
      .gif({ loop: 0, delay: [100, 100, 100] })
      .toBuffer(),
  );
}

async function fetchImage(url: string, init?: RequestInit) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const body = Buffer.from(await res.arrayBuffer());
  const meta = res.status === 200 ? await sharp(body, { animated: true }).metadata() : undefined;
  return { res, body, meta };
}

describe('renditions on request', () => {
  let t: TestServer;
  let photo: string;
  beforeAll(async () => {
    t = await startTestServer();
    photo = await uploadImage(t, 'deliver-1', await makePhoto());
  });
  afterAll(() => t.stop());

  const urlOf = async (id: string, transform?: Record<string, unknown>) => {
    const res = await t.gql(URL_OF, { id, t: transform });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.productImage.url as string;
  };

  it('fits the box in the format asked for, snapped up to the ladder, and serves it like the fixed renditions', async () => {
    const url = await urlOf(photo, { maxWidth: 600, format: 'WEBP' });
    // 600 snaps up to 640: the same rendition as asking for 640.
    expect(await urlOf(photo, { maxWidth: 640, format: 'WEBP' })).toBe(url);
    const { res, meta } = await fetchImage(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(meta).toMatchObject({ format: 'webp', width: 640, height: 400 });
    // With a Cache-Control of its own: fetch() otherwise adds `no-cache` to a conditional request.
    const again = await fetch(url, {
      headers: { 'if-none-match': res.headers.get('etag')!, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(res.headers.get('content-length'));
  });

  it('decodes to the size and format asked for, for every format', async () => {
    const cases = [
      { t: { maxHeight: 200, format: 'JPEG' }, format: 'jpeg', width: 410, height: 256 },
      { t: { maxWidth: 100, format: 'PNG' }, format: 'png', width: 128, height: 80 },
      { t: { maxWidth: 256, maxHeight: 256, format: 'AVIF' }, format: 'heif', width: 256, height: 160 },
      { t: { maxWidth: 384 }, format: 'jpeg', width: 384, height: 240 },
    ];
    for (const c of cases) {
      const { meta } = await fetchImage(await urlOf(photo, c.t));
      expect(meta).toMatchObject({ format: c.format, width: c.width, height: c.height });
    }
  });

  it('never enlarges: a box at or above the image is the original, or the whole image in the format asked for', async () => {
    const original = await urlOf(photo);
    expect(await urlOf(photo, { maxWidth: 4000 })).toBe(original);
    expect(await urlOf(photo, { maxWidth: 3000, maxHeight: 3000, format: 'ORIGINAL' })).toBe(original);
    const { meta } = await fetchImage(await urlOf(photo, { maxWidth: 4000, format: 'WEBP' }));
    expect(meta).toMatchObject({ format: 'webp', width: 1600, height: 1000 });
  });

  it('crops CENTER to exactly the snapped box, and shrinks a box larger than the image to fit it', async () => {
    for (const [box, size] of [
      [
        { maxWidth: 300, maxHeight: 300 },
        { width: 384, height: 384 },
      ],
      [
        { maxWidth: 640, maxHeight: 480 },
        { width: 640, height: 480 },
      ],
      [
        { maxWidth: 4000, maxHeight: 2000 },
        { width: 1600, height: 800 },
      ],
    ] as const) {
      const { meta, body } = await fetchImage(await urlOf(photo, { ...box, crop: 'CENTER' }));
      expect(meta).toMatchObject(size);
      // The centre is kept: the gradient's middle column is in the middle of the crop.
      const { data, info } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
      const red = data[(Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels]!;
      expect(Math.abs(red - 128)).toBeLessThan(12);
    }
  });

  it('answers a query with a bad transform with a typed error, and no URL', async () => {
    for (const transform of [{ maxWidth: 0 }, { maxHeight: 5000 }, { maxWidth: 200, crop: 'CENTER' }]) {
      const res = await t.gql(URL_OF, { id: photo, t: transform });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
      expect(res.body.data?.productImage?.url ?? null).toBeNull();
    }
  });

  it('refuses (403) a rendition the subgraph did not hand out: forged, re-sized, unsigned', async () => {
    const url = new URL(await urlOf(photo, { maxWidth: 512, format: 'WEBP' }));
    const forged = new URL(url);
    forged.searchParams.set('signature', 'A'.repeat(43));
    const resized = new URL(url.toString().replace('/512x0-fit.webp', '/4096x0-fit.webp'));
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const wrong of [forged, resized, unsigned]) {
      const res = await fetch(wrong);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    const malformed = await fetch(url.toString().replace('/512x0-fit.webp', '/512x0-fit.bmp'));
    expect(malformed.status).toBe(404);
  });

  it('renders once under 20 concurrent first requests; the others wait for it and get the same bytes', async () => {
    const url = await urlOf(photo, { maxWidth: 750, format: 'AVIF' });
    const made = () => t.logs().filter((l) => l.msg === 'rendition made' && l.key.includes('750x0-fit.avif')).length;
    expect(made()).toBe(0);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetchImage(url)));
    expect(answers.map((a) => a.res.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.toString('base64'))).size).toBe(1);
    expect(made()).toBe(1);
    await fetchImage(url);
    expect(made()).toBe(1);
  });

  it('gives a srcSet of the ladder widths below the image and the image itself, each decoding to its width', async () => {
    const res = await t.gql(SRCSET, { id: photo, f: 'WEBP' });
    const entries = (res.body.data.productImage.srcSet as string).split(', ').map((e) => e.split(' '));
    expect(entries.map(([, w]) => w)).toEqual([
      '256w',
      '384w',
      '512w',
      '640w',
      '750w',
      '828w',
      '1080w',
      '1200w',
      '1600w',
    ]);
    for (const [url, w] of [entries[0]!, entries.at(-1)!]) {
      const { meta } = await fetchImage(url!);
      expect(meta).toMatchObject({ format: 'webp', width: Number(w!.slice(0, -1)) });
    }
    const original = await t.gql(SRCSET, { id: photo });
    expect((original.body.data.productImage.srcSet as string).endsWith(`${await urlOf(photo)} 1600w`)).toBe(true);
  });

  it('has a ThumbHash of the right aspect ratio, a dominant colour, and the format of each variant', async () => {
    const red = await uploadImage(t, 'deliver-2', await makeImage(300, 100, 'png'));
    for (const [id, ratio] of [
      [photo, 1.6],
      [red, 3],
    ] as const) {
      const image = (await t.gql(SUMMARY, { id })).body.data.productImage;
      const hash = Buffer.from(image.thumbhash, 'base64');
      // ThumbHash keeps the aspect ratio only roughly (in its count of coefficients per side).
      expect(Math.abs(thumbHashToApproximateAspectRatio(hash) - ratio) / ratio).toBeLessThan(0.2);
      expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    }
    const image = (await t.gql(SUMMARY, { id: red })).body.data.productImage;
    // makeImage fills with rgb(200, 60, 20); the dominant colour is its bin of sharp's histogram.
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(image.dominantColor.slice(i, i + 2), 16));
    expect(Math.abs(r! - 200) + Math.abs(g! - 60) + Math.abs(b! - 20)).toBeLessThan(40);
    expect(image.variants).toEqual([
      { kind: 'ORIGINAL', format: 'PNG' },
      { kind: 'STANDARD', format: 'PNG' },
      { kind: 'LOW', format: 'PNG' },
      { kind: 'THUMBNAIL', format: 'PNG' },
    ]);
  });

  it('keeps an animated GIF animated in GIF and WebP renditions, every frame resized; PNG takes the first', async () => {
    const gif = await uploadImage(t, 'deliver-3', await makeAnimatedGif());
    // 100 snaps up to 128: 128 x 77 per frame.
    const animatedGif = await fetchImage(await urlOf(gif, { maxWidth: 100 }));
    expect(animatedGif.meta).toMatchObject({ format: 'gif', width: 128, pages: 3, pageHeight: 77 });
    const animatedWebp = await fetchImage(await urlOf(gif, { maxWidth: 100, format: 'WEBP' }));
    expect(animatedWebp.meta).toMatchObject({ format: 'webp', width: 128, pages: 3, pageHeight: 77 });
    const still = await fetchImage(await urlOf(gif, { maxWidth: 100, format: 'PNG' }));
    expect(still.meta).toMatchObject({ format: 'png', width: 128, height: 77 });
    expect(still.meta?.pages ?? 1).toBe(1);
  });

  it('keeps the animation in the fixed renditions too, and counts every frame against the pixel limit', async () => {
    const gif = await uploadImage(t, 'deliver-5', await makeAnimatedGif());
    const query = `query($id: ID!) { productImage(id: $id) { width height variants { kind url width height format } } }`;
    const image = (await t.gql(query, { id: gif })).body.data.productImage;
    expect(image).toMatchObject({ width: 200, height: 120 });
    const thumbnail = image.variants.find((v: { kind: string }) => v.kind === 'THUMBNAIL');
    expect(thumbnail).toMatchObject({ width: 120, height: 72, format: null });
    expect((await fetchImage(thumbnail.url)).meta).toMatchObject({
      format: 'gif',
      pages: 3,
      width: 120,
      pageHeight: 72,
    });

    // One frame (24 000 px) is under the limit, the three (72 000 px) are not.
    const small = await startTestServer({ MEDIA_MAX_IMAGE_PIXELS: '50000' });
    try {
      const { image: placeholder, upload } = await requestImage(small, { productId: 'deliver-6' });
      const put = await putBytes(upload, await makeAnimatedGif());
      expect(put.status).toBe(413);
      expect(put.body.error.message).toMatch(/3 frames; the limit is 50000/);
      const after = await small.gql(`query($id: ID!) { productImage(id: $id) { status variants { kind } } }`, {
        id: placeholder.id,
      });
      expect(after.body.data.productImage).toEqual({ status: 'AWAITING_UPLOAD', variants: [] });
    } finally {
      await small.stop();
    }
  });

  it("answers 404 for a deleted image's renditions at once, made ones and not yet made ones", async () => {
    const doomed = await uploadImage(t, 'deliver-4', await makePhoto(800, 600));
    const made = await urlOf(doomed, { maxWidth: 256, format: 'WEBP' });
    const notYet = await urlOf(doomed, { maxWidth: 384, format: 'WEBP' });
    expect((await fetchImage(made)).res.status).toBe(200);
    expect((await t.gql(DELETE_IMAGE, { id: doomed })).body.data.deleteImage.userErrors).toEqual([]);
    expect((await fetch(made)).status).toBe(404);
    expect((await fetch(notYet)).status).toBe(404);
  });
});

describe('the cap on renditions kept per image', () => {
  it('past MEDIA_MAX_RENDITIONS_PER_IMAGE, sends the client to the original instead of rendering more', async () => {
    const t = await startTestServer({ MEDIA_MAX_RENDITIONS_PER_IMAGE: '2' });
    try {
      const id = await uploadImage(t, 'cap-1', await makePhoto(800, 500));
      const urls: string[] = [];
      for (const maxWidth of [128, 256, 384]) {
        const res = await t.gql(URL_OF, { id, t: { maxWidth, format: 'WEBP' } });
        urls.push(res.body.data.productImage.url);
      }
      expect((await fetchImage(urls[0]!)).meta).toMatchObject({ width: 128 });
      expect((await fetchImage(urls[1]!)).meta).toMatchObject({ width: 256 });
      const third = await fetch(urls[2]!, { redirect: 'manual' });
      expect(third.status).toBe(302);
      const original = (await t.gql(URL_OF, { id })).body.data.productImage.url as string;
      expect(new URL(third.headers.get('location')!, t.url).pathname).toBe(new URL(original).pathname);
      expect(t.logs().filter((l) => l.msg === 'rendition made')).toHaveLength(2);
      // The kept ones are still served from storage.
      expect((await fetchImage(urls[0]!)).res.status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

describe('images processed before ThumbHashes existed', () => {
  it('get their ThumbHash and dominant colour from a backfill at the next start-up', async () => {
    const first = await startTestServer();
    const id = await uploadImage(first, 'backfill-1', await makePhoto(400, 200));
    const record = (await first.server.index.getImage(id))!;
    // As a row written before there were summaries.
    await first.server.index.upsertImage(record, { thumbhash: null, dominantColor: null });
    expect((await first.gql(SUMMARY, { id })).body.data.productImage).toMatchObject({ thumbhash: null });
    await first.stop();
    const again = await startTestServer({}, first.dataDir);
    try {
      await again.server.summaries.idle();
      const image = (await again.gql(SUMMARY, { id })).body.data.productImage;
      expect(Math.abs(thumbHashToApproximateAspectRatio(Buffer.from(image.thumbhash, 'base64')) - 2)).toBeLessThan(0.3);
      expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
      expect(again.logs().some((l) => l.msg === 'image summaries backfilled' && l.images === 1)).toBe(true);
    } finally {
      await again.stop();
    }
  });
});
