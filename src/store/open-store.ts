import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MediaIndex } from './media-index';
import type { ObjectStorage } from './object-storage';
import type { StoreSettings } from './settings';
import { FolderStorage } from './folder/folder-storage';
import { SqliteMediaIndex } from './sqlite/sqlite-index';

/**
 * The store a variable names could not be opened at start-up: the message
 * names the variable and says why (the driver's reason, which never holds the
 * URL or its password).
 */
export class StoreUnavailable extends Error {
  constructor(variable: string, what: string, cause: unknown) {
    super(`${variable}: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailable';
  }
}

/** The subgraph's store: the index and LOCAL's object storage, as configuration chose them. */
export interface Store {
  index: MediaIndex;
  storage: ObjectStorage;
  close(): Promise<void>;
}

/**
 * Opens the index (migrated) and the object storage the settings name. The
 * PostgreSQL and S3 modules load only when configured, so the embedded
 * default starts without them.
 */
export async function openStore(settings: StoreSettings): Promise<Store> {
  const { database, storage: where } = settings;
  let index: MediaIndex;
  if (database.kind === 'sqlite') {
    await mkdir(path.dirname(path.resolve(database.path)), { recursive: true });
    index = SqliteMediaIndex.open(database.path);
  } else {
    const { PostgresMediaIndex } = await import('./postgres/postgres-index');
    index = await PostgresMediaIndex.open(database.url, database.poolSize).catch((err: unknown) => {
      throw new StoreUnavailable('MEDIA_DATABASE_URL', 'the PostgreSQL index could not be opened', err);
    });
  }
  let storage: ObjectStorage;
  try {
    if (where.kind === 'folder') {
      const folder = new FolderStorage(path.resolve(where.root));
      await folder.init();
      storage = folder;
    } else {
      const { S3Storage } = await import('./s3/s3-storage');
      storage = await S3Storage.open(where).catch((err: unknown) => {
        throw new StoreUnavailable('MEDIA_STORAGE_URL', `the bucket ${where.bucket} could not be reached`, err);
      });
    }
  } catch (err) {
    await index.close();
    throw err;
  }
  return {
    index,
    storage,
    close: async () => {
      await storage.close();
      await index.close();
    },
  };
}

/** Name of the file where versions before the shared key kept their generated signing key. */
const LEGACY_SECRET_FILE = 'signing-secret';

/**
 * The key for upload and download URLs: `MEDIA_SIGNING_SECRET` when set, else
 * the one kept in the index (shared by every replica), generated on first
 * start. A data folder from before the key moved into the index keeps its
 * key, so URLs handed out before an upgrade keep working.
 */
export async function signingSecret(
  index: MediaIndex,
  dataDir: string,
  configured: string | undefined,
  generate: () => string,
): Promise<string> {
  if (configured !== undefined) return configured;
  const legacy = path.join(dataDir, LEGACY_SECRET_FILE);
  const kept = existsSync(legacy) ? readFileSync(legacy, 'utf8').trim() : '';
  return index.sharedSecret(() => (kept.length >= 32 ? kept : generate()));
}
