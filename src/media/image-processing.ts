import { randomUUID } from 'node:crypto';
import { catchMediaError, fail, type MediaError, type Result } from '../domain/errors';
import type { ImageRecord, PendingRevision } from '../domain/model';
import type { Logger } from '../observability/log';
import { errorOutcome, inSpan, SPAN_ATTRIBUTES } from '../observability/spans';
import type { MediaProviderAdapter } from '../providers/provider';
import type { ImagePatch, MediaIndex, ProcessingLease, Written } from '../store/media-index';
import type { UploadsInFlight } from './uploads-in-flight';

/** What {@link ImageProcessing} works with. */
export interface ImageProcessingOptions {
  index: MediaIndex;
  /** The provider that processes an image of a row (LOCAL), by the row's provider. */
  providerOf(image: ImageRecord): MediaProviderAdapter | undefined;
  /** How long a request waits for the renditions before answering `PROCESSING` (`MEDIA_PROCESSING_WAIT_MS`). */
  waitMs: number;
  /**
   * How long, in seconds, a process's hold on an image lasts unless renewed
   * (`MEDIA_PROCESSING_LEASE_SECONDS`): how soon another process takes up the
   * work of one that crashed.
   */
  leaseSeconds: number;
  /** Images taken up at once from the backlog (`MEDIA_PROCESSING_CONCURRENCY`). */
  concurrency: number;
  /** Bodies being received: work started after an answer waits for them to end first. */
  uploadsInFlight?: UploadsInFlight;
  /** Longest that wait, in milliseconds (`MEDIA_PROCESSING_YIELD_MS`; 0 never waits). */
  yieldMs?: number;
  logger: Logger;
}

/**
 * Writes an image's row: `settled` over the write's own patch, under `lease`
 * when it stays pending, making it the product's thumbnail with `thumbnail`.
 */
export type SaveImage = (
  settled: ImagePatch,
  options: { lease?: ProcessingLease; thumbnail: boolean },
) => Promise<Result<Written<ImageRecord>>>;

/** Background attempts at one revision in one process before a failure of the server is recorded as the image's. */
const MAX_ATTEMPTS = 5;

/** What processing a revision came to: a patch or an expected refusal, or a failure of the server (thrown). */
type Outcome = { result: Result<ImagePatch> } | { thrown: unknown };

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Processing off the request (contract section 7). A write with new bytes has
 * already stored them durably as a pending revision; this makes its
 * renditions (in the worker pool, which bounds how many at once), waits up to
 * `waitMs` for them and then lets the request answer `PROCESSING`, finishing
 * in the background. Every pending image is held under a lease renewed while
 * its work runs; work whose lease ran out (its process crashed) is claimed by
 * one process, with a row lock, and resumed. The outcome is recorded only if
 * the image still waits for that revision under this process's lease, so it
 * is recorded once however many processes try.
 */
export class ImageProcessing {
  /** This process's id in leases: new at every start, so a restarted process never mistakes a dead one's work for its own. */
  readonly owner = randomUUID();
  /** Revisions this process is processing in the background, by image id. */
  private readonly running = new Map<string, { blobKey: string; done: Promise<void> }>();
  private timers: NodeJS.Timeout[] = [];
  /** Failures of the server met so far per pending revision, in this process. */
  private readonly attempts = new Map<string, number>();
  private closed = false;
  private polling?: Promise<void>;
  /** Settles when {@link close} begins: work still yielding to uploads stops waiting. */
  private readonly closing: Promise<void>;
  private markClosing!: () => void;

  constructor(private readonly options: ImageProcessingOptions) {
    this.closing = new Promise((resolve) => (this.markClosing = resolve));
  }

  /** Revisions being processed in the background now. */
  get backlog(): number {
    return this.running.size;
  }

