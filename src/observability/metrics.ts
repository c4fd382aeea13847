import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { CLIENT_FACING_CODES } from '../graphql/protection';
import { ROUTES } from '../providers/local/layout';
import { requestPath } from './log';

/**
 * The subgraph's Prometheus metrics, in one place: every metric is defined
 * here, and the rest of the code reports through the small hooks below (plain
 * callbacks, so no other module imports prom-client). Each server has its own
 * registry, so several servers in one process (the tests) never collide.
 *
 * No label takes a value from a request: routes are templates, GraphQL
 * operation names are bounded (see {@link MAX_OPERATION_NAMES}), provider
 * operations are the adapters' documented path templates (code constants),
 * results are error codes of the contract. docs/metrics.md lists them all.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Seconds; HTTP answers range from a health probe to a large file download. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds; a provider call includes its retries and their back-off. */
const PROVIDER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; decoding is bounded by `MEDIA_PROCESSING_TIMEOUT_MS` (20 s by default). */
const IMAGE_TASK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60];

/**
 * Distinct GraphQL operation names one server labels; later new names count
 * as `(other)`. Names are chosen by clients (through the router, which
 * derives its own from them), so they are unbounded: this cap, and the
 * name pattern below, keep a client from making a series per request.
 */
export const MAX_OPERATION_NAMES = 50;
/** A GraphQL name of at most 64 characters; anything else is labelled `(other)`. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** Label values that cannot be a GraphQL name (parentheses), so they never collide with one. */
const ANONYMOUS = '(anonymous)';
const OTHER = '(other)';
const UNRESOLVED = '(unresolved)';

/**
 * GraphQL error codes the subgraph answers (Apollo's request errors, the
 * contract's typed errors; everything else is masked as INTERNAL_SERVER_ERROR,
 * see graphql/protection.ts). Anything outside the list counts as `OTHER`.
 */
const GRAPHQL_ERROR_CODES: ReadonlySet<string> = new Set([...CLIENT_FACING_CODES, 'INTERNAL_SERVER_ERROR']);

/** Codes that are the server's failure; every other error is the client's. */
const SERVER_ERROR_CODES = new Set(['INTERNAL_SERVER_ERROR', 'OTHER']);

/**
 * The route templates of the HTTP label: every path the subgraph serves,
 * matched as Express matches them (case-sensitive, strict, `:name` = one
 * non-empty segment). Any other path is `(unmatched)`, never itself.
 */
const HTTP_ROUTES = [
  '/',
  '/favicon.ico',
  '/graphql',
  '/graphiql-assets/:name',
  '/uploads/:token',
  ROUTES.image,
  ROUTES.rendition,
  ROUTES.file,
  '/healthz',
  '/readyz',
  '/metrics',
] as const;
const UNMATCHED = '(unmatched)';
const ROUTE_SEGMENTS = HTTP_ROUTES.map((route) => ({ route, segments: route.split('/') }));
/** Routes whose successful GET answers are media bytes, counted as served. */
const MEDIA_ROUTES = new Set<string>([ROUTES.image, ROUTES.rendition, ROUTES.file]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route template `url` matches, or `(unmatched)`; the query string is never looked at. */
export function routeOf(url: string | undefined): string {
  const segments = requestPath(url).split('/');
  const found = ROUTE_SEGMENTS.find(
    (r) =>
      r.segments.length === segments.length &&
      r.segments.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i])),
  );
  return found?.route ?? UNMATCHED;
}

/**
 * What the provider transport reports (providers/transport/provider-call.ts),
 * for every remote provider at once. `operation` is the adapter's documented
 * operation, such as `PATCH /catalog/products/{product_pk}/image/{pk}/`.
 */
export interface ProviderCallObserver {
  /**
   * One call as its caller saw it, retries and back-off included; `result` is
   * `ok` or the contract's error code it ended with (PROVIDER_UNAVAILABLE...).
   */
  call(provider: string, operation: string, result: string, seconds: number): void;
  /** One attempt of a call; `outcome` is `2xx`...`5xx`, `timeout`, `network` or `malformed`. */
  attempt(provider: string, operation: string, outcome: string): void;
}

/** What the image worker pool reports about each task (media/processing/worker-pool.ts). */
export interface ImageTaskObserver {
  /**
   * A task that got a worker: `task` is its kind (`probe`, `render`,
   * `summarise`, `rendition`), `result` `ok` or the failure's code, `seconds`
   * how long the worker took and `waitedSeconds` how long it queued for one.
   */
  finished(task: string, result: string, seconds: number, waitedSeconds: number): void;
  /** A task refused without running: the queue was full, or the pool stopping. */
  rejected(task: string): void;
}

