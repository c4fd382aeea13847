import type { Readable } from 'node:stream';
import { sniffContentType } from '../domain/content-type';
import { fail, MediaFailure, mediaError, ok, type MediaError, type Result } from '../domain/errors';
import type { FileRecord, ImageRecord } from '../domain/model';
import { currentLog, type Logger } from '../observability/log';
import type { DirectUpload, MediaProviderAdapter } from '../providers/provider';
import type { ProviderRegistry } from '../providers/registry';
import type { ImagePatch, MediaIndex, Written } from '../store/media-index';
import { decidedImageType, StalledUpload, type IncomingOrigin, type Intake } from './intake';
import type { UploadGrant, UploadGrants } from './upload-grants';

/** Why an upload URL was refused before any bytes were considered (HTTP 403). */
export const FORBIDDEN_UPLOAD = 'FORBIDDEN_UPLOAD';
/** The sender of a PUT stopped sending for longer than the idle timeout (HTTP 408); the URL is free again. */
export const UPLOAD_STALLED = 'UPLOAD_STALLED';
export type UploadOutcome =
  | { ok: true; value: { id: string; status: string } }
  | { ok: false; error: MediaError | { code: typeof FORBIDDEN_UPLOAD | typeof UPLOAD_STALLED; message: string } };

/** What confirming an upload left: the record as it now is, and what went wrong, if anything did. */
export interface ConfirmOutcome<R> {
  record: R | null;
  error?: MediaError;
}

/** The type of bytes whose type nobody declared. */
const UNDECLARED_TYPE = 'application/octet-stream';

/** Storage could not be read: the server's failure, worth retrying; the driver's reason goes to the log only. */
function unreadable(err: unknown): MediaError {
  currentLog().error({ error: String((err as Error).message) }, 'direct upload could not be read from storage');
  return mediaError('PROVIDER_UNAVAILABLE', 'LOCAL storage could not be read; confirm again later', {
    provider: 'LOCAL',
  });
}

/** Removes a confirmed or refused direct upload; one left behind is swept as a leftover, so a failure is only logged. */
async function removeUpload(upload: DirectUpload, log: Logger): Promise<void> {
  await upload.remove().catch((err: unknown) => {
    log.warn({ error: String((err as Error).message) }, 'direct upload could not be removed; the sweep will');
  });
}

function forbiddenUpload(message: string): UploadOutcome {
  return { ok: false, error: { code: FORBIDDEN_UPLOAD, message } };
}

/** What {@link UploadReceiver} works with. */
export interface UploadReceiverDeps {
  grants: UploadGrants;
  index: MediaIndex;
  providers: ProviderRegistry;
  intake: Intake;
  /** Size limits of images and files (`MEDIA_MAX_IMAGE_BYTES`, `MEDIA_MAX_FILE_BYTES`). */
  maxImageBytes: number;
  maxFileBytes: number;
  /** Records what a provider accepted for an image, as the media service does for every write. */
  recordImage(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    patch: ImagePatch,
    options: { spendToken: string },
  ): Promise<Result<Written<ImageRecord>>>;
}

/**
 * The receiving end of the subgraph's own upload URLs (`PUT /uploads/<token>`)
 * and the life of their tokens: judged whole before the body (signed,
 * unexpired, the newest for its target, unused), claimed for one upload,
 * spent on success and given back on any refusal, at once when the sender
 * leaves.
 */
export class UploadReceiver {
  /**
   * Uploads being received by this process, by token. A sender that left
   * releases its claim asynchronously; its retry, arriving at once, waits for
   * that to finish instead of finding the URL still in use.
   */
  private readonly receiving = new Map<string, { abandoned: () => boolean; done: Promise<unknown> }>();

  constructor(private readonly deps: UploadReceiverDeps) {}

