import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXTENSION_BY_TYPE, isAllowedImageType } from '../../domain/content-type';
import { catchMediaError, fail, ok, type Result } from '../../domain/errors';
import type { FileRecord, ImageRecord, StoredVariant } from '../../domain/model';
import type { ImageProcessor } from '../../media/processing/types';
import {
  fileDataKey,
  fileFolderKey,
  imageFolderKey,
  imagePublicPath,
  imageRevisionKey,
  objectHeaders,
  revisionFolderOf,
} from './layout';
import type { DownloadLinks } from '../../media/download-links';
import { subgraphUploadTarget, type UploadGrants } from '../../media/upload-grants';
import type { ObjectStorage } from '../../store/object-storage';
import type { FilePatch, ImagePatch } from '../../store/media-index';
import type {
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
];

export interface LocalProviderOptions {
  storage: ObjectStorage;
  grants: UploadGrants;
  maxImageBytes: number;
  maxFileBytes: number;
  /** Decodes and renders images, away from the serving process. */
  images: ImageProcessor;
  links: DownloadLinks;
}

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
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(LOCAL_CAPABILITIES);

  constructor(private readonly options: LocalProviderOptions) {}

  async requestImageUpload(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>> {
    const target = await subgraphUploadTarget(
      this.options.grants,
      'image',
      request.image.id,
      request,
      this.options.maxImageBytes,
    );
    return ok({ target, patch: {} });
  }

  async requestFileUpload(request: FileUploadRequest): Promise<Result<IssuedUpload<FilePatch>>> {
    const target = await subgraphUploadTarget(
      this.options.grants,
      'file',
      request.file.id,
      request,
      this.options.maxFileBytes,
    );
    return ok({ target, patch: {} });
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
    const stored = await this.storeImageBytes(image, content.bytes);
    return stored.ok ? ok({ ...patch, ...stored.value }) : stored;
  }

  private storeImageBytes(image: ImageRecord, bytes: ReceivedBytes): Promise<Result<ImagePatch>> {
    if (!isAllowedImageType(bytes.contentType)) {
      return Promise.resolve(fail('UNSUPPORTED_MEDIA_TYPE', `${bytes.contentType} is not an allowed image type`));
    }
    const revision = randomUUID();
    const folderKey = imageFolderKey(image.imageId);
    return this.buildRevision(folderKey, imageRevisionKey(image.imageId, revision), async (staging) => {
      // The bytes as received stay private (`source.*`, never served); what is served is rendered from them.
      const sourcePath = path.join(staging, `source.${EXTENSION_BY_TYPE[bytes.contentType]}`);
      await fs.rename(bytes.path, sourcePath);
      const rendered = await this.options.images.render(sourcePath, bytes.contentType, staging);
      const served = (fileName: string) => imagePublicPath(image.imageId, revision, fileName);
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
        contentType: bytes.contentType,
        byteSize: rendered.original.byteSize,
        sha256: bytes.sha256,
        blobKey: imageRevisionKey(image.imageId, revision),
        variants,
      });
    });
  }

  async writeFile(file: FileRecord, bytes: ReceivedBytes): Promise<Result<FilePatch>> {
    const revision = randomUUID();
    const folderKey = fileFolderKey(file.fileId);
    return this.buildRevision(folderKey, revisionFolderOf(fileDataKey(file.fileId, revision)), async (staging) => {
      await fs.rename(bytes.path, path.join(staging, 'data'));
      return ok<FilePatch>({
        status: 'READY',
        contentType: bytes.contentType,
        byteSize: bytes.byteSize,
        sha256: bytes.sha256,
        blobKey: fileDataKey(file.fileId, revision),
      });
    });
  }

  downloadUrl(file: FileRecord): string | null {
    return file.blobKey ? this.options.links.create(file.blobKey, file.fileName) : null;
  }

  async discardImageRevision(before: ImageRecord, after: ImageRecord): Promise<void> {
    if (before.blobKey && before.blobKey !== after.blobKey) await this.options.storage.removeFolder(before.blobKey);
  }

  async discardFileRevision(before: FileRecord, after: FileRecord): Promise<void> {
    if (before.blobKey && before.blobKey !== after.blobKey) {
      await this.options.storage.removeFolder(revisionFolderOf(before.blobKey));
    }
  }

  /**
   * Builds a revision in a local staging folder and publishes it as
   * `revisionKey` once every file in it is written; on any failure the staging
   * folder is removed and nothing is left behind.
   */
  private async buildRevision<P>(
    ownerKey: string,
    revisionKey: string,
    build: (staging: string) => Promise<Result<P>>,
  ): Promise<Result<P>> {
    const { storage } = this.options;
    const staging = await storage.localTempPath(ownerKey);
    await fs.mkdir(staging, { recursive: true });
    try {
      const result = await catchMediaError(() => build(staging));
      if (result.ok) await storage.publishFolder(staging, revisionKey, objectHeaders);
      return result;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
}
