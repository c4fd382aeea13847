import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { GraphQLLimits } from '../graphql/protection';
import { providerFromSlug, type ProviderName } from '../domain/model';
import { dodoPaymentsEnv, dodoPaymentsSettings, type DodoPaymentsSettings } from '../providers/dodo-payments/settings';
import { kelviqEnv, kelviqSettings, type KelviqSettings } from '../providers/kelviq/settings';
import { sallaEnv, sallaSettings, type SallaSettings } from '../providers/salla/settings';
import { superOfficeEnv, superOfficeSettings, type SuperOfficeSettings } from '../providers/superoffice/settings';
import type { LogSettings } from '../observability/log';
import { GRAPHQL_INT_MAX } from '../domain/ordering';
import { storeEnv, storeSettings, type StoreSettings } from '../store/settings';
import { bool, emptyAsUndefined, EnvProblem, int, optionalText, optionalUrl, originList, stripSlash } from './env';

/**
 * The subgraph's configuration, read from the environment variables of the
 * public contract (section 5) and validated before anything starts.
 */
export interface Config {
  port: number;
  host: string;
  /** Base of every URL the subgraph hands out; undefined = `http://localhost:<bound port>`. */
  publicUrl: string | undefined;
  dataDir: string;
  defaultProvider: ProviderName;
  maxImageBytes: number;
  maxFileBytes: number;
  /** Decoding limit for images, in pixels (width x height). */
  maxImagePixels: number;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  /** When unset, a secret is generated once and kept in the data folder. */
  signingSecret: string | undefined;
  providerTimeoutMs: number;
  providerRetries: number;
  /** First back-off step between provider attempts; later steps double, with jitter. */
  providerRetryBaseMs: number;
  /** Longest `Retry-After` honoured; a provider asking for more is reported unavailable at once. */
  providerMaxRetryAfterMs: number;
  routerSecret: string | undefined;
  /** Browser origins allowed to call `/graphql` directly (`MEDIA_CORS_ORIGINS`); none by default. */
  corsOrigins: string[] | '*';
  /** When set, `GET /metrics` answers only requests with `Authorization: Bearer <token>` (`MEDIA_METRICS_TOKEN`). */
  metricsToken: string | undefined;
  /** Let `sourceUrl` point at private and loopback addresses (development only). */
  fetchAllowPrivate: boolean;
  sourceFetchTimeoutMs: number;
  /** Shape limits on every GraphQL operation, and the `_entities` cap. */
  graphqlLimits: GraphQLLimits;
  /** `NODE_ENV=production`: no introspection, no "did you mean" suggestions. */
  production: boolean;
  /** Longest a client may take to send its request headers. */
  headersTimeoutMs: number;
  /** Longest a client may take to send a whole request, body included. */
  requestTimeoutMs: number;
  providers: RemoteProviderSettings;
  /** `LOG_LEVEL` and `LOG_FORMAT`. */
  log: LogSettings;
  /** Images of one product, whatever their status. */
  maxImagesPerProduct: number;
  /** Images and files of one product waiting for their bytes. */
  maxPendingUploadsPerProduct: number;
  /** How long after its upload URL expired a placeholder is kept before the sweep deletes it. */
  pendingUploadGraceSeconds: number;
  /** How often the periodic sweep of expired placeholders runs. */
  sweepIntervalSeconds: number;
  /** Largest GraphQL response body, estimated while resolving; a larger one is refused with one error. */
  maxResponseBytes: number;
  /** Longest an upload body may pause between two chunks before it is cut off (and its URL released). */
  uploadIdleTimeoutMs: number;
  /** Images decoded at once, each in its own worker process. */
  processingConcurrency: number;
  /** Longest one image may take to decode and render; past it the worker is killed and the image refused. */
  processingTimeoutMs: number;
  /** Uploads waiting for a free worker; past it an upload is refused as busy (retryable). */
  processingQueueLimit: number;
  /** How long a request with new image bytes waits for the renditions before answering `PROCESSING`, in ms. */
  processingWaitMs: number;
  /** Longest background processing waits for uploads being received to end (`MEDIA_PROCESSING_YIELD_MS`). */
  processingYieldMs: number;
  /** How long a process's hold on processing an image lasts unless renewed, in seconds; a crashed one's is taken up after it. */
  processingLeaseSeconds: number;
  /** Renditions on request (`url(transform:)`) stored per image revision; past it, a fixed rendition is served instead. */
  maxRenditionsPerImage: number;
  /** Most pages or frames an image may have. */
  maxImagePages: number;
  /** Free space under `MEDIA_DATA_DIR` below which `/readyz` answers 503. */
  minFreeBytes: number;
  /**
   * On a store shared by replicas, how old a temporary file, an unnamed
   * revision or an upload claim still in progress must be before a sweep takes it.
   */
  leftoverGraceSeconds: number;
  /** How long a replaced revision's URLs keep working before the sweep removes its bytes. */
  revisionGraceSeconds: number;
  /** Where the index and LOCAL's bytes live (contract section 9). */
  store: StoreSettings;
}

