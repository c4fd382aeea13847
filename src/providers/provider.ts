import type { Readable } from 'node:stream';
import type { CheckedTransform, ImageFormat } from '../media/image-transforms';
import type { Result } from '../domain/errors';
import type { FileRecord, ImageRecord, PendingRevision, ProviderName, UploadTarget } from '../domain/model';
import type { SpooledFile } from '../media/spool';
import type { FilePatch, ImagePatch } from '../store/media-index';

/** What a provider can do, as listed by `mediaProviders`. */
export type MediaCapability =
  | 'REQUEST_IMAGE_UPLOAD'
  | 'REQUEST_FILE_UPLOAD'
  | 'REPLACE_IMAGE_FILE'
  | 'IMAGE_FROM_URL'
  | 'UPDATE_ALT'
  | 'UPDATE_NAME'
  | 'UPDATE_ORDERING'
  | 'UPDATE_ENABLED'
  | 'SET_THUMBNAIL'
  | 'IMAGE_VARIANTS'
  | 'CONFIRM_UPLOAD'
  | 'DELETE_IMAGE'
  | 'DELETE_FILE'
  | 'REORDER_IMAGES';

/** Metadata changes asked of an image; `undefined` = leave as is, `null` = clear. */
export interface ImageChanges {
  name?: string | null;
  alt?: string | null;
  ordering?: number;
  enabled?: boolean;
  thumbnail?: boolean;
}

/** Bytes that arrived in full and whose type was decided from them. */
export interface ReceivedBytes extends SpooledFile {
  contentType: string;
}

/** New content for an image: bytes the subgraph received, or a URL the provider fetches itself (Salla). */
export type ImageContent = { kind: 'bytes'; bytes: ReceivedBytes } | { kind: 'url'; url: string };

export interface ImageUploadRequest {
  /** The image the upload is for: a new, not yet indexed draft, or an indexed image. */
  image: ImageRecord;
  isNew: boolean;
  contentType?: string;
  byteSize?: number;
  forceUpdate?: boolean;
}

export interface FileUploadRequest {
  file: FileRecord;
  contentType?: string;
  byteSize?: number;
}

/** Bytes a client PUT straight into storage (a direct upload), waiting for its confirmation. */
export interface DirectUpload {
  /** Bytes. */
  size: number;
  /** The type the client sent, which its URL signed; undefined where storage keeps none. */
  declaredType: string | undefined;
  open(): Promise<Readable>;
  /** Removes the upload; one already gone is no error. */
  remove(): Promise<void>;
}

/** An upload target and what the index should record about the image or file meanwhile. */
export interface IssuedUpload<P> {
  target: UploadTarget;
  patch: P;
}

/**
 * One place media can live. What it can do is declared once, in
 * `capabilities`; the methods a capability needs are present exactly when it
 * is listed (test/providers/capabilities.test.ts checks both agree). The GraphQL layer and the media service talk to
 * every provider through this, and never see a provider's wire format.
 * Each method returns what the index should record once the provider accepted
 * the write; expected failures are returned, not thrown.
 */
export interface MediaProviderAdapter {
  readonly name: ProviderName;
  /** Holds one image per product; its image id is always `primary`. */
  readonly singleImage: boolean;
  readonly capabilities: ReadonlySet<MediaCapability>;
  /** Whether its credentials are set. */
  readonly configured: boolean;
  /**
   * Its metadata lives in the subgraph's index only (LOCAL): changes to many
   * images are one index transaction, with no call to make.
   */
  readonly metadataInIndex?: boolean;
  /** Takes `updateImage.sourceUrl` as a URL and fetches it itself, instead of being sent the bytes. */
  readonly fetchesSourceUrls?: boolean;
  /** Image types it can store, when fewer than the subgraph accepts (SuperOffice). */
  readonly acceptedImageTypes?: ReadonlySet<string>;
  /**
   * Why a product or media id cannot exist at this provider (Kelviq's uuids,
   * SuperOffice's int32 product ids), or undefined when it can; checked before any call.
   */
  idProblem?(kind: 'product' | 'image' | 'file', id: string): string | undefined;

