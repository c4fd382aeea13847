import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Config } from './config/config';
import type { GraphQLContext } from './graphql/context';
import { compiledExecutor } from './graphql/executor';
import { createLoaders } from './graphql/loaders';
import { graphqlProtection } from './graphql/protection';
import { buildSchema } from './graphql/schema';
import { ResponseBudget, responseBudgetPlugin } from './graphql/response-budget';
import { graphqlCors, openCors } from './http/cors';
import { jsonErrorHandler, jsonNotFound } from './http/errors';
import { graphiqlRouter } from './http/graphiql';
import { graphqlJsonEndpoint } from './http/graphql-endpoint';
import { requirePreflightForMultipart, requireRouterSecret } from './http/graphql-guards';
import { healthRouter } from './http/health';
import { multipartGraphQL } from './http/multipart';
import { mediaRouter } from './http/media';
import { uploadRouter } from './http/uploads';
import { DownloadLinks } from './media/download-links';
import { RenditionLinks } from './media/rendition-links';
import { SummaryBackfill } from './media/summary-backfill';
import { MediaService } from './media/media-service';
import { UploadGrants } from './media/upload-grants';
import { WorkerPoolImageProcessor } from './media/processing/worker-pool';
import type { ImageProcessor } from './media/processing/types';
import { Housekeeping } from './providers/local/housekeeping';
import { ImageProcessing } from './media/image-processing';
import { UploadsInFlight } from './media/uploads-in-flight';
import { assetUrlOf } from './providers/local/layout';
import { LocalProvider } from './providers/local/local-provider';
import { remoteProviders } from './providers/registry';
import { newSigningSecret, Signer } from './security/signing';
import type { MediaIndex } from './store/media-index';
import type { ObjectStorage } from './store/object-storage';
import { openStore, signingSecret } from './store/open-store';
import { ObservedStorage } from './store/observed-storage';
import { Metrics, metricsHandler } from './observability/metrics';
import { createLogger, currentScope, type Logger } from './observability/log';
import { operationLoggingPlugin, rescope, withRequestLogging } from './observability/request-logging';

/** Largest JSON body accepted on `/graphql`. */
const MAX_JSON_BODY = '1mb';
/** Largest non-file field (`operations`, `map`) of a multipart GraphQL request. */
const MAX_MULTIPART_FIELD_BYTES = 1024 * 1024;

