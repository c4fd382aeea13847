import { promises as fs } from 'node:fs';

/** fsync a file or folder by path, so a rename or a write survives a power cut. */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs every file of a folder, then the folder itself. */
export async function fsyncFolder(folder: string): Promise<void> {
  for (const entry of await fs.readdir(folder)) await fsyncPath(`${folder}/${entry}`);
  await fsyncPath(folder);
}

/**
 * Removes a temporary path left by a crash, if it is older than `before`;
 * true when it went. An image worker of the crashed process may still be
 * writing into it for a moment (it ends once it sees its parent gone), so a
 * folder that fills again while being removed is tried a few times, then
 * left for the next sweep rather than failing this one.
 */
export async function removeLeftover(full: string, before: Date): Promise<boolean> {
  const stats = await fs.stat(full).catch(() => undefined);
  if (!stats || stats.mtime >= before) return false;
  try {
    await fs.rm(full, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    return true;
  } catch {
    return false;
  }
}

/** The entries of a folder, or none when it does not exist. */
export async function readdirOrEmpty(dir: string) {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
