import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import type { Config } from './config/config';
import type { GraphQLContext } from './graphql/context';
import { createLoaders } from './graphql/loaders';
import { buildSchema } from './graphql/schema';
import { openCors } from './http/cors';
import { graphiqlRouter } from './http/graphiql';
import { requirePreflightForMultipart, requireRouterSecret } from './http/graphql-guards';
import { healthRouter } from './http/health';
import { mediaRouter } from './http/media';
import { uploadRouter } from './http/uploads';
import { DownloadLinks } from './media/download-links';
import { MediaService } from './media/media-service';
import { UploadGrants } from './media/upload-grants';
import { LocalProvider } from './providers/local/local-provider';
import { remoteProviders } from './providers/registry';
import { loadSigningSecret, Signer } from './security/signing';
import { BlobStore } from './store/blob-store';
import { LATEST_SCHEMA_VERSION, openDatabase, schemaVersion, type SqliteDatabase } from './store/database';
import { MediaIndex } from './store/media-index';

/** Largest JSON body accepted on `/graphql`. */
const MAX_JSON_BODY = '1mb';

/** A running subgraph. */
export interface RunningServer {
  /** The address it listens on, such as `http://127.0.0.1:4001`. */
  url: string;
  /** Base of the URLs it hands out. */
  publicUrl: string;
  media: MediaService;
  index: MediaIndex;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

/** How many representations the operation's `_entities` fields ask for, whatever the variable is called. */
function countRepresentations(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  let count = 0;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
    const argument = selection.arguments?.find((a) => a.name.value === 'representations')?.value;
    if (argument?.kind === Kind.LIST) count += argument.values.length;
    if (argument?.kind === Kind.VARIABLE) {
      const value = variables?.[argument.name.value];
      if (Array.isArray(value)) count += value.length;
    }
  }
  return count;
}

/** Refuses `_entities` calls with more representations than the configured cap. */
function entitiesCap(max: number): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, request }) => {
          if (operation && countRepresentations(operation, request.variables) > max) {
            throw new GraphQLError(`At most ${max} entity representations per request`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          return Promise.resolve();
        },
      }),
  };
}

/** Opens the store, builds every part and listens; resolves once it accepts requests. */
export async function startServer(config: Config): Promise<RunningServer> {
  const dataDir = path.resolve(config.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const db: SqliteDatabase = openDatabase(path.join(dataDir, 'media.db'));
  const index = new MediaIndex(db);
  index.sweepUploadClaims(Math.floor(Date.now() / 1000));
  const blobs = new BlobStore(path.join(dataDir, 'blobs'));
  await fs.mkdir(blobs.root, { recursive: true });
  await blobs.sweepTemporaryFiles();
  const signer = new Signer(await loadSigningSecret(dataDir, config.signingSecret));

  let publicUrl = config.publicUrl ?? '';
  const getPublicUrl = () => publicUrl;
  const grants = new UploadGrants(signer, config.uploadUrlTtlSeconds, getPublicUrl);
  const links = new DownloadLinks(signer, config.downloadUrlTtlSeconds, getPublicUrl);
  const local = new LocalProvider({
    blobs,
    grants,
    links,
    maxImageBytes: config.maxImageBytes,
    maxFileBytes: config.maxFileBytes,
    maxImagePixels: config.maxImagePixels,
  });
  const media = new MediaService({
    index,
    blobs,
    grants,
    providers: [local, ...remoteProviders(config, grants)],
    defaultProvider: config.defaultProvider,
    maxImageBytes: config.maxImageBytes,
    maxFileBytes: config.maxFileBytes,
    sourceFetch: { timeoutMs: config.sourceFetchTimeoutMs, allowPrivate: config.fetchAllowPrivate },
    publicUrl: getPublicUrl,
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // A client that trickles its headers cannot hold a connection for long.
  httpServer.headersTimeout = 20_000;
  // Large product files take a while even on a good link.
  httpServer.requestTimeout = 15 * 60_000;
  httpServer.keepAliveTimeout = 5_000;

  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(),
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      entitiesCap(config.maxEntitiesPerRequest),
    ],
  });
  await apollo.start();

  app.use(healthRouter(() => db.open && schemaVersion(db) === LATEST_SCHEMA_VERSION));
  app.use('/uploads', openCors('PUT, OPTIONS'));
  app.use(uploadRouter(media));
  app.use('/media', openCors('GET, HEAD, OPTIONS'));
  app.use(mediaRouter(blobs, index, links));
  app.use(graphiqlRouter('/graphql'));
  app.use(
    '/graphql',
    requireRouterSecret(config.routerSecret),
    requirePreflightForMultipart,
    express.json({ limit: MAX_JSON_BODY }),
    graphqlUploadExpress({ maxFileSize: config.maxImageBytes, maxFiles: 1, maxFieldSize: 1024 * 1024 }),
    expressMiddleware(apollo, {
      context: () => Promise.resolve({ media, loaders: createLoaders(index) }),
    }),
  );

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
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop();
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        db.close();
      })()),
  };
}
