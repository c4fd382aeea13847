// The load generator, in its own process on the other core: closed-loop
// (or fixed-rate) HTTP load with autocannon, checking every response's body.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import autocannon from 'autocannon';
import { serveControl } from './lib/control';

/**
 * One load run: `body` POSTed to `url` (or `url` got, with `method: 'GET'`) by
 * `connections` clients for `seconds`; every answer must equal `expectBody`,
 * or for binary answers (images) be exactly the bytes of `expectBytes`.
 */
export interface LoadJob {
  url: string;
  method?: 'POST' | 'GET';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  expectBody?: string;
  /** The exact bytes every answer must have, base64 (autocannon's own check decodes bodies as UTF-8 text). */
  expectBytes?: string;
  /** Requests per second over all connections; closed loop when absent. */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, did not match the expected body, errored or timed out. */
  bad: number;
}

/** What autocannon's client keeps of a response in flight (its internal queue of pipelined requests). */
interface PendingResponse {
  body: string;
  byteCheck?: { offset: number; same: boolean };
}

interface ResponseQueue {
  peek(): PendingResponse | undefined;
  addBody(data: Buffer): void;
}

/**
 * autocannon options checking every answer's body byte for byte against
 * `expected`: each chunk is compared with the expected bytes at its offset
 * as it arrives (no text decoding, no copy), and the body autocannon hands
 * to `verifyBody` is just the verdict.
 */
function bytesCheck(expected: Buffer): Pick<autocannon.Options, 'setupClient' | 'verifyBody'> {
  const verdict = `same:${expected.length}`;
  return {
    setupClient: (client) => {
      const queue = (client as unknown as { pipelinedRequests: ResponseQueue }).pipelinedRequests;
      queue.addBody = (data: Buffer) => {
        const pending = queue.peek();
        if (!pending) return;
        const check = (pending.byteCheck ??= { offset: 0, same: true });
        const end = check.offset + data.length;
        check.same = check.same && end <= expected.length && data.equals(expected.subarray(check.offset, end));
        check.offset = end;
        pending.body = check.same ? `same:${check.offset}` : 'different';
      };
    },
    verifyBody: (body) => body === verdict,
  };
}

async function run(args: unknown): Promise<LoadResult> {
  const job = args as LoadJob;
  const method = job.method ?? 'POST';
  const result = await autocannon({
    url: job.url,
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...job.headers },
    body: job.body,
    connections: job.connections,
    duration: job.seconds,
    ...(job.expectBytes !== undefined
      ? bytesCheck(Buffer.from(job.expectBytes, 'base64'))
      : { expectBody: job.expectBody }),
    overallRate: job.overallRate,
    timeout: 30,
  });
  const bad = result.non2xx + result.errors + result.timeouts + (result.mismatches ?? 0);
  // autocannon counts completed requests; `requests.total` includes those in flight at the end.
  const done = result['2xx'];
  return {
    requests: done,
    rps: done / (result.duration || job.seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bad,
  };
}

/** Uploads sent at once: each streams `prefix`, then `bytes` of random data, then `suffix`. */
export interface UploadJob {
  requests: {
    url: string;
    method: 'PUT' | 'POST';
    headers: Record<string, string>;
    prefix?: string;
    suffix?: string;
  }[];
  bytes: number;
  /** The bytes come from this file instead of random data (an image the server must decode). */
  sourceFile?: string;
}

export interface UploadResult {
  /** From the first request's start to the last answer. */
  wallMs: number;
  answers: { status: number; body: string }[];
}

/** A 1 MiB block of random bytes, repeated: incompressible, and no work for the sender. */
const BLOCK = randomBytes(1024 * 1024);

function sendOne(
  request: UploadJob['requests'][number],
  bytes: number,
  source: Buffer | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const prefix = Buffer.from(request.prefix ?? '');
    const suffix = Buffer.from(request.suffix ?? '');
    const req = http.request(request.url, {
      method: request.method,
      headers: { ...request.headers, 'content-length': String(prefix.length + bytes + suffix.length) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const block = source ?? BLOCK;
        const chunk = block.subarray(sent % block.length, Math.min(block.length, (sent % block.length) + bytes - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end(suffix);
    };
    req.write(prefix);
    pump();
  });
}

async function upload(args: unknown): Promise<UploadResult> {
  const job = args as UploadJob;
  const source = job.sourceFile ? await import('node:fs').then((fs) => fs.readFileSync(job.sourceFile!)) : undefined;
  const started = performance.now();
  const answers = await Promise.all(job.requests.map((r) => sendOne(r, source ? source.length : job.bytes, source)));
  return { wallMs: performance.now() - started, answers };
}

serveControl('worker', { run, upload });
