import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag, DiagLogLevel, type Span } from '@opentelemetry/api';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { loggedPath, requestPath, type Logger } from './log';
import type { Tracing } from './tracing';

/*
 * Loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (./tracing.ts), before
 * anything has required `http`, `express` or `graphql`.
 */

/** The service name when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES gives one. */
export const DEFAULT_SERVICE_NAME = 'product-media';

/** Probes hit these every few seconds: not traced. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Query parameters whose values are replaced by `REDACTED` in `url.query` and
 * `url.full`: the instrumentation's own list (cloud signatures), and the
 * subgraph's signed media links (`signature`) and generic credential names.
 */
export const REDACTED_QUERY_PARAMS = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'signature',
  'token',
  'access_token',
  'api_key',
  'apikey',
  'key',
  'secret',
];

const pathOf = (url: string | undefined) => requestPath(url) || '/';

/**
 * A request path as spans may show it: as it is logged (an upload URL's token,
 * a signed grant, becomes the route's placeholder, and no segment is long
 * enough to be a credential). Media links carry their signatures in the query.
 */
export function redactedPath(path: string): string {
  return loggedPath(path);
}

/** The routes served outside Express (src/http/graphql-endpoint.ts), which the Express instrumentation cannot name. */
function routeOf(path: string): string | undefined {
  if (path === '/graphql') return '/graphql';
  if (path.startsWith('/uploads/')) return '/uploads/:token';
  return undefined;
}

/** Each request's path as it arrived: Express rewrites `req.url` under a mounted path while it routes. */
const arrivedPaths = new WeakMap<IncomingMessage, string>();

function nameServerSpan(span: Span, request: IncomingMessage): void {
  const route = routeOf(arrivedPaths.get(request) ?? pathOf(request.url));
  if (!route) return;
  span.setAttribute('http.route', route);
  span.updateName(`${request.method ?? 'GET'} ${route}`);
}

/** OpenTelemetry's own warnings (an exporter that cannot reach the collector) as log lines. */
function diagnosticsTo(logger: Logger): void {
  const log = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string) =>
    logger[level]({ component: 'opentelemetry' }, message);
  diag.setLogger(
    { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('debug') },
    DiagLogLevel.WARN,
  );
}

/** Starts the SDK: OTLP span export configured by the standard OTEL_* variables, HTTP, Express and GraphQL spans. */
export function startSdk(logger: Logger): Tracing {
  const hasServiceName =
    (process.env.OTEL_SERVICE_NAME ?? '').trim() !== '' ||
    /(^|,)\s*service\.name\s*=/.test(process.env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    serviceName: hasServiceName ? undefined : DEFAULT_SERVICE_NAME,
    // Traces only: no metric readers, no log exporters, whatever OTEL_METRICS_EXPORTER or OTEL_LOGS_EXPORTER say.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url)),
        // Replaces the path the instrumentation read from the request line (the upload token).
        startIncomingSpanHook: (request) => {
          const path = pathOf(request.url);
          arrivedPaths.set(request, path);
          return { 'url.path': redactedPath(path) };
        },
        redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
        redactedQueryParams: REDACTED_QUERY_PARAMS,
        // Outgoing calls (S3) are traced inside a request or a processing job, not from timers (the sweep).
        requireParentforOutgoingSpans: true,
        applyCustomAttributesOnSpan: (span, request, response) => {
          // A server span's response is the ServerResponse being written (a client span's is an IncomingMessage).
          if (typeof (response as Partial<ServerResponse>).writeHead === 'function') {
            nameServerSpan(span, request as IncomingMessage);
          }
        },
      }),
      // Names the server spans by route template (`PUT /uploads/:token`). Router layers get no span of their own:
      // the instrumentation names each after the router's first route, so every request would show `router - /healthz`.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.ROUTER] }),
      // parse, validate and execute; no span per resolved field (Apollo's ftv1 has field timings, and a large
      // `_entities` call would make thousands). Literal values of documents become `*`; variables are never recorded.
      new GraphQLInstrumentation({ allowValues: false, ignoreResolveSpans: true }),
    ],
  });
  const explicitDiagnostics = (process.env.OTEL_LOG_LEVEL ?? '').trim() !== '';
  if (!explicitDiagnostics) diagnosticsTo(logger);
  sdk.start();
  // The endpoint is not logged: its URL may carry credentials.
  logger.info({ protocol: process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' }, 'OpenTelemetry tracing on');
  return {
    shutdown: async (timeoutMs = 5_000) => {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ timeoutMs }, 'OpenTelemetry spans not all exported before shutdown');
          resolve();
        }, timeoutMs);
      });
      try {
        await Promise.race([
          sdk.shutdown().catch((err: unknown) => logger.warn({ error: String(err) }, 'OpenTelemetry shutdown failed')),
          gaveUp,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
