import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { UploadJob, UploadResult } from '../load-worker';
import type { BenchChild } from './child';
import type { BenchContext } from './context';
import { MiB } from './stats';

/** One batch of uploads as measured: throughput and the server's memory. */
export interface UploadRun {
  mibPerSecond: number;
  /** Peak resident memory during the uploads, above the resident memory just before. */
  peakAboveIdle: number;
  peak: number;
}

/** Measures one batch of uploads against `server`: throughput over the whole batch and the server's peak memory. */
export async function measure(
  ctx: BenchContext,
  server: BenchChild,
  job: UploadJob,
  totalBytes: number,
  check: (answer: { status: number; body: string }) => void | Promise<void>,
): Promise<UploadRun> {
  await server.resetPeak();
  const before = await server.usage();
  const result = await ctx.load.call<UploadResult>('upload', job);
  const after = await server.usage();
  await Promise.all(result.answers.map(async (answer) => check(answer)));
  return {
    mibPerSecond: totalBytes / MiB / (result.wallMs / 1000),
    peakAboveIdle: after.peakBytes - before.rssBytes,
    peak: after.peakBytes,
  };
}

export async function gql(url: string, query: string, variables: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

export const REQUEST_IMAGE_UPLOAD = `mutation($input: RequestImageUploadInput!) { requestImageUpload(input: $input) {
  image { id } upload { url headers { name value } } userErrors { code message } } }`;
export const UPDATE_IMAGE = `mutation($input: UpdateImageInput!) { updateImage(input: $input) {
  image { id status byteSize width } userErrors { code message } } }`;

/** An upload target's URL on the address the server really listens on (its public URL may name `localhost`). */
export const onServer = (server: BenchChild, target: string) => {
  const url = new URL(target);
  return `${server.url}${url.pathname}${url.search}`;
};

/** The parts of a GraphQL multipart request around the file's bytes (the spec graphql-upload-minimal implements). */
export function multipartAround(imageId: string) {
  const boundary = `bench-${randomBytes(8).toString('hex')}`;
  const part = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const operations = JSON.stringify({ query: UPDATE_IMAGE, variables: { input: { id: imageId, file: null } } });
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' },
    prefix:
      part('operations', operations) +
      part('map', JSON.stringify({ 0: ['variables.input.file'] })) +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`,
    suffix: `\r\n--${boundary}--\r\n`,
  };
}

/** A PNG of noise just under 20 MiB (stored, not compressed), which every upload path must move whole. */
export async function makeLargePng(file: string): Promise<number> {
  const width = 2560;
  const height = 2700;
  const info = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toFile(file);
  return info.size;
}
