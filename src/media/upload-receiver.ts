import type { Readable } from 'node:stream';
import { sniffContentType } from '../domain/content-type';
import { fail, ok, type MediaError, type Result } from '../domain/errors';
import type { FileRecord, ImageRecord } from '../domain/model';
import { currentLog } from '../observability/log';
import type { MediaProviderAdapter } from '../providers/provider';
import type { ProviderRegistry } from '../providers/registry';
import type { ImagePatch, MediaIndex, Written } from '../store/media-index';
import { decidedImageType, StalledUpload, type Intake } from './intake';
import type { UploadGrant, UploadGrants } from './upload-grants';

/** Why an upload URL was refused before any bytes were considered (HTTP 403). */
export const FORBIDDEN_UPLOAD = 'FORBIDDEN_UPLOAD';
/** The sender of a PUT stopped sending for longer than the idle timeout (HTTP 408); the URL is free again. */
export const UPLOAD_STALLED = 'UPLOAD_STALLED';
export type UploadOutcome =
  | { ok: true; value: { id: string; status: string } }
  | { ok: false; error: MediaError | { code: typeof FORBIDDEN_UPLOAD | typeof UPLOAD_STALLED; message: string } };

function forbiddenUpload(message: string): UploadOutcome {
  return { ok: false, error: { code: FORBIDDEN_UPLOAD, message } };
}

/** What {@link UploadReceiver} works with. */
export interface UploadReceiverDeps {
  grants: UploadGrants;
  index: MediaIndex;
  providers: ProviderRegistry;
  intake: Intake;
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
      return forbiddenUpload('A newer upload URL was issued for this target; use that one');
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
      const result = await this.deps.intake.withIncomingFile(async (spoolPath) => {
        const spooled = await this.deps.intake.spool(body, spoolPath, grant.maxBytes, 'put');
        if (grant.byteSize !== undefined && spooled.byteSize !== grant.byteSize) {
          return fail<{ id: string; status: string }>(
            'INVALID_INPUT',
            `The upload must be exactly ${grant.byteSize} bytes`,
          );
        }
        const sniffed = sniffContentType(spooled.head);
        if (grant.kind === 'image') {
          const type = decidedImageType(sniffed, grant.contentType);
          if (!type.ok) return type;
          const storable = this.deps.providers.checkImageType(usable.value, type.value);
          if (!storable.ok) return storable;
          const image = record as ImageRecord;
          const bytes = { ...spooled, contentType: type.value };
          const written = await usable.value.writeImage(image, {}, { kind: 'bytes', bytes });
          if (!written.ok) return written;
          const saved = await this.deps.recordImage(usable.value, image, written.value, { spendToken: grant.jti });
          if (!saved.ok) return saved;
          await usable.value.discardImageRevision?.(saved.value.before, saved.value.after);
          return ok({ id: saved.value.after.id, status: saved.value.after.status });
        }
        if (sniffed && grant.contentType && sniffed !== grant.contentType) {
          return fail<{ id: string; status: string }>(
            'UNSUPPORTED_MEDIA_TYPE',
            `The bytes are ${sniffed}, not the declared ${grant.contentType}`,
          );
        }
        const contentType = sniffed ?? grant.contentType ?? 'application/octet-stream';
        const file = record as FileRecord;
        if (!usable.value.writeFile) {
          return fail<{ id: string; status: string }>(
            'UNSUPPORTED_BY_PROVIDER',
            `The provider ${usable.value.name} does not take file bytes at the subgraph's upload URLs`,
          );
        }
        const written = await usable.value.writeFile(file, { ...spooled, contentType });
        if (!written.ok) return written;
        const saved = await this.deps.index.updateFile(file.id, written.value, { spendToken: grant.jti });
        if (!saved) return fail<{ id: string; status: string }>('NOT_FOUND', 'The upload target no longer exists');
        await usable.value.discardFileRevision?.(saved.before, saved.after);
        return ok({ id: saved.after.id, status: saved.after.status });
      });
      stored = result.ok;
      return result;
    } catch (err) {
      if (err instanceof StalledUpload) return { ok: false, error: { code: UPLOAD_STALLED, message: err.message } };
      throw err;
    } finally {
      body.off('close', releaseIfAbandoned);
      // A stored upload spent its token in the transaction that recorded it.
      if (!stored) await release();
    }
  }
}