  /**
   * Takes the bytes PUT to a subgraph upload URL: checks the token, spools the
   * body (never whole in memory), decides the type from the bytes, has the
   * provider store them and records the result. Nothing is stored on failure,
   * and a refused upload gives its token back for a retry.
   */
  async receive(token: string, body: Readable, declaredLength: number | undefined): Promise<UploadOutcome> {
    const checked = this.deps.grants.check(token);
    if (!checked.ok) {
      return forbiddenUpload(checked.reason === 'expired' ? 'The upload URL has expired' : 'Invalid upload URL');
    }
    const grant = checked.grant;
    const earlier = this.receiving.get(grant.jti);
    if (earlier?.abandoned()) await earlier.done;
    const abandoned = () => body.destroyed && !(body as Readable & { complete?: boolean }).complete;
    const done = this.receiveWith(grant, body, declaredLength, abandoned);
    const entry = { abandoned, done: done.catch(() => undefined) };
    this.receiving.set(grant.jti, entry);
    try {
      return await done;
    } finally {
      if (this.receiving.get(grant.jti) === entry) this.receiving.delete(grant.jti);
    }
  }

  private async receiveWith(
    grant: UploadGrant,
    body: Readable,
    declaredLength: number | undefined,
    abandoned: () => boolean,
  ): Promise<UploadOutcome> {
    // The token is judged whole (signed, unexpired, newest for its target, unused) before anything about the body.
    if (!(await this.deps.index.isCurrentUploadToken(grant.target, grant.jti))) {
      // The token's record goes with its image or file: say which of the two happened.
      const target =
        grant.kind === 'image'
          ? await this.deps.index.getImage(grant.target)
          : await this.deps.index.getFile(grant.target);
      return forbiddenUpload(
        target
          ? 'A newer upload URL was issued for this target; use that one'
          : `The ${grant.kind} this upload URL was for has been deleted`,
      );
    }
    if (!(await this.deps.index.claimUploadToken(grant.jti, grant.target, grant.exp))) {
      return forbiddenUpload('The upload URL has already been used');
    }
    const log = currentLog();
    let released: Promise<void> | undefined;
    // Never thrown: a full disk can refuse even this delete. A failed release is tried again by the next call
    // (the last comes after the spooled bytes are gone); else the claim lapses with the URL (and at the next start).
    const release = () =>
      (released ??= this.deps.index.releaseUploadToken(grant.jti).catch((err: unknown) => {
        released = undefined;
        log.error({ error: String((err as Error).message) }, 'upload claim could not be released');
      }));
    const refuse = async (outcome: UploadOutcome): Promise<UploadOutcome> => {
      await release();
      return outcome;
    };
    if (declaredLength !== undefined) {
      if (declaredLength > grant.maxBytes) {
        return await refuse(fail('FILE_TOO_LARGE', `The upload is larger than the limit of ${grant.maxBytes} bytes`));
      }
      if (grant.byteSize !== undefined && declaredLength !== grant.byteSize) {
        return await refuse(fail('INVALID_INPUT', `The upload must be exactly ${grant.byteSize} bytes`));
      }
    }
    const record =
      grant.kind === 'image'
        ? await this.deps.index.getImage(grant.target)
        : await this.deps.index.getFile(grant.target);
    if (!record) return await refuse(fail('NOT_FOUND', 'The upload target no longer exists'));
    const usable = this.deps.providers.usable(record.provider);
    if (!usable.ok) return await refuse(usable);
    let stored = false;
    // A sender that leaves mid-body frees the URL at once, not when the spool notices: the client may retry
    // as soon as it sees its connection end.
    const releaseIfAbandoned = () => {
      if (!stored && abandoned()) void release();
    };
    body.once('close', releaseIfAbandoned);
    // It may have left while the claim was being taken.
    releaseIfAbandoned();
    try {
      const result = await this.store(grant.kind, record, usable.value, body, {
        maxBytes: grant.maxBytes,
        byteSize: grant.byteSize,
        contentType: grant.contentType,
        tokenId: grant.jti,
        origin: 'put',
      });
      stored = result.ok;
      return result.ok ? ok({ id: result.value.id, status: result.value.status }) : result;
    } catch (err) {
      if (err instanceof StalledUpload) return { ok: false, error: { code: UPLOAD_STALLED, message: err.message } };
      throw err;
    } finally {
      body.off('close', releaseIfAbandoned);
      // A stored upload spent its token in the transaction that recorded it.
      if (!stored) await release();
    }
  }

