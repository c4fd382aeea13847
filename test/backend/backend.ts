/**
 * Which store the suite runs on, and the one place tests reach it. `npm test`
 * runs on the embedded default (SQLite and a folder); with
 * `MEDIA_TEST_BACKEND=postgres-s3` (`npm run test:postgres-s3`) every
 * behaviour test runs on PostgreSQL and a loopback S3 endpoint instead.
 *
 * A test names its store by its data folder: the database and the bucket are
 * derived from the folder's path, so a restart on the same folder finds the
 * same store on either backend.
 */
import { createHash } from 'node:crypto';
import { cpSync, createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config/config';
import { objectHeaders } from '../../src/providers/local/layout';
import { TEMP_PREFIX, type ObjectStorage } from '../../src/store/object-storage';
import { openStore, type Store } from '../../src/store/open-store';
import { listFiles } from '../helpers/files';

export type Backend = 'sqlite-folder' | 'postgres-s3';

export const BACKEND: Backend = process.env.MEDIA_TEST_BACKEND === 'postgres-s3' ? 'postgres-s3' : 'sqlite-folder';

/** The stand-in's own credentials; the subgraph reads them through the AWS SDK's chain, as in production. */
const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
Object.assign(process.env, S3_CREDENTIALS);

/** The PostgreSQL server tests create their databases on (trust auth on this machine kind). */
export const ADMIN_DATABASE_URL = process.env.MEDIA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set by the global set-up: one id per run, so concurrent runs never drop each other's databases. */
export const RUN_ID_VARIABLE = 'MEDIA_TEST_RUN_ID';

/** Prefix of every database this run creates; the run's teardown drops them. */
export function testDatabasePrefix(): string {
  return `pm_test_${process.env[RUN_ID_VARIABLE] ?? 'x'}_`;
}

/** Environment of the loopback S3 endpoint, set by the suite's global set-up. */
export const S3_ENDPOINT_VARIABLE = 'MEDIA_TEST_S3_ENDPOINT';
export const S3_DIRECTORY_VARIABLE = 'MEDIA_TEST_S3_DIRECTORY';

function storeName(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * The variables that keep `dataDir`'s LOCAL bytes in its own bucket of the
 * loopback S3 stand-in, which the global set-up starts for every run (on the
 * embedded default too, for what only a bucket can do: direct uploads).
 */
export function bucketEnv(dataDir: string): Record<string, string> {
  const endpoint = process.env[S3_ENDPOINT_VARIABLE];
  if (!endpoint) throw new Error(`${S3_ENDPOINT_VARIABLE} is unset: run the suite through jest's global set-up`);
  return {
    MEDIA_STORAGE_URL: `s3://pm-test-${storeName(dataDir)}/media`,
    MEDIA_S3_ENDPOINT: endpoint,
    MEDIA_S3_REGION: 'us-east-1',
    MEDIA_S3_FORCE_PATH_STYLE: 'true',
    ...S3_CREDENTIALS,
  };
}

/** The variables that put a subgraph on the test store of `dataDir` (none for the embedded default). */
export function storeEnv(dataDir: string): Record<string, string> {
  if (BACKEND === 'sqlite-folder') return {};
  return {
    MEDIA_DATABASE_URL: withDatabase(ADMIN_DATABASE_URL, `${testDatabasePrefix()}${storeName(dataDir)}`),
    ...bucketEnv(dataDir),
  };
}

/** Creates the bucket of `dataDir`, and on PostgreSQL its database, when they do not exist yet. */
export async function prepareStore(dataDir: string): Promise<void> {
  const name = storeName(dataDir);
  // A bucket of the stand-in is a folder of its directory (its CreateBucket is a bucket-level request).
  mkdirSync(path.join(process.env[S3_DIRECTORY_VARIABLE]!, `pm-test-${name}`), { recursive: true });
  if (BACKEND === 'sqlite-folder') return;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${testDatabasePrefix()}${name}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // it exists: a restart on the same folder
  } finally {
    await admin.end();
  }
}

/** Opens the store of `dataDir` as the subgraph would (same configuration, same code) and runs `fn` on it. */
export async function withStore<T>(
  dataDir: string,
  fn: (store: Store) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  await prepareStore(dataDir);
  const config = loadConfig({ MEDIA_DATA_DIR: dataDir, ...storeEnv(dataDir), ...env });
  const store = await openStore(config.store);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Copies every object of the folder `from` to the folder `to`, through the storage interface. */
export async function copyFolder(storage: ObjectStorage, from: string, to: string): Promise<void> {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'product-media-copy-'));
  for await (const object of storage.list(from)) {
    await pipeline(
      await storage.read(object.key),
      createWriteStream(path.join(staging, path.posix.basename(object.key))),
    );
  }
  const target = await storage.localTempPath(path.posix.dirname(to));
  renameOrCopy(staging, target);
  await storage.publishFolder(target, to, objectHeaders);
}

