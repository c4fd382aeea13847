import { randomUUID } from 'node:crypto';
import {
  bestAvailableVariant,
  checkTransform,
  srcSetOfVariants,
  type ImageFormat,
  type ImageTransform,
} from './image-transforms';
import type { Readable } from 'node:stream';
import { normaliseDeclaredType, sniffContentType } from '../domain/content-type';
import { fail, mediaError, ok, type MediaError, type Result } from '../domain/errors';
import { formatGlobalId, isAcceptableIdText, parseGlobalId, type GlobalId } from '../domain/ids';
import { type FileRecord, type ImageRecord, type ProviderName, type UploadTarget } from '../domain/model';
import {
  CAPABILITY_OF_CHANGE,
  type ImageChanges,
  type ImageContent,
  type MediaCapability,
  type MediaProviderAdapter,
  type ReceivedBytes,
} from '../providers/provider';
import type { ObjectStorage } from '../store/object-storage';
import type {
  ImagePatch,
  InsertOptions,
  LimitExceeded,
  MediaIndex,
  ProductLimits,
  Written,
} from '../store/media-index';
import { isValidOrdering, MAX_ORDERING } from '../domain/ordering';
import { currentLog } from '../observability/log';
import { checkSourceUrl, openSourceUrl, type SourceFetchOptions } from './source-fetch';
import {
  alwaysThumbnail,
  changesForProvider,
  imageIdProblem,
  newImageId,
  unthumbnailProblem,
} from '../providers/image-slots';
import { ProviderRegistry } from '../providers/registry';
import type { ImageProcessing } from './image-processing';
import { decidedImageType, incomingFailure, Intake, type IncomingOrigin } from './intake';
import type { UploadsInFlight } from './uploads-in-flight';
import { UploadReceiver, type ConfirmOutcome, type UploadOutcome } from './upload-receiver';
import { SourceStreamError } from './spool';
import type { UploadGrants } from './upload-grants';
import { cleanText, declaredByteSize, declaredImageType, MAX_ALT_LENGTH, MAX_NAME_LENGTH } from './validation';

/** Input of `requestImageUpload`, as the GraphQL layer passes it. */
export interface RequestImageUploadInput {
  productId?: string | null;
  imageId?: string | null;
  provider?: ProviderName | null;
  fileName?: string | null;
  contentType?: string | null;
  byteSize?: number | null;
  forceUpdate?: boolean | null;
  alt?: string | null;
  name?: string | null;
}

export interface RequestFileUploadInput {
  productId: string;
  provider?: ProviderName | null;
  fileName: string;
  contentType?: string | null;
  byteSize?: number | null;
}

/** A file sent in a multipart request, as graphql-upload-minimal hands it over. */
export interface IncomingUpload {
  createReadStream(): Readable;
}

export interface ReorderImagesInput {
  productId: string;
  provider?: ProviderName | null;
  imageIds: readonly string[];
}

export interface UpdateImageInput {
  id: string;
  file?: Promise<IncomingUpload> | null;
  sourceUrl?: string | null;
  name?: string | null;
  alt?: string | null;
  ordering?: number | null;
  enabled?: boolean | null;
  thumbnail?: boolean | null;
}

export interface MediaServiceOptions {
  index: MediaIndex;
  storage: ObjectStorage;
  grants: UploadGrants;
  providers: readonly MediaProviderAdapter[];
  defaultProvider: ProviderName;
  maxImageBytes: number;
  maxFileBytes: number;
  sourceFetch: SourceFetchOptions;
  /** Per-product image and placeholder limits (contract section 6). */
  limits: ProductLimits;
  /** Longest pause between two chunks of an incoming body. */
  uploadIdleTimeoutMs: number;
  /** Below this many free bytes in the store, incoming bytes are refused as storage full. */
  minFreeBytes: number;
  /** Told of the bytes of every upload body received in full, by origin (the server's metrics). */
  onBytesReceived?: (origin: IncomingOrigin, bytes: number) => void;
  /** Told of every body while it is being received (background processing yields to them). */
  uploadsInFlight?: UploadsInFlight;
  /** Base of every URL handed out, without a trailing slash. */
  publicUrl: () => string;
  /** Where a stored location is served without the subgraph (LOCAL images under `MEDIA_ASSET_BASE_URL`), if anywhere. */
  assetUrl?: (location: string) => string | undefined;
  /** Makes the renditions of new bytes, off the request once it waited long enough. */
  processing: ImageProcessing;
}