/** Credentials and base URLs of the remote providers; each provider's folder reads its own variables. */
export interface RemoteProviderSettings {
  dodoPayments: DodoPaymentsSettings;
  salla: SallaSettings;
  superOffice: SuperOfficeSettings;
  kelviq: KelviqSettings;
}

/** Thrown when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const GiB = 1024 * 1024 * 1024;

const envSchema = z.object({
  PORT: int(0, 65535, 4001),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  MEDIA_PUBLIC_URL: optionalUrl,
  MEDIA_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  MEDIA_DEFAULT_PROVIDER: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('local')
      .refine((slug) => providerFromSlug(slug) !== undefined, {
        message: 'must be one of local, dodo-payments, salla, superoffice, kelviq',
      }),
  ),
  // An image's byteSize is a GraphQL Int: no limit past what it can carry.
  MEDIA_MAX_IMAGE_BYTES: int(1, GRAPHQL_INT_MAX, 20971520),
  MEDIA_MAX_FILE_BYTES: int(1, 64 * GiB, 536870912),
  MEDIA_MAX_IMAGE_PIXELS: int(1, 1_000_000_000, 40_000_000),
  MEDIA_UPLOAD_URL_TTL_SECONDS: int(1, 7 * 24 * 3600, 60),
  MEDIA_DOWNLOAD_URL_TTL_SECONDS: int(1, 7 * 24 * 3600, 900),
  MEDIA_SIGNING_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  ),
  MEDIA_PROVIDER_TIMEOUT_MS: int(1, 600_000, 10000),
  MEDIA_PROVIDER_RETRIES: int(0, 10, 2),
  MEDIA_PROVIDER_RETRY_BASE_MS: int(0, 60_000, 200),
  MEDIA_PROVIDER_MAX_RETRY_AFTER_MS: int(0, 600_000, 5000),
  MEDIA_FETCH_ALLOW_PRIVATE: bool(false),
  MEDIA_SOURCE_FETCH_TIMEOUT_MS: int(1, 600_000, 15000),
  MEDIA_MAX_ENTITIES: int(1, 100_000, 1000),
  MEDIA_GRAPHQL_MAX_DEPTH: int(1, 100, 10),
  MEDIA_GRAPHQL_MAX_ALIASES: int(0, 1000, 15),
  MEDIA_GRAPHQL_MAX_TOKENS: int(1, 1_000_000, 2000),
  MEDIA_GRAPHQL_MAX_COST: int(1, 10_000_000, 5000),
  MEDIA_GRAPHQL_MAX_DIRECTIVES: int(0, 1000, 50),
  MEDIA_HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000, 20_000),
  MEDIA_HTTP_REQUEST_TIMEOUT_MS: int(100, 24 * 3600_000, 15 * 60_000),
  MEDIA_MAX_IMAGES_PER_PRODUCT: int(1, 100_000, 250),
  MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT: int(1, 100_000, 20),
  MEDIA_PENDING_UPLOAD_GRACE_SECONDS: int(0, 30 * 24 * 3600, 3600),
  MEDIA_SWEEP_INTERVAL_SECONDS: int(1, 24 * 3600, 300),
  MEDIA_REVISION_GRACE_SECONDS: int(0, 365 * 24 * 3600, 86400),
  MEDIA_MAX_RESPONSE_BYTES: int(1024, GRAPHQL_INT_MAX, 64 * 1024 * 1024),
  MEDIA_UPLOAD_IDLE_TIMEOUT_MS: int(100, 3600_000, 30_000),
  MEDIA_PROCESSING_CONCURRENCY: int(1, 256, os.availableParallelism()),
  MEDIA_PROCESSING_TIMEOUT_MS: int(100, 3600_000, 20_000),
  MEDIA_PROCESSING_QUEUE_LIMIT: int(0, 100_000, 100),
  MEDIA_PROCESSING_WAIT_MS: int(0, 600_000, 5000),
  MEDIA_PROCESSING_YIELD_MS: int(0, 600_000, 2000),
  MEDIA_PROCESSING_LEASE_SECONDS: int(1, 3600, 60),
  MEDIA_MAX_RENDITIONS_PER_IMAGE: int(0, 1000, 48),
  MEDIA_MAX_IMAGE_PAGES: int(1, 100_000, 1000),
  MEDIA_MIN_FREE_BYTES: int(0, Number.MAX_SAFE_INTEGER, 268435456),
  MEDIA_LEFTOVER_GRACE_SECONDS: int(1, 30 * 24 * 3600, 3600),
  NODE_ENV: optionalText,
  ROUTER_SECRET: optionalText,
  MEDIA_CORS_ORIGINS: originList,
  // A short token could be guessed by anyone who can reach /metrics.
  MEDIA_METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(['json', 'pretty']).default('json')),
  ...dodoPaymentsEnv.shape,
  ...sallaEnv.shape,
  ...superOfficeEnv.shape,
  ...kelviqEnv.shape,
  ...storeEnv.shape,
});

/** Every environment variable the subgraph reads, by name (the README and `.env.example` document each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** Variables whose value came from a `.env` file rather than the real environment, for messages. */
const FROM_DOTENV = Symbol('variables read from .env');
type Environment = Record<string, string | undefined> & { [FROM_DOTENV]?: ReadonlySet<string> };