/** Moves a folder, copying when it lies on another file system. */
function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * For a test that restarts a store's only process and expects it to sweep
 * what a crash left: a short leftover grace (2 s, so no upload may take
 * longer). On the embedded default the start-up sweep takes every leftover at
 * once; on a shared store only those past the grace.
 */
export const QUICK_SWEEP_ENV = {
  MEDIA_HTTP_HEADERS_TIMEOUT_MS: '1000',
  MEDIA_HTTP_REQUEST_TIMEOUT_MS: '2000',
  MEDIA_LEFTOVER_GRACE_SECONDS: '2',
};

/** Whether a restart sweeps every crash leftover at once (a store no other process can share). */
export const RESTART_SWEEPS_ALL = BACKEND === 'sqlite-folder';

/** Waits until what was left just now is past {@link QUICK_SWEEP_ENV}'s grace (object times may be whole seconds). */
export async function outlastQuickSweepGrace(): Promise<void> {
  if (!RESTART_SWEEPS_ALL) await new Promise((resolve) => setTimeout(resolve, 3100));
}

/** The local folder where `dataDir`'s subgraph spools incoming bytes. */
export function spoolDir(dataDir: string): string {
  return BACKEND === 'sqlite-folder' ? path.join(dataDir, 'blobs', 'incoming') : path.join(dataDir, 'scratch');
}

/** Every object key under `prefix` (such as `images/<id>`), sorted. */
export function storedKeys(dataDir: string, prefix: string, env: Record<string, string> = {}): Promise<string[]> {
  return withStore(
    dataDir,
    async ({ storage }) => {
      const keys: string[] = [];
      for await (const object of storage.list(prefix)) keys.push(object.key);
      return keys.sort();
    },
    env,
  );
}

/**
 * Every object of the store and every temporary file beside it (spooled bytes
 * show as `incoming/<name>`), sorted: what a test compares before and after.
 */
export async function storedObjects(dataDir: string): Promise<string[]> {
  const keys = await withStore(dataDir, async ({ storage }) => {
    const found: string[] = [];
    for await (const object of storage.list('')) found.push(object.key);
    return found;
  });
  const local =
    BACKEND === 'sqlite-folder'
      ? listFiles(path.join(dataDir, 'blobs'))
      : listFiles(spoolDir(dataDir)).map((name) => `incoming/${name}`);
  const temporary = local.filter((file) => file.split(path.sep).some((part) => part.startsWith(TEMP_PREFIX)));
  return [...keys, ...temporary].sort();
}

/**
 * Rows of the index, read with SQL (`?`-free statements that both databases
 * take); with `write`, a statement that changes rows (a test staging what a
 * crashed process would have left), whose answer is then empty.
 */
export async function queryIndex<Row>(dataDir: string, sql: string, write = false): Promise<Row[]> {
  if (BACKEND === 'sqlite-folder') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(dataDir, 'media.db'), { readonly: !write });
    try {
      if (write) {
        db.prepare(sql).run();
        return [];
      }
      return db.prepare(sql).all() as Row[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: storeEnv(dataDir).MEDIA_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}