  /** Hands out an upload target; present exactly when `capabilities` lists REQUEST_IMAGE_UPLOAD. */
  requestImageUpload?(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>>;
  /** Hands out an upload target; present exactly when `capabilities` lists REQUEST_FILE_UPLOAD. */
  requestFileUpload?(request: FileUploadRequest): Promise<Result<IssuedUpload<FilePatch>>>;
  /**
   * Writes new content and/or metadata of an image (already checked against
   * `capabilities`). A patch with `isThumbnail: true` makes the image the
   * product's one thumbnail in the index.
   */
  writeImage(image: ImageRecord, changes: ImageChanges, content: ImageContent | undefined): Promise<Result<ImagePatch>>;
  /**
   * Makes the served original and renditions of a revision whose bytes are
   * stored (LOCAL): `writeImage` with bytes only stores them durably and
   * returns a patch naming `pendingRevision`; this does the decoding, from
   * storage, so it can run off the request and again after a crash. Returns
   * the patch that makes the revision current; expected refusals (not an
   * image, over a limit) are returned, a failure of storage is thrown.
   */
  processImage?(image: ImageRecord, pending: PendingRevision): Promise<Result<ImagePatch>>;
  /** Stores the bytes of a file that arrived at a subgraph upload URL; only providers whose file targets are the subgraph's. */
  writeFile?(file: FileRecord, bytes: ReceivedBytes): Promise<Result<FilePatch>>;
  /**
   * Records an upload the subgraph cannot see or read (Dodo's presigned S3
   * URL) as done, on the client's word. Present only for such providers
   * (CONFIRM_UPLOAD); elsewhere the subgraph checks the bytes itself.
   */
  confirmImageUpload?(image: ImageRecord): Promise<Result<ImagePatch>>;
  confirmFileUpload?(file: FileRecord): Promise<Result<FilePatch>>;
  /**
   * The bytes a client sent straight to storage with upload token `tokenId`
   * for an image or file (LOCAL with `MEDIA_S3_DIRECT_UPLOADS`), or undefined
   * when none arrived. Present only where upload targets point into storage.
   */
  directUpload?(ownerId: string, tokenId: string): Promise<DirectUpload | undefined>;
  /** A link to download a stored file, when the provider makes its own (LOCAL's signed links). */
  downloadUrl?(file: FileRecord): string | null;
  /**
   * Where the image is, fitted to `transform`, when the provider renders
   * renditions on request (LOCAL: a signed path); others are given the best
   * available of their variants.
   */
  renditionLocation?(image: ImageRecord, transform: CheckedTransform): string | null;
  /** `srcset` entries in `format`, narrowest first, when the provider renders renditions on request. */
  srcSetLocations?(image: ImageRecord, format: ImageFormat): { location: string; width: number }[];
  /**
   * Removes stored bytes no row names any more, after the index moved on
   * (LOCAL): a deleted image's or file's revisions, or a revision stored for a
   * row deleted meanwhile. A replaced revision is not discarded at once: the
   * index retires it, and the sweep removes it after `MEDIA_REVISION_GRACE_SECONDS`.
   * With `ownerId` (a deleted image's or file's local id), also what still
   * waits for it: direct uploads never confirmed.
   */
  discardBlobs?(blobKeys: readonly string[], ownerId?: string): Promise<void>;
}

/** The capability a metadata field needs, for refusing fields a provider cannot store. */
export const CAPABILITY_OF_CHANGE: Record<keyof ImageChanges, MediaCapability> = {
  name: 'UPDATE_NAME',
  alt: 'UPDATE_ALT',
  ordering: 'UPDATE_ORDERING',
  enabled: 'UPDATE_ENABLED',
  thumbnail: 'SET_THUMBNAIL',
};