/**
 * The environment the subgraph reads: `.env` in `folder` when there is one
 * (as `.env.example` suggests), with real environment variables winning.
 * A `.env` that cannot be parsed stops the start.
 */
export function environment(folder = process.cwd(), real: NodeJS.ProcessEnv = process.env): Environment {
  const file = path.join(folder, '.env');
  if (!existsSync(file)) return { ...real };
  let fromFile: Record<string, string>;
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${file} could not be read: ${(err as Error).message}`);
  }
  const merged: Environment = { ...fromFile, ...real };
  merged[FROM_DOTENV] = new Set(Object.keys(fromFile).filter((key) => real[key] === undefined));
  return merged;
}

/** Reads and validates the configuration; throws `ConfigError` naming every bad variable (and where it was set). */
export function loadConfig(env: Environment = process.env): Config {
  const fromDotenv = env[FROM_DOTENV] ?? new Set<string>();
  const named = (key: string) => (fromDotenv.has(key) ? `${key} (from .env)` : key);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${named(issue.path.join('.'))}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  // Rules between variables, each naming every variable involved.
  const crossProblems: string[] = [];
  if (e.MEDIA_HTTP_REQUEST_TIMEOUT_MS < e.MEDIA_HTTP_HEADERS_TIMEOUT_MS) {
    crossProblems.push(
      `${named('MEDIA_HTTP_REQUEST_TIMEOUT_MS')} (${e.MEDIA_HTTP_REQUEST_TIMEOUT_MS}) must be at least ` +
        `${named('MEDIA_HTTP_HEADERS_TIMEOUT_MS')} (${e.MEDIA_HTTP_HEADERS_TIMEOUT_MS}): a request's headers are part of it`,
    );
  }
  if (e.MEDIA_LEFTOVER_GRACE_SECONDS * 1000 < e.MEDIA_HTTP_REQUEST_TIMEOUT_MS) {
    crossProblems.push(
      `${named('MEDIA_LEFTOVER_GRACE_SECONDS')} (${e.MEDIA_LEFTOVER_GRACE_SECONDS}) must be at least ` +
        `${named('MEDIA_HTTP_REQUEST_TIMEOUT_MS')} (${e.MEDIA_HTTP_REQUEST_TIMEOUT_MS}) in seconds: ` +
        `a sweep must never take an upload still in flight on another replica`,
    );
  }
  if (crossProblems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${crossProblems.join('\n  ')}`);
  const superOffice = superOfficeSettings(e);
  if (superOffice instanceof EnvProblem) throw new ConfigError(`Invalid configuration:\n  ${superOffice.message}`);
  const store = storeSettings(e, e.MEDIA_DATA_DIR);
  if (store instanceof EnvProblem) throw new ConfigError(`Invalid configuration:\n  ${store.message}`);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.MEDIA_PUBLIC_URL === undefined ? undefined : stripSlash(e.MEDIA_PUBLIC_URL),
    dataDir: e.MEDIA_DATA_DIR,
    defaultProvider: providerFromSlug(e.MEDIA_DEFAULT_PROVIDER)!,
    maxImageBytes: e.MEDIA_MAX_IMAGE_BYTES,
    maxFileBytes: e.MEDIA_MAX_FILE_BYTES,
    maxImagePixels: e.MEDIA_MAX_IMAGE_PIXELS,
    uploadUrlTtlSeconds: e.MEDIA_UPLOAD_URL_TTL_SECONDS,
    downloadUrlTtlSeconds: e.MEDIA_DOWNLOAD_URL_TTL_SECONDS,
    signingSecret: e.MEDIA_SIGNING_SECRET,
    providerTimeoutMs: e.MEDIA_PROVIDER_TIMEOUT_MS,
    providerRetries: e.MEDIA_PROVIDER_RETRIES,
    providerRetryBaseMs: e.MEDIA_PROVIDER_RETRY_BASE_MS,
    providerMaxRetryAfterMs: e.MEDIA_PROVIDER_MAX_RETRY_AFTER_MS,
    routerSecret: e.ROUTER_SECRET,
    corsOrigins: e.MEDIA_CORS_ORIGINS,
    metricsToken: e.MEDIA_METRICS_TOKEN,
    fetchAllowPrivate: e.MEDIA_FETCH_ALLOW_PRIVATE,
    sourceFetchTimeoutMs: e.MEDIA_SOURCE_FETCH_TIMEOUT_MS,
    graphqlLimits: {
      maxDepth: e.MEDIA_GRAPHQL_MAX_DEPTH,
      maxAliases: e.MEDIA_GRAPHQL_MAX_ALIASES,
      maxTokens: e.MEDIA_GRAPHQL_MAX_TOKENS,
      maxCost: e.MEDIA_GRAPHQL_MAX_COST,
      maxDirectives: e.MEDIA_GRAPHQL_MAX_DIRECTIVES,
      maxEntities: e.MEDIA_MAX_ENTITIES,
    },
    production: e.NODE_ENV === 'production',
    headersTimeoutMs: e.MEDIA_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.MEDIA_HTTP_REQUEST_TIMEOUT_MS,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    maxImagesPerProduct: e.MEDIA_MAX_IMAGES_PER_PRODUCT,
    maxPendingUploadsPerProduct: e.MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT,
    pendingUploadGraceSeconds: e.MEDIA_PENDING_UPLOAD_GRACE_SECONDS,
    sweepIntervalSeconds: e.MEDIA_SWEEP_INTERVAL_SECONDS,
    maxResponseBytes: e.MEDIA_MAX_RESPONSE_BYTES,
    uploadIdleTimeoutMs: e.MEDIA_UPLOAD_IDLE_TIMEOUT_MS,
    processingConcurrency: e.MEDIA_PROCESSING_CONCURRENCY,
    processingTimeoutMs: e.MEDIA_PROCESSING_TIMEOUT_MS,
    processingQueueLimit: e.MEDIA_PROCESSING_QUEUE_LIMIT,
    processingWaitMs: e.MEDIA_PROCESSING_WAIT_MS,
    processingYieldMs: e.MEDIA_PROCESSING_YIELD_MS,
    processingLeaseSeconds: e.MEDIA_PROCESSING_LEASE_SECONDS,
    maxRenditionsPerImage: e.MEDIA_MAX_RENDITIONS_PER_IMAGE,
    maxImagePages: e.MEDIA_MAX_IMAGE_PAGES,
    minFreeBytes: e.MEDIA_MIN_FREE_BYTES,
    leftoverGraceSeconds: e.MEDIA_LEFTOVER_GRACE_SECONDS,
    revisionGraceSeconds: e.MEDIA_REVISION_GRACE_SECONDS,
    store,
    providers: {
      dodoPayments: dodoPaymentsSettings(e),
      salla: sallaSettings(e),
      superOffice,
      kelviq: kelviqSettings(e),
    },
  };
}