/** The backlog of image processing, read at each scrape. */
export interface ProcessingGauges {
  /** Tasks waiting for a free worker. */
  queued: () => number;
  /** Tasks running in a worker now. */
  running: () => number;
  /** Image revisions being processed off the request (answered `PROCESSING`, finishing in the background). */
  backlog: () => number;
  /** Incoming bodies being received now, which background processing yields to. */
  receiving: () => number;
}

/** A connection pool's state (PostgreSQL's `pg.Pool`), read at each scrape. */
export interface PoolUsage {
  /** Open connections, idle or busy. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  /** Most connections the pool opens (`MEDIA_DATABASE_POOL_SIZE`). */
  max: number;
}

/**
 * Process metrics (CPU, memory, event loop, GC, handles) describe the
 * process, not a server, and prom-client's collectors (a GC observer, an
 * event-loop monitor) cannot be stopped: one set per process, made on first
 * use, registered in every server's registry beside its own metrics.
 */
let processMetrics: Metric[] | undefined;
function sharedProcessMetrics(): Metric[] {
  if (!processMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    processMetrics = registry.getMetricsAsArray() as unknown as Metric[];
  }
  return processMetrics;
}

/** One server's metrics: its registry, and the hooks its parts report through. */
export class Metrics {
  readonly registry = new Registry();

  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly httpAborted: Counter<'method' | 'route'>;
  private readonly operations: Counter<'operation_type' | 'operation_name' | 'outcome'>;
  private readonly operationDuration: Histogram<'operation_type' | 'operation_name'>;
  private readonly graphqlErrors: Counter<'code'>;
  private readonly documentsParsed: Counter;
  private readonly executions: Counter<'path'>;
  private readonly providerCallCount: Counter<'provider' | 'operation' | 'result'>;
  private readonly providerCallDuration: Histogram<'provider' | 'operation'>;
  private readonly providerAttempts: Counter<'provider' | 'operation' | 'outcome'>;
  private readonly receivedBytes: Counter<'via'>;
  private readonly servedBytes: Counter<'route'>;
  private readonly imageTaskDuration: Histogram<'task' | 'result'>;
  private readonly imageTaskWait: Histogram<'task'>;
  private readonly imageTasksRejected: Counter<'task'>;
  /** Operation names labelled so far (at most `maxOperationNames`). */
  private readonly operationNames = new Set<string>();

