import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fsyncFolder, fsyncPath, readdirOrEmpty, removeLeftover } from '../local-files';
import { ObjectMissing, TEMP_PREFIX, type ByteRange, type ObjectStorage, type StoredObject } from '../object-storage';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * Objects as files under one folder (`MEDIA_STORAGE_URL=file:<dir>`, by
 * default `MEDIA_DATA_DIR/blobs`), for one process or a shared file system.
 * A folder is built under a temporary name beside its final place, fsynced,
 * then renamed there whole, so even the file system never shows it in part.
 */
export class FolderStorage implements ObjectStorage {
  /** A folder on one machine's disk; a shared file system is for a PostgreSQL index, which marks the store shared. */
  readonly shared = false;

  constructor(readonly root: string) {}

  /** Creates the root folder. */
  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
  }

  /** Absolute path of a key; refuses anything that is not a key the layout makes. */
  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key) || key.split('/').some((part) => part.startsWith('.'))) {
      throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, key);
  }

  async localTempPath(nearKey: string): Promise<string> {
    const folder = this.pathOf(nearKey);
    await fs.mkdir(folder, { recursive: true });
    return path.join(folder, `${TEMP_PREFIX}${randomUUID()}`);
  }

  async publishFolder(staging: string, folderKey: string): Promise<void> {
    if ((await fs.readdir(staging)).length === 0) throw new Error(`Nothing to publish as ${folderKey}`);
    const target = this.pathOf(folderKey);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fsyncFolder(staging);
    // A rename is atomic only within one file system: staging comes from localTempPath(parent of folderKey).
    await fs.rename(staging, target);
    await fsyncPath(path.dirname(target));
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const stats = await fs.stat(this.pathOf(key));
      return stats.isFile() ? { size: stats.size, modifiedAt: stats.mtime } : undefined;
    } catch {
      return undefined;
    }
  }

  async localFile(key: string): Promise<string> {
    const file = this.pathOf(key);
    if (!(await this.stat(key))) throw new ObjectMissing(key);
    return file;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    let handle;
    try {
      // Opened first, so a file removed since it was found is reported before any byte is answered.
      handle = await fs.open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectMissing(key);
      throw err;
    }
    return handle.createReadStream(range);
  }

  async removeFolder(folderKey: string): Promise<void> {
    const folder = this.pathOf(folderKey);
    await fs.rm(folder, { recursive: true, force: true });
    // The owner folder (`images/<id>`) goes with its last revision; another writer may just have made it again.
    await fs.rmdir(path.dirname(folder)).catch(() => undefined);
  }

  async *list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    const visit = async function* (dir: string, key: string): AsyncGenerator<{ key: string; modifiedAt: Date }> {
      for (const entry of await readdirOrEmpty(dir)) {
        if (entry.name.startsWith(TEMP_PREFIX)) continue;
        const full = path.join(dir, entry.name);
        const child = key ? `${key}/${entry.name}` : entry.name;
        if (entry.isDirectory()) yield* visit(full, child);
        else if (entry.isFile()) yield { key: child, modifiedAt: (await fs.stat(full)).mtime };
      }
    };
    yield* visit(prefix ? this.pathOf(prefix) : this.root, prefix);
  }

  async sweepTemporary(before: Date): Promise<number> {
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      for (const entry of await readdirOrEmpty(dir)) {
        const full = path.join(dir, entry.name);
        if (entry.name.startsWith(TEMP_PREFIX)) {
          if (await removeLeftover(full, before)) removed += 1;
        } else if (entry.isDirectory()) {
          await visit(full);
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  async freeBytes(): Promise<number> {
    const stats = await fs.statfs(this.root);
    return stats.bavail * stats.bsize;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
