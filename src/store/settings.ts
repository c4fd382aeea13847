import path from 'node:path';
import { z } from 'zod';
import { bool, EnvProblem, int, optionalText, optionalUrl, stripSlash } from '../config/env';

/** The storage variables of the contract (section 9). */
export const storeEnv = z.object({
  MEDIA_DATABASE_URL: optionalText,
  MEDIA_DATABASE_POOL_SIZE: int(1, 1000, 10),
  MEDIA_STORAGE_URL: optionalText,
  MEDIA_S3_ENDPOINT: optionalUrl,
  MEDIA_S3_REGION: optionalText,
  MEDIA_S3_FORCE_PATH_STYLE: bool(false),
  MEDIA_ASSET_BASE_URL: optionalUrl,
  MEDIA_S3_DIRECT_UPLOADS: bool(false),
});

/** Where the index lives. */
export type DatabaseSettings =
  | { kind: 'sqlite'; path: string }
  /** `url` carries credentials: never log it. */
  | { kind: 'postgres'; url: string; poolSize: number };

/** Where LOCAL's bytes live. */
export type StorageSettings =
  | { kind: 'folder'; root: string }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix inside the bucket, without slashes at either end; '' for none. */
      prefix: string;
      endpoint: string | undefined;
      region: string | undefined;
      forcePathStyle: boolean;
      /** Local folder where incoming bytes are spooled and revisions rendered before upload. */
      scratchDir: string;
    };

export interface StoreSettings {
  database: DatabaseSettings;
  storage: StorageSettings;
  /**
   * Where storage's public objects (everything under `images/`) are reachable
   * without the subgraph, such as a CDN in front of the bucket; image URLs are
   * then handed out there instead of under `/media`.
   */
  assetBaseUrl: string | undefined;
  /**
   * Whether `requestImageUpload`/`requestFileUpload` hand out presigned PUT
   * URLs of the bucket (`MEDIA_S3_DIRECT_UPLOADS`), confirmed by
   * `confirmImageUpload`/`confirmFileUpload`; only with S3 storage.
   */
  directUploads: boolean;
}

/**
 * The store the variables name: SQLite in `MEDIA_DATA_DIR/media.db` and the
 * folder `MEDIA_DATA_DIR/blobs` unless `MEDIA_DATABASE_URL` and
 * `MEDIA_STORAGE_URL` say otherwise. A malformed URL is a problem naming its variable.
 */
export function storeSettings(env: z.infer<typeof storeEnv>, dataDir: string): StoreSettings | EnvProblem {
  const database = databaseSettings(env.MEDIA_DATABASE_URL, env.MEDIA_DATABASE_POOL_SIZE, dataDir);
  if (database instanceof EnvProblem) return database;
  const storage = storageSettings(env, dataDir);
  if (storage instanceof EnvProblem) return storage;
  const assetBaseUrl = env.MEDIA_ASSET_BASE_URL === undefined ? undefined : stripSlash(env.MEDIA_ASSET_BASE_URL);
  if (env.MEDIA_S3_DIRECT_UPLOADS && storage.kind !== 's3') {
    return new EnvProblem(
      'MEDIA_S3_DIRECT_UPLOADS: presigned uploads go to a bucket; set MEDIA_STORAGE_URL=s3://<bucket> or leave it false',
    );
  }
  return { database, storage, assetBaseUrl, directUploads: env.MEDIA_S3_DIRECT_UPLOADS };
}

function databaseSettings(url: string | undefined, poolSize: number, dataDir: string): DatabaseSettings | EnvProblem {
  if (url === undefined) return { kind: 'sqlite', path: path.join(dataDir, 'media.db') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return file ? { kind: 'sqlite', path: file } : new EnvProblem('MEDIA_DATABASE_URL: sqlite: needs a file path');
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return new EnvProblem('MEDIA_DATABASE_URL: not a valid postgres:// URL');
    }
    // Without one, the driver would quietly use a database named after the user.
    if (parsed.pathname.replace(/^\/+/, '') === '') {
      return new EnvProblem('MEDIA_DATABASE_URL: name the database, as in postgres://user:pass@host:5432/media');
    }
    return { kind: 'postgres', url, poolSize };
  }
  // The value may hold a password: the message never repeats it.
  return new EnvProblem('MEDIA_DATABASE_URL: must start with sqlite: or postgres://');
}

function storageSettings(env: z.infer<typeof storeEnv>, dataDir: string): StorageSettings | EnvProblem {
  const url = env.MEDIA_STORAGE_URL;
  if (url === undefined) return { kind: 'folder', root: path.join(dataDir, 'blobs') };
  if (url.startsWith('file:')) {
    const root = url.slice('file:'.length);
    return root ? { kind: 'folder', root } : new EnvProblem('MEDIA_STORAGE_URL: file: needs a folder path');
  }
  const s3 = /^s3:\/\/([^/]*)(\/.*)?$/.exec(url);
  if (s3) {
    // S3's bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens, no two dots together, no
    // dot beside a hyphen, not an IP address.
    const bucket = s3[1]!;
    const valid =
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
      !/\.\.|\.-|-\./.test(bucket) &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
    if (!valid) return new EnvProblem(`MEDIA_STORAGE_URL: "${bucket}" is not a valid S3 bucket name`);
    return {
      kind: 's3',
      bucket,
      prefix: (s3[2] ?? '').replace(/^\/+|\/+$/g, ''),
      endpoint: env.MEDIA_S3_ENDPOINT === undefined ? undefined : stripSlash(env.MEDIA_S3_ENDPOINT),
      region: env.MEDIA_S3_REGION,
      forcePathStyle: env.MEDIA_S3_FORCE_PATH_STYLE,
      scratchDir: path.join(dataDir, 'scratch'),
    };
  }
  return new EnvProblem('MEDIA_STORAGE_URL: must be file:<folder> or s3://<bucket>[/<prefix>]');
}
