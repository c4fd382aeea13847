import { randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { isAllowedImageType } from '../../domain/content-type';
import { catchMediaError, fail, ok, type Result } from '../../domain/errors';
import type { FileRecord, ImageRecord, PendingRevision, StoredVariant, UploadTarget } from '../../domain/model';
import {
  checkTransform,
  renditionShape,
  SRCSET_WIDTHS,
  type CheckedTransform,
  type ImageFormat,
} from '../../media/image-transforms';
import type {
  ImageProcessor,
  ImageSummary,
  RenderedImage,
  RenditionFormat,
  WrittenFile,
} from '../../media/processing/types';
import type { RenditionLinks } from '../../media/rendition-links';
import { currentLog } from '../../observability/log';
import {
  directUploadFolderKey,
  directUploadsOf,
  directUploadKey,
  fileDataKey,
  fileFolderKey,
  imageFolderKey,
  imagePublicPath,
  imageRevisionKey,
  isOriginalFileName,
  objectHeaders,
  renditionKeys,
  renditionsFolderOf,
  renditionSpecName,
  servedImageType,
  revisionFolderOf,
  revisionFoldersOf,
  sourceFileName,
  sourceObjectKey,
  sourceRevisionKey,
  type RenditionSpec,
} from './layout';
import type { DownloadLinks } from '../../media/download-links';
import { subgraphUploadTarget, type UploadGrants } from '../../media/upload-grants';
import { ObjectMissing, type ObjectStorage } from '../../store/object-storage';
import type { FilePatch, ImagePatch } from '../../store/media-index';
import type {
  DirectUpload,
  FileUploadRequest,
  ImageChanges,
  ImageContent,
  ImageUploadRequest,
  IssuedUpload,
  MediaCapability,
  MediaProviderAdapter,
  ReceivedBytes,
} from '../provider';

const LOCAL_CAPABILITIES: MediaCapability[] = [
  'REQUEST_IMAGE_UPLOAD',
  'REQUEST_FILE_UPLOAD',
  'REPLACE_IMAGE_FILE',
  'IMAGE_FROM_URL',
  'UPDATE_ALT',
  'UPDATE_NAME',
  'UPDATE_ORDERING',
  'UPDATE_ENABLED',
  'SET_THUMBNAIL',
  'IMAGE_VARIANTS',
  'CONFIRM_UPLOAD',
  'DELETE_IMAGE',
  'DELETE_FILE',
  'REORDER_IMAGES',
];

export interface LocalProviderOptions {
  storage: ObjectStorage;
  grants: UploadGrants;
  maxImageBytes: number;
  maxFileBytes: number;
  /** Decodes and renders images, away from the serving process. */
  images: ImageProcessor;
  links: DownloadLinks;
  /** Signs the paths of renditions on request. */
  renditions: RenditionLinks;
  /** Renditions on request kept per image revision (`MEDIA_MAX_RENDITIONS_PER_IMAGE`). */
  maxRenditionsPerImage: number;
  /**
   * Hand out presigned PUT URLs of the bucket instead of the subgraph's own
   * (`MEDIA_S3_DIRECT_UPLOADS`); needs storage that presigns.
   */
  directUploads?: boolean;
}

/** The type a direct file upload is signed for when the client declared none. */
const UNDECLARED_FILE_TYPE = 'application/octet-stream';

/** The encoder behind each file extension of a rendition on request. */
const RENDITION_FORMAT_BY_EXTENSION: Record<string, RenditionFormat> = {
  jpg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  gif: 'gif',
};

/** How long a rendition that could not be made is served by its fallback before it is tried again, in ms. */
const UNMADE_RETRY_MS = 10 * 60 * 1000;
/** Most renditions remembered as not made (a bound on memory, not on correctness). */
const UNMADE_REMEMBERED = 1000;

/** Where a rendition on request is: stored (its key), or, past the cap, a fixed rendition to redirect to. */
export type RenditionOutcome = { key: string } | { fallback: string };

/**
 * The subgraph's own storage: bytes in object storage, metadata only in the
 * index. Each upload becomes a new revision folder, built locally and
 * published whole before its row names it, so readers never see a partial
 * revision.
 */
export class LocalProvider implements MediaProviderAdapter {
  readonly name = 'LOCAL' as const;
  readonly singleImage = false;
  readonly configured = true;
  readonly metadataInIndex = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(LOCAL_CAPABILITIES);

  /** Present only with direct uploads: otherwise every upload target is the subgraph's own. */
  readonly directUpload?: (ownerId: string, tokenId: string) => Promise<DirectUpload | undefined>;

  /** Renditions being made, by object key: concurrent first requests wait for one render. */
  private readonly making = new Map<string, Promise<Result<RenditionOutcome>>>();
  /** How many renditions of each image revision (blob key) are being made now, for the cap. */
  private readonly rendering = new Map<string, number>();
  /**
   * Renditions that could not be made (too costly to decode in time), by
   * object key, until when they are not tried again: each try holds a worker
   * for up to MEDIA_PROCESSING_TIMEOUT_MS. Oldest first, at most {@link UNMADE_REMEMBERED}.
   */
  private readonly unmade = new Map<string, number>();

  constructor(private readonly options: LocalProviderOptions) {
    const presigns = typeof options.storage.presignPut === 'function';
    if (options.directUploads && !presigns) throw new Error('Direct uploads need storage that presigns URLs (S3)');
    if (options.directUploads) this.directUpload = (ownerId, tokenId) => this.readDirectUpload(ownerId, tokenId);
  }

  requestImageUpload(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>> {
    return this.uploadTarget('image', request.image.id, request.image.imageId, request, this.options.maxImageBytes);
  }

  requestFileUpload(request: FileUploadRequest): Promise<Result<IssuedUpload<FilePatch>>> {
    return this.uploadTarget('file', request.file.id, request.file.fileId, request, this.options.maxFileBytes);
  }

  /**
   * The subgraph's own upload URL, or with direct uploads a presigned PUT URL
   * of the bucket, signed for the declared type and exact length (which it
   * then needs: an unsigned length would let a client store any size).
   */
  private async uploadTarget<P>(
    kind: 'image' | 'file',
    targetId: string,
    ownerId: string,
    declared: { contentType?: string; byteSize?: number },
    maxBytes: number,
  ): Promise<Result<IssuedUpload<P>>> {
    const { grants, storage } = this.options;
    if (!this.options.directUploads) {
      return ok({ target: await subgraphUploadTarget(grants, kind, targetId, declared, maxBytes), patch: {} as P });
    }
    const straight = 'Uploads go straight to the bucket (MEDIA_S3_DIRECT_UPLOADS), whose URL signs';
    if (declared.byteSize === undefined) {
      return fail('INVALID_INPUT', `${straight} the exact length: give byteSize`, { field: ['input', 'byteSize'] });
    }
    if (kind === 'image' && declared.contentType === undefined) {
      return fail('INVALID_INPUT', `${straight} the type: give contentType`, { field: ['input', 'contentType'] });
    }
    const contentType = declared.contentType ?? UNDECLARED_FILE_TYPE;
    // The grant is recorded as the target's newest token (revoking older URLs) and names the upload's key.
    const { grant } = await grants.issue({ kind, target: targetId, maxBytes: declared.byteSize, ...declared });
    const expiresIn = Math.max(1, grant.exp - Math.floor(Date.now() / 1000));
    const url = await storage.presignPut!(
      directUploadKey(ownerId, grant.jti),
      { contentType, contentLength: declared.byteSize },
      expiresIn,
    );
    const target: UploadTarget = {
      url,
      method: 'PUT',
      headers: [{ name: 'Content-Type', value: contentType }],
      expiresAt: new Date(grant.exp * 1000),
    };
    return ok({ target, patch: {} as P });
  }

  /** The bytes a client PUT straight to the bucket; present only with direct uploads. */
  private async readDirectUpload(ownerId: string, tokenId: string): Promise<DirectUpload | undefined> {
    const { storage } = this.options;
    const key = directUploadKey(ownerId, tokenId);
    const stored = await storage.stat(key);
    if (!stored) return undefined;
    return {
      size: stored.size,
      declaredType: stored.contentType,
      open: () => storage.read(key),
      remove: () => storage.removeFolder(directUploadFolderKey(ownerId, tokenId)),
    };
  }

  async writeImage(image: ImageRecord, changes: ImageChanges, content: ImageContent | undefined) {
    const patch: ImagePatch = {};
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.alt !== undefined) patch.alt = changes.alt;
    if (changes.ordering !== undefined) patch.ordering = changes.ordering;
    if (changes.enabled !== undefined) patch.enabled = changes.enabled;
    if (!content) return ok(patch);
    // LOCAL does not set `fetchesSourceUrls`: the service always hands it bytes.
    if (content.kind !== 'bytes') return fail<ImagePatch>('INVALID_INPUT', 'LOCAL stores bytes, not URLs');
    const stored = await this.storeImageSource(image, content.bytes);
    return stored.ok ? ok({ ...patch, ...stored.value }) : stored;
  }

  /**
   * Stores the bytes as received, durably, as the private source of a new
   * revision; nothing is decoded yet. The patch names the revision as pending:
   * {@link processImage} makes it current.
   */
  private storeImageSource(image: ImageRecord, bytes: ReceivedBytes): Promise<Result<ImagePatch>> {
    if (!isAllowedImageType(bytes.contentType)) {
      return Promise.resolve(fail('UNSUPPORTED_MEDIA_TYPE', `${bytes.contentType} is not an allowed image type`));
    }
    const revision = randomUUID();
    return this.buildRevision(imageFolderKey(image.imageId), async (folderFor) => {
      const sourceDir = await folderFor(sourceRevisionKey(image.imageId, revision));
      await fs.rename(bytes.path, path.join(sourceDir, sourceFileName(bytes.contentType)));
      const pendingRevision = {
        blobKey: imageRevisionKey(image.imageId, revision),
        contentType: bytes.contentType,
        sha256: bytes.sha256,
      };
      return ok<ImagePatch>({ pendingRevision });
    });
  }

  async processImage(image: ImageRecord, pending: PendingRevision): Promise<Result<ImagePatch>> {
    const { storage } = this.options;
    // What an attempt cut off by a crash or a shutdown published would stop this one's publish.
    await storage.removeFolder(pending.blobKey);
    return this.buildRevision(imageFolderKey(image.imageId), async (folderFor, scratch) => {
      // The bytes as received stay private (`sources/…`, never served); what is served is rendered from them.
      const servedDir = await folderFor(pending.blobKey);
      let rendered: RenderedImage;
      try {
        rendered = await this.withLocalFile(
          sourceObjectKey(pending.blobKey, pending.contentType),
          path.join(scratch, sourceFileName(pending.contentType)),
          (sourcePath) => this.options.images.render(sourcePath, pending.contentType, servedDir),
        );
      } catch (err) {
        if (!(err instanceof ObjectMissing)) throw err;
        // Not a passing failure: trying again would find nothing either.
        return fail<ImagePatch>('NOT_FOUND', 'The uploaded bytes are no longer in storage; upload them again');
      }
      const served = (fileName: string) => imagePublicPath(pending.blobKey, fileName);
      const size = { width: rendered.width, height: rendered.height };
      const variants: StoredVariant[] = [
        {
          kind: 'ORIGINAL',
          location: served(rendered.original.fileName),
          ...size,
          contentType: rendered.original.contentType,
        },
        ...rendered.renditions.map((r) => ({
          kind: r.kind,
          location: served(r.fileName),
          width: r.width,
          height: r.height,
          contentType: r.contentType,
        })),
      ];
      return ok<ImagePatch>({
        status: 'READY',
        ...size,
        contentType: pending.contentType,
        byteSize: rendered.original.byteSize,
        sha256: pending.sha256,
        blobKey: pending.blobKey,
        variants,
        pendingRevision: null,
        failureReason: null,
        thumbhash: rendered.thumbhash,
        dominantColor: rendered.dominantColor,
      });
    });
  }

  async writeFile(file: FileRecord, bytes: ReceivedBytes): Promise<Result<FilePatch>> {
    const revision = randomUUID();
    const dataKey = fileDataKey(file.fileId, revision);
    return this.buildRevision(fileFolderKey(file.fileId), async (folderFor) => {
      await fs.rename(bytes.path, path.join(await folderFor(revisionFolderOf(dataKey)), 'data'));
      return ok<FilePatch>({
        status: 'READY',
        contentType: bytes.contentType,
        byteSize: bytes.byteSize,
        sha256: bytes.sha256,
        blobKey: dataKey,
      });
    });
  }

  /**
   * The path of the rendition `transform` stands for (signed), or of the
   * served original when that is it; null while the image has no bytes.
   */
  renditionLocation(image: ImageRecord, transform: CheckedTransform): string | null {
    const original = image.variants.find((v) => v.kind === 'ORIGINAL');
    if (!image.blobKey || !original || image.width === null || image.height === null) return original?.location ?? null;
    const shape = renditionShape(transform, { width: image.width, height: image.height }, original.contentType ?? '');
    if (shape === 'original') return original.location;
    return this.options.renditions.create(image.blobKey, renditionSpecName(shape));
  }

  /** `srcset` entries: the ladder's widths below the image's own, then the image at its own width. */
  srcSetLocations(image: ImageRecord, format: ImageFormat): { location: string; width: number }[] {
    const own = image.width;
    if (own === null) return [];
    const widths = [...SRCSET_WIDTHS.filter((w) => w < own), own];
    return widths.flatMap((width) => {
      // The image at its own width is the unbounded transform (its width may be above the largest box side).
      const checked = checkTransform(width === own ? { format } : { maxWidth: width, format });
      const location = checked.ok ? this.renditionLocation(image, checked.value) : null;
      return location ? [{ location, width }] : [];
    });
  }

  /**
   * The ThumbHash and dominant colour of the image's current revision, from
   * its largest fixed rendition (at most 1000 px: the summary is made from
   * 100 px anyway); undefined when the revision has no bytes any more.
   */
  async summarise(image: ImageRecord): Promise<ImageSummary | undefined> {
    const from = image.variants.find((v) => v.kind === 'STANDARD') ?? image.variants.find((v) => v.kind === 'ORIGINAL');
    if (!image.blobKey || !from) return undefined;
    const fileName = from.location.slice(from.location.lastIndexOf('/') + 1);
    const { storage } = this.options;
    const scratch = await storage.localTempPath(imageFolderKey(image.imageId));
    try {
      return await this.withLocalFile(`${image.blobKey}/${fileName}`, scratch, (file) =>
        this.options.images.summarise(file),
      );
    } catch (err) {
      if (err instanceof ObjectMissing) return undefined;
      throw err;
    } finally {
      await fs.rm(scratch, { force: true });
    }
  }

  /** Whether `signature` is the one this subgraph handed out for the rendition `specName` of `blobKey`. */
  handedOut(blobKey: string, specName: string, signature: string): boolean {
    return this.options.renditions.verify(blobKey, specName, signature);
  }

  /**
   * The rendition `spec` of the image revision `blobKey`, made on its first
   * request and stored: concurrent requests for it wait for one render. Past
   * `maxRenditionsPerImage` stored renditions, nothing more is made: the
   * outcome names the fixed rendition to send the client to instead.
   * NOT_FOUND when the revision is gone (deleted, or replaced past its grace).
   */
  rendition(blobKey: string, spec: RenditionSpec): Promise<Result<RenditionOutcome>> {
    const { key } = renditionKeys(blobKey, spec);
    let made = this.making.get(key);
    if (!made) {
      made = this.makeRendition(blobKey, spec).finally(() => this.making.delete(key));
      this.making.set(key, made);
    }
    return made;
  }

  private async makeRendition(blobKey: string, spec: RenditionSpec): Promise<Result<RenditionOutcome>> {
    const { storage } = this.options;
    const { key } = renditionKeys(blobKey, spec);
    if (await storage.stat(key)) return ok({ key });
    const served: string[] = [];
    for await (const object of storage.list(blobKey)) {
      const name = object.key.slice(object.key.lastIndexOf('/') + 1);
      if (object.key === `${blobKey}/${name}`) served.push(name);
    }
    const originalName = served.find(isOriginalFileName);
    if (!originalName) return fail('NOT_FOUND', 'No such image revision');
    // A browser shows the original, except a TIFF: then the largest fixed rendition (a PNG).
    const fallback = imagePublicPath(
      blobKey,
      originalName.endsWith('.tif') ? (served.find((n) => n.startsWith('standard.')) ?? originalName) : originalName,
    );
    if ((this.unmade.get(key) ?? 0) > Date.now()) return ok({ fallback });
    // A place is taken before the stored ones are counted, and renders under way count too: a render that
    // finishes meanwhile is either still counted as running or already listed as stored, never neither.
    // (The cap holds per process; several replicas may each keep up to it.)
    const running = (this.rendering.get(blobKey) ?? 0) + 1;
    this.rendering.set(blobKey, running);
    try {
      let kept = 0;
      for await (const object of storage.list(renditionsFolderOf(blobKey))) {
        if (object.key.slice(object.key.lastIndexOf('/') + 1).startsWith('rendition.')) kept += 1;
      }
      if (kept + running > this.options.maxRenditionsPerImage) return ok({ fallback });
      const made = await this.renderAndStore(blobKey, spec, originalName);
      if (made.ok || made.error.code === 'NOT_FOUND' || made.error.code === 'PROVIDER_UNAVAILABLE') return made;
      // The image is there but this rendition cannot be made (too costly to decode in time): the fallback is.
      currentLog().warn({ key, error: made.error.message }, 'rendition not made; serving a fixed one');
      this.unmade.delete(key);
      this.unmade.set(key, Date.now() + UNMADE_RETRY_MS);
      if (this.unmade.size > UNMADE_REMEMBERED) this.unmade.delete(this.unmade.keys().next().value!);
      return ok({ fallback });
    } finally {
      const left = (this.rendering.get(blobKey) ?? 1) - 1;
      if (left > 0) this.rendering.set(blobKey, left);
      else this.rendering.delete(blobKey);
    }
  }

  /** Renders one rendition from the revision's served original and publishes it; NOT_FOUND once the revision is gone. */
  private async renderAndStore(
    blobKey: string,
    spec: RenditionSpec,
    originalName: string,
  ): Promise<Result<RenditionOutcome>> {
    const { storage } = this.options;
    const { folder, key, fileName } = renditionKeys(blobKey, spec);
    const originalType = servedImageType(originalName)!;
    let made: Result<RenditionOutcome>;
    try {
      made = await this.buildRevision(renditionsFolderOf(blobKey), async (folderFor, scratch) => {
        const outPath = path.join(await folderFor(folder), fileName);
        let written: WrittenFile;
        try {
          written = await this.withLocalFile(`${blobKey}/${originalName}`, path.join(scratch, originalName), (file) =>
            this.options.images.renderRendition(file, originalType, outPath, {
              width: spec.width,
              height: spec.height,
              crop: spec.crop,
              format: RENDITION_FORMAT_BY_EXTENSION[spec.extension]!,
            }),
          );
        } catch (err) {
          if (err instanceof ObjectMissing) return fail<RenditionOutcome>('NOT_FOUND', 'No such image revision');
          throw err;
        }
        currentLog().info(
          { key, width: written.width, height: written.height, bytes: written.byteSize },
          'rendition made',
        );
        return ok<RenditionOutcome>({ key });
      });
    } catch (err) {
      // Another replica published the same rendition first: its bytes are the same.
      if (await storage.stat(key)) return ok({ key });
      throw err;
    }
    // The revision went (deleted, or replaced past its grace) while this rendered: what was published goes too.
    if (made.ok && !(await storage.stat(`${blobKey}/${originalName}`))) {
      await storage.removeFolder(folder);
      return fail('NOT_FOUND', 'No such image revision');
    }
    return made;
  }

  downloadUrl(file: FileRecord): string | null {
    return file.blobKey ? this.options.links.create(file.blobKey, file.fileName) : null;
  }

  async discardBlobs(blobKeys: readonly string[], ownerId?: string): Promise<void> {
    const { storage } = this.options;
    for (const blobKey of blobKeys) {
      for (const folder of revisionFoldersOf(blobKey)) await storage.removeFolder(folder);
    }
    if (ownerId !== undefined && this.options.directUploads) await storage.removeFolder(directUploadsOf(ownerId));
  }

  /**
   * Runs `use` on a local file holding the object `key`: storage's own file
   * where it has one (a folder: no copy), else a copy made at `copyPath`.
   * Rejects with ObjectMissing when the object is not there, also when it
   * went while `use` was reading it in place.
   */
  private async withLocalFile<T>(key: string, copyPath: string, use: (file: string) => Promise<T>): Promise<T> {
    const { storage } = this.options;
    if (!storage.localFile) {
      await pipeline(await storage.read(key), createWriteStream(copyPath));
      return use(copyPath);
    }
    const file = await storage.localFile(key);
    try {
      return await use(file);
    } catch (err) {
      if (!(await storage.stat(key))) throw new ObjectMissing(key);
      throw err;
    }
  }

  /**
   * Builds a revision in a local staging folder: `build` asks `folderFor(key)`
   * for a local folder per revision folder it fills (the private source first),
   * and may keep work files in `scratch`, which is never published.
   * Once it succeeds each is published in that order; on any failure what was
   * published is removed with the staging folder, and nothing is left behind.
   */
  private async buildRevision<P>(
    ownerKey: string,
    build: (folderFor: (key: string) => Promise<string>, scratch: string) => Promise<Result<P>>,
  ): Promise<Result<P>> {
    const { storage } = this.options;
    const staging = await storage.localTempPath(ownerKey);
    await fs.mkdir(staging, { recursive: true });
    const folders = new Map<string, string>();
    const folderFor = async (key: string) => {
      let folder = folders.get(key);
      if (!folder) {
        folder = path.join(staging, `folder-${folders.size}`);
        await fs.mkdir(folder);
        folders.set(key, folder);
      }
      return folder;
    };
    try {
      const scratch = path.join(staging, 'scratch');
      await fs.mkdir(scratch);
      const result = await catchMediaError(() => build(folderFor, scratch));
      if (!result.ok) return result;
      const published: string[] = [];
      try {
        for (const [key, folder] of folders) {
          await storage.publishFolder(folder, key, objectHeaders);
          published.push(key);
        }
      } catch (err) {
        for (const key of published) await storage.removeFolder(key).catch(() => undefined);
        throw err;
      }
      return result;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
}
