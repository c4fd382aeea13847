/**
 * The index's rows as both databases return them, and the one mapping between
 * row columns and record fields. SQLite has 0/1 for booleans and JSON text for
 * lists; PostgreSQL has booleans and jsonb.
 */
import type {
  FileRecord,
  ImageRecord,
  MediaStatus,
  PendingRevision,
  ProviderName,
  StoredVariant,
} from '../domain/model';
import type { FilePatch, ImagePatch } from './media-index';

/** The columns every image and file row has, in insert order. */
export const IMAGE_INSERT_COLUMNS = [
  'id',
  'provider',
  'product_id',
  'image_id',
  'provider_image_id',
  'status',
  'name',
  'alt',
  'ordering',
  'is_thumbnail',
  'enabled',
  'width',
  'height',
  'content_type',
  'byte_size',
  'sha256',
  'blob_key',
  'variants',
  'failure_reason',
  'pending_revision',
  'thumbhash',
  'dominant_color',
  'created_at',
  'updated_at',
] as const;
export const FILE_INSERT_COLUMNS = [
  'id',
  'provider',
  'product_id',
  'file_id',
  'provider_file_id',
  'file_name',
  'status',
  'content_type',
  'byte_size',
  'sha256',
  'blob_key',
  'download_url',
  'failure_reason',
  'created_at',
  'updated_at',
] as const;

/** An image record's values in {@link IMAGE_INSERT_COLUMNS} order. */
export function imageValues(image: ImageRecord): unknown[] {
  return [
    image.id,
    image.provider,
    image.productId,
    image.imageId,
    image.providerImageId,
    image.status,
    image.name,
    image.alt,
    image.ordering,
    image.isThumbnail,
    image.enabled,
    image.width,
    image.height,
    image.contentType,
    image.byteSize,
    image.sha256,
    image.blobKey,
    image.variants,
    image.failureReason,
    image.pendingRevision,
    image.thumbhash,
    image.dominantColor,
    image.createdAt,
    image.updatedAt,
  ];
}

/** A file record's values in {@link FILE_INSERT_COLUMNS} order. */
export function fileValues(file: FileRecord): unknown[] {
  return [
    file.id,
    file.provider,
    file.productId,
    file.fileId,
    file.providerFileId,
    file.fileName,
    file.status,
    file.contentType,
    file.byteSize,
    file.sha256,
    file.blobKey,
    file.downloadUrl,
    file.failureReason,
    file.createdAt,
    file.updatedAt,
  ];
}

/** The fields a patch sets, as columns and values (undefined fields are left alone). */
export function patchColumns<P extends object>(patch: P, columns: Record<keyof P, string>): [string, unknown][] {
  return (Object.keys(patch) as (keyof P)[]).filter((k) => patch[k] !== undefined).map((k) => [columns[k], patch[k]]);
}

export interface ImageRow {
  id: string;
  provider: string;
  product_id: string;
  image_id: string;
  provider_image_id: string | null;
  status: string;
  name: string | null;
  alt: string | null;
  ordering: number;
  is_thumbnail: number | boolean;
  enabled: number | boolean;
  width: number | null;
  height: number | null;
  content_type: string | null;
  byte_size: number | null;
  sha256: string | null;
  blob_key: string | null;
  variants: string | StoredVariant[];
  failure_reason: string | null;
  pending_revision: string | PendingRevision | null;
  thumbhash: string | null;
  dominant_color: string | null;
  created_at: string;
  updated_at: string;
}

export interface FileRow {
  id: string;
  provider: string;
  product_id: string;
  file_id: string;
  provider_file_id: string | null;
  file_name: string;
  status: string;
  content_type: string | null;
  byte_size: number | null;
  sha256: string | null;
  blob_key: string | null;
  download_url: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

export const IMAGE_COLUMNS: Record<keyof ImagePatch, string> = {
  providerImageId: 'provider_image_id',
  status: 'status',
  name: 'name',
  alt: 'alt',
  ordering: 'ordering',
  isThumbnail: 'is_thumbnail',
  enabled: 'enabled',
  width: 'width',
  height: 'height',
  contentType: 'content_type',
  byteSize: 'byte_size',
  sha256: 'sha256',
  blobKey: 'blob_key',
  variants: 'variants',
  failureReason: 'failure_reason',
  pendingRevision: 'pending_revision',
  thumbhash: 'thumbhash',
  dominantColor: 'dominant_color',
  updatedAt: 'updated_at',
};

export const FILE_COLUMNS: Record<keyof FilePatch, string> = {
  providerFileId: 'provider_file_id',
  fileName: 'file_name',
  status: 'status',
  contentType: 'content_type',
  byteSize: 'byte_size',
  sha256: 'sha256',
  blobKey: 'blob_key',
  downloadUrl: 'download_url',
  failureReason: 'failure_reason',
  updatedAt: 'updated_at',
};

/**
 * Reads a row given as an array of `columns`' values (in that order) as a row
 * of named columns, without copying it: one small object whose prototype has
 * a getter per column.
 */
export function rowView<Row>(columns: readonly string[]): (values: readonly unknown[]) => Row {
  class View {
    constructor(readonly values: readonly unknown[]) {}
  }
  columns.forEach((column, i) =>
    Object.defineProperty(View.prototype, column, {
      get(this: View) {
        return this.values[i];
      },
    }),
  );
  return (values) => new View(values) as unknown as Row;
}

/** Variant lists parsed from SQLite's JSON text, by that text (at most {@link MAX_PARSED_VARIANTS}, oldest out first). */
const variantsByText = new Map<string, readonly StoredVariant[]>();
const MAX_PARSED_VARIANTS = 4096;

/**
 * An image's variants from their JSON text, parsed once per distinct text:
 * every `_entities` call reads the same images again, and parsing their
 * variants was a tenth of its time. The lists are shared, so frozen.
 */
function parsedVariants(text: string): StoredVariant[] {
  let variants = variantsByText.get(text);
  if (!variants) {
    variants = Object.freeze((JSON.parse(text) as StoredVariant[]).map((v) => Object.freeze(v)));
    if (variantsByText.size >= MAX_PARSED_VARIANTS) variantsByText.delete(variantsByText.keys().next().value!);
    variantsByText.set(text, variants);
  }
  return variants as StoredVariant[];
}

export function imageFromRow(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    productId: row.product_id,
    imageId: row.image_id,
    providerImageId: row.provider_image_id,
    status: row.status as MediaStatus,
    name: row.name,
    alt: row.alt,
    ordering: row.ordering,
    isThumbnail: row.is_thumbnail === 1 || row.is_thumbnail === true,
    enabled: row.enabled === 1 || row.enabled === true,
    width: row.width,
    height: row.height,
    contentType: row.content_type,
    byteSize: row.byte_size,
    sha256: row.sha256,
    blobKey: row.blob_key,
    variants: typeof row.variants === 'string' ? parsedVariants(row.variants) : row.variants,
    failureReason: row.failure_reason,
    pendingRevision:
      typeof row.pending_revision === 'string'
        ? (JSON.parse(row.pending_revision) as PendingRevision)
        : row.pending_revision,
    thumbhash: row.thumbhash,
    dominantColor: row.dominant_color,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function fileFromRow(row: FileRow): FileRecord {
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    productId: row.product_id,
    fileId: row.file_id,
    providerFileId: row.provider_file_id,
    fileName: row.file_name,
    status: row.status as MediaStatus,
    contentType: row.content_type,
    byteSize: row.byte_size,
    sha256: row.sha256,
    blobKey: row.blob_key,
    downloadUrl: row.download_url,
    failureReason: row.failure_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
