import { z } from 'zod';
import { providerFromSlug, type ProviderName } from '../domain/model';

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
  routerSecret: string | undefined;
  /** Let `sourceUrl` point at private and loopback addresses (development only). */
  fetchAllowPrivate: boolean;
  sourceFetchTimeoutMs: number;
  /** Most `_entities` representations accepted in one request. */
  maxEntitiesPerRequest: number;
  providers: RemoteProviderSettings;
}

/** Credentials and base URLs of the remote providers; a provider is configured when its credential is set. */
export interface RemoteProviderSettings {
  dodoPayments: { apiKey: string | undefined; baseUrl: string };
  salla: { accessToken: string | undefined; baseUrl: string };
  superOffice: {
    baseUrl: string | undefined;
    accessToken: string | undefined;
    username: string | undefined;
    password: string | undefined;
    ticket: string | undefined;
    appToken: string | undefined;
  };
  kelviq: { apiKey: string | undefined; baseUrl: string };
}

/** Thrown when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const urlWithDefault = (fallback: string) => z.preprocess(emptyAsUndefined, httpUrl.default(fallback));
const bool = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  );

const GiB = 1024 * 1024 * 1024;

const envSchema = z.object({
  PORT: int(0, 65535, 4001),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  MEDIA_PUBLIC_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
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
  MEDIA_MAX_IMAGE_BYTES: int(1, 2 * GiB, 20971520),
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
  MEDIA_FETCH_ALLOW_PRIVATE: bool(false),
  MEDIA_SOURCE_FETCH_TIMEOUT_MS: int(1, 600_000, 15000),
  MEDIA_MAX_ENTITIES: int(1, 100_000, 1000),
  ROUTER_SECRET: optionalText,
  DODO_PAYMENTS_API_KEY: optionalText,
  DODO_PAYMENTS_BASE_URL: urlWithDefault('https://live.dodopayments.com'),
  SALLA_ACCESS_TOKEN: optionalText,
  SALLA_BASE_URL: urlWithDefault('https://api.salla.dev/admin/v2'),
  SUPEROFFICE_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  SUPEROFFICE_ACCESS_TOKEN: optionalText,
  SUPEROFFICE_USERNAME: optionalText,
  SUPEROFFICE_PASSWORD: optionalText,
  SUPEROFFICE_TICKET: optionalText,
  SUPEROFFICE_APP_TOKEN: optionalText,
  KELVIQ_API_KEY: optionalText,
  KELVIQ_BASE_URL: urlWithDefault('https://api.kelviq.com/api/v1'),
});

const stripSlash = (url: string) => url.replace(/\/+$/, '');

/** Reads and validates the configuration; throws `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if ((e.SUPEROFFICE_USERNAME === undefined) !== (e.SUPEROFFICE_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration:\n  SUPEROFFICE_USERNAME, SUPEROFFICE_PASSWORD: set both or neither');
  }
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
    routerSecret: e.ROUTER_SECRET,
    fetchAllowPrivate: e.MEDIA_FETCH_ALLOW_PRIVATE,
    sourceFetchTimeoutMs: e.MEDIA_SOURCE_FETCH_TIMEOUT_MS,
    maxEntitiesPerRequest: e.MEDIA_MAX_ENTITIES,
    providers: {
      dodoPayments: { apiKey: e.DODO_PAYMENTS_API_KEY, baseUrl: stripSlash(e.DODO_PAYMENTS_BASE_URL) },
      salla: { accessToken: e.SALLA_ACCESS_TOKEN, baseUrl: stripSlash(e.SALLA_BASE_URL) },
      superOffice: {
        baseUrl: e.SUPEROFFICE_BASE_URL === undefined ? undefined : stripSlash(e.SUPEROFFICE_BASE_URL),
        accessToken: e.SUPEROFFICE_ACCESS_TOKEN,
        username: e.SUPEROFFICE_USERNAME,
        password: e.SUPEROFFICE_PASSWORD,
        ticket: e.SUPEROFFICE_TICKET,
        appToken: e.SUPEROFFICE_APP_TOKEN,
      },
      kelviq: { apiKey: e.KELVIQ_API_KEY, baseUrl: stripSlash(e.KELVIQ_BASE_URL) },
    },
  };
}
