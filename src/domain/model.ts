/** Domain model shared by the store, the providers and the GraphQL layer. */

/** Every provider the subgraph knows, by its GraphQL enum name. */
export const PROVIDERS = ['LOCAL', 'DODO_PAYMENTS', 'SALLA', 'SUPEROFFICE', 'KELVIQ'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The lower-case slug of each provider, as used in global ids and `MEDIA_DEFAULT_PROVIDER`. */
export const PROVIDER_SLUGS: Record<ProviderName, string> = {
  LOCAL: 'local',
  DODO_PAYMENTS: 'dodo-payments',
  SALLA: 'salla',
  SUPEROFFICE: 'superoffice',
  KELVIQ: 'kelviq',
};

export function providerFromSlug(slug: string): ProviderName | undefined {
  return PROVIDERS.find((p) => PROVIDER_SLUGS[p] === slug);
}

export type MediaStatus = 'AWAITING_UPLOAD' | 'PROCESSING' | 'READY' | 'FAILED';
export type ImageVariantKind = 'ORIGINAL' | 'STANDARD' | 'LOW' | 'THUMBNAIL';

/**
 * One rendition. `location` is an absolute URL (remote providers) or a path
 * below the subgraph's public URL (LOCAL), so the stored value survives a
 * change of `MEDIA_PUBLIC_URL`.
 */
export interface StoredVariant {
  kind: ImageVariantKind;
  location: string;
  width: number | null;
  height: number | null;
  contentType: string | null;
}

/**
 * A LOCAL image revision whose bytes are stored (its private source) but
 * whose served original and renditions are still being made (`PROCESSING`).
 */
export interface PendingRevision {
  /** The blob key the revision will have once processed (`images/<imageId>/<revision>`). */
  blobKey: string;
  /** The type decided from the bytes. */
  contentType: string;
  /** SHA-256 of the bytes as received, lower-case hex. */
  sha256: string;
}

/** An image as the subgraph's index records it. */
export interface ImageRecord {
  /** The global id, which is also the primary key. */
  id: string;
  provider: ProviderName;
  productId: string;
  imageId: string;
  providerImageId: string | null;
  status: MediaStatus;
  name: string | null;
  alt: string | null;
  ordering: number;
  isThumbnail: boolean;
  enabled: boolean;
  width: number | null;
  height: number | null;
  contentType: string | null;
  byteSize: number | null;
  sha256: string | null;
  /** LOCAL: the folder of the current revision's blobs; null before the first upload. */
  blobKey: string | null;
  variants: StoredVariant[];
  /** Why processing ended `FAILED`, in words a person can act on; null otherwise. */
  failureReason: string | null;
  /** LOCAL: the revision being processed, whose renditions will replace `variants`; null when none is. */
  pendingRevision: PendingRevision | null;
  /** LOCAL: base64 ThumbHash of the current revision (from a version of at most 100 px); null until processed. */
  thumbhash: string | null;
  /** LOCAL: the current revision's dominant colour, `#rrggbb`; null until processed. */
  dominantColor: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A downloadable product file as the subgraph's index records it. */
export interface FileRecord {
  id: string;
  provider: ProviderName;
  productId: string;
  fileId: string;
  providerFileId: string | null;
  fileName: string;
  status: MediaStatus;
  contentType: string | null;
  byteSize: number | null;
  sha256: string | null;
  /** LOCAL: the blob path of the current bytes; null before the upload. */
  blobKey: string | null;
  /** Remote providers: where the file can be downloaded, when known. */
  downloadUrl: string | null;
  /** Why the file ended `FAILED` (its upload failed the checks), in words a person can act on; null otherwise. */
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The federation reference of a product: this subgraph only knows its id. */
export interface ProductRef {
  id: string;
}

/** Where and how a client sends bytes. */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: { name: string; value: string }[];
  expiresAt: Date;
}