  /**
   * Processes `pending` for `image`, written with `save`: within `waitMs` the
   * outcome is written at once (or, for a refusal, returned with the revision
   * removed and nothing written); after it the image is saved `PROCESSING`
   * and the outcome recorded when it comes. An image without earlier bytes
   * asked to be the thumbnail becomes it only once processed: a placeholder
   * never takes the thumbnail from an image that has one.
   */
  async process(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    pending: PendingRevision,
    save: SaveImage,
    thumbnail = false,
  ): Promise<Result<Written<ImageRecord>>> {
    // With no wait, the work starts after the answer's write: it would only compete with it.
    const task = this.options.waitMs > 0 ? this.run(provider, image, pending) : undefined;
    const outcome = task && (await settledWithin(task, this.options.waitMs));
    if (outcome) {
      if ('thrown' in outcome) {
        await this.discard(provider, pending);
        throw outcome.thrown;
      }
      if (!outcome.result.ok) {
        await this.discard(provider, pending);
        return outcome.result;
      }
      return save(outcome.result.value, { thumbnail });
    }
    const deferThumbnail = thumbnail && image.blobKey === null;
    const saved = await save(
      { status: 'PROCESSING' },
      { lease: this.lease(), thumbnail: thumbnail && !deferThumbnail },
    );
    if (!saved.ok) {
      // Not recorded (deleted meanwhile, or a limit): what the task makes belongs to nothing.
      if (task) void task.then(() => this.discard(provider, pending));
      else await this.discard(provider, pending);
      return saved;
    }
    const work = task ?? this.runAfterUploads(provider, image, pending);
    this.track(
      image.id,
      pending,
      work.then((done) => this.complete(provider, saved.value.before, pending, done, deferThumbnail)),
    );
    return saved;
  }

