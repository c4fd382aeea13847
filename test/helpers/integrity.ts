import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PendingRevision } from '../../src/domain/model';
import {
  REVISION_KINDS,
  revisionFolderOfObject,
  revisionFoldersOf,
  sourceObjectKey,
} from '../../src/providers/local/layout';
import { TEMP_PREFIX } from '../../src/store/object-storage';
import { BACKEND, queryIndex, spoolDir, withStore } from '../backend/backend';
import { listFiles } from './files';

/** What an inspection of a store found; every list is empty for a consistent store. */
export interface StoreReport {
  /** SQLite's `PRAGMA integrity_check`: `['ok']` when the database is sound (PostgreSQL: always `['ok']`). */
  integrity: string[];
  /** Rows whose bytes are not stored. */
  missing: string[];
  /** Rows whose stored bytes do not hash to the stored sha256. */
  mismatched: string[];
  /** Revision folders no row names and no retired revision (kept for `MEDIA_REVISION_GRACE_SECONDS`) holds. */
  orphans: string[];
  /** Temporary files left in the store or its local scratch folder. */
  temporary: string[];
  /** Products with more than one thumbnail. */
  extraThumbnails: string[];
  /** sha256 of each READY image and file by global id. */
  shaById: Map<string, string>;
}

/** Inspects the store of a data folder as a fresh reader would, with the subgraph stopped or running. */
export async function inspectStore(dataDir: string): Promise<StoreReport> {
  const integrity =
    BACKEND === 'sqlite-folder'
      ? (await queryIndex<{ integrity_check: string }>(dataDir, 'PRAGMA integrity_check')).map((r) => r.integrity_check)
      : ['ok'];
  const rows = await queryIndex<{ id: string; kind: string; blob_key: string; sha256: string }>(
    dataDir,
    `SELECT id, 'image' AS kind, blob_key, sha256 FROM images WHERE blob_key IS NOT NULL
     UNION ALL SELECT id, 'file' AS kind, blob_key, sha256 FROM files WHERE blob_key IS NOT NULL`,
  );
  const retired = await queryIndex<{ blob_key: string }>(dataDir, 'SELECT blob_key FROM retired_blobs');
  // Revisions still being processed: their source is stored, their renditions may not be yet.
  const pending = (
    await queryIndex<{ id: string; pending_revision: string | PendingRevision }>(
      dataDir,
      'SELECT id, pending_revision FROM images WHERE pending_revision IS NOT NULL',
    )
  ).map((row) => ({
    id: row.id,
    revision: (typeof row.pending_revision === 'string'
      ? JSON.parse(row.pending_revision)
      : row.pending_revision) as PendingRevision,
  }));
  const extraThumbnails = (
    await queryIndex<{ product_id: string }>(
      dataDir,
      'SELECT product_id FROM images WHERE is_thumbnail = true GROUP BY product_id HAVING COUNT(*) > 1',
    )
  ).map((r) => r.product_id);
  const local = BACKEND === 'sqlite-folder' ? path.join(dataDir, 'blobs') : spoolDir(dataDir);
  const report: StoreReport = {
    integrity,
    missing: [],
    mismatched: [],
    orphans: [],
    temporary: listFiles(local).filter((f) => f.split(path.sep).some((part) => part.startsWith(TEMP_PREFIX))),
    extraThumbnails,
    shaById: new Map(),
  };
  await withStore(dataDir, async ({ storage }) => {
    const objects = new Set<string>();
    for (const kind of REVISION_KINDS) for await (const object of storage.list(kind)) objects.add(object.key);
    const referenced = new Set<string>(retired.flatMap((row) => revisionFoldersOf(row.blob_key)));
    for (const row of rows) {
      const folders = revisionFoldersOf(row.blob_key);
      for (const folder of folders) referenced.add(folder);
      // `sha256` is of the bytes as received: a file's `data`, an image's private `sources/…/source.*`.
      const bytesKey =
        row.kind === 'file' ? row.blob_key : [...objects].find((key) => key.startsWith(`${folders[1]}/source.`));
      if (!bytesKey || !objects.has(bytesKey)) report.missing.push(row.id);
      else if ((await sha256(await storage.read(bytesKey))) !== row.sha256) report.mismatched.push(row.id);
      report.shaById.set(row.id, row.sha256);
    }
    for (const { id, revision } of pending) {
      for (const folder of revisionFoldersOf(revision.blobKey)) referenced.add(folder);
      if (!objects.has(sourceObjectKey(revision.blobKey, revision.contentType))) report.missing.push(id);
    }
    const folders = new Set([...objects].map(revisionFolderOfObject));
    report.orphans = [...folders].filter((folder) => !referenced.has(folder));
  });
  return report;
}

async function sha256(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
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
