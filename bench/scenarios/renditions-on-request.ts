import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { LoadJob, LoadResult } from '../load-worker';
import { startChild, type BenchChild } from '../lib/child';
import type { BenchContext, Section } from '../lib/context';
import { SERVER_CORE } from '../lib/machine';
import { interleave, roundRatios } from '../lib/rounds';
import { fmt, median, table } from '../lib/stats';
import { gql, onServer, REQUEST_IMAGE_UPLOAD } from '../lib/uploading';
import type { RenditionDone, RenditionJob } from '../servers/sharp-alone';
import { startSubgraph } from './entities';
import { untilReady } from './image-uploads';

/** The photos of the bytes comparison, made here (never committed): landscape and portrait, 1.7 to 12 megapixels. */
const PHOTOS = [
  { width: 1600, height: 1067 },
  { width: 2400, height: 1600 },
  { width: 3000, height: 2000 },
  { width: 4000, height: 3000 },
  { width: 2000, height: 3000 },
  { width: 3024, height: 4032 },
] as const;
/** The photo whose renditions are timed: the 12-megapixel one. */
const TIMED_PHOTO = 3;
/** The transform timed on its first request: `url(transform: { maxWidth: 640, format })`. */
const FIRST_WIDTH = 640;
const FIRST_FORMATS = ['WEBP', 'AVIF'] as const;
/** The widths of the bytes comparison. */
const SAVING_WIDTHS = [640, 1080] as const;
const SAVING_FORMATS = ['JPEG', 'WEBP', 'AVIF'] as const;
/** Keep-alive connections of the serving measurement, as in scenario 1. */
const CONNECTIONS = 8;

type Format = (typeof SAVING_FORMATS)[number];
const SHARP_FORMAT: Record<Format, RenditionJob['format']> = { JPEG: 'jpeg', WEBP: 'webp', AVIF: 'avif' };
/** What sharp's `metadata()` calls each encoding. */
const DECODED_AS: Record<Format, string> = { JPEG: 'jpeg', WEBP: 'webp', AVIF: 'heif' };

type FirstVariant = `product-media first request, ${(typeof FIRST_FORMATS)[number]}` | `plain sharp, ${Format}`;
const subgraphVariant = (f: Format) => `product-media first request, ${f}` as FirstVariant;
const sharpVariant = (f: Format) => `plain sharp, ${f}` as FirstVariant;

type ServeVariant = 'transform URL, stored' | 'fixed STANDARD' | 'fixed LOW';

/** mulberry32: the photos come out the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A JPEG (q90) that encodes like a photo: light falling smoothly across the
 * frame, soft mottling (clouds, foliage) and fine texture where a detail map
 * says so, a score of shapes with shaded fills and soft edges (a blur of
 * 0.8 px, as a lens gives), and sensor noise. Drawn on raw pixels (the
 * runner's sharp loads no SVG: the renderer blocks that decoder).
 */