/** LIMIT_EXCEEDED naming the per-product limit that an addition would pass. */
function limitFailure<T>(exceeded: LimitExceeded): Result<T> {
  const what =
    exceeded.limitExceeded === 'images'
      ? `images (MEDIA_MAX_IMAGES_PER_PRODUCT)`
      : `uploads waiting for their bytes (MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT)`;
  return fail('LIMIT_EXCEEDED', `The product already has ${exceeded.limit} ${what}`);
}

/**
 * CONFLICT for an image with no bytes yet (a placeholder, one whose first
 * bytes are still PROCESSING, or whose processing failed): it cannot be the thumbnail.
 */
function placeholderConflict(image: ImageRecord, field: string[]): Result<void> {
  const hasBytes = image.status === 'READY' || (image.status === 'PROCESSING' && image.blobKey !== null);
  if (hasBytes) return ok(undefined);
  return fail('CONFLICT', `The image is ${image.status}; only an image with bytes can be the thumbnail`, { field });
}

/**
 * The application layer: validates input, picks the provider, checks what it
 * can do, has it do the work, and records the outcome in the index. It knows
 * the provider interface only, never a provider's wire format.
 */
export class MediaService {
  /** The providers, by name, and what each can do. */
  readonly providers: ProviderRegistry;

  private readonly intake: Intake;
  private readonly receiver: UploadReceiver;

  constructor(private readonly options: MediaServiceOptions) {
    this.intake = new Intake(options);
    this.providers = new ProviderRegistry(options.providers, options.defaultProvider);
    this.receiver = new UploadReceiver({
      grants: options.grants,
      index: options.index,
      providers: this.providers,
      intake: this.intake,
      maxImageBytes: options.maxImageBytes,
      maxFileBytes: options.maxFileBytes,
      recordImage: (provider, image, patch, options) => this.recordImage(provider, image, patch, false, options),
    });
  }

  get index(): MediaIndex {
    return this.options.index;
  }

  /**
   * An absolute URL for a stored location: LOCAL locations are paths below the
   * public URL, or below the asset base URL for images when one is set.
   */
  absoluteUrl(location: string): string {
    if (!location.startsWith('/')) return location;
    return this.options.assetUrl?.(location) ?? `${this.options.publicUrl()}${location}`;
  }

  /**
   * The URL of the image fitted to `transform` (contract section 8): a signed
   * rendition where the provider renders them (LOCAL), else the best
   * available variant; null while the image has none. An invalid transform
   * (a side outside 1..4096, a crop without both sides) is INVALID_INPUT.
   */
  imageUrl(image: ImageRecord, transform: ImageTransform | null | undefined): Result<string | null> {
    if (!transform) {
      // The plain `url` (the hot path of `_entities`): the original, as before transforms existed.
      const original = image.variants.find((variant) => variant.kind === 'ORIGINAL');
      return ok(original ? this.absoluteUrl(original.location) : null);
    }
    const checked = checkTransform(transform);
    if (!checked.ok) return checked;
    const provider = this.providers.get(image.provider);
    const location = provider?.renditionLocation
      ? provider.renditionLocation(image, checked.value)
      : bestAvailableVariant(image.variants, checked.value)?.location;
    return ok(location ? this.absoluteUrl(location) : null);
  }

  /** A `srcset` value for the image in `format`; null when no width is known. */
  srcSet(image: ImageRecord, format: ImageFormat): string | null {
    const provider = this.providers.get(image.provider);
    if (!provider?.srcSetLocations) return srcSetOfVariants(image.variants, (v) => this.absoluteUrl(v.location));
    const entries = provider.srcSetLocations(image, format);
    return entries.length ? entries.map((e) => `${this.absoluteUrl(e.location)} ${e.width}w`).join(', ') : null;
  }

  /** Where a file can be downloaded now; null until its bytes are stored. */
  downloadUrlOf(file: FileRecord): string | null {
    if (file.status !== 'READY') return null;
    const provider = this.providers.get(file.provider);
    return provider.downloadUrl?.(file) ?? file.downloadUrl;
  }

  private parseImageId(text: string, field: string[]): Result<GlobalId> {
    const id = parseGlobalId(text, 'ProductImage');
    if (!id) return fail('INVALID_ID', 'Not a ProductImage id', { field });
    const provider = this.providers.get(id.provider);
    const slot = imageIdProblem(provider, id.localId);
    if (slot && provider.singleImage) return fail('INVALID_ID', slot, { field });
    const problem = provider.idProblem?.('product', id.productId) ?? slot;
    if (problem) return fail('INVALID_ID', problem, { field, provider: id.provider });
    return ok(id);
  }

