import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file below `dir` (relative paths), or none when it does not exist. */
export function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full).map((f) => path.join(entry, f)) : [entry];
  });
}