async function makePhoto(file: string, width: number, height: number, seed: number): Promise<number> {
  const rand = seeded(seed);
  /** Random values on a `w` x `h` grid, scaled up smoothly to the photo's size. */
  const scaledUp = async (w: number, h: number, channels: 1 | 3, value: () => number) => {
    const small = Buffer.alloc(w * h * channels);
    for (let i = 0; i < small.length; i++) small[i] = value();
    const scaled = sharp(small, { raw: { width: w, height: h, channels } }).resize(width, height, {
      kernel: 'cubic',
      fit: 'fill',
    });
    const { data, info } = await (channels === 1 ? scaled.toColourspace('b-w') : scaled)
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`scaled to ${info.channels} channels, not ${channels}`);
    return data;
  };
  const light = await scaledUp(5, 4, 3, () => 40 + rand() * 180);
  const mottling = await scaledUp(Math.ceil(width / 48), Math.ceil(height / 48), 1, () => rand() * 255);
  const fine = await scaledUp(Math.ceil(width / 5), Math.ceil(height / 5), 1, () => rand() * 255);
  const detail = await scaledUp(4, 3, 1, () => rand() * 255);
  const grainAt = (p: number) => (mottling[p]! - 128) * 0.3 + ((fine[p]! - 128) * 0.35 * detail[p]!) / 255;
  // Clamped views: a value past 0 or 255 saturates, as light does, instead of wrapping round.
  const pixels = new Uint8ClampedArray(width * height * 3);
  for (let p = 0, i = 0; p < width * height; p++, i += 3) {
    const grain = grainAt(p);
    pixels[i] = light[i]! + grain;
    pixels[i + 1] = light[i + 1]! + grain;
    pixels[i + 2] = light[i + 2]! + grain;
  }
  const shapes = 14 + Math.floor(rand() * 10);
  const side = Math.min(width, height);
  for (let s = 0; s < shapes; s++) {
    const cx = rand() * width;
    const cy = rand() * height;
    const a = side * (0.03 + rand() * 0.22);
    const b = a * (0.4 + rand() * 0.6);
    const angle = rand() * Math.PI;
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    const ellipse = rand() < 0.6;
    const opacity = 0.6 + rand() * 0.4;
    const from = [rand() * 255, rand() * 255, rand() * 255];
    const to = [rand() * 255, rand() * 255, rand() * 255];
    const x0 = Math.max(0, Math.floor(cx - a));
    const x1 = Math.min(width - 1, Math.ceil(cx + a));
    const y0 = Math.max(0, Math.floor(cy - a));
    const y1 = Math.min(height - 1, Math.ceil(cy + a));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const u = ((x - cx) * cos + (y - cy) * sin) / a;
        const v = (-(x - cx) * sin + (y - cy) * cos) / b;
        if (ellipse ? u * u + v * v > 1 : Math.abs(u) > 1 || Math.abs(v) > 1) continue;
        const t = (u + 1) / 2;
        const p = y * width + x;
        const grain = grainAt(p) * 0.5;
        for (let c = 0; c < 3; c++) {
          const i = p * 3 + c;
          const fill = from[c]! + (to[c]! - from[c]!) * t + grain;
          pixels[i] = pixels[i]! + (fill - pixels[i]!) * opacity;
        }
      }
    }
  }
  const soft = await sharp(Buffer.from(pixels.buffer), { raw: { width, height, channels: 3 } })
    .blur(0.8)
    .raw()
    .toBuffer();
  const noisy = new Uint8ClampedArray(soft.buffer, soft.byteOffset, soft.length);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < noisy.length; i++) {
    // xorshift32; two bytes summed: noise of up to +-8, most of it near 0.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    noisy[i] = noisy[i]! + (((x & 255) + ((x >>> 8) & 255) - 255) * 8) / 255;
  }
  const info = await sharp(soft, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(file);
  return info.size;
}

/** A new LOCAL image of `productId` holding `bytes`, READY. */
async function uploadPhoto(server: BenchChild, productId: string, bytes: Buffer): Promise<string> {
  const data = await gql(server.url, REQUEST_IMAGE_UPLOAD, { input: { productId } });
  const { image, upload, userErrors } = data.requestImageUpload as {
    image: { id: string };
    upload: { url: string; headers: { name: string; value: string }[] };
    userErrors: unknown[];
  };
  if (userErrors.length) throw new Error(`requestImageUpload: ${JSON.stringify(userErrors)}`);
  const put = await fetch(onServer(server, upload.url), {
    method: 'PUT',
    headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
    body: bytes,
  });
  const answer = await put.text();
  if (put.status !== 200) throw new Error(`photo upload answered ${put.status} ${answer.slice(0, 300)}`);
  await untilReady(server, image.id);
  return image.id;
}

/** `{ maxWidth: 640, format: WEBP }` as a GraphQL literal. */
const transformLiteral = (width: number, format: Format) => `{ maxWidth: ${width}, format: ${format} }`;
const alias = (width: number, format: Format) => `w${width}${format}`;

interface ImageUrls {
  width: number;
  height: number;
  variants: Record<string, string>;
  transforms: Record<string, string>;
}

/** The image's size, fixed rendition URLs and the URLs of `transforms` (width and format each), on the server's own address. */
async function imageUrls(
  server: BenchChild,
  id: string,
  transforms: readonly (readonly [number, Format])[],
): Promise<ImageUrls> {
  const fields = transforms.map(([w, f]) => `${alias(w, f)}: url(transform: ${transformLiteral(w, f)})`).join(' ');
  const data = await gql(
    server.url,
    `query($id: ID!) { productImage(id: $id) { width height variants { kind url } ${fields} } }`,
    { id },
  );
  const image = data.productImage as Record<string, unknown> & {
    width: number;
    height: number;
    variants: { kind: string; url: string }[];
  };
  return {
    width: image.width,
    height: image.height,
    variants: Object.fromEntries(image.variants.map((v) => [v.kind, onServer(server, v.url)])),
    transforms: Object.fromEntries(
      transforms.map(([w, f]) => [alias(w, f), onServer(server, image[alias(w, f)] as string)]),
    ),
  };
}

