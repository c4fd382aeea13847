// A typed frontend client for product-media's upload flow, written the way a
// browser app would do it: requestImageUpload, a PUT of the bytes to the upload
// URL with progress, confirmImageUpload, then reading the image until it is READY.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { ImageStatusQuery, RequestImageUploadMutationVariables } from './gql/graphql';
import { ConfirmImageUpload, ImageStatus, RequestImageUpload } from './operations';

/** The image as the client sees it once it is READY. */
export type ReadyImage = NonNullable<ImageStatusQuery['productImage']>;

/** Progress of the PUT: bytes handed to the network so far, of `total`. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadImageOptions {
  /** The GraphQL endpoint: the router's (`http://localhost:4000/graphql` with `npm run supergraph`) or the subgraph's. */
  endpoint: string;
  productId: string;
  /** The image's bytes; in a browser, the `File` from an `<input type="file">`. */
  file: Blob;
  fileName?: string;
  alt?: string;
  /** Headers for the GraphQL requests (a user's `Authorization`, say); never sent to the upload URL. */
  headers?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  /** How often to read the image while it is being processed, and for how long at most. */
  pollIntervalMs?: number;
  timeoutMs?: number;
}

/** Why an upload did not end READY: a `userErrors` code from the subgraph, or an HTTP or processing failure. */
export class ImageUploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ImageUploadError';
  }
}

/** Sends one typed GraphQL operation; the result type comes from the generated document. A GraphQL or HTTP error rejects with {@link ImageUploadError}. */
export async function execute<TResult, TVariables>(
  options: Pick<UploadImageOptions, 'endpoint' | 'headers'>,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  let res: Response;
  try {
    res = await fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (err) {
    throw new ImageUploadError('NETWORK_ERROR', `${options.endpoint} could not be reached (${reasonOf(err)})`);
  }
  let body: { data?: TResult; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ImageUploadError(`HTTP_${res.status}`, `${options.endpoint} answered with no GraphQL response`);
  }
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    throw new ImageUploadError(
      first?.extensions?.code ?? `HTTP_${res.status}`,
      `${options.endpoint}: ${first?.message ?? 'no data'}`,
    );
  }
  return body.data;
}

/** Why a request did not get through, in a few words: fetch hides the system's reason (ECONNREFUSED...) in `cause`. */
function reasonOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** An upload URL as it may be shown: its token is a credential, so only where it goes. */
export function shownUploadUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/[^/]+$/, '…')}`;
}

/** PUTs `file` with progress: XMLHttpRequest in a browser (fetch reports no upload progress there), a stream elsewhere. */
function put(
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (p: UploadProgress) => void,
): Promise<{ status: number; body: string }> {
  const total = file.size;
  const Xhr = (globalThis as { XMLHttpRequest?: new () => BrowserXhr }).XMLHttpRequest;
  if (Xhr) {
    return new Promise((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open('PUT', url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total });
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
      xhr.onerror = () =>
        reject(new ImageUploadError('NETWORK_ERROR', `The upload to ${shownUploadUrl(url)} could not be sent`));
      xhr.send(file);
    });
  }
  // Node (and tests): stream the Blob, counting bytes as the connection takes them.
  const reader = (file.stream() as ReadableStream<Uint8Array>).getReader();
  let loaded = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      loaded += value.byteLength;
      controller.enqueue(value);
      onProgress({ loaded, total });
    },
  });
  // `duplex` is Node's (and the Fetch standard's) but not yet in the DOM library the media console compiles with.
  const init: RequestInit & { duplex: 'half' } = {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(total) },
    body,
    duplex: 'half',
  };
  return fetch(url, init).then(
    async (res) => ({ status: res.status, body: await res.text() }),
    (err: unknown) => {
      throw new ImageUploadError('NETWORK_ERROR', `${shownUploadUrl(url)} could not be reached (${reasonOf(err)})`);
    },
  );
}

/** The part of the browser's XMLHttpRequest used here (the example compiles without the DOM library). */
interface BrowserXhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  status: number;
  responseText: string;
  send(body: Blob): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Uploads an image for a product and resolves with it once READY; rejects with
 * an {@link ImageUploadError} naming the subgraph's code when anything is refused.
 */
export async function uploadImage(options: UploadImageOptions): Promise<ReadyImage> {
  const input: RequestImageUploadMutationVariables['input'] = {
    productId: options.productId,
    contentType: options.file.type || null,
    byteSize: options.file.size,
    fileName: options.fileName ?? null,
    alt: options.alt ?? null,
  };
  const requested = (await execute(options, RequestImageUpload, { input })).requestImageUpload;
  const refused = requested.userErrors[0];
  if (refused) throw new ImageUploadError(refused.code, refused.message);
  if (!requested.image || !requested.upload) throw new ImageUploadError('NO_UPLOAD_TARGET', 'No upload URL was given');

  const { upload, image } = requested;
  const headers = Object.fromEntries(upload.headers.map((h) => [h.name, h.value]));
  const sent = await put(upload.url, headers, options.file, options.onProgress ?? (() => undefined));
  if (sent.status < 200 || sent.status >= 300) {
    // The subgraph's upload endpoint answers `{ error: { code, message } }`; a provider's storage may not.
    let code = `HTTP_${sent.status}`;
    let message = sent.body.slice(0, 200);
    try {
      const parsed = JSON.parse(sent.body) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new ImageUploadError(code, `PUT ${shownUploadUrl(upload.url)}: ${message}`);
  }
  // Uploads that went straight to storage count once confirmed; for the others this answers the image as it is.
  const confirmed = (await execute(options, ConfirmImageUpload, { id: image.id })).confirmImageUpload;
  const unconfirmed = confirmed.userErrors[0];
  if (unconfirmed) throw new ImageUploadError(unconfirmed.code, unconfirmed.message);

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const current = (await execute(options, ImageStatus, { id: image.id })).productImage;
    if (current?.status === 'READY') return current;
    if (current?.status === 'FAILED') throw new ImageUploadError('FAILED', 'The image could not be processed');
    if (Date.now() > deadline)
      throw new ImageUploadError('TIMEOUT', `The image is still ${current?.status ?? 'unknown'}`);
    await sleep(options.pollIntervalMs ?? 500);
  }
}
