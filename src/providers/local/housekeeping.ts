import type { Logger } from '../../observability/log';
import type { BlobStore } from '../../store/blob-store';
import type { MediaIndex } from '../../store/media-index';

/** When the housekeeping sweeps run, and what they keep. */
export interface HousekeepingOptions {
  index: MediaIndex;
  blobs: BlobStore;
  logger: Logger;
  /** How long after its upload URL expired a placeholder is kept (`MEDIA_PENDING_UPLOAD_GRACE_SECONDS`). */
  pendingUploadGraceSeconds: number;
  /** How often the periodic sweep runs (`MEDIA_SWEEP_INTERVAL_SECONDS`). */
  sweepIntervalSeconds: number;
}

/**
 * LOCAL's housekeeping, with an `init`/`close` lifecycle:
 * - at start-up, before any request: upload claims left by a crash are
 *   released, temporary files and revision folders no row names are removed;
 * - at start-up and every `sweepIntervalSeconds`: placeholders whose upload
 *   URL expired a grace period ago are deleted.
 * A failing periodic sweep is logged and tried again next time.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: HousekeepingOptions) {}

  /** Runs the start-up sweeps and starts the periodic one. */
  async init(): Promise<void> {
    const { index, blobs } = this.options;
    index.sweepUploadClaims(nowSeconds());
    await blobs.sweepTemporaryFiles();
    await blobs.sweepOrphanRevisions(index.referencedRevisionFolders());
    this.sweepPlaceholders();
    this.timer = setInterval(() => {
      try {
        this.sweepPlaceholders();
      } catch (err) {
        this.options.logger.error({ error: String(err) }, 'placeholder sweep failed');
      }
    }, this.options.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the periodic sweep. */
  close(): void {
    clearInterval(this.timer);
  }

  private sweepPlaceholders(): void {
    const now = nowSeconds();
    const removed = this.options.index.sweepExpiredPlaceholders(now - this.options.pendingUploadGraceSeconds, now);
    if (removed.length > 0)
      this.options.logger.info({ removed: removed.length }, 'expired upload placeholders removed');
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