  /** A product id the provider can hold, or INVALID_ID. */
  private checkProductId(provider: MediaProviderAdapter, productId: string, field: string[]): Result<string> {
    if (!isAcceptableIdText(productId)) return fail('INVALID_ID', 'Not a product id', { field });
    const problem = provider.idProblem?.('product', productId);
    return problem ? fail('INVALID_ID', problem, { field, provider: provider.name }) : ok(productId);
  }

  /**
   * Records what a provider accepted. Single-image providers' one image is
   * always the thumbnail; otherwise asking for it, or the provider reporting
   * it, makes this the product's only thumbnail in the same transaction.
   */
  private async recordImage(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    patch: ImagePatch,
    thumbnailAsked = false,
    insert: InsertOptions = {},
  ): Promise<Result<Written<ImageRecord>>> {
    const pending = patch.pendingRevision;
    if (!pending || !provider.processImage) return this.saveImage(provider, image, patch, thumbnailAsked, insert);
    return this.options.processing.process(
      provider,
      image,
      pending,
      (settled, { lease, thumbnail }) =>
        this.saveImage(provider, image, { ...patch, ...settled }, thumbnail, { ...insert, lease }),
      thumbnailAsked,
    );
  }

  /** The index write of {@link recordImage}. */
  private async saveImage(
    provider: MediaProviderAdapter,
    image: ImageRecord,
    patch: ImagePatch,
    thumbnailAsked: boolean,
    insert: InsertOptions,
  ): Promise<Result<Written<ImageRecord>>> {
    const makeThumbnail = alwaysThumbnail(provider) || thumbnailAsked || patch.isThumbnail === true;
    const changes = { ...patch };
    if (makeThumbnail) delete changes.isThumbnail;
    // New bytes that were stored end an earlier failure.
    if (changes.status !== undefined && changes.status !== 'FAILED') changes.failureReason ??= null;
    const saved = await this.options.index.upsertImage(image, changes, {
      makeThumbnail,
      limits: this.options.limits,
      ...insert,
    });
    if (!saved) {
      // Deleted meanwhile: what the provider just stored for it goes too.
      if (patch.blobKey) await this.discard(provider, [patch.blobKey]);
      return fail('NOT_FOUND', 'The image was deleted meanwhile');
    }
    if ('limitExceeded' in saved) {
      // A limit reached meanwhile (checked again in the insert's transaction): the new bytes belong to nothing.
      if (patch.blobKey) await this.discard(provider, [patch.blobKey]);
      return limitFailure(saved);
    }
    return ok(saved);
  }

  /**
   * Removes bytes no row names any more, after the commit that made it so. A
   * failure is logged, never the caller's: the row is already gone, and the
   * orphan sweep takes what is left.
   */
  private async discard(provider: MediaProviderAdapter, blobKeys: readonly string[], ownerId?: string): Promise<void> {
    await provider.discardBlobs?.(blobKeys, ownerId).catch((err: unknown) => {
      currentLog().warn(
        { error: String((err as Error).message) },
        'bytes no row names could not be removed; the sweep will',
      );
    });
  }

  /** LIMIT_EXCEEDED before any provider call, when adding to the product would pass a limit. */
  private async checkProductLimits(
    productId: string,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): Promise<Result<void>> {
    const exceeded = await this.options.index.limitExceeded(productId, this.options.limits, adding);
    return exceeded ? limitFailure(exceeded) : ok(undefined);
  }

  /**
   * The indexed image, or for a remote provider one not seen yet (a draft the
   * index records once the provider accepts a write). LOCAL images exist only
   * once the subgraph has made them.
   */
  private async imageFor(id: GlobalId, field: string[]): Promise<Result<{ image: ImageRecord; isNew: boolean }>> {
    const gid = formatGlobalId(id);
    const existing = await this.options.index.getImage(gid);
    if (existing) return ok({ image: existing, isNew: false });
    if (id.provider === 'LOCAL') return fail('NOT_FOUND', 'No such image', { field });
    return ok({ image: await this.draftImage(id), isNew: true });
  }

