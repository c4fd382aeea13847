import type { Logger } from '../../observability/log';
import type { MediaIndex } from '../../store/media-index';
import type { ObjectStorage } from '../../store/object-storage';
import { revisionFolderOfObject, revisionFoldersOf, SWEPT_KINDS } from './layout';

/** How far replicas' clocks may disagree: a spent upload claim is kept this long past its token's expiry. */
const CLOCK_SKEW_SECONDS = 300;

/** When the housekeeping sweeps run, and what they keep. */
export interface HousekeepingOptions {
  index: MediaIndex;
  storage: ObjectStorage;
  logger: Logger;
  /** How long after its upload URL expired a placeholder is kept (`MEDIA_PENDING_UPLOAD_GRACE_SECONDS`). */
  pendingUploadGraceSeconds: number;
  /** How often the periodic sweep runs (`MEDIA_SWEEP_INTERVAL_SECONDS`). */
  sweepIntervalSeconds: number;
  /**
   * On a shared store, how old crash leftovers must be before a sweep takes
   * them (`MEDIA_LEFTOVER_GRACE_SECONDS`): longer than any upload, render and
   * commit can take, so work in flight on another replica is never swept.
   */
  leftoverGraceSeconds: number;
  /** How long a replaced revision is kept, so pages and caches holding its URLs do not break (`MEDIA_REVISION_GRACE_SECONDS`). */
  revisionGraceSeconds: number;
}

/**
 * LOCAL's housekeeping, with an `init`/`close` lifecycle. It removes what a
 * crash leaves (upload claims still in progress, temporary files, revisions
 * no row names), replaced revisions once `revisionGraceSeconds` have passed,
 * and placeholders whose upload URL expired a grace period ago.
 * On a store only this process uses, the crash leftovers go at start-up,
 * before any request; on a shared one (several replicas) only those older
 * than `leftoverGraceSeconds`, at start-up and every
 * `sweepIntervalSeconds` (a replica that crashed may never start again).
 * A failing periodic sweep is logged and tried again next time.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly options: HousekeepingOptions) {}

  /** Runs the start-up sweeps and starts the periodic one. */
  async init(): Promise<void> {
    const { index, storage, leftoverGraceSeconds } = this.options;
    const shared = index.shared || storage.shared;
    await this.sweep(shared ? leftoverGraceSeconds : 'all');
    this.timer = setInterval(() => {
      this.running ??= this.sweep(shared ? leftoverGraceSeconds : 'none')
        .catch((err: unknown) => this.options.logger.error({ error: String(err) }, 'housekeeping sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.options.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the periodic sweep and waits for one in progress. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * One sweep. `leftovers` says which crash leftovers go: `'all'` (nothing else
   * runs yet), those older than that many seconds, or `'none'`.
   */
  private async sweep(leftovers: number | 'all' | 'none'): Promise<void> {
    const { index, storage, logger } = this.options;
    const now = nowSeconds();
    let temporary = 0;
    let orphans = 0;
    if (leftovers !== 'none') {
      const beforeDate = new Date(leftovers === 'all' ? 8.64e15 : Date.now() - leftovers * 1000);
      // Claims in progress go when no other process can hold them: all at once when nothing else runs yet, else
      // those older than any request can last (the grace, with a margin for replicas whose clocks lag). Spent
      // ones go once their token's records do.
      const inProgressBefore = leftovers === 'all' ? Number.MAX_SAFE_INTEGER : now - leftovers - CLOCK_SKEW_SECONDS;
      await index.sweepUploadClaims(now - this.tokenRecordSeconds(), inProgressBefore);
      temporary = await storage.sweepTemporary(beforeDate);
      orphans = await this.sweepOrphanRevisions(beforeDate);
    }
    const revisions = await this.sweepRetiredRevisions(now - this.options.revisionGraceSeconds);
    const placeholders = await index.sweepExpiredPlaceholders(
      now - this.options.pendingUploadGraceSeconds,
      now - this.tokenRecordSeconds(),
    );
    if (temporary + orphans > 0) logger.info({ temporary, orphans }, 'crash leftovers removed');
    if (revisions > 0) logger.info({ removed: revisions }, 'replaced revisions past their grace removed');
    if (placeholders.length > 0) logger.info({ removed: placeholders.length }, 'expired upload placeholders removed');
  }

  /**
   * How long past its expiry an upload token's records are kept: as long as
   * its placeholder (a direct upload PUT just before the URL expired can still
   * be confirmed, and answers as processed once it was), and at least the
   * clock skew allowed between replicas.
   */
  private tokenRecordSeconds(): number {
    return Math.max(CLOCK_SKEW_SECONDS, this.options.pendingUploadGraceSeconds);
  }

  /**
   * Removes the bytes of revisions replaced before `retiredBefore` (Unix
   * seconds). Their records go first: a crash before the bytes are gone
   * leaves folders no row names, which the orphan sweep takes.
   */
  private async sweepRetiredRevisions(retiredBefore: number): Promise<number> {
    const { index, storage } = this.options;
    const keys = await index.takeRetiredBlobKeys(retiredBefore);
    for (const key of keys) for (const folder of revisionFoldersOf(key)) await storage.removeFolder(folder);
    return keys.length;
  }

  /**
   * Removes revision folders no row names whose newest object is older than
   * `before`: a crash between publishing a revision and committing its row,
   * or between committing a replacement and removing the old revision, leaves
   * one behind; so does a direct upload never confirmed. Returns how many were removed.
   */
  private async sweepOrphanRevisions(before: Date): Promise<number> {
    const { index, storage } = this.options;
    // Read before listing: a revision committed meanwhile is new, so younger than `before`, and spared.
    const referenced = new Set([...(await index.referencedBlobKeys())].flatMap(revisionFoldersOf));
    const newest = new Map<string, Date>();
    for (const kind of SWEPT_KINDS) {
      for await (const object of storage.list(kind)) {
        const folder = revisionFolderOfObject(object.key);
        const seen = newest.get(folder);
        if (!seen || seen < object.modifiedAt) newest.set(folder, object.modifiedAt);
      }
    }
    let removed = 0;
    for (const [folder, modifiedAt] of newest) {
      if (referenced.has(folder) || modifiedAt >= before) continue;
      await storage.removeFolder(folder);
      removed += 1;
    }
    return removed;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
