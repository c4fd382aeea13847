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

/** The entries of a folder, or none when it does not exist. */
export async function readdirOrEmpty(dir: string) {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