/** One GET, timed from the request to the body's last byte. */
async function timedGet(url: string): Promise<{ ms: number; body: Buffer }> {
  const started = performance.now();
  const res = await fetch(url, { redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.toString('utf8', 0, 300)}`);
  return { ms, body };
}

/** Decodes `bytes` whole: it must be `format`, `width` wide and as tall as the photo's aspect ratio makes it (+-1). */
async function checkDecodes(
  bytes: Buffer | string,
  format: Format,
  width: number,
  photo: { width: number; height: number },
  what: string,
) {
  const meta = await sharp(bytes).metadata();
  const { info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const height = (photo.height * width) / photo.width;
  if (meta.format !== DECODED_AS[format] || info.width !== width || Math.abs(info.height - height) > 1)
    throw new Error(`${what}: decoded as ${meta.format} ${info.width}x${info.height}, not ${format} ${width} wide`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * Scenario 6: renditions on request. Their first request (render, store,
 * serve) against plain sharp making the same rendition from the same bytes;
 * their later requests (from storage) against a fixed rendition's; and the
 * bytes WebP and AVIF save against JPEG over photos made here.
 */
export async function renditionsOnRequest(ctx: BenchContext): Promise<Section> {
  const dir = path.join(ctx.workDir, 'renditions-on-request');
  mkdirSync(path.join(dir, 'out'), { recursive: true });
  ctx.log(`renditions on request: making ${PHOTOS.length} photos`);
  const photos: { width: number; height: number; file: string; bytes: Buffer }[] = [];
  for (const [i, size] of PHOTOS.entries()) {
    const file = path.join(dir, `photo-${i}.jpg`);
    await makePhoto(file, size.width, size.height, 17 + i);
    photos.push({ ...size, file, bytes: readFileSync(file) });
  }
  const subgraph = await startSubgraph(ctx.workDir, 'renditions-on-request-subgraph', undefined);
  const plain = await startChild('servers/sharp-alone.ts', {}, SERVER_CORE);
  try {
    // (c) Bytes: every photo at every width in every format, rendered by the subgraph, each decoded.
    ctx.log('renditions on request: bytes of JPEG, WebP and AVIF');
    const combos = SAVING_WIDTHS.flatMap((w) => SAVING_FORMATS.map((f) => [w, f] as const));
    const totals = new Map<string, number>();
    const savings = new Map<string, number[]>();
    for (const [i, photo] of photos.entries()) {
      const id = await uploadPhoto(subgraph, 'bench-ror-photos', photo.bytes);
      const urls = await imageUrls(subgraph, id, combos);
      if (urls.width !== photo.width || urls.height !== photo.height)
        throw new Error(`photo ${i} stored as ${urls.width}x${urls.height}`);
      const sizes = new Map<string, number>();
      for (const [w, f] of combos) {
        const { body } = await timedGet(urls.transforms[alias(w, f)]!);
        await checkDecodes(body, f, w, photo, `photo ${i} at ${w} in ${f}`);
        sizes.set(alias(w, f), body.length);
        totals.set(alias(w, f), (totals.get(alias(w, f)) ?? 0) + body.length);
      }
      for (const [w, f] of combos) {
        const list = savings.get(alias(w, f)) ?? [];
        list.push(1 - sizes.get(alias(w, f))! / sizes.get(alias(w, 'JPEG'))!);
        savings.set(alias(w, f), list);
      }
    }
    const bytesRows = combos.map(([w, f]) => {
      const total = totals.get(alias(w, f))!;
      const jpeg = totals.get(alias(w, 'JPEG'))!;
      const each = savings.get(alias(w, f))!;
      return [
        w,
        f === 'JPEG' ? 'JPEG (own format)' : f,
        kib(total),
        fmt.ratio(total / jpeg),
        f === 'JPEG' ? '' : fmt.pct(1 - total / jpeg),
        f === 'JPEG' ? '' : `${fmt.pct(Math.min(...each))} to ${fmt.pct(Math.max(...each))}`,
      ];
    });
    const originalsBytes = photos.reduce((sum, p) => sum + p.bytes.length, 0);

    // (a) First requests: each on an image revision that has never had that rendition.
    const timed = photos[TIMED_PHOTO]!;
    const firstCombos = FIRST_FORMATS.map((f) => [FIRST_WIDTH, f] as const);
    const fresh: { urls: ImageUrls; used: Set<Format> }[] = [];
    let originalSha: string | undefined;
    const sourceFile = path.join(dir, 'served-original.jpg');
    const addFresh = async () => {
      const id = await uploadPhoto(subgraph, 'bench-ror-first', timed.bytes);
      const urls = await imageUrls(subgraph, id, firstCombos);
      // The baseline starts from the bytes the subgraph renders from: the served original (metadata stripped).
      const { body } = await timedGet(urls.variants.ORIGINAL!);
      if (originalSha === undefined) {
        originalSha = sha256(body);
        writeFileSync(sourceFile, body);
      } else if (sha256(body) !== originalSha) throw new Error('the served originals of the same photo differ');
      fresh.push({ urls, used: new Set() });
    };
    const firstRequestOf = async (format: Format) => {
      let image = fresh.find((f) => !f.used.has(format));
      if (!image) {
        await addFresh();
        image = fresh[fresh.length - 1]!;
      }
      image.used.add(format);
      return image.urls.transforms[alias(FIRST_WIDTH, format)]!;
    };
    ctx.log(`renditions on request: ${ctx.rounds + 1} fresh images of the ${timed.width}x${timed.height} photo`);
    for (let i = 0; i <= ctx.rounds; i++) await addFresh();
    let outCount = 0;
    const bySharp = async (format: Format): Promise<{ ms: number; bytes: number }> => {
      const outFile = path.join(dir, 'out', `rendition-${outCount++}.${SHARP_FORMAT[format]}`);
      const done = await plain.call<RenditionDone>('rendition', {
        file: sourceFile,
        outFile,
        width: FIRST_WIDTH,
        format: SHARP_FORMAT[format],
      } satisfies RenditionJob);
      await checkDecodes(outFile, format, FIRST_WIDTH, timed, `plain sharp ${format}`);
      return { ms: done.ms, bytes: done.bytes };
    };
    const bySubgraph = async (format: Format): Promise<{ ms: number; bytes: number }> => {
      const url = await firstRequestOf(format);
      const { ms, body } = await timedGet(url);
      await checkDecodes(body, format, FIRST_WIDTH, timed, `first request ${format}`);
      return { ms, bytes: body.length };
    };
    // One of each untimed first: loading the encoders, the image path and the worker is no round's work.
    for (const format of FIRST_FORMATS) {
      await bySharp(format);
      await bySubgraph(format);
    }
    ctx.log(`renditions on request: first requests, ${ctx.rounds} rounds`);
    const firstVariants = FIRST_FORMATS.flatMap((f) => [subgraphVariant(f), sharpVariant(f)]);
    const firsts = await interleave<FirstVariant, { ms: number; bytes: number }>(
      firstVariants,
      ctx.rounds,
      async (variant) => {
        const format = FIRST_FORMATS.find((f) => variant.endsWith(`, ${f}`))!;
        return variant.startsWith('plain sharp') ? bySharp(format) : bySubgraph(format);
      },
    );
    const firstRows = FIRST_FORMATS.map((f) => {
      const mine = firsts.get(subgraphVariant(f))!.map((m) => m.value);
      const theirs = firsts.get(sharpVariant(f))!.map((m) => m.value);
      const above = mine.map((m, i) => m.ms - theirs[i]!.ms);
      return [
        `\`{ maxWidth: ${FIRST_WIDTH}, format: ${f} }\``,
        fmt.num(median(mine.map((m) => m.ms)), 1),
        fmt.num(median(theirs.map((m) => m.ms)), 1),
        fmt.ratio(median(roundRatios(firsts, subgraphVariant(f), sharpVariant(f), (m) => m.ms))),
        fmt.num(median(above), 1),
        `${kib(median(mine.map((m) => m.bytes)))} / ${kib(median(theirs.map((m) => m.bytes)))}`,
        [...firsts.get(subgraphVariant(f))!, ...firsts.get(sharpVariant(f))!].reduce((a, m) => a + m.retries, 0),
      ];
    });
    ctx.log(
      `first requests per round: ${firstVariants
        .map(
          (v) =>
            `${v} ${firsts
              .get(v)!
              .map((m) => m.value.ms.toFixed(0))
              .join('/')} ms`,
        )
        .join('; ')}`,
    );

    // (b) Later requests: the stored transform against fixed renditions of the same image, under closed-loop load.
    const served = fresh[0]!.urls;
    const serveUrls: Record<ServeVariant, string> = {
      'transform URL, stored': served.transforms[alias(FIRST_WIDTH, 'WEBP')]!,
      'fixed STANDARD': served.variants.STANDARD!,
      'fixed LOW': served.variants.LOW!,
    };
    const serveWidths: Record<ServeVariant, number> = {
      'transform URL, stored': FIRST_WIDTH,
      'fixed STANDARD': 1000,
      'fixed LOW': 500,
    };
    const expected = new Map<ServeVariant, Buffer>();
    for (const [variant, url] of Object.entries(serveUrls) as [ServeVariant, string][]) {
      const { body } = await timedGet(url);
      const format = variant === 'transform URL, stored' ? 'WEBP' : 'JPEG';
      await checkDecodes(body, format, serveWidths[variant], timed, variant);
      expected.set(variant, body);
    }
    const serveVariants = Object.keys(serveUrls) as ServeVariant[];
    const jobOf = (variant: ServeVariant, seconds: number): LoadJob => ({
      url: serveUrls[variant],
      method: 'GET',
      connections: CONNECTIONS,
      seconds,
      expectBytes: expected.get(variant)!.toString('base64'),
    });
    ctx.log(`renditions on request: serving, ${serveVariants.length} variants x ${ctx.rounds} rounds`);
    for (const variant of serveVariants) await ctx.load.call<LoadResult>('run', jobOf(variant, 2));
    const serving = await interleave(serveVariants, ctx.rounds, async (variant) => {
      await ctx.load.call<LoadResult>('run', jobOf(variant, 0.5)); // warm-up: JIT, keep-alive sockets
      const before = await subgraph.usage();
      const result = await ctx.load.call<LoadResult>('run', jobOf(variant, ctx.seconds));
      const after = await subgraph.usage();
      if (result.bad > 0 || result.requests === 0) throw new Error(`${variant}: ${result.bad} bad answers`);
      return { ...result, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests };
    });
    const serveRows = serveVariants.map((variant) => {
      const runs = serving.get(variant)!.map((m) => m.value);
      return [
        variant,
        kib(expected.get(variant)!.length),
        fmt.num(median(runs.map((r) => r.rps))),
        fmt.ratio(median(roundRatios(serving, variant, 'fixed STANDARD', (m) => m.rps))),
        fmt.num(median(runs.map((r) => r.cpuMicrosPerRequest))),
        fmt.num(median(runs.map((r) => r.p99Ms)), 1),
        serving.get(variant)!.reduce((a, m) => a + m.retries, 0),
      ];
    });

    return {
      title: '6. Renditions on request',
      body: [
        `Photos made in the run (not committed): ${PHOTOS.map((p) => `${p.width}x${p.height}`).join(', ')}, each smooth light plus texture, shaded shapes with soft edges and sensor noise, JPEG q90 (${kib(originalsBytes)} in all), uploaded to the subgraph. Every response is checked: status 200 and a whole decode with sharp to the format and width asked for (under load, every body is compared byte for byte with one so checked). No figure here is a pass/fail target.`,
        '',
        `**First request** (render in the image worker, store, serve): \`ProductImage.url(transform:)\` of the ${timed.width}x${timed.height} photo (${kib(timed.bytes.length)}), GET from the runner, timed to the last byte; every round on an image revision that never had that rendition (the same photo uploaded again, untimed; its served original is the same bytes each time). The baseline is plain sharp in its own process on the same core making the same rendition (auto-orient, fit inside ${FIRST_WIDTH} px, the renderer's encoder settings) from the served original's bytes, file to file. The ratio is time against the baseline's, median of per-round ratios; "above" is the median per-round difference.`,
        '',
        table(
          [
            'transform',
            'product-media ms',
            'plain sharp ms',
            'time vs plain sharp',
            'ms above',
            'bytes (product-media / sharp)',
            'steal retries',
          ],
          firstRows,
        ),
        '',
        `**Later requests** of the same transform URL (served from storage) against GETs of fixed renditions of the same image (JPEG), ${CONNECTIONS} keep-alive connections, closed loop, ${ctx.seconds} s per measurement after a 0.5 s warm-up, as scenario 1. The ratio is requests per second against the STANDARD rendition's, median of per-round ratios; the bodies differ in size (first column).`,
        '',
        table(['GET', 'body', 'req/s', 'vs fixed STANDARD', 'server CPU µs/req', 'p99 ms', 'steal retries'], serveRows),
        '',
        `**Bytes saved** by WebP (q80) and AVIF (q50, effort 4) against JPEG (q80, mozjpeg; the photos' own format), renditions made by the subgraph: totals over the ${PHOTOS.length} photos at each width, and the range of the per-photo saving.`,
        '',
        table(['width', 'format', 'total bytes', 'vs JPEG', 'saving', 'per photo'], bytesRows),
      ].join('\n'),
      targets: [],
    };
  } finally {
    await Promise.all([subgraph.stop(), plain.stop()]);
  }
}
