import path from 'node:path';
import type { UploadJob, UploadResult } from '../load-worker';
import { startChild, type BenchChild } from '../lib/child';
import type { BenchContext, Section } from '../lib/context';
import { SERVER_CORE } from '../lib/machine';
import { interleave, roundRatios } from '../lib/rounds';
import { fmt, median, table } from '../lib/stats';
import {
  gql,
  makeLargePng,
  measure,
  multipartAround,
  onServer,
  REQUEST_IMAGE_UPLOAD,
  type UploadRun,
} from '../lib/uploading';
import { startSubgraph } from './entities';

const CONCURRENCY = [1, 4];
const IMAGE_STATUS = `query($id: ID!) { productImage(id: $id) { status } }`;

const ANSWERS = ['PROCESSING', 'READY'];

type Variant = 'product-media, wait 0' | 'product-media, wait 5 s' | 'raw pipe';

/** A LOCAL image of `server` holding the PNG, READY: the image every multipart request of the batch replaces. */
async function seedImage(ctx: BenchContext, server: BenchChild, pngFile: string): Promise<string> {
  const seed = await gql(server.url, REQUEST_IMAGE_UPLOAD, { input: { productId: 'bench-image-uploads' } });
  const { image, upload } = seed.requestImageUpload as {
    image: { id: string };
    upload: { url: string; headers: { name: string; value: string }[] };
  };
  const put = await ctx.load.call<UploadResult>('upload', {
    requests: [
      {
        url: onServer(server, upload.url),
        method: 'PUT',
        headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
      },
    ],
    bytes: 0,
    sourceFile: pngFile,
  } satisfies UploadJob);
  if (put.answers[0]!.status !== 200) throw new Error(`seed image upload answered ${put.answers[0]!.status}`);
  await untilReady(server, image.id);
  return image.id;
}

/** Waits (outside any measurement) until the image's background processing is done, so rounds do not overlap. */
export async function untilReady(server: BenchChild, id: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = ((await gql(server.url, IMAGE_STATUS, { id })).productImage as { status: string }).status;
    if (status === 'READY') return;
    if (status === 'FAILED' || Date.now() > deadline) throw new Error(`the image ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Scenario 5: a 20 MiB image through multipart `updateImage`, answered before
 * its renditions (`MEDIA_PROCESSING_WAIT_MS=0`) and after them (the default
 * wait), against a raw request-to-file pipe.
 */
export async function imageUploads(ctx: BenchContext): Promise<Section> {
  const rawDir = path.join(ctx.workDir, 'image-uploads-raw');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(rawDir, { recursive: true });
  const subgraphs = new Map<Variant, BenchChild>([
    [
      'product-media, wait 0',
      await startSubgraph(ctx.workDir, 'image-uploads-wait-0', undefined, {}, { MEDIA_PROCESSING_WAIT_MS: '0' }),
    ],
    ['product-media, wait 5 s', await startSubgraph(ctx.workDir, 'image-uploads-wait-default', undefined)],
  ]);
  const raw = await startChild('servers/raw-upload.ts', { BENCH_UPLOAD_DIR: rawDir }, SERVER_CORE);
  try {
    const pngFile = path.join(ctx.workDir, 'large.png');
    const pngBytes = await makeLargePng(pngFile);
    const imageIds = new Map<Variant, string>();
    for (const [variant, server] of subgraphs) imageIds.set(variant, await seedImage(ctx, server, pngFile));

    const rows: (string | number)[][] = [];
    const targets: Section['targets'] = [];
    const variants: Variant[] = ['product-media, wait 0', 'product-media, wait 5 s', 'raw pipe'];
    for (const count of CONCURRENCY) {
      ctx.log(`image uploads 20 MiB x${count}`);
      const results = await interleave<Variant, UploadRun>(variants, ctx.rounds, async (variant) => {
        const server = subgraphs.get(variant) ?? raw;
        const imageId = imageIds.get(variant) ?? 'none';
        const around = multipartAround(imageId);
        const url = variant === 'raw pipe' ? `${raw.url}/upload` : `${server.url}/graphql`;
        const job: UploadJob = {
          requests: Array.from({ length: count }, () => ({ url, method: 'POST' as const, ...around })),
          bytes: pngBytes,
          sourceFile: pngFile,
        };
        const run = await measure(ctx, server, job, pngBytes * count, (a) => {
          if (a.status !== 200) throw new Error(`${variant} answered ${a.status} ${a.body.slice(0, 300)}`);
          if (variant === 'raw pipe') return;
          const payload = (
            JSON.parse(a.body) as {
              data: { updateImage: { image: { status: string; width: number }; userErrors: unknown[] } };
            }
          ).data.updateImage;
          // With the default wait the answer is READY when the renditions take under 5 s, else PROCESSING.
          if (payload.userErrors.length || !ANSWERS.includes(payload.image.status) || payload.image.width !== 2560)
            throw new Error(`updateImage answered ${a.body.slice(0, 300)}`);
        });
        if (variant !== 'raw pipe') await untilReady(server, imageId);
        return run;
      });
      for (const variant of variants) {
        const runs = results.get(variant)!.map((m) => m.value);
        rows.push([
          count,
          variant,
          fmt.num(median(runs.map((r) => r.mibPerSecond)), 1),
          fmt.ratio(median(roundRatios(results, variant, 'raw pipe', (m) => m.mibPerSecond))),
          fmt.mib(median(runs.map((r) => r.peakAboveIdle))),
        ]);
      }
      const ratio = median(roundRatios(results, 'product-media, wait 0', 'raw pipe', (m) => m.mibPerSecond));
      targets.push({
        name: `image ${fmt.mib(pngBytes)} multipart x${count}, MEDIA_PROCESSING_WAIT_MS=0: throughput >= 0.85x raw pipe`,
        met: ratio >= 0.85,
        detail: fmt.ratio(ratio),
      });
    }
    return {
      title: '5. Image uploads: processing off the request',
      body: [
        `A ${fmt.mib(pngBytes)} PNG of noise (stored, not compressed) through multipart \`updateImage\` of one image. With \`MEDIA_PROCESSING_WAIT_MS=0\` the answer (\`PROCESSING\`) comes once the bytes are stored durably as the private source and the row is committed; the renditions follow in the background, and each round waits for them, outside the measurement, so rounds do not overlap. With the default wait (5 s) the answer comes after the decoding and the three renditions (\`READY\`). The baseline streams the same request bodies to a file, fsyncs and renames. Throughput is all bytes of a batch over the time from the first byte sent to the last answer.`,
        '',
        table(['at once', 'server', 'MiB/s', 'vs raw pipe', 'peak above idle'], rows),
      ].join('\n'),
      targets,
    };
  } finally {
    await Promise.all([...subgraphs.values(), raw].map((child) => child.stop()));
  }
}