  /**
   * Checks a direct upload when its client confirms it (`confirm*Upload` with
   * `MEDIA_S3_DIRECT_UPLOADS`): the bytes at the newest upload token's key are
   * claimed once across replicas, checked (size, type from the bytes, and for
   * images everything processing checks) and stored as a new revision, as
   * bytes PUT to the subgraph would be; the upload is then removed. Bytes that
   * fail the checks are removed too, and a placeholder ends `FAILED` with
   * `failureReason`, while an image or file that already has bytes keeps them.
   * Without a direct upload pending, the record is answered as it is.
   */
  async confirm<R extends ImageRecord | FileRecord>(
    kind: UploadGrant['kind'],
    record: R,
    provider: MediaProviderAdapter,
  ): Promise<ConfirmOutcome<R>> {
    const { index } = this.deps;
    const reread = async () =>
      ((kind === 'image' ? await index.getImage(record.id) : await index.getFile(record.id)) ?? null) as R | null;
    const token = provider.directUpload ? await index.currentUploadToken(record.id) : undefined;
    if (!provider.directUpload || !token) return { record };
    const earlier = this.receiving.get(token.tokenId);
    if (earlier) {
      await earlier.done;
      return { record: await reread() };
    }
    if ((await index.uploadClaimState(token.tokenId)) === 'USED') return { record };
    const ownerId = kind === 'image' ? (record as ImageRecord).imageId : (record as FileRecord).fileId;
    let upload: DirectUpload | undefined;
    try {
      upload = await provider.directUpload(ownerId, token.tokenId);
    } catch (err) {
      return { record, error: unreadable(err) };
    }
    if (!upload) {
      return {
        record,
        error: mediaError('CONFLICT', 'Nothing has arrived at the upload URL yet: PUT the bytes, then confirm', {
          field: ['input', 'id'],
        }),
      };
    }
    if (!(await index.claimUploadToken(token.tokenId, record.id, token.expiresAt))) {
      // Another request (on this replica or another) took it first, and may have finished meanwhile.
      const state = await index.uploadClaimState(token.tokenId);
      if (state === 'USED') return { record: await reread() };
      // Nobody holds it, yet it could not be taken: the token went with its image, deleted since it was read.
      if (state === undefined && !(await reread())) {
        return { record: null, error: mediaError('NOT_FOUND', 'The upload target was deleted meanwhile') };
      }
      return {
        record,
        error: {
          ...mediaError('CONFLICT', 'Another request is confirming this upload; confirm again in a moment', {
            field: ['input', 'id'],
          }),
          retryable: true,
        },
      };
    }
    const done = this.confirmClaimed(kind, record, provider, upload, token.tokenId);
    const entry = { abandoned: () => false, done: done.catch(() => undefined) };
    this.receiving.set(token.tokenId, entry);
    try {
      return await done;
    } finally {
      if (this.receiving.get(token.tokenId) === entry) this.receiving.delete(token.tokenId);
    }
  }