  private async draftImage(id: GlobalId, status: ImageRecord['status'] = 'READY'): Promise<ImageRecord> {
    const now = new Date().toISOString();
    return {
      id: formatGlobalId(id),
      provider: id.provider,
      productId: id.productId,
      imageId: id.localId,
      providerImageId: null,
      status,
      name: null,
      alt: null,
      ordering: await this.options.index.nextOrdering(id.productId),
      isThumbnail: false,
      enabled: true,
      width: null,
      height: null,
      contentType: null,
      byteSize: null,
      sha256: null,
      blobKey: null,
      variants: [],
      failureReason: null,
      pendingRevision: null,
      thumbhash: null,
      dominantColor: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  async requestImageUpload(
    input: RequestImageUploadInput,
  ): Promise<Result<{ image: ImageRecord; upload: UploadTarget }>> {
    const hasProduct = input.productId !== undefined && input.productId !== null;
    const hasImage = input.imageId !== undefined && input.imageId !== null;
    if (hasProduct === hasImage) {
      return fail('INVALID_INPUT', 'Give either productId or imageId', {
        field: ['input', hasProduct ? 'imageId' : 'productId'],
      });
    }
    let target: GlobalId;
    if (hasImage) {
      const parsed = this.parseImageId(input.imageId!, ['input', 'imageId']);
      if (!parsed.ok) return parsed;
      target = parsed.value;
    } else {
      const providerName = input.provider ?? this.options.defaultProvider;
      const provider = this.providers.get(providerName);
      const productId = this.checkProductId(provider, input.productId!, ['input', 'productId']);
      if (!productId.ok) return productId;
      target = {
        kind: 'ProductImage',
        provider: providerName,
        productId: input.productId!,
        localId: newImageId(provider),
      };
    }
    const usable = this.providers.usable(target.provider, 'REQUEST_IMAGE_UPLOAD', [
      'input',
      hasImage ? 'imageId' : 'provider',
    ]);
    if (!usable.ok) return usable;
    const provider = usable.value;

    const contentType =
      input.contentType == null ? undefined : declaredImageType(input.contentType, ['input', 'contentType']);
    if (contentType && !contentType.ok) return contentType;
    if (contentType) {
      const storable = this.providers.checkImageType(provider, contentType.value, ['input', 'contentType']);
      if (!storable.ok) return storable;
    }
    const byteSize =
      input.byteSize == null
        ? undefined
        : declaredByteSize(input.byteSize, this.options.maxImageBytes, ['input', 'byteSize']);
    if (byteSize && !byteSize.ok) return byteSize;
    const storable = this.providers.canStore(provider, [
      ...(input.name != null ? [['UPDATE_NAME', 'name'] as const] : []),
      ...(input.alt != null ? [['UPDATE_ALT', 'alt'] as const] : []),
    ]);
    if (!storable.ok) return storable;
    // fileName names the image where the provider stores names; elsewhere it is only a hint.
    const nameSource = input.name ?? (provider.capabilities.has('UPDATE_NAME') ? input.fileName : undefined);
    const name = this.optionalText(nameSource, ['input', input.name != null ? 'name' : 'fileName'], MAX_NAME_LENGTH);
    if (!name.ok) return name;
    const alt = this.optionalText(input.alt, ['input', 'alt'], MAX_ALT_LENGTH);
    if (!alt.ok) return alt;

    let image: ImageRecord;
    let isNew: boolean;
    if (hasImage) {
      const found = await this.imageFor(target, ['input', 'imageId']);
      if (!found.ok) return found;
      ({ image, isNew } = found.value);
    } else {
      const existing = await this.options.index.getImage(formatGlobalId(target));
      isNew = existing === undefined;
      image = existing ?? (await this.draftImage(target, 'AWAITING_UPLOAD'));
    }
    const within = await this.checkProductLimits(image.productId, { newImage: isNew, newPlaceholder: isNew });
    if (!within.ok) return within;
    // Present: `usable` checked REQUEST_IMAGE_UPLOAD, and the method comes with the capability.
    const issued = await provider.requestImageUpload!({
      image,
      isNew,
      contentType: contentType?.value,
      byteSize: byteSize?.value,
      forceUpdate: input.forceUpdate ?? undefined,
    });
    if (!issued.ok) return issued;
    const patch = { ...issued.value.patch };
    if (name.value !== undefined) patch.name = name.value;
    if (alt.value !== undefined) patch.alt = alt.value;
    const saved = await this.recordImage(provider, image, patch, false, {
      isNew,
      pendingUntil: Math.floor(issued.value.target.expiresAt.getTime() / 1000),
    });
    if (!saved.ok) return saved;
    return ok({ image: saved.value.after, upload: issued.value.target });
  }

  async requestFileUpload(input: RequestFileUploadInput): Promise<Result<{ file: FileRecord; upload: UploadTarget }>> {
    const providerName = input.provider ?? this.options.defaultProvider;
    const usable = this.providers.usable(providerName, 'REQUEST_FILE_UPLOAD', ['input', 'provider']);
    if (!usable.ok) return usable;
    const productId = this.checkProductId(usable.value, input.productId, ['input', 'productId']);
    if (!productId.ok) return productId;
    const fileName = cleanText(input.fileName, ['input', 'fileName'], MAX_NAME_LENGTH, true);
    if (!fileName.ok) return fileName;
    let contentType: string | undefined;
    if (input.contentType != null) {
      contentType = normaliseDeclaredType(input.contentType);
      if (!contentType)
        return fail('INVALID_INPUT', 'contentType is not a MIME type', { field: ['input', 'contentType'] });
    }
    const byteSize =
      input.byteSize == null
        ? undefined
        : declaredByteSize(input.byteSize, this.options.maxFileBytes, ['input', 'byteSize']);
    if (byteSize && !byteSize.ok) return byteSize;

    const within = await this.checkProductLimits(input.productId, { newImage: false, newPlaceholder: true });
    if (!within.ok) return within;

    const now = new Date().toISOString();
    const fileId = randomUUID();
    const draft: FileRecord = {
      id: formatGlobalId({ kind: 'ProductFile', provider: providerName, productId: input.productId, localId: fileId }),
      provider: providerName,
      productId: input.productId,
      fileId,
      providerFileId: null,
      fileName: fileName.value!,
      status: 'AWAITING_UPLOAD',
      contentType: contentType ?? null,
      byteSize: byteSize?.value ?? null,
      sha256: null,
      blobKey: null,
      downloadUrl: null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    };
    // Present: `usable` checked REQUEST_FILE_UPLOAD, and the method comes with the capability.
    const issued = await usable.value.requestFileUpload!({ file: draft, contentType, byteSize: byteSize?.value });
    if (!issued.ok) return issued;
    const patch = issued.value.patch;
    // A provider that names its files (Dodo's file_id) gives the global id its last segment.
    const localId = patch.providerFileId ?? fileId;
    const file: FileRecord = {
      ...draft,
      ...patch,
      fileId: localId,
      id: formatGlobalId({ kind: 'ProductFile', provider: providerName, productId: input.productId, localId }),
    };
    const exceeded = await this.options.index.insertFileWithin(file, {
      limits: this.options.limits,
      pendingUntil: Math.floor(issued.value.target.expiresAt.getTime() / 1000),
    });
    if (exceeded) return limitFailure(exceeded);
    return ok({ file, upload: issued.value.target });
  }

  async updateImage(input: UpdateImageInput): Promise<Result<ImageRecord>> {
    const parsed = this.parseImageId(input.id, ['input', 'id']);
    if (!parsed.ok) return parsed;
    if (input.file != null && input.sourceUrl != null) {
      return fail('INVALID_INPUT', 'Give file or sourceUrl, not both', { field: ['input', 'sourceUrl'] });
    }
    const changes: ImageChanges = {};
    for (const key of ['ordering', 'enabled', 'thumbnail'] as const) {
      if (input[key] === null) return fail('INVALID_INPUT', `${key} cannot be null`, { field: ['input', key] });
    }
    if (input.ordering != null) {
      if (!isValidOrdering(input.ordering)) {
        return fail('INVALID_INPUT', `ordering must be a whole number from 0 to ${MAX_ORDERING}`, {
          field: ['input', 'ordering'],
        });
      }
      changes.ordering = input.ordering;
    }
    if (input.enabled != null) changes.enabled = input.enabled;
    if (input.thumbnail != null) changes.thumbnail = input.thumbnail;
    if (input.name !== undefined) {
      const name = input.name === null ? ok(null) : cleanText(input.name, ['input', 'name'], MAX_NAME_LENGTH);
      if (!name.ok) return name;
      changes.name = name.value;
    }
    if (input.alt !== undefined) {
      const alt = input.alt === null ? ok(null) : cleanText(input.alt, ['input', 'alt'], MAX_ALT_LENGTH);
      if (!alt.ok) return alt;
      changes.alt = alt.value;
    }

    const usable = this.providers.usable(parsed.value.provider);
    if (!usable.ok) return usable;
    const provider = usable.value;
    const needed: [MediaCapability, string][] = (Object.keys(changes) as (keyof ImageChanges)[]).map((key) => [
      CAPABILITY_OF_CHANGE[key],
      key,
    ]);
    if (input.file != null) needed.push(['REPLACE_IMAGE_FILE', 'file']);
    if (input.sourceUrl != null) needed.push(['IMAGE_FROM_URL', 'sourceUrl']);
    const storable = this.providers.canStore(provider, needed);
    if (!storable.ok) return storable;
    const unthumbnail = changes.thumbnail === false ? unthumbnailProblem(provider) : undefined;
    if (unthumbnail) {
      return fail('INVALID_INPUT', unthumbnail, { field: ['input', 'thumbnail'], provider: provider.name });
    }
    let passedUrl: ImageContent | undefined;
    if (input.sourceUrl != null && provider.fetchesSourceUrls) {
      const url = checkSourceUrl(input.sourceUrl);
      if (!url.ok) return url;
      passedUrl = { kind: 'url', url: url.value };
    }
    const found = await this.imageFor(parsed.value, ['input', 'id']);
    if (!found.ok) return found;
    const { image, isNew } = found.value;
    const bringsBytes = input.file != null || input.sourceUrl != null;
    if (changes.thumbnail === true && !bringsBytes) {
      const placeholder = placeholderConflict(image, ['input', 'thumbnail']);
      if (!placeholder.ok) return placeholder;
    }
    if (isNew) {
      const within = await this.checkProductLimits(image.productId, { newImage: true, newPlaceholder: false });
      if (!within.ok) return within;
    }

    return this.intake.withIncomingFile(async (spoolPath) => {
      let content = passedUrl;
      if (!content && (input.file != null || input.sourceUrl != null)) {
        const received = await this.receiveImageBytes(provider, input, spoolPath);
        if (!received.ok) return received;
        content = { kind: 'bytes', bytes: received.value };
      }
      const providerChanges = changesForProvider(provider, changes);
      const hasProviderWork = content !== undefined || Object.values(providerChanges).some((v) => v !== undefined);
      const written = hasProviderWork ? await provider.writeImage(image, providerChanges, content) : ok<ImagePatch>({});
      if (!written.ok) return written;
      const patch: ImagePatch = { ...written.value };
      if (changes.thumbnail === false) patch.isThumbnail = false;
      const saved = await this.recordImage(provider, image, patch, changes.thumbnail === true, { isNew });
      if (!saved.ok) return saved;
      return ok(saved.value.after);
    }, bringsBytes);
  }

  async setThumbnail(imageId: string): Promise<Result<ImageRecord>> {
    const parsed = this.parseImageId(imageId, ['input', 'imageId']);
    if (!parsed.ok) return parsed;
    const usable = this.providers.usable(parsed.value.provider, 'SET_THUMBNAIL', ['input', 'imageId']);
    if (!usable.ok) return usable;
    const provider = usable.value;
    const found = await this.imageFor(parsed.value, ['input', 'imageId']);
    if (!found.ok) return found;
    const { image, isNew } = found.value;
    const placeholder = placeholderConflict(image, ['input', 'imageId']);
    if (!placeholder.ok) return placeholder;
    let patch: ImagePatch = {};
    if (!alwaysThumbnail(provider)) {
      const written = await provider.writeImage(image, { thumbnail: true }, undefined);
      if (!written.ok) return written;
      patch = written.value;
    }
    const saved = await this.recordImage(provider, image, patch, true, { isNew });
    return saved.ok ? ok(saved.value.after) : saved;
  }

  /**
   * `deleteImage`: LOCAL images, and at any provider a placeholder that never
   * received bytes (remote providers have no delete operation: refused with
   * no call). The row goes in one transaction, its bytes right after, so its
   * URLs answer 404 from then on. Returns the deleted image.
   */
  async deleteImage(idText: string): Promise<Result<ImageRecord>> {
    const field = ['input', 'id'];
    const parsed = this.parseImageId(idText, field);
    if (!parsed.ok) return parsed;
    const usable = this.providers.usable(parsed.value.provider);
    if (!usable.ok) return usable;
    const provider = usable.value;
    const image = await this.options.index.getImage(formatGlobalId(parsed.value));
    const deletable = provider.capabilities.has('DELETE_IMAGE') || image?.status === 'AWAITING_UPLOAD';
    if (!deletable) return this.providers.usable(provider.name, 'DELETE_IMAGE', field) as Result<never>;
    if (!image) return fail('NOT_FOUND', 'No such image', { field });
    const deleted = await this.options.index.deleteImage(image.id);
    if (!deleted) return fail('NOT_FOUND', 'No such image', { field });
    await this.discard(provider, deleted.blobKeys, image.imageId);
    return ok(deleted.record);
  }

  /** `deleteFile`: as {@link deleteImage}, for a file. */
  async deleteFile(idText: string): Promise<Result<FileRecord>> {
    const field = ['input', 'id'];
    const id = parseGlobalId(idText, 'ProductFile');
    if (!id) return fail('INVALID_ID', 'Not a ProductFile id', { field });
    const usable = this.providers.usable(id.provider);
    if (!usable.ok) return usable;
    const provider = usable.value;
    const file = await this.options.index.getFile(formatGlobalId(id));
    const deletable = provider.capabilities.has('DELETE_FILE') || file?.status === 'AWAITING_UPLOAD';
    if (!deletable) return this.providers.usable(provider.name, 'DELETE_FILE', field) as Result<never>;
    if (!file) return fail('NOT_FOUND', 'No such file', { field });
    const deleted = await this.options.index.deleteFile(file.id);
    if (!deleted) return fail('NOT_FOUND', 'No such file', { field });
    await this.discard(provider, deleted.blobKeys, file.fileId);
    return ok(deleted.record);
  }

  /**
   * `reorderImages`: the listed images of one product and provider first, in
   * the given order, the provider's other images of the product after them in
   * their present order; orderings become 0, 1, 2, ... Any id that is not one
   * of those images refuses the whole request before anything changes. LOCAL
   * is one index transaction; a remote provider gets one write per image
   * whose position changes, in order, stopping at the first refusal, which
   * comes back with the product as it now is.
   */
  async reorderImages(input: ReorderImagesInput): Promise<{ productId: string | null; error?: MediaError }> {
    const refused = (error: MediaError) => ({ productId: null, error });
    const ids: GlobalId[] = [];
    for (const [index, text] of input.imageIds.entries()) {
      const parsed = parseGlobalId(text, 'ProductImage');
      if (!parsed)
        return refused(
          mediaError('INVALID_ID', 'Not a ProductImage id', { field: ['input', 'imageIds', String(index)] }),
        );
      ids.push(parsed);
    }
    const providerName = input.provider ?? ids[0]?.provider ?? this.options.defaultProvider;
    const usable = this.providers.usable(providerName, 'REORDER_IMAGES', ['input', 'provider']);
    if (!usable.ok) return refused(usable.error);
    const provider = usable.value;
    const productId = this.checkProductId(provider, input.productId, ['input', 'productId']);
    if (!productId.ok) return refused(productId.error);
    const present = (
      (await this.options.index.imagesByProductIds([input.productId])).get(input.productId) ?? []
    ).filter((image) => image.provider === providerName);
    const byId = new Map(present.map((image) => [image.id, image]));
    const listed: ImageRecord[] = [];
    for (const [index, id] of ids.entries()) {
      const image = byId.get(formatGlobalId(id));
      const field = ['input', 'imageIds', String(index)];
      if (!image) {
        return refused(
          mediaError('INVALID_INPUT', `Not an image of product ${input.productId} at ${providerName}`, { field }),
        );
      }
      if (listed.includes(image)) return refused(mediaError('INVALID_INPUT', 'The image is listed twice', { field }));
      listed.push(image);
    }
    const order = [...listed, ...present.filter((image) => !listed.includes(image))];
    if (provider.metadataInIndex) {
      const done = await this.options.index.setOrderings(
        input.productId,
        order.map((image, ordering) => ({ id: image.id, ordering })),
      );
      if (!done) return refused(mediaError('CONFLICT', 'The product’s images changed meanwhile; ask again'));
      return { productId: input.productId };
    }
    for (const [ordering, image] of order.entries()) {
      if (image.ordering === ordering) continue;
      const written = await provider.writeImage(image, { ordering }, undefined);
      const saved = written.ok ? await this.recordImage(provider, image, written.value) : written;
      if (!saved.ok) {
        const field = ordering < listed.length ? ['input', 'imageIds', String(ordering)] : ['input', 'imageIds'];
        return { productId: input.productId, error: { ...saved.error, field } };
      }
    }
    return { productId: input.productId };
  }

  /**
   * `confirmImageUpload`: the client says its PUT to the image's upload target
   * succeeded. Dodo takes its word (READY, no call); LOCAL with direct uploads
   * checks and processes the uploaded bytes ({@link UploadReceiver.confirm});
   * otherwise the subgraph received the bytes itself and the image is answered
   * as it is. `record` is null only when the id names nothing.
   */
  async confirmImageUpload(idText: string): Promise<ConfirmOutcome<ImageRecord>> {
    const field = ['input', 'id'];
    const parsed = this.parseImageId(idText, field);
    if (!parsed.ok) return { record: null, error: parsed.error };
    const usable = this.providers.usable(parsed.value.provider, 'CONFIRM_UPLOAD', field);
    if (!usable.ok) return { record: null, error: usable.error };
    const provider = usable.value;
    const image = await this.options.index.getImage(formatGlobalId(parsed.value));
    if (!image) return { record: null, error: mediaError('NOT_FOUND', 'No such image', { field }) };
    if (!provider.confirmImageUpload) return this.receiver.confirm('image', image, provider);
    if (image.status !== 'AWAITING_UPLOAD') return { record: image };
    const patch = await provider.confirmImageUpload(image);
    const saved = patch.ok ? await this.recordImage(provider, image, patch.value) : patch;
    return saved.ok ? { record: saved.value.after } : { record: image, error: saved.error };
  }

  /** `confirmFileUpload`: as {@link confirmImageUpload}, for a file. */
  async confirmFileUpload(idText: string): Promise<ConfirmOutcome<FileRecord>> {
    const field = ['input', 'id'];
    const id = parseGlobalId(idText, 'ProductFile');
    if (!id) return { record: null, error: mediaError('INVALID_ID', 'Not a ProductFile id', { field }) };
    const usable = this.providers.usable(id.provider, 'CONFIRM_UPLOAD', field);
    if (!usable.ok) return { record: null, error: usable.error };
    const provider = usable.value;
    const file = await this.options.index.getFile(formatGlobalId(id));
    if (!file) return { record: null, error: mediaError('NOT_FOUND', 'No such file', { field }) };
    if (!provider.confirmFileUpload) return this.receiver.confirm('file', file, provider);
    if (file.status !== 'AWAITING_UPLOAD') return { record: file };
    const patch = await provider.confirmFileUpload(file);
    if (!patch.ok) return { record: file, error: patch.error };
    const saved = await this.options.index.updateFile(file.id, { ...patch.value, failureReason: null });
    return {
      record: saved?.after ?? null,
      error: saved ? undefined : mediaError('NOT_FOUND', 'No such file', { field }),
    };
  }

  /** `PUT /uploads/<token>`: see {@link UploadReceiver.receive}. */
  receiveUpload(token: string, body: Readable, declaredLength: number | undefined): Promise<UploadOutcome> {
    return this.receiver.receive(token, body, declaredLength);
  }

  private async receiveImageBytes(
    provider: MediaProviderAdapter,
    input: UpdateImageInput,
    spoolPath: string,
  ): Promise<Result<ReceivedBytes>> {
    const field = ['input', input.file != null ? 'file' : 'sourceUrl'];
    let source: Readable;
    if (input.file != null) {
      // graphql-upload-minimal rejects or throws here when the file part is missing, malformed or already too big.
      try {
        source = (await input.file).createReadStream();
      } catch (err) {
        throw incomingFailure(new SourceStreamError(err), 'multipart', this.options.maxImageBytes, field);
      }
    } else {
      source = await openSourceUrl(input.sourceUrl!, this.options.sourceFetch);
    }
    const spooled = await this.intake.spool(
      source,
      spoolPath,
      this.options.maxImageBytes,
      input.file != null ? 'multipart' : 'sourceUrl',
      field,
    );
    const type = decidedImageType(sniffContentType(spooled.head), undefined);
    if (!type.ok) return { ok: false, error: { ...type.error, field } };
    const storable = this.providers.checkImageType(provider, type.value, field);
    if (!storable.ok) return storable;
    return ok({ ...spooled, contentType: type.value });
  }

  private optionalText(
    value: string | null | undefined,
    field: string[],
    max: number,
  ): Result<string | null | undefined> {
    if (value === undefined || value === null) return ok(undefined);
    return cleanText(value, field, max);
  }
}
