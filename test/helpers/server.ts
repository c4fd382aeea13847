import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/log';
import { startServer, type PipelineTuning, type RunningServer } from '../../src/server';
import { prepareStore, storeEnv } from '../backend/backend';

export interface TestServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  /** POSTs a JSON GraphQL request and returns the parsed body; fails the test on a non-JSON answer. */

  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResponse<T>>;
  /** Every line the server logged so far, parsed. */
  logs(): LogLine[];
  /** The same lines as they were written. */
  rawLogs(): string;
  stop(): Promise<void>;
}

/** One line of the subgraph's JSON log. */
export type LogLine = Record<string, any> & { level: string; msg: string };

export interface GqlResponse<T> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'product-media-test-'));
}

/**
 * What every test server runs with unless a test says otherwise. Requests
 * wait for their renditions: a pause of a shared machine must not turn an
 * answer into `PROCESSING` (tests of processing off the request set the wait).
 */
export const TEST_DEFAULTS: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  MEDIA_PROCESSING_WAIT_MS: '120000',
};

/**
 * Starts the real subgraph on 127.0.0.1:0 with a fresh (or the given) data
 * folder, on the suite's backend (the folder names its store), with the
 * pipeline's defaults unless `tuning` says otherwise.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  dataDir = tempDataDir(),
  tuning?: PipelineTuning,
): Promise<TestServer> {
  await prepareStore(dataDir);
  const config = loadConfig({ ...TEST_DEFAULTS, MEDIA_DATA_DIR: dataDir, ...storeEnv(dataDir), ...env });
  // The server logs into memory, where tests can read it (and jest's output stays clean).
  let raw = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'info', format: 'json' }, sink);
  const server = await startServer(config, { logger, tuning });
  const gql = graphqlClient(server.url);
  const logs = () =>
    raw
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
  return { server, url: server.url, dataDir, gql, logs, rawLogs: () => raw, stop: () => server.stop() };
}

/** A JSON GraphQL client for the subgraph at `url`. */
export function graphqlClient(url: string): TestServer['gql'] {
  return async (query, variables, headers = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlResponse<any>['body'] };
  };
}

export const IMAGE_FIELDS = `id status url width height contentType byteSize name alt ordering enabled isThumbnail
  providerImageId provider createdAt updatedAt variants { kind url width height } product { id }`;

export const REQUEST_IMAGE_UPLOAD = `mutation($input: RequestImageUploadInput!) {
  requestImageUpload(input: $input) {
    image { ${IMAGE_FIELDS} }
    upload { url method expiresAt headers { name value } }
    userErrors { code message field provider retryable }
  }
}`;

export const REQUEST_FILE_UPLOAD = `mutation($input: RequestFileUploadInput!) {
  requestFileUpload(input: $input) {
    file { id status fileName contentType byteSize downloadUrl provider product { id } }
    upload { url method expiresAt headers { name value } }
    userErrors { code message field provider retryable }
  }
}`;

export const UPDATE_IMAGE = `mutation($input: UpdateImageInput!) {
  updateImage(input: $input) {
    image { ${IMAGE_FIELDS} }
    userErrors { code message field provider retryable }
  }
}`;

export const SET_THUMBNAIL = `mutation($imageId: ID!) {
  setThumbnail(input: { imageId: $imageId }) {
    image { id isThumbnail }
    product { id thumbnail { id } }
    userErrors { code message field }
  }
}`;

export const CONFIRM_IMAGE_UPLOAD = `mutation($id: ID!) {
  confirmImageUpload(input: { id: $id }) {
    image { ${IMAGE_FIELDS} failureReason }
    userErrors { code message field provider retryable }
  }
}`;

export const CONFIRM_FILE_UPLOAD = `mutation($id: ID!) {
  confirmFileUpload(input: { id: $id }) {
    file { id status fileName contentType byteSize downloadUrl failureReason }
    userErrors { code message field provider retryable }
  }
}`;

export const DELETE_IMAGE = `mutation($id: ID!) {
  deleteImage(input: { id: $id }) {
    deletedImageId
    product { id thumbnail { id } images(includePending: true) { id } }
    userErrors { code message field provider retryable }
  }
}`;

export const DELETE_FILE = `mutation($id: ID!) {
  deleteFile(input: { id: $id }) {
    deletedFileId
    product { id files(includePending: true) { id } }
    userErrors { code message field provider retryable }
  }
}`;

export const REORDER_IMAGES = `mutation($input: ReorderImagesInput!) {
  reorderImages(input: $input) {
    product { id images(includeDisabled: true) { id ordering } }
    userErrors { code message field provider retryable }
  }
}`;

/** PUTs bytes to an upload target with exactly the headers it names. */
export async function putBytes(
  target: { url: string; headers: { name: string; value: string }[] },
  bytes: Uint8Array,
  extraHeaders: Record<string, string> = {},
) {
  const headers = Object.fromEntries(target.headers.map((h) => [h.name, h.value]));
  const res = await fetch(target.url, { method: 'PUT', headers: { ...headers, ...extraHeaders }, body: bytes });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Requests an upload for a new LOCAL image of `productId` and returns the image and the target. */
export async function requestImage(t: Pick<TestServer, 'gql'>, input: Record<string, unknown>) {
  const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input });
  const payload = res.body.data.requestImageUpload;
  expect(payload.userErrors).toEqual([]);
  return payload as {
    image: any;
    upload: { url: string; headers: { name: string; value: string }[]; expiresAt: string };
  };
}

/** Uploads `bytes` as a new LOCAL image of `productId` and returns its id. */
export async function uploadImage(t: Pick<TestServer, 'gql'>, productId: string, bytes: Uint8Array): Promise<string> {
  const { image, upload } = await requestImage(t, { productId });
  const put = await putBytes(upload, bytes);
  expect(put.status).toBe(200);
  return image.id as string;
}

/** `updateImage` as a GraphQL multipart request (the spec graphql-upload-minimal implements), `bytes` as `input.file`. */
export function updateImageWithFile(
  t: Pick<TestServer, 'url'>,
  input: Record<string, unknown>,
  bytes: Uint8Array,
  headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: UPDATE_IMAGE, variables: { input: { ...input, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([bytes]), 'photo.png');
  return fetch(`${t.url}/graphql`, { method: 'POST', body: form, headers });
}
