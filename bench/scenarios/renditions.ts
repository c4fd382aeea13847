import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { RENDITION_BOXES } from '../../src/media/processing/renderer';
import type { LoadJob, LoadResult } from '../load-worker';
import { buildCatalog, entitiesBody, seedIndex } from '../lib/catalog';
import { startChild } from '../lib/child';
import type { EventLoopDelay } from '../lib/control';
import type { BenchContext, Section } from '../lib/context';
import { SERVER_CORE } from '../lib/machine';
import { interleave, roundRatios } from '../lib/rounds';
import { fmt, median, table } from '../lib/stats';
import { startSubgraph } from './entities';

/** `_entities` requests per second while the renditions are made (N = 50 each). */
const TRAFFIC_RATE = 20;
const TRAFFIC_N = 50;
const MAX_DELAY_P99_MS = 50;

type Variant = 'product-media under traffic' | 'plain sharp alone';

interface RenditionRun {
  ms: number;
  delay?: EventLoopDelay;
  trafficRps?: number;
}

/** A 12-megapixel JPEG with detail everywhere (noise scaled up), as a phone camera would send. */
async function makePhoto(file: string): Promise<void> {
  const noise = Buffer.alloc(400 * 300 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
    .resize(4000, 3000, { kernel: 'cubic' })
    .jpeg({ quality: 90 })
    .toFile(file);
}

const REQUEST_IMAGE_UPLOAD = `mutation($input: RequestImageUploadInput!) { requestImageUpload(input: $input) {
  image { id } upload { url headers { name value } } userErrors { code message } } }`;

/** Scenario 4: renditions of a 12 MP JPEG through the subgraph while `_entities` traffic runs, against plain sharp alone. */
export async function renditions(ctx: BenchContext): Promise<Section> {
  const dir = path.join(ctx.workDir, 'renditions');
  mkdirSync(path.join(dir, 'out'), { recursive: true });
  const photo = path.join(dir, 'photo.jpg');
  await makePhoto(photo);
  const photoBytes = readFileSync(photo);
  const seededDb = path.join(dir, 'media.db');
  await seedIndex(seededDb, buildCatalog(TRAFFIC_N));
  const subgraph = await startSubgraph(ctx.workDir, 'renditions-subgraph', seededDb, {}, { MEDIA_PUBLIC_URL: '' });
  const plain = await startChild('servers/sharp-alone.ts', {}, SERVER_CORE);
  const body = entitiesBody(TRAFFIC_N);
  try {
    const expectBody = await (
      await fetch(`${subgraph.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    ).text();
    if (!expectBody.includes('"_entities"') || expectBody.includes('"errors"')) throw new Error('traffic query failed');
    /** One photo through the subgraph's upload URL while the traffic runs. */
    const throughSubgraph = async (): Promise<RenditionRun> => {
      const res = await fetch(`${subgraph.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: REQUEST_IMAGE_UPLOAD, variables: { input: { productId: 'bench-photo' } } }),
      });
      const { upload } = (
        (await res.json()) as {
          data: { requestImageUpload: { upload: { url: string; headers: { name: string; value: string }[] } } };
        }
      ).data.requestImageUpload;
      const target = new URL(upload.url);
      const traffic = ctx.load.call<LoadResult>('run', {
        url: `${subgraph.url}/graphql`,
        body,
        connections: 4,
        seconds: 4,
        expectBody,
        overallRate: TRAFFIC_RATE,
      } satisfies LoadJob);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await subgraph.delayStart();
      const started = performance.now();
      const put = await fetch(`${subgraph.url}${target.pathname}${target.search}`, {
        method: 'PUT',
        headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
        body: photoBytes,
      });
      const answer = (await put.json()) as { status?: string };
      const ms = performance.now() - started;
      const delay = await subgraph.delayStop();
      const load = await traffic;
      if (put.status !== 200 || answer.status !== 'READY')
        throw new Error(`photo upload answered ${put.status} ${JSON.stringify(answer)}`);
      if (load.bad > 0) throw new Error(`${load.bad} bad _entities answers during renditions`);
      return { ms, delay, trafficRps: load.rps };
    };
    ctx.log(`renditions: ${ctx.rounds} rounds`);
    // One untimed photo each first, so no round pays for loading and optimising the image path.
    await plain.call<number>('render', { file: photo, outDir: path.join(dir, 'out') });
    await throughSubgraph();
    const results = await interleave<Variant, RenditionRun>(
      ['product-media under traffic', 'plain sharp alone'],
      ctx.rounds,
      async (variant) => {
        if (variant === 'plain sharp alone')
          return { ms: await plain.call<number>('render', { file: photo, outDir: path.join(dir, 'out') }) };
        return throughSubgraph();
      },
    );
    const ratio = median(roundRatios(results, 'product-media under traffic', 'plain sharp alone', (m) => 1 / m.ms));
    const mine = results.get('product-media under traffic')!.map((m) => m.value);
    const theirs = results.get('plain sharp alone')!.map((m) => m.value);
    const p99 = Math.max(...mine.map((m) => m.delay!.p99Ms));
    ctx.log(
      `renditions per round: ${mine.map((m) => `${m.ms.toFixed(0)} ms, p99 ${m.delay!.p99Ms.toFixed(1)} ms`).join('; ')}`,
    );
    const rows = [
      [
        'product-media under traffic',
        fmt.num(median(mine.map((m) => m.ms))),
        fmt.ratio(ratio),
        fmt.num(p99, 1),
        fmt.num(Math.max(...mine.map((m) => m.delay!.maxMs)), 1),
        fmt.num(median(mine.map((m) => m.trafficRps!)), 1),
      ],
      ['plain sharp alone', fmt.num(median(theirs.map((m) => m.ms))), '1.00x', '', '', ''],
    ];
    return {
      title: '4. Renditions under GraphQL traffic',
      body: [
        `A 12-megapixel JPEG (4000x3000, ${fmt.mib(photoBytes.length)}) PUT to an image upload URL: the answer comes once it is probed, its ${RENDITION_BOXES.map((b) => `${b.kind} (${b.box} px)`).join(', ')} renditions written and the index committed. Meanwhile the load generator sends ${TRAFFIC_RATE} \`_entities\` requests per second (N = ${TRAFFIC_N}) to the same server, and the server records its event-loop delay (\`monitorEventLoopDelay\`, 5 ms resolution). The baseline makes the same three resizes with plain sharp, alone on the same core. Time is the whole PUT for the subgraph; the ratio is renditions per second against the baseline's, median of per-round ratios; the delay is the worst round's.`,
        '',
        table(
          ['variant', 'ms per photo', 'vs plain sharp', 'event-loop p99 ms', 'event-loop max ms', '_entities req/s'],
          rows,
        ),
      ].join('\n'),
      targets: [
        { name: 'renditions under traffic >= 0.9x plain sharp alone', met: ratio >= 0.9, detail: fmt.ratio(ratio) },
        {
          name: `event-loop delay p99 < ${MAX_DELAY_P99_MS} ms meanwhile`,
          met: p99 < MAX_DELAY_P99_MS,
          detail: `${fmt.num(p99, 1)} ms`,
        },
      ],
    };
  } finally {
    await Promise.all([subgraph.stop(), plain.stop()]);
  }
}