  private async confirmClaimed<R extends ImageRecord | FileRecord>(
    kind: UploadGrant['kind'],
    record: R,
    provider: MediaProviderAdapter,
    upload: DirectUpload,
    tokenId: string,
  ): Promise<ConfirmOutcome<R>> {
    const { index } = this.deps;
    const log = currentLog();
    const maxBytes = kind === 'image' ? this.deps.maxImageBytes : this.deps.maxFileBytes;
    let result: Result<ImageRecord | FileRecord>;
    try {
      result =
        upload.size > maxBytes
          ? fail('FILE_TOO_LARGE', `The upload is larger than the limit of ${maxBytes} bytes`)
          : await this.store(kind, record, provider, await upload.open(), {
              maxBytes,
              byteSize: upload.size,
              // A file sent without a declared type was signed as octet-stream: that says nothing.
              contentType: upload.declaredType === UNDECLARED_TYPE ? undefined : upload.declaredType,
              tokenId,
              origin: 'storage',
            });
    } catch (err) {
      await index.releaseUploadToken(tokenId);
      if (err instanceof MediaFailure) return { record, error: err.error };
      return { record, error: unreadable(err) };
    }
    if (result.ok) {
      await removeUpload(upload, log);
      return { record: result.value as R };
    }
    const error = result.error;
    if (error.code === 'NOT_FOUND') {
      // Deleted meanwhile: nothing to answer but that.
      await removeUpload(upload, log);
      return { record: null, error };
    }
    // A failure of the server (storage full or unreachable) leaves the upload to be confirmed again.
    if (error.retryable) {
      await index.releaseUploadToken(tokenId);
      return { record, error };
    }
    await removeUpload(upload, log);
    log.info({ code: error.code, reason: error.message }, 'direct upload failed the checks');
    if (record.blobKey !== null) {
      // Bytes it already has are kept; the same URL may be used again for correct ones.
      await index.releaseUploadToken(tokenId);
      return { record, error };
    }
    const failed = { status: 'FAILED' as const, failureReason: error.message };
    const saved =
      kind === 'image'
        ? await index.upsertImage(record as ImageRecord, failed, { spendToken: tokenId })
        : await index.updateFile(record.id, failed, { spendToken: tokenId });
    if (!saved || !('after' in saved)) {
      return { record: null, error: mediaError('NOT_FOUND', 'The upload target was deleted meanwhile') };
    }
    return { record: saved.after as R, error };
  }

  /**
   * Spools bytes (never whole in memory), decides their type from them, has
   * the provider store them and records the result, spending `tokenId` in the
   * same transaction. Nothing is stored on failure.
   */
  private store(
    kind: UploadGrant['kind'],
    record: ImageRecord | FileRecord,
    provider: MediaProviderAdapter,
    body: Readable,
    spec: { maxBytes: number; byteSize?: number; contentType?: string; tokenId: string; origin: IncomingOrigin },
  ): Promise<Result<ImageRecord | FileRecord>> {
    return this.deps.intake.withIncomingFile(async (spoolPath) => {
      const spooled = await this.deps.intake.spool(body, spoolPath, spec.maxBytes, spec.origin);
      if (spec.byteSize !== undefined && spooled.byteSize !== spec.byteSize) {
        return fail('INVALID_INPUT', `The upload must be exactly ${spec.byteSize} bytes`);
      }
      const sniffed = sniffContentType(spooled.head);
      if (kind === 'image') {
        const type = decidedImageType(sniffed, spec.contentType);
        if (!type.ok) return type;
        const storable = this.deps.providers.checkImageType(provider, type.value);
        if (!storable.ok) return storable;
        const image = record as ImageRecord;
        const bytes = { ...spooled, contentType: type.value };
        const written = await provider.writeImage(image, {}, { kind: 'bytes', bytes });
        if (!written.ok) return written;
        const saved = await this.deps.recordImage(provider, image, written.value, { spendToken: spec.tokenId });
        if (!saved.ok) return saved;
        return ok(saved.value.after);
      }
      if (sniffed && spec.contentType && sniffed !== spec.contentType) {
        return fail('UNSUPPORTED_MEDIA_TYPE', `The bytes are ${sniffed}, not the declared ${spec.contentType}`);
      }
      const contentType = sniffed ?? spec.contentType ?? UNDECLARED_TYPE;
      const file = record as FileRecord;
      if (!provider.writeFile) {
        return fail(
          'UNSUPPORTED_BY_PROVIDER',
          `The provider ${provider.name} does not take file bytes at the subgraph's upload URLs`,
        );
      }
      const written = await provider.writeFile(file, { ...spooled, contentType });
      if (!written.ok) return written;
      const saved = await this.deps.index.updateFile(
        file.id,
        { ...written.value, failureReason: null },
        { spendToken: spec.tokenId },
      );
      if (!saved) {
        // Deleted while its bytes were arriving: what the provider just stored for it goes too.
        if (written.value.blobKey) await provider.discardBlobs?.([written.value.blobKey]);
        return fail('NOT_FOUND', 'The upload target no longer exists');
      }
      return ok(saved.after);
    });
  }
}
