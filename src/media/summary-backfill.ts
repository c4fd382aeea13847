import type { ImageRecord } from '../domain/model';
import type { Logger } from '../observability/log';
import type { MediaIndex } from '../store/media-index';
import type { ImageSummary } from './processing/types';

/** Images read per round of the backfill. */
const BATCH = 20;

/** What the backfill needs of the provider that holds the bytes (LOCAL). */
export interface SummarySource {
  /** The ThumbHash and dominant colour of the image's current revision; undefined when its bytes are gone. */
  summarise(image: ImageRecord): Promise<ImageSummary | undefined>;
}

/**
 * The one-off backfill of ThumbHashes and dominant colours for images
 * processed before the subgraph made them: started once at start-up, in the
 * background, one image at a time through the image workers, each written
 * only if its revision is still current. An image that cannot be read is
 * skipped (and tried again at the next start). `stop()` ends it between two images.
 */
export class SummaryBackfill {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly index: MediaIndex,
    private readonly source: SummarySource,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running ??= this.run().catch((err: unknown) =>
      this.log.warn({ err: String((err as Error)?.message ?? err) }, 'image summary backfill stopped'),
    );
  }

  /** Resolves once the backfill has nothing left to do (or was stopped). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    const tried = new Set<string>();
    let filled = 0;
    while (!this.stopped) {
      const fresh = (await this.index.imagesWithoutSummary(tried.size + BATCH)).filter((i) => !tried.has(i.id));
      if (fresh.length === 0) break;
      for (const image of fresh) {
        if (this.stopped) break;
        tried.add(image.id);
        const summary = await this.source.summarise(image).catch(() => undefined);
        if (summary && image.blobKey && (await this.index.setImageSummary(image.id, image.blobKey, summary))) {
          filled += 1;
        }
      }
    }
    if (filled > 0) this.log.info({ images: filled }, 'image summaries backfilled');
  }
}
