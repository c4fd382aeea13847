import { rmSync } from 'node:fs';
import path from 'node:path';
import type { UploadJob } from '../load-worker';
import { startChild, type BenchChild } from '../lib/child';
import type { BenchContext, Section } from '../lib/context';
import { SERVER_CORE } from '../lib/machine';
import { interleave, roundRatios } from '../lib/rounds';
import { fmt, median, MiB, table } from '../lib/stats';
import { gql, measure, onServer, type UploadRun } from '../lib/uploading';
import { startSubgraph } from './entities';

const FILE_SIZES = [200 * MiB, 1024 * MiB];
const CONCURRENCY = [1, 4];
/** Memory a streaming upload may use beyond the raw pipe's. */
const MEMORY_ALLOWANCE = 64 * MiB;
/** "Flat": the larger upload may peak this much higher than the smaller one at most. */
const FLATNESS = 16 * MiB;

type Variant = 'product-media' | 'raw pipe' | 'raw pipe + sha256';

const REQUEST_FILE_UPLOAD = `mutation($input: RequestFileUploadInput!) { requestFileUpload(input: $input) {
  file { id } upload { url headers { name value } } userErrors { code message } } }`;
const FILE_SIZE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ProductFile { byteSize } } }`;
async function fileUploadJob(server: BenchChild, size: number, count: number): Promise<UploadJob> {
  const requests: UploadJob['requests'] = [];
  for (let i = 0; i < count; i++) {
    const data = await gql(server.url, REQUEST_FILE_UPLOAD, {
      input: {
        productId: 'bench-uploads',
        fileName: `bundle-${i}.bin`,
        contentType: 'application/octet-stream',
        byteSize: size,
      },
    });
    const payload = data.requestFileUpload as {
      upload: { url: string; headers: { name: string; value: string }[] };
      userErrors: unknown[];
    };
    if (payload.userErrors.length) throw new Error(`requestFileUpload: ${JSON.stringify(payload.userErrors)}`);
    requests.push({
      url: onServer(server, payload.upload.url),
      method: 'PUT',
      headers: Object.fromEntries(payload.upload.headers.map((h) => [h.name, h.value])),
    });
  }
  return { requests, bytes: size };
}

/** Scenario 3: streaming uploads against a raw request-to-file pipe, with a buffering server as the detector. */
export async function streamingUploads(ctx: BenchContext): Promise<Section> {
  const dataDir = path.join(ctx.workDir, 'uploads-subgraph');
  const rawDir = path.join(ctx.workDir, 'uploads-raw');
  rmSync(rawDir, { recursive: true, force: true });
  await import('node:fs').then((fs) => fs.mkdirSync(rawDir, { recursive: true }));
  const subgraph = await startSubgraph(
    ctx.workDir,
    'uploads-subgraph',
    undefined,
    {},
    {
      MEDIA_MAX_FILE_BYTES: String(2 * 1024 * MiB),
      MEDIA_PUBLIC_URL: '',
    },
  );
  const raw = await startChild('servers/raw-upload.ts', { BENCH_UPLOAD_DIR: rawDir }, SERVER_CORE);
  const hashing = await startChild('servers/raw-upload.ts', { BENCH_UPLOAD_DIR: rawDir, BENCH_HASH: '1' }, SERVER_CORE);
  const buffered = await startChild(
    'servers/raw-upload.ts',
    { BENCH_UPLOAD_DIR: rawDir, BENCH_BUFFERED: '1' },
    SERVER_CORE,
  );
  const freeDisk = () => rmSync(path.join(dataDir, 'blobs', 'files'), { recursive: true, force: true });
  try {
    const rows: (string | number)[][] = [];
    const targets: Section['targets'] = [];
    const ours = new Map<string, UploadRun>();
    const rawRuns = new Map<string, UploadRun>();

    for (const size of FILE_SIZES) {
      for (const count of CONCURRENCY) {
        ctx.log(`uploads ${fmt.mib(size)} x${count}`);
        // The hashing pipe explains the gap; once (at the smaller size) is enough, and keeps the run under 10 minutes.
        const explain = size === FILE_SIZES[0];
        const fileVariants: Variant[] = explain
          ? ['product-media', 'raw pipe', 'raw pipe + sha256']
          : ['product-media', 'raw pipe'];
        const results = await interleave<Variant, UploadRun>(fileVariants, ctx.rounds, async (variant) => {
          if (variant !== 'product-media') {
            const server = variant === 'raw pipe' ? raw : hashing;
            const job: UploadJob = {
              requests: Array.from({ length: count }, () => ({
                url: `${server.url}/upload`,
                method: 'PUT' as const,
                headers: {},
              })),
              bytes: size,
            };
            return measure(ctx, server, job, size * count, (a) => {
              if (a.status !== 200 || (JSON.parse(a.body) as { bytes: number }).bytes !== size)
                throw new Error(`raw pipe answered ${a.status} ${a.body}`);
            });
          }
          const job = await fileUploadJob(subgraph, size, count);
          try {
            return await measure(ctx, subgraph, job, size * count, async (a) => {
              const body = JSON.parse(a.body) as { id?: string; status?: string };
              if (a.status !== 200 || body.status !== 'READY')
                throw new Error(`upload URL answered ${a.status} ${a.body.slice(0, 300)}`);
              const stored = await gql(subgraph.url, FILE_SIZE, { reps: [{ __typename: 'ProductFile', id: body.id }] });
              const byteSize = (stored._entities as { byteSize: number }[])[0]?.byteSize;
              if (byteSize !== size) throw new Error(`the stored file has ${byteSize} bytes, not ${size}`);
            });
          } finally {
            freeDisk();
          }
        });
        const key = `${size}x${count}`;
        const mine = results.get('product-media')!.map((m) => m.value);
        const base = results.get('raw pipe')!.map((m) => m.value);
        const ratio = median(roundRatios(results, 'product-media', 'raw pipe', (m) => m.mibPerSecond));
        const myPeak = median(mine.map((m) => m.peakAboveIdle));
        const rawPeak = median(base.map((m) => m.peakAboveIdle));
        ours.set(key, {
          mibPerSecond: median(mine.map((m) => m.mibPerSecond)),
          peakAboveIdle: myPeak,
          peak: median(mine.map((m) => m.peak)),
        });
        rawRuns.set(key, {
          mibPerSecond: median(base.map((m) => m.mibPerSecond)),
          peakAboveIdle: rawPeak,
          peak: median(base.map((m) => m.peak)),
        });
        for (const variant of fileVariants) {
          const runs = results.get(variant)!.map((m) => m.value);
          rows.push([
            `file ${fmt.mib(size)}`,
            count,
            variant,
            fmt.num(median(runs.map((r) => r.mibPerSecond)), 1),
            fmt.ratio(median(roundRatios(results, variant, 'raw pipe', (m) => m.mibPerSecond))),
            fmt.mib(median(runs.map((r) => r.peakAboveIdle))),
            fmt.mib(median(runs.map((r) => r.peak))),
          ]);
        }
        const hashRatio = explain
          ? ` (${fmt.ratio(median(roundRatios(results, 'product-media', 'raw pipe + sha256', (m) => m.mibPerSecond)))} of a raw pipe that also hashes)`
          : '';
        targets.push({
          name: `file ${fmt.mib(size)} x${count}: throughput >= 0.85x raw pipe`,
          met: ratio >= 0.85,
          detail: `${fmt.ratio(ratio)}${hashRatio}`,
        });
        targets.push({
          name: `file ${fmt.mib(size)} x${count}: peak memory <= raw pipe + 64 MB`,
          met: myPeak <= rawPeak + MEMORY_ALLOWANCE,
          detail: `${fmt.mib(myPeak)} above idle vs raw ${fmt.mib(rawPeak)}`,
        });
      }
    }
    for (const count of CONCURRENCY) {
      const small = ours.get(`${FILE_SIZES[0]}x${count}`)!.peakAboveIdle;
      const large = ours.get(`${FILE_SIZES[1]}x${count}`)!.peakAboveIdle;
      targets.push({
        name: `file x${count}: peak memory flat from ${fmt.mib(FILE_SIZES[0]!)} to ${fmt.mib(FILE_SIZES[1]!)}`,
        met: large <= small + FLATNESS,
        detail: `${fmt.mib(small)} -> ${fmt.mib(large)} above idle`,
      });
    }

    // The detector: a server that buffers whole bodies must fail the memory target, or the measurement proves nothing.
    for (const size of FILE_SIZES) {
      const job: UploadJob = { requests: [{ url: `${buffered.url}/upload`, method: 'PUT', headers: {} }], bytes: size };
      const run = await measure(ctx, buffered, job, size, (a) => {
        if (a.status !== 200) throw new Error(`buffered pipe answered ${a.status}`);
      });
      const rawPeak = rawRuns.get(`${size}x1`)!.peakAboveIdle;
      rows.push([
        `file ${fmt.mib(size)}`,
        1,
        'buffered (detector)',
        fmt.num(run.mibPerSecond, 1),
        '',
        fmt.mib(run.peakAboveIdle),
        fmt.mib(run.peak),
      ]);
      targets.push({
        name: `detector: a buffering server at ${fmt.mib(size)} fails the memory target`,
        met: run.peakAboveIdle > rawPeak + MEMORY_ALLOWANCE,
        detail: `${fmt.mib(run.peakAboveIdle)} above idle`,
      });
    }

    return {
      title: '3. Streaming uploads',
      body: [
        'Files PUT to upload URLs from `requestFileUpload` (random, incompressible bytes; the answer must say READY with the exact byteSize). The baseline streams the same request bodies to a file, fsyncs and renames. Throughput is all bytes of a batch over the time from the first byte sent to the last answer. Peak memory is `VmHWM` (reset before each batch through `/proc/<pid>/clear_refs`), shown above the resident memory just before the batch and as the absolute peak.',
        '',
        table(['upload', 'at once', 'server', 'MiB/s', 'vs raw pipe', 'peak above idle', 'peak RSS'], rows),
      ].join('\n'),
      targets,
    };
  } finally {
    await Promise.all([subgraph.stop(), raw.stop(), hashing.stop(), buffered.stop()]);
  }
}
