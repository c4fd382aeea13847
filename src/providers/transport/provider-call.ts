import { setTimeout as sleep } from 'node:timers/promises';
import { fail, ok, type MediaError, type Result } from '../../domain/errors';
import { currentLog } from '../../observability/log';
import type { ProviderCallObserver } from '../../observability/metrics';
import { inSpan, SPAN_ATTRIBUTES } from '../../observability/spans';
import type { ProviderName } from '../../domain/model';

/** How calls to one provider are timed out and retried (`MEDIA_PROVIDER_*`). */
export interface CallPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after a timeout, connection error, 429 or 5xx. */
  retries: number;
  /** First back-off step; each later step doubles, and a random part of it is waited (jitter). */
  retryBaseMs: number;
  /** Longest `Retry-After` waited for; a provider asking for longer is reported unavailable at once. */
  maxRetryAfterMs: number;
  /**
   * Told of every call and attempt (the server's metrics). Here, in the one
   * place every remote adapter's calls pass, rather than in each adapter.
   */
  observer?: ProviderCallObserver;
}

/** Why one attempt did not succeed, whatever client made it. */
export type AttemptFailure =
  | { kind: 'status'; status: number; message: string | undefined; retryAfterMs: number | undefined }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string }
  /** A 2xx answer whose body is not what the provider documents. */
  | { kind: 'malformed'; detail: string };

/** Thrown by an attempt to say how it failed; `callProvider` turns it into a retry or a `MediaError`. */
export class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.kind === 'status' ? `HTTP ${failure.status}` : failure.kind);
    this.name = 'AttemptError';
  }
}

/** Names a call in messages, such as `PUT /products/{id}/images`. */
export interface CallLabel {
  provider: ProviderName;
  operation: string;
  /** Values that must never appear in a message (credentials). */
  secrets: readonly string[];
}

/** What an attempt tells the log about itself beside its result. */
export interface AttemptNote {
  /** The provider's HTTP status, where the client sees it. */
  status?: number;
}

/**
 * One line per attempt: provider, operation (the documented path template, so
 * no ids, tokens or query strings), attempt number, status and duration.
 */
function logAttempt(label: CallLabel, attempt: number, started: number, status: number | string): void {
  currentLog().info(
    {
      provider: label.provider,
      operation: label.operation,
      attempt,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    },
    'provider call',
  );
}

const isRetryable = (failure: AttemptFailure) =>
  failure.kind === 'timeout' ||
  failure.kind === 'network' ||
  (failure.kind === 'status' && (failure.status === 429 || failure.status >= 500));

/** An attempt's outcome as a bounded label: the status class, or how it failed. */
const attemptOutcome = (status: number | string) =>
  typeof status === 'number' ? `${Math.floor(status / 100)}xx` : status === 'ok' ? '2xx' : status;

/**
 * Runs `attempt` under the policy: each attempt gets a signal that aborts at the
 * timeout; timeouts, connection errors, 429 and 5xx are retried with
 * exponential back-off and jitter, honouring `Retry-After` up to the cap. The
 * attempt must be replayable (a retry sends the same bytes again). Anything
 * thrown that is not an `AttemptError` is a bug and propagates. The whole
 * call, retries included, is one span (`provider <NAME> <operation>`).
 */
export function callProvider<T>(
  label: CallLabel,
  policy: CallPolicy,
  attempt: (signal: AbortSignal, note: AttemptNote) => Promise<T>,
): Promise<Result<T>> {
  // One span per operation, retries included: named by provider and path template, never by URL or id.
  return inSpan(
    `provider ${label.provider} ${label.operation}`,
    { [SPAN_ATTRIBUTES.provider]: label.provider, [SPAN_ATTRIBUTES.operation]: label.operation },
    async (span) => {
      const callStarted = performance.now();
      const result = await attempts(label, policy, attempt, (n, status) => {
        span.setAttribute(SPAN_ATTRIBUTES.attempts, n);
        if (typeof status === 'number') span.setAttribute(SPAN_ATTRIBUTES.status, status);
        policy.observer?.attempt(label.provider, label.operation, attemptOutcome(status));
      });
      const outcome = result.ok ? 'ok' : result.error.code;
      policy.observer?.call(label.provider, label.operation, outcome, (performance.now() - callStarted) / 1000);
      return result;
    },
    (result) => (result.ok ? 'ok' : result.error.code),
  );
}