  constructor(private readonly maxOperationNames = MAX_OPERATION_NAMES) {
    for (const metric of sharedProcessMetrics()) this.registry.registerMetric(metric);
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'media_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'media_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent in full, in seconds.',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.httpAborted = new Counter({
      name: 'media_http_requests_aborted_total',
      help: 'HTTP requests whose connection closed before the answer was sent in full.',
      labelNames: ['method', 'route'],
      registers,
    });
    this.operations = new Counter({
      name: 'media_graphql_operations_total',
      help: 'GraphQL operations, by type, bounded operation name and outcome (success, client_error, server_error).',
      labelNames: ['operation_type', 'operation_name', 'outcome'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'media_graphql_operation_duration_seconds',
      help: 'Time Apollo Server took for a GraphQL operation, parsing to answer, in seconds.',
      labelNames: ['operation_type', 'operation_name'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'media_graphql_errors_total',
      help: 'Errors in GraphQL answers, by code as answered (OTHER for any code outside the known list).',
      labelNames: ['code'],
      registers,
    });
    this.executions = new Counter({
      name: 'media_graphql_executions_total',
      help: 'GraphQL operations executed, by how: a compiled query from the cache, one compiled for it, or graphql-js',
      labelNames: ['path'],
      registers,
    });
    this.documentsParsed = new Counter({
      name: 'media_graphql_documents_parsed_total',
      help: "GraphQL documents parsed and validated: requests whose document was not in Apollo's document cache. Flat under steady traffic.",
      registers,
    });
    this.providerCallCount = new Counter({
      name: 'media_provider_calls_total',
      help: 'Calls to providers (remote APIs, and LOCAL storage), by provider, operation and result (ok or error code).',
      labelNames: ['provider', 'operation', 'result'],
      registers,
    });
    this.providerCallDuration = new Histogram({
      name: 'media_provider_call_duration_seconds',
      help: 'Time of a provider call, retries and back-off included, in seconds.',
      labelNames: ['provider', 'operation'],
      buckets: PROVIDER_BUCKETS,
      registers,
    });
    this.providerAttempts = new Counter({
      name: 'media_provider_attempts_total',
      help: 'HTTP attempts of remote provider calls (retries each count), by outcome: 2xx..5xx, timeout, network, malformed.',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    });
    this.receivedBytes = new Counter({
      name: 'media_received_bytes_total',
      help: 'Bytes of uploads received in full, by way in: put (upload URL), multipart, sourceUrl, storage (direct upload).',
      labelNames: ['via'],
      registers,
    });
    this.servedBytes = new Counter({
      name: 'media_served_bytes_total',
      help: 'Bytes of media bodies sent in full by /media routes (GET answers 200 and 206), by route template.',
      labelNames: ['route'],
      registers,
    });
    this.imageTaskDuration = new Histogram({
      name: 'media_image_task_duration_seconds',
      help: 'Time an image worker took for a task (probe, render, summarise, rendition), by result, in seconds.',
      labelNames: ['task', 'result'],
      buckets: IMAGE_TASK_BUCKETS,
      registers,
    });
    this.imageTaskWait = new Histogram({
      name: 'media_image_task_wait_seconds',
      help: 'Time an image task waited for a free worker, in seconds.',
      labelNames: ['task'],
      buckets: IMAGE_TASK_BUCKETS,
      registers,
    });
    this.imageTasksRejected = new Counter({
      name: 'media_image_tasks_rejected_total',
      help: 'Image tasks refused without running: the queue was full (MEDIA_PROCESSING_QUEUE_LIMIT) or the pool stopping.',
      labelNames: ['task'],
      registers,
    });
  }

  /**
   * Wraps the server's request handler: when the answer has been sent
   * (`finish`) counts it by method, route template and status, with its
   * duration, and the body bytes of media answered in full; a connection
   * closed before that counts as aborted. At the Node level rather than in
   * Express, because JSON `POST /graphql` never reaches Express (graphql-endpoint.ts).
   */
  instrumentHttp(handler: Handler): Handler {
    return (req, res) => {
      const started = performance.now();
      // Read now: Express rewrites req.url under a mounted path (`/uploads`, `/graphql`) while it routes.
      const route = routeOf(req.url);
      // Counted once: an answer written after its connection closed must not count as sent too.
      let counted = false;
      res.once('finish', () => {
        if (counted) return;
        counted = true;
        const method = METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
        this.httpRequests.inc({ method, route, status: String(res.statusCode) });
        this.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
        if (method === 'GET' && MEDIA_ROUTES.has(route) && (res.statusCode === 200 || res.statusCode === 206)) {
          const length = Number(res.getHeader('content-length'));
          if (Number.isSafeInteger(length) && length > 0) this.servedBytes.inc({ route }, length);
        }
      });
      res.once('close', () => {
        if (counted || res.writableFinished) return;
        counted = true;
        const method = METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
        this.httpAborted.inc({ method, route });
      });
      handler(req, res);
    };
  }

  /**
   * Counts every GraphQL operation by type, bounded name and outcome, and
   * times it. The outcome is `success` without errors, else `server_error`
   * when any error is the server's (INTERNAL_SERVER_ERROR), else `client_error`;
   * each error also counts by code. `userErrors` of mutation payloads are data,
   * not GraphQL errors: such an operation is a success here.
   */
  graphqlPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: () => {
        const started = performance.now();
        let type = 'unknown';
        let name = UNRESOLVED;
        return Promise.resolve({
          // Apollo calls this only when the document is not in its cache: a router repeating its queries parses none.
          parsingDidStart: () => {
            this.documentsParsed.inc();
            return Promise.resolve();
          },
          didResolveOperation: ({ operation, operationName }) => {
            type = operation?.operation ?? 'unknown';
            // No operation: the document has none of the name asked for (or several and no name): not anonymous.
            name = operation ? this.operationLabel(operationName) : UNRESOLVED;
            return Promise.resolve();
          },
          willSendResponse: ({ response }) => {
            const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            const codes = errors.map((e) => {
              const code = e.extensions?.code;
              return typeof code === 'string' && GRAPHQL_ERROR_CODES.has(code) ? code : 'OTHER';
            });
            for (const code of codes) this.graphqlErrors.inc({ code });
            const outcome =
              codes.length === 0
                ? 'success'
                : codes.some((c) => SERVER_ERROR_CODES.has(c))
                  ? 'server_error'
                  : 'client_error';
            const labels = { operation_type: type, operation_name: name };
            this.operations.inc({ ...labels, outcome });
            this.operationDuration.observe(labels, (performance.now() - started) / 1000);
            return Promise.resolve();
          },
        });
      },
    };
  }

  /** The label of an operation name: itself while fewer than the cap were seen and it looks like a GraphQL name. */
  private operationLabel(name: string | null): string {
    if (name === null) return ANONYMOUS;
    if (!OPERATION_NAME.test(name)) return OTHER;
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= this.maxOperationNames) return OTHER;
    this.operationNames.add(name);
    return name;
  }

  /** The hook of the GraphQL executor (graphql/executor.ts): how each operation was executed. */
  readonly graphqlExecutions = (path: string): void => this.executions.inc({ path });

  /** The hook of the provider transport (every remote provider reports through it). */
  readonly providerCalls: ProviderCallObserver = {
    call: (provider, operation, result, seconds) => {
      this.providerCallCount.inc({ provider, operation, result });
      this.providerCallDuration.observe({ provider, operation }, seconds);
    },
    attempt: (provider, operation, outcome) => this.providerAttempts.inc({ provider, operation, outcome }),
  };

  /**
   * The hook of LOCAL's instrumented storage (store/observed-storage.ts):
   * a storage operation (`stat`, `read`, `publishFolder`...) counts as a call of provider LOCAL.
   */
  readonly storageCalls = (operation: string, result: string, seconds: number): void =>
    this.providerCalls.call('LOCAL', operation, result, seconds);

  /** Counts bytes received in full for an upload; `via` is how they came (`put`, `multipart`, `sourceUrl`, `storage`). */
  readonly bytesReceived = (via: string, bytes: number): void => this.receivedBytes.inc({ via }, bytes);

  /** The hook of the image worker pool. */
  readonly imageTasks: ImageTaskObserver = {
    finished: (task, result, seconds, waitedSeconds) => {
      this.imageTaskDuration.observe({ task, result }, seconds);
      this.imageTaskWait.observe({ task }, waitedSeconds);
    },
    rejected: (task) => this.imageTasksRejected.inc({ task }),
  };

  /** Reports the processing backlog as gauges, read at each scrape. */
  watchProcessing(gauges: ProcessingGauges): void {
    this.gauge('media_image_tasks_queued', 'Image tasks waiting for a free worker.', gauges.queued);
    this.gauge('media_image_tasks_running', 'Image tasks running in a worker.', gauges.running);
    this.gauge(
      'media_image_processing_backlog',
      'Image revisions being processed off the request (answered PROCESSING) by this process.',
      gauges.backlog,
    );
    this.gauge(
      'media_uploads_receiving',
      'Incoming bodies (upload URL PUTs, multipart files, sourceUrl downloads) being received now; background processing waits for them (MEDIA_PROCESSING_YIELD_MS).',
      gauges.receiving,
    );
  }

  /**
   * Reports the store's connection pool as gauges, read at each scrape.
   * Only PostgreSQL has one; SQLite is one synchronous connection, so an
   * embedded store reports nothing here.
   */
  watchStorePool(usage: () => PoolUsage): void {
    this.gauge(
      'media_store_pool_connections',
      'Open connections of the PostgreSQL pool, idle or busy.',
      () => usage().total,
    );
    this.gauge('media_store_pool_idle_connections', 'Idle connections of the PostgreSQL pool.', () => usage().idle);
    this.gauge(
      'media_store_pool_waiting_clients',
      'Queries waiting for a connection of the PostgreSQL pool.',
      () => usage().waiting,
    );
    this.gauge(
      'media_store_pool_max_connections',
      'Most connections the PostgreSQL pool opens (MEDIA_DATABASE_POOL_SIZE).',
      () => usage().max,
    );
  }

  /** The exposition, and its content type (Prometheus text format 0.0.4). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics`: the server's metrics in Prometheus's text format. With
 * `token` (`MEDIA_METRICS_TOKEN`), only requests with `Authorization: Bearer
 * <token>` get them; others get 401. Both sides are hashed before the
 * constant-time comparison, so neither the token nor its length leaks
 * through timing; the header is never logged (request lines hold no headers).
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): Handler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res) => {
    if (expected) {
      const header = req.headers.authorization ?? '';
      const given = /^Bearer +(.+)$/i.exec(header)?.[1] ?? '';
      if (!timingSafeEqual(digest(given), expected)) {
        const body = JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong metrics token' } });
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
        return;
      }
    }
    metrics.scrape().then(
      ({ contentType, body }) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(
          JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Metrics could not be collected' } }),
        );
      },
    );
  };
}
