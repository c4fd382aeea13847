import DodoPayments from 'dodopayments';
import { z } from 'zod';
import type { Result } from '../../domain/errors';
import type { ReceivedBytes } from '../provider';
import { ProviderHttpClient } from '../transport/http-client';
import {
  AttemptError,
  callProvider,
  messageInJson,
  parseRetryAfter,
  type AttemptFailure,
  type CallPolicy,
} from '../transport/provider-call';
import { openAsBlob } from 'node:fs';

/** What Dodo answers to both upload operations: an S3 URL to PUT the bytes to within 60 s. */
export interface PresignedUpload {
  url: string;
  /** `image_id` or `file_id`; Dodo may answer `image_id: null`. */
  id: string | null;
}

const imageUploadResponse = z.object({ image_id: z.uuid().nullish(), url: z.url() });
const fileUploadResponse = z.object({ file_id: z.uuid(), url: z.url() });

/**
 * Dodo Payments through its official SDK (`dodopayments`), which covers both
 * operations and takes a base URL. The SDK's own retries are off: every call
 * goes through the subgraph's policy so all providers behave alike.
 */
export class DodoPaymentsClient {
  private readonly sdk: DodoPayments;
  private readonly s3: ProviderHttpClient;
  private readonly secrets: string[];

  constructor(
    apiKey: string,
    baseUrl: string,
    private readonly policy: CallPolicy,
  ) {
    this.secrets = [apiKey];
    this.sdk = new DodoPayments({
      bearerToken: apiKey,
      baseURL: baseUrl,
      maxRetries: 0,
      timeout: policy.timeoutMs,
      logLevel: 'off',
    });
    this.s3 = new ProviderHttpClient('DODO_PAYMENTS', policy, this.secrets);
  }

  /** `PUT /products/{id}/images?force_update=`. */
  requestImageUpload(productId: string, forceUpdate: boolean | undefined): Promise<Result<PresignedUpload>> {
    return this.call('PUT /products/{id}/images', async (signal) => {
      const query = forceUpdate === undefined ? {} : { force_update: forceUpdate };
      const answer = await this.sdk.products.images.update(productId, query, { signal });
      const parsed = parseAnswer(imageUploadResponse, answer);
      return { url: parsed.url, id: parsed.image_id ?? null };
    });
  }

  /** `PUT /products/{id}/files` with `{ file_name }`. */
  requestFileUpload(productId: string, fileName: string): Promise<Result<PresignedUpload>> {
    return this.call('PUT /products/{id}/files', async (signal) => {
      const answer = await this.sdk.products.updateFiles(productId, { file_name: fileName }, { signal });
      const parsed = parseAnswer(fileUploadResponse, answer);
      return { url: parsed.url, id: parsed.file_id };
    });
  }

  /** PUTs spooled bytes to a presigned URL, streamed from the file with its exact length (S3 wants both). */
  putBytes(url: string, bytes: ReceivedBytes): Promise<Result<void>> {
    return this.s3.send({
      operation: 'PUT to the presigned upload URL',
      method: 'PUT',
      url,
      headers: { 'Content-Type': bytes.contentType },
      body: () => openAsBlob(bytes.path, { type: bytes.contentType }),
      response: null,
    });
  }

  private call<T>(operation: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<Result<T>> {
    const label = { provider: 'DODO_PAYMENTS' as const, operation, secrets: this.secrets };
    return callProvider(label, this.policy, async (signal) => {
      try {
        return await attempt(signal);
      } catch (err) {
        if (err instanceof AttemptError) throw err;
        throw new AttemptError(attemptFailureOf(err));
      }
    });
  }
}

function parseAnswer<T>(schema: z.ZodType<T>, answer: unknown): T {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AttemptError({ kind: 'malformed', detail: `${issue?.path.join('.') || 'body'}: ${issue?.message}` });
}

/** Dodo's SDK errors, in the subgraph's terms. Our per-attempt signal is the only abort, so an abort is a timeout. */
function attemptFailureOf(err: unknown): AttemptFailure {
  if (err instanceof DodoPayments.APIConnectionTimeoutError || err instanceof DodoPayments.APIUserAbortError) {
    return { kind: 'timeout' };
  }
  if (err instanceof DodoPayments.APIConnectionError) {
    const cause = (err.cause as { cause?: { code?: string } } | undefined)?.cause;
    return { kind: 'network', detail: cause?.code ?? 'connection failed' };
  }
  if (err instanceof DodoPayments.APIError && err.status !== undefined) {
    const { status, error, headers } = err as { status: number; error: unknown; headers: Headers | undefined };
    return {
      kind: 'status',
      status,
      message: messageInJson(error),
      retryAfterMs: parseRetryAfter(headers?.get('retry-after')),
    };
  }
  throw err;
}