async function attempts<T>(
  label: CallLabel,
  policy: CallPolicy,
  attempt: (signal: AbortSignal, note: AttemptNote) => Promise<T>,
  noteAttempt: (n: number, status: number | string) => void,
): Promise<Result<T>> {
  let last: AttemptFailure | undefined;
  for (let n = 0; n <= policy.retries; n += 1) {
    if (n > 0 && last) {
      const wait = delayBefore(n, last, policy);
      if (wait === undefined) break;
      await sleep(wait);
    }
    const note: AttemptNote = {};
    const started = performance.now();
    try {
      const value = await attempt(AbortSignal.timeout(policy.timeoutMs), note);
      logAttempt(label, n + 1, started, note.status ?? 'ok');
      noteAttempt(n + 1, note.status ?? 'ok');
      return ok(value);
    } catch (err) {
      if (!(err instanceof AttemptError)) throw err;
      last = err.failure;
      const status = last.kind === 'status' ? last.status : last.kind;
      logAttempt(label, n + 1, started, status);
      noteAttempt(n + 1, status);
      if (!isRetryable(last)) break;
    }
  }
  return { ok: false, error: mediaErrorOf(last!, label, policy) };
}

/** How long to wait before attempt `n` (1-based retry), or undefined when the provider asked for too long. */
function delayBefore(n: number, previous: AttemptFailure, policy: CallPolicy): number | undefined {
  if (previous.kind === 'status' && previous.retryAfterMs !== undefined) {
    return previous.retryAfterMs > policy.maxRetryAfterMs ? undefined : previous.retryAfterMs;
  }
  const step = policy.retryBaseMs * 2 ** (n - 1);
  return step / 2 + Math.random() * (step / 2);
}

/** Reads `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Replaces every credential in `text`, so no message can carry one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

const MAX_MESSAGE = 300;

/** The contract's mapping: 401/403 UNAUTHORIZED, 404 NOT_FOUND, other 4xx PROVIDER_REJECTED, else unavailable. */
function mediaErrorOf(failure: AttemptFailure, label: CallLabel, policy: CallPolicy): MediaError {
  const said = (message: string | undefined) =>
    message ? `: ${redact(message, label.secrets).slice(0, MAX_MESSAGE)}` : '';
  const where = `${label.provider} ${label.operation}`;
  const extra = { provider: label.provider };
  let result: Result<never>;
  if (failure.kind === 'status' && (failure.status === 401 || failure.status === 403)) {
    result = fail(
      'UNAUTHORIZED',
      `${where} refused the credentials (HTTP ${failure.status})${said(failure.message)}`,
      extra,
    );
  } else if (failure.kind === 'status' && failure.status === 404) {
    result = fail('NOT_FOUND', `${where} found no such resource (HTTP 404)${said(failure.message)}`, extra);
  } else if (failure.kind === 'status' && failure.status < 500 && failure.status !== 429) {
    result = fail(
      'PROVIDER_REJECTED',
      `${where} rejected the request (HTTP ${failure.status})${said(failure.message)}`,
      extra,
    );
  } else if (failure.kind === 'malformed') {
    result = fail('PROVIDER_REJECTED', `${where} answered in an unexpected form: ${failure.detail}`, extra);
  } else {
    const why =
      failure.kind === 'timeout'
        ? `timed out after ${policy.timeoutMs} ms`
        : failure.kind === 'network'
          ? `could not be reached (${failure.detail})`
          : `answered HTTP ${failure.status}${said(failure.message)}`;
    const attempts = policy.retries + 1;
    result = fail('PROVIDER_UNAVAILABLE', `${where} ${why}; gave up after up to ${attempts} attempts`, extra);
  }
  return (result as { ok: false; error: MediaError }).error;
}

/** The provider's own message from an error body: JSON in the common shapes, S3's XML, or short text. */
export function providerMessage(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    const found = messageInJson(json);
    if (found) return found;
  } catch {
    // not JSON
  }
  const xml = /<Message>([^<]*)<\/Message>/.exec(text);
  // Only a message the provider meant for callers: a plain-text or HTML body may be a stack trace or a proxy page.
  return xml?.[1];
}

/** The first message-like field of a parsed error body. */
export function messageInJson(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (!json || typeof json !== 'object') return undefined;
  const record = json as Record<string, unknown>;
  for (const key of ['message', 'Message', 'ErrorMessage', 'detail', 'error_description', 'title']) {
    if (typeof record[key] === 'string' && record[key]) return record[key];
  }
  if (record.error !== undefined) return messageInJson(record.error);
  if (Array.isArray(record.errors)) return messageInJson(record.errors[0]);
  return undefined;
}
