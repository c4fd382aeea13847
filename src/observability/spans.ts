import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * The subgraph's own spans (docs/tracing.md). Only `@opentelemetry/api` is
 * used here: without `OTEL_EXPORTER_OTLP_ENDPOINT` no SDK is registered, the
 * tracer is the API's no-op one and a span costs a few property reads.
 */
const tracer = trace.getTracer('product-media');

/** Attribute names of the subgraph's spans. Values never carry URLs, tokens, credentials or ids. */
export const SPAN_ATTRIBUTES = {
  provider: 'media.provider',
  operation: 'media.provider.operation',
  attempts: 'media.provider.attempts',
  status: 'media.provider.http_status',
  processingKind: 'media.processing.kind',
  outcome: 'media.outcome',
} as const;

/**
 * Runs `work` inside a span named `name` (a fixed name: no ids, no URLs),
 * ended when the work settles. `outcomeOf` turns the value into the span's
 * `media.outcome` (`ok`, or an error code, which also marks the span as an
 * error); a throw is recorded by its error name only (messages may quote input).
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  outcomeOf: (value: T) => string = () => 'ok',
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const value = await work(span);
      const outcome = outcomeOf(value);
      span.setAttribute(SPAN_ATTRIBUTES.outcome, outcome);
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      return value;
    } catch (err) {
      const outcome = errorOutcome(err);
      span.setAttribute(SPAN_ATTRIBUTES.outcome, outcome);
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A thrown error as an outcome: a `MediaFailure`'s code, else the error's class name. */
export function errorOutcome(err: unknown): string {
  const error = err as { error?: { code?: unknown }; name?: unknown } | null;
  if (typeof error?.error?.code === 'string') return error.error.code;
  if (typeof error?.name === 'string' && error.name) return error.name;
  return 'error';
}
