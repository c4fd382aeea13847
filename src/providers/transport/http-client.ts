import type { z } from 'zod';
import type { Result } from '../../domain/errors';
import type { ProviderName } from '../../domain/model';
import {
  AttemptError,
  callProvider,
  parseRetryAfter,
  providerMessage,
  type AttemptFailure,
  type CallPolicy,
} from './provider-call';

/** Most of a provider's answer that is read; API answers are small, and a hostile one cannot fill memory. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

type RequestBody = NonNullable<RequestInit['body']>;

/** One HTTP operation of a provider, as a thin client describes it. */
export interface HttpCall<T> {
  /** For messages, such as `POST /products/images/{image-id}`. */
  operation: string;
  method: 'GET' | 'PUT' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** Called once per attempt, so a retry sends the same bytes (file-backed blobs re-read the spooled file). */
  body?: () => RequestBody | Promise<RequestBody>;
  /** The documented success body; `null` when the body is not read (an S3 PUT). */
  response: z.ZodType<T> | null;
}

/**
 * A thin client over `fetch` for one provider: every call gets the provider's
 * timeout and retry policy, and every failure becomes the contract's error.
 */
export class ProviderHttpClient {
  constructor(
    private readonly provider: ProviderName,
    private readonly policy: CallPolicy,
    private readonly secrets: readonly string[],
    /** Reads the provider's own message from an error body, in its documented shape. */
    private readonly messageOf: (body: string) => string | undefined = providerMessage,
  ) {}

  send<T>(call: HttpCall<T>): Promise<Result<T>> {
    const label = { provider: this.provider, operation: call.operation, secrets: this.secrets };
    return callProvider(label, this.policy, async (signal, note) => {
      // Built outside the try: a local failure (the spooled file gone) is a bug, not a network error to retry.
      const body = call.body ? await call.body() : undefined;
      let response: Response;
      try {
        response = await fetch(call.url, {
          method: call.method,
          headers: call.headers,
          body,
          signal,
          // An API that redirects is answering something else; never carry credentials along.
          redirect: 'manual',
        });
      } catch (err) {
        throw new AttemptError(classifyFetchError(err));
      }
      note.status = response.status;
      const text = await readLimited(response);
      if (response.status < 200 || response.status >= 300) {
        throw new AttemptError({
          kind: 'status',
          status: response.status,
          message: this.messageOf(text),
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      if (call.response === null) return undefined as T;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new AttemptError({ kind: 'malformed', detail: 'the body is not JSON' });
      }
      const parsed = call.response.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AttemptError({
          kind: 'malformed',
          detail: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
        });
      }
      return parsed.data;
    });
  }
}

/** Reads up to `MAX_RESPONSE_BYTES` of the body as text; a body cut off mid-way is a network failure. */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        await response.body.cancel().catch(() => undefined);
        break;
      }
      text += decoder.decode(chunk, { stream: true });
    }
  } catch (err) {
    throw new AttemptError(classifyFetchError(err));
  }
  return text + decoder.decode();
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * What a failed `fetch` means: our timeout, or the connection. Anything else is
 * a bug and rethrown. Read by shape, not `instanceof`: undici's errors may come
 * from another realm (a test runner's sandbox), where `instanceof` says no.
 */
function classifyFetchError(err: unknown): AttemptFailure {
  const error = (err ?? {}) as ErrorLike;
  const cause = (error.cause ?? {}) as ErrorLike;
  const timedOut = (e: ErrorLike) => e.name === 'TimeoutError' || e.name === 'AbortError';
  if (timedOut(error) || timedOut(cause)) return { kind: 'timeout' };
  if (error.name === 'TypeError' && error.message === 'fetch failed') {
    return { kind: 'network', detail: typeof cause.code === 'string' ? cause.code : 'connection failed' };
  }
  if (typeof error.code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(error.code)) {
    return { kind: 'network', detail: error.code };
  }
  throw err;
}

/** Base URL plus a path whose `{name}` parts are filled in percent-encoded. */
export function endpoint(baseUrl: string, template: string, params: Record<string, string> = {}): string {
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
  return `${baseUrl}${path}`;
}
