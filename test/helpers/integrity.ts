import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TEMP_PREFIX } from '../../src/store/blob-store';
import { listFiles } from './files';

/** What an inspection of a data folder found; every list is empty for a consistent store. */
export interface StoreReport {
  /** `PRAGMA integrity_check`: `['ok']` when the database is sound. */
  integrity: string[];
  /** Rows whose bytes are not on disk. */
  missing: string[];
  /** Rows whose bytes on disk do not hash to the stored sha256. */
  mismatched: string[];
  /** Revision folders no row names. */
  orphans: string[];
  /** Temporary files anywhere under the blobs. */
  temporary: string[];
  /** Products with more than one thumbnail. */
  extraThumbnails: string[];
  /** sha256 of each READY image and file by global id. */
  shaById: Map<string, string>;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Inspects a data folder as a fresh reader would, with the subgraph stopped or running. */
export function inspectStore(dataDir: string): StoreReport {
  const db = new Database(path.join(dataDir, 'media.db'), { readonly: true });
  const blobs = path.join(dataDir, 'blobs');
  const report: StoreReport = {
    integrity: db.prepare('PRAGMA integrity_check').pluck().all().map(String),
    missing: [],
    mismatched: [],
    orphans: [],
    temporary: listFiles(blobs).filter((f) => f.split(path.sep).some((part) => part.startsWith(TEMP_PREFIX))),
    extraThumbnails: [],
    shaById: new Map(),
  };
  const referenced = new Set<string>();
  const rows = db
    .prepare(
      `SELECT id, 'image' AS kind, blob_key, sha256 FROM images WHERE blob_key IS NOT NULL
       UNION ALL SELECT id, 'file' AS kind, blob_key, sha256 FROM files WHERE blob_key IS NOT NULL`,
    )
    .all() as { id: string; kind: string; blob_key: string; sha256: string }[];
  for (const row of rows) {
    const folder = row.kind === 'file' ? path.posix.dirname(row.blob_key) : row.blob_key;
    referenced.add(folder);
    let bytesFile: string | undefined;
    if (row.kind === 'file') bytesFile = path.join(blobs, row.blob_key);
    else {
      const dir = path.join(blobs, row.blob_key);
      // `sha256` is of the bytes as received, kept privately as `source.*` (the served original is rewritten).
      const source = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('source.')) : undefined;
      bytesFile = source && path.join(dir, source);
    }
    if (!bytesFile || !existsSync(bytesFile)) report.missing.push(row.id);
    else if (sha256(bytesFile) !== row.sha256) report.mismatched.push(row.id);
    report.shaById.set(row.id, row.sha256);
  }
  for (const kind of ['images', 'files']) {
    const kindDir = path.join(blobs, kind);
    for (const owner of existsSync(kindDir) ? readdirSync(kindDir) : []) {
      for (const revision of readdirSync(path.join(kindDir, owner))) {
        const key = `${kind}/${owner}/${revision}`;
        if (!revision.startsWith(TEMP_PREFIX) && !referenced.has(key)) report.orphans.push(key);
      }
    }
  }
  report.extraThumbnails = db
    .prepare('SELECT product_id FROM images WHERE is_thumbnail = 1 GROUP BY product_id HAVING COUNT(*) > 1')
    .pluck()
    .all() as string[];
  db.close();
  return report;
}

/** The parts of a report that must be empty (and `integrity` ok) for a consistent store. */
export function problemsOf(report: StoreReport): Partial<StoreReport> {
  const problems: Partial<StoreReport> = { ...report };
  delete problems.shaById;
  return problems;
}

/** What `problemsOf` is for a consistent store. */
export const CONSISTENT = {
  integrity: ['ok'],
  missing: [],
  mismatched: [],
  orphans: [],
  temporary: [],
  extraThumbnails: [],
};