  /** Takes up the backlog now and then every half lease, and keeps this process's leases alive. */
  start(): void {
    const halfLease = (this.options.leaseSeconds * 1000) / 2;
    // One process alone on its index holds no lease at start: every pending image was left by its crash.
    this.poll(this.options.index.shared ? nowSeconds() : Number.POSITIVE_INFINITY);
    this.timers = [
      setInterval(() => this.poll(nowSeconds()), halfLease),
      setInterval(() => void this.renew(), halfLease / 1.5),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Settles once the backlog claimed so far has been recorded (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.polling;
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /**
   * Stops taking up work, stops the work still running (`stopWorkers`), waits
   * until none of it can write to storage any more, and then gives up this
   * process's leases, so another process (or the next start) resumes it at
   * once; outcomes that arrive meanwhile are not recorded.
   */
  async close(stopWorkers: () => Promise<void>): Promise<void> {
    this.closed = true;
    this.markClosing();
    for (const timer of this.timers) clearInterval(timer);
    await this.polling;
    await stopWorkers();
    await Promise.all([...this.running.values()].map((entry) => entry.done));
    await this.options.index.releaseProcessingLeases(this.owner).catch((err: unknown) => {
      this.options.logger.warn({ error: String((err as Error).message) }, 'processing leases could not be released');
    });
  }

  private lease(): ProcessingLease {
    return { owner: this.owner, until: nowSeconds() + this.options.leaseSeconds };
  }

  private poll(leaseEndedBefore: number): void {
    if (this.closed || this.polling) return;
    this.polling = this.claim(leaseEndedBefore)
      .catch((err: unknown) => {
        this.options.logger.error({ error: String((err as Error).message) }, 'pending images could not be claimed');
      })
      .finally(() => {
        this.polling = undefined;
      });
  }

  private async claim(leaseEndedBefore: number): Promise<void> {
    const room = this.options.concurrency - this.running.size;
    if (room <= 0) return;
    const claimed = await this.options.index.claimProcessing(this.lease(), leaseEndedBefore, room);
    for (const image of claimed) {
      const pending = image.pendingRevision!;
      const provider = this.options.providerOf(image);
      if (!provider?.processImage) continue;
      this.options.logger.info({ imageId: image.id, revision: pending.blobKey }, 'image processing resumed');
      const task = this.run(provider, image, pending, 'resumed');
      this.track(
        image.id,
        pending,
        task.then((done) => this.complete(provider, image, pending, done)),
      );
    }
  }

  private async renew(): Promise<void> {
    if (this.closed || this.running.size === 0) return;
    await this.options.index.renewProcessingLeases(this.lease(), [...this.running.keys()]).catch((err: unknown) => {
      this.options.logger.error({ error: String((err as Error).message) }, 'processing leases could not be renewed');
    });
  }

  /**
   * Processes one revision inside an `image processing` span: its kind (`new`
   * bytes of a write, or work `resumed` from the backlog) and its outcome
   * (`ok`, the refusal's code, or the failure's error name).
   */
  private run(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    pending: PendingRevision,
    kind: 'new' | 'resumed' = 'new',
  ): Promise<Outcome> {
    const attributes = { [SPAN_ATTRIBUTES.processingKind]: kind, [SPAN_ATTRIBUTES.provider]: provider.name };
    return inSpan(
      'image processing',
      attributes,
      () =>
        catchMediaError(() => provider.processImage!(image, pending)).then(
          (result): Outcome => ({ result }),
          (thrown: unknown): Outcome => ({ thrown }),
        ),
      (outcome) =>
        'thrown' in outcome ? errorOutcome(outcome.thrown) : outcome.result.ok ? 'ok' : outcome.result.error.code,
    );
  }

  /**
   * Work begun after the answer: it first lets the bodies being received end
   * (up to `yieldMs`), then skips a revision a newer write replaced meanwhile
   * (a burst of replacements of one image renders only the last).
   */
  private async runAfterUploads(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    pending: PendingRevision,
  ): Promise<Outcome> {
    await this.options.uploadsInFlight?.quiet(this.options.yieldMs ?? 0, this.closing);
    // Nothing is recorded once closing: the lease is given up and the next start takes the work up.
    if (this.closed) return { thrown: new Error('The server is stopping') };
    const now = await this.options.index.getImage(image.id);
    if (now?.pendingRevision?.blobKey !== pending.blobKey) {
      // Recorded nowhere: complete() finds the image moved on and removes the revision's bytes.
      return { result: fail('NOT_FOUND', 'A newer revision replaced this one before it was processed') };
    }
    return this.run(provider, image, pending);
  }

  private track(imageId: string, pending: PendingRevision, done: Promise<void>): void {
    const entry = {
      blobKey: pending.blobKey,
      done: done.catch((err: unknown) => {
        this.options.logger.error({ imageId, error: String((err as Error).message) }, 'image processing failed');
      }),
    };
    this.running.set(imageId, entry);
    void entry.done.finally(() => {
      if (this.running.get(imageId) === entry) this.running.delete(imageId);
    });
  }

  /**
   * Records a background outcome. A failure of the server (storage, the pool
   * busy or stopping) records nothing: the lease lapses and the work is taken
   * up again. A refusal ends the image `FAILED` with its reason, or, when it
   * still has earlier bytes, back at `READY` with them and the reason.
   */
  private async complete(
    provider: MediaProviderAdapter,
    before: ImageRecord,
    pending: PendingRevision,
    outcome: Outcome,
    makeThumbnail = false,
  ): Promise<void> {
    const { index, logger } = this.options;
    if (this.closed) return;
    const log = logger.child({ imageId: before.id, revision: pending.blobKey });
    let result: Result<ImagePatch>;
    if ('thrown' in outcome || (!outcome.result.ok && outcome.result.error.retryable)) {
      const reason = 'thrown' in outcome ? outcome.thrown : (outcome.result as { error: MediaError }).error;
      const message = String((reason as Error).message);
      const attempts = (this.attempts.get(pending.blobKey) ?? 0) + 1;
      if (attempts < MAX_ATTEMPTS) {
        this.attempts.set(pending.blobKey, attempts);
        log.warn({ error: message, attempts }, 'image processing will be tried again');
        return;
      }
      // A failure that keeps coming back is no passing one: the image is told, instead of waiting forever.
      this.attempts.delete(pending.blobKey);
      result = fail('PROVIDER_UNAVAILABLE', `The image could not be processed (${message}); upload it again`);
    } else {
      result = outcome.result;
    }
    this.attempts.delete(pending.blobKey);
    const patch: ImagePatch = result.ok ? result.value : failed(before, result.error);
    const saved = await index.completeProcessing(before.id, pending.blobKey, this.owner, patch, {
      makeThumbnail: result.ok && makeThumbnail,
    });
    if (!saved) {
      // Deleted, replaced by a newer upload, or taken up elsewhere after this lease ran out.
      const now = await index.getImage(before.id);
      const stillWanted = now?.blobKey === pending.blobKey || now?.pendingRevision?.blobKey === pending.blobKey;
      if (!stillWanted) await this.discard(provider, pending);
      log.info('image processing outcome not recorded: the image moved on');
      return;
    }
    if (!result.ok) {
      await this.discard(provider, pending);
      log.info({ code: result.error.code, reason: result.error.message }, 'image processing failed');
      return;
    }
    log.info('image processed');
  }

  private async discard(provider: MediaProviderAdapter, pending: PendingRevision): Promise<void> {
    await provider.discardBlobs?.([pending.blobKey]).catch((err: unknown) => {
      this.options.logger.warn(
        { error: String((err as Error).message) },
        'bytes no row names could not be removed; the sweep will',
      );
    });
  }
}

/** The task's outcome if it settles within `ms`, else undefined. */
async function settledWithin(task: Promise<Outcome>, ms: number): Promise<Outcome | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([task, waited]);
  } finally {
    clearTimeout(timer);
  }
}

/** The patch of processing refused: earlier bytes stay served; an image without any ends FAILED. */
function failed(before: ImageRecord, error: MediaError): ImagePatch {
  if (before.blobKey !== null) return { status: 'READY', failureReason: error.message };
  return { status: 'FAILED', failureReason: error.message, isThumbnail: false };
}
