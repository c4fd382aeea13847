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
  revisionFolderOf,
} from './layout';
import type { DownloadLinks } from '../../media/download-links';
import { subgraphUploadTarget, type UploadGrants } from '../../media/upload-grants';
import { fsyncPath, TEMP_PREFIX, type BlobStore } from '../../store/blob-store';
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
  blobs: BlobStore;
  grants: UploadGrants;
  maxImageBytes: number;
  maxFileBytes: number;
  /** Decodes and renders images, away from the serving process. */
  images: ImageProcessor;
  links: DownloadLinks;
}

/**
 * The embedded default provider: bytes in the blob store, metadata only in the
 * index. Each upload becomes a new revision folder, built under a temporary
 * name and renamed into place whole, so readers never see a partial revision.
 */
export class LocalProvider implements MediaProviderAdapter {
  readonly name = 'LOCAL' as const;
  readonly singleImage = false;
  readonly configured = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(LOCAL_CAPABILITIES);

  constructor(private readonly options: LocalProviderOptions) {}

  requestImageUpload(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>> {
    const target = subgraphUploadTarget(
      this.options.grants,
      'image',
      request.image.id,
      request,
      this.options.maxImageBytes,
    );
    return Promise.resolve(ok({ target, patch: {} }));
  }

  requestFileUpload(request: FileUploadRequest): Promise<Result<IssuedUpload<FilePatch>>> {
    const target = subgraphUploadTarget(
      this.options.grants,
      'file',
      request.file.id,
      request,
      this.options.maxFileBytes,
    );
    return Promise.resolve(ok({ target, patch: {} }));
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
    return this.buildRevision(folderKey, revision, async (staging) => {
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
    return this.buildRevision(folderKey, revision, async (staging) => {
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
    if (before.blobKey && before.blobKey !== after.blobKey) await this.options.blobs.removeFolder(before.blobKey);
  }

  async discardFileRevision(before: FileRecord, after: FileRecord): Promise<void> {
    if (before.blobKey && before.blobKey !== after.blobKey) {
      await this.options.blobs.removeFolder(revisionFolderOf(before.blobKey));
    }
  }

  /**
   * Builds a revision in `<folder>/.tmp-<revision>` and renames it to
   * `<folder>/<revision>` once every file in it is written and fsynced; on any
   * failure the staging folder is removed and nothing is left behind.
   */
  private async buildRevision<P>(
    folderKey: string,
    revision: string,
    build: (staging: string) => Promise<Result<P>>,
  ): Promise<Result<P>> {
    const folder = this.options.blobs.pathOf(folderKey);
    const staging = path.join(folder, `${TEMP_PREFIX}${revision}`);
    await fs.mkdir(staging, { recursive: true });
    try {
      const result = await catchMediaError(() => build(staging));
      if (!result.ok) {
        await fs.rm(staging, { recursive: true, force: true });
        return result;
      }
      for (const entry of await fs.readdir(staging)) await fsyncPath(path.join(staging, entry));
      await fsyncPath(staging);
      await fs.rename(staging, path.join(folder, revision));
      await fsyncPath(folder);
      return result;
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      throw err;
    }
  }
}