/** A running subgraph. */
export interface RunningServer {
  /** The address it listens on, such as `http://127.0.0.1:4001`. */
  url: string;
  /** Base of the URLs it hands out. */
  publicUrl: string;
  media: MediaService;
  index: MediaIndex;
  /** LOCAL's object storage. */
  storage: ObjectStorage;
  /** The image workers (decoding happens there, never in this process). */
  images: ImageProcessor;
  /** Processing off the request: its backlog, and `idle()` to wait for it. */
  processing: ImageProcessing;
  /** The start-up backfill of ThumbHashes and dominant colours; `idle()` waits for it. */
  summaries: SummaryBackfill;
  /** This server's metrics (its own registry), served at `GET /metrics`. */
  metrics: Metrics;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * Parts of the GraphQL pipeline that can be switched, so the benchmarks can
 * measure what each costs (bench/RESULTS.md). Production runs the defaults.
 */
export interface PipelineTuning {
  /**
   * Apollo's cache-control plugin. Off by default: no field here sets a cache
   * hint, the media URLs are signed and expire, and the plugin's per-field
   * bookkeeping cost most of an `_entities` call's time at 200 representations.
   */
  cacheControl?: boolean;
  /** Federated tracing (ftv1) for a router that asks for it; costs nothing on requests that do not. Default on. */
  inlineTrace?: boolean;
  /** graphql-armor's limits (SECURITY.md). Default on; off only to measure their cost. */
  armor?: boolean;
  /** Batch index reads with DataLoader. Default on; off is the naive one-read-per-entity baseline. */
  batchReads?: boolean;
  /** Queries compiled by graphql-jit (graphql/executor.ts). Default on; off runs every operation through graphql-js. */
  jit?: boolean;
}

/** What a caller may give {@link startServer} beside the configuration. */
export interface ServerOptions {
  tuning?: PipelineTuning;
  /** Where the subgraph logs; by default a logger built from `config.log` writing to stdout. */
  logger?: Logger;
}

/** Opens the store, builds every part and listens; resolves once it accepts requests. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const tuning = options.tuning ?? {};
  const logger = options.logger ?? createLogger(config.log);
  const dataDir = path.resolve(config.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const store = await openStore(config.store);
  const { assetBaseUrl } = config.store;
  const metrics = new Metrics();
  const { index } = store;
  // Every part reaches LOCAL's storage through this one wrapper, which times and counts each operation.
  const storage = new ObservedStorage(store.storage, metrics.storageCalls);
  if (index.poolUsage) metrics.watchStorePool(() => index.poolUsage!());
  const housekeeping = new Housekeeping({
    index,
    storage,
    logger,
    pendingUploadGraceSeconds: config.pendingUploadGraceSeconds,
    sweepIntervalSeconds: config.sweepIntervalSeconds,
    leftoverGraceSeconds: config.leftoverGraceSeconds,
    revisionGraceSeconds: config.revisionGraceSeconds,
  });
  await housekeeping.init();
  const signer = new Signer(await signingSecret(index, dataDir, config.signingSecret, newSigningSecret));

  let publicUrl = config.publicUrl ?? '';
  const getPublicUrl = () => publicUrl;
  const grants = new UploadGrants(signer, config.uploadUrlTtlSeconds, getPublicUrl, (grant) =>
    index.setCurrentUploadToken(grant.target, grant.jti, grant.exp),
  );
  const links = new DownloadLinks(signer, config.downloadUrlTtlSeconds, getPublicUrl);
  const images = new WorkerPoolImageProcessor({
    concurrency: config.processingConcurrency,
    queueLimit: config.processingQueueLimit,
    limits: {
      maxPixels: config.maxImagePixels,
      maxPages: config.maxImagePages,
      timeoutMs: config.processingTimeoutMs,
    },
    logger,
    observer: metrics.imageTasks,
  });
  await images.warmUp();
  const local = new LocalProvider({
    storage,
    grants,
    links,
    renditions: new RenditionLinks(signer),
    maxRenditionsPerImage: config.maxRenditionsPerImage,
    maxImageBytes: config.maxImageBytes,
    maxFileBytes: config.maxFileBytes,
    images,
    directUploads: config.store.directUploads,
  });
  const uploadsInFlight = new UploadsInFlight();
  const processing = new ImageProcessing({
    index,
    uploadsInFlight,
    yieldMs: config.processingYieldMs,
    providerOf: (image) => (image.provider === local.name ? local : undefined),
    waitMs: config.processingWaitMs,
    leaseSeconds: config.processingLeaseSeconds,
    concurrency: config.processingConcurrency,
    logger,
  });
  const media = new MediaService({
    index,
    processing,
    storage,
    grants,
    providers: [local, ...remoteProviders(config, grants, images, metrics.providerCalls)],
    defaultProvider: config.defaultProvider,
    maxImageBytes: config.maxImageBytes,
    maxFileBytes: config.maxFileBytes,
    sourceFetch: {
      timeoutMs: config.sourceFetchTimeoutMs,
      allowPrivate: config.fetchAllowPrivate,
      maxBytes: config.maxImageBytes,
    },
    limits: {
      maxImages: config.maxImagesPerProduct,
      maxPendingUploads: config.maxPendingUploadsPerProduct,
    },
    uploadIdleTimeoutMs: config.uploadIdleTimeoutMs,
    minFreeBytes: config.minFreeBytes,
    onBytesReceived: metrics.bytesReceived,
    uploadsInFlight,
    publicUrl: getPublicUrl,
    assetUrl: assetBaseUrl === undefined ? undefined : (location) => assetUrlOf(location, assetBaseUrl),
  });
  processing.start();
  metrics.watchProcessing({
    queued: () => images.queueDepth,
    running: () => images.activeTasks,
    backlog: () => processing.backlog,
    receiving: () => uploadsInFlight.count,
  });
  const summaries = new SummaryBackfill(index, local, logger);
  summaries.start();

  const app = express();
  app.disable('x-powered-by');
  // Paths are matched exactly, as signed URLs are issued: `/UPLOADS/<token>` is no upload URL.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  const httpServer = http.createServer({
    // A client that trickles its headers or body cannot hold a connection past these.
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // How often Node looks for requests over those limits (its default, 30 s, would let short limits slip).
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    keepAliveTimeout: 5_000,
  });

  const protection = graphqlProtection(config.graphqlLimits, config.production, { armor: tuning.armor ?? true });
  const apollo = new ApolloServer<GraphQLContext>({
    // Two copies of one schema: Apollo's (which it instruments for per-field hooks) and the one queries compile against.
    gateway: compiledExecutor(buildSchema(), buildSchema(), {
      jit: tuning.jit ?? true,
      observe: metrics.graphqlExecutions,
    }),
    logger,
    ...protection,
    // src/main.ts stops the whole server on SIGTERM and SIGINT (and then flushes traces). Apollo's own handler
    // would stop Apollo alone and then kill the process with the signal again, cutting that short.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ...(tuning.cacheControl ? [] : [ApolloServerPluginCacheControlDisabled()]),
      ...((tuning.inlineTrace ?? true) ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      ...protection.plugins!,
      operationLoggingPlugin(currentScope),
      metrics.graphqlPlugin<GraphQLContext>(),
      responseBudgetPlugin<GraphQLContext>(),
    ],
  });
  const batchReads = tuning.batchReads ?? true;
  const context = () =>
    Promise.resolve<GraphQLContext>({
      media,
      loaders: createLoaders(index, { batch: batchReads }),
      budget: new ResponseBudget(config.maxResponseBytes),
    });
  await apollo.start();
  // JSON GraphQL requests skip Express (see graphql-endpoint.ts); Express answers everything else.
  const cors = graphqlCors(config.corsOrigins);
  if (config.production && config.corsOrigins === '*') {
    // Allowed, but worth a line: in production the Router answers browsers, and any page could call this subgraph.
    logger.warn(
      'MEDIA_CORS_ORIGINS=* with NODE_ENV=production: any web page may call /graphql directly; list origins instead',
    );
  }
  const graphqlJson = graphqlJsonEndpoint(apollo, {
    routerSecret: config.routerSecret,
    maxJsonBody: MAX_JSON_BODY,
    context,
  });
  httpServer.on(
    'request',
    metrics.instrumentHttp(
      withRequestLogging(logger, (req, res) => {
        if (cors(req, res)) return;
        if (!graphqlJson(req, res)) app(req, res);
      }),
    ),
  );

  app.use(
    healthRouter(async () => {
      if (!(await index.ready().catch(() => false))) return { ready: false, reason: 'store not open' };
      const free = await storage.freeBytes();
      if (free < config.minFreeBytes) {
        logger.error({ freeBytes: free, minFreeBytes: config.minFreeBytes }, 'LOCAL storage is nearly full');
        return { ready: false, reason: 'storage nearly full (MEDIA_MIN_FREE_BYTES)' };
      }
      return { ready: true };
    }),
  );
  // Prometheus's scrape; with MEDIA_METRICS_TOKEN set, only with the token (checked inside).
  const serveMetrics = metricsHandler(metrics, config.metricsToken);
  app.get('/metrics', (req, res) => serveMetrics(req, res));
  app.use('/uploads', openCors('PUT, OPTIONS'));
  app.use(uploadRouter(media));
  app.use('/media', openCors('GET, HEAD, OPTIONS'));
  app.use(mediaRouter(storage, index, links, local, (location) => media.absoluteUrl(location)));
  app.use(graphiqlRouter('/graphql'));
  app.use(
    '/graphql',
    requireRouterSecret(config.routerSecret),
    requirePreflightForMultipart,
    express.json({ limit: MAX_JSON_BODY }),
    multipartGraphQL({ maxFileSize: config.maxImageBytes, maxFiles: 1, maxFieldSize: MAX_MULTIPART_FIELD_BYTES }),
    rescope,
    expressMiddleware(apollo, { context }),
  );

  app.use(jsonNotFound);
  app.use(jsonErrorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port, address } = httpServer.address() as AddressInfo;
  publicUrl ||= `http://localhost:${port}`;
  const host = address.includes(':') ? `[${address}]` : address;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    publicUrl,
    media,
    index,
    storage,
    images,
    processing,
    summaries,
    metrics,
    stop: () =>
      (stopping ??= (async () => {
        await housekeeping.close();
        await summaries.stop();
        await apollo.stop();
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // The workers stop inside: the work they drop is left for the next start, not recorded as failed.
        await processing.close(() => images.close());
        await store.close();
      })()),
  };
}
