import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REVISION_KINDS } from '../providers/local/layout';

/** Prefix of files being written; they are invisible to readers and swept at start-up. */
export const TEMP_PREFIX = '.tmp-';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * Where LOCAL bytes live: a folder tree under `MEDIA_DATA_DIR/blobs`, addressed
 * by keys that the subgraph makes itself (never from client input). Writes go to
 * a temporary file in the destination folder, are fsynced, then renamed, so a
 * reader sees a whole file or none.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  /** Absolute path of a key; refuses anything that is not a key this store makes. */
  pathOf(key: string): string {
    if (!SAFE_KEY.test(key) || key.split('/').some((part) => part.startsWith('.'))) {
      throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, key);
  }

  /** A fresh temporary path inside the folder `folderKey`, which is created if needed. */
  async tempPathIn(folderKey: string): Promise<string> {
    const folder = this.pathOf(folderKey);
    await fs.mkdir(folder, { recursive: true });
    return path.join(folder, `${TEMP_PREFIX}${randomUUID()}`);
  }

  /** Moves a written, fsynced temporary file to its key and makes the rename durable. */
  async commit(tempPath: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    if (path.dirname(tempPath) !== path.dirname(target)) {
      throw new Error('A temporary file must be committed within its own folder');
    }
    await fs.rename(tempPath, target);
    await fsyncPath(path.dirname(target));
  }

  /** Bytes free for an unprivileged writer on the file system holding the store. */
  async freeBytes(): Promise<number> {
    const stats = await fs.statfs(this.root);
    return stats.bavail * stats.bsize;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async removeFolder(folderKey: string): Promise<void> {
    await fs.rm(this.pathOf(folderKey), { recursive: true, force: true });
  }

  /**
   * Removes revision folders (`images/<id>/<revision>`, `files/<id>/<revision>`)
   * that no row names: a crash between renaming a revision into place and
   * committing its row, or between committing a replacement and removing the
   * old revision, leaves one behind. Run at start-up only, before any upload
   * can be in flight. Returns how many were removed.
   */
  async sweepOrphanRevisions(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const kind of REVISION_KINDS) {
      const kindDir = path.join(this.root, kind);
      for (const owner of await readdirOrEmpty(kindDir)) {
        const ownerDir = path.join(kindDir, owner);
        const revisions = await readdirOrEmpty(ownerDir);
        for (const revision of revisions) {
          if (revision.startsWith(TEMP_PREFIX) || referenced.has(`${kind}/${owner}/${revision}`)) continue;
          await fs.rm(path.join(ownerDir, revision), { recursive: true, force: true });
          removed += 1;
        }
        if ((await readdirOrEmpty(ownerDir)).length === 0) await fs.rm(ownerDir, { recursive: true, force: true });
      }
    }
    return removed;
  }

  /** Removes temporary files left by a crash; returns how many there were. */
  async sweepTemporaryFiles(): Promise<number> {
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.name.startsWith(TEMP_PREFIX)) {
          await fs.rm(full, { recursive: true, force: true });
          removed += 1;
        } else if (entry.isDirectory()) {
          await visit(full);
        }
      }
    };
    await visit(this.root);
    return removed;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

/** fsync a file or folder by path. */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
