/**
 * LOCAL's storage layout, in one place: the blob keys of image and file
 * revisions, the public paths they are served under, and how either is read
 * back. The provider, the media routes, the download links, the index's
 * orphan sweep and the blob store all ask this module; none spells a key.
 *
 * - an image revision: folder `images/<imageId>/<revision>/` holding
 *   `original.<ext>` and the renditions, served as
 *   `/media/images/<imageId>/<revision>/<name>` (or under
 *   `MEDIA_ASSET_BASE_URL` as `images/<imageId>/<revision>/<name>`: everything
 *   under `images/` may be public); beside it, `sources/<imageId>/<revision>/source.<ext>`,
 *   the bytes as received, never served; and `renditions/<imageId>/<revision>/<spec>/rendition.<ext>`,
 *   the renditions made on request (contract section 8), one folder per spec, served only through a
 *   signed path, `/media/renditions/<imageId>/<revision>/<spec>`;
 * - a file revision: `files/<fileId>/<revision>/data`; served only through a
 *   signed link, `/media/files/<fileId>/<revision>/<name for the browser>`;
 * - a direct upload (`MEDIA_S3_DIRECT_UPLOADS`): `uploads/<imageId or fileId>/<token id>/data`,
 *   PUT by the client to a presigned URL, read once when it is confirmed, then removed; never served.
 */

import { EXTENSION_BY_TYPE } from '../../domain/content-type';

/** Where LOCAL media is served, below the subgraph's public URL. */
export const MEDIA_PATH = '/media';

/** The top-level folders of revisions: served images, the private bytes they were made from, product files. */
export const REVISION_KINDS = ['images', 'sources', 'renditions', 'files'] as const;

/** Where clients' direct uploads wait for their confirmation. */
const DIRECT_UPLOADS = 'uploads';

/**
 * Every top-level folder whose folders no row names are crash leftovers once
 * old enough: revisions, and direct uploads never confirmed (no row ever names one).
 */
export const SWEPT_KINDS = [...REVISION_KINDS, DIRECT_UPLOADS] as const;

/** Ids and revisions the subgraph makes: lower-case UUIDs. */
const LAYOUT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Files of an image revision that are served, and their types by extension. */
const SERVED_IMAGE_FILE = /^(original|standard|low|thumbnail|rendition)\.(png|jpg|gif|webp|tif|avif)$/;

/**
 * The spec of a rendition on request: `<width>x<height>-<fit|crop>.<ext>`,
 * 0 for an unbounded side (`640x0-fit.webp`, `384x256-crop.jpg`).
 */
const RENDITION_SPEC = /^(\d{1,4})x(\d{1,4})-(fit|crop)\.(png|jpg|gif|webp|avif)$/;
const TYPE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  avif: 'image/avif',
};

/** Express route patterns of the served paths. */
export const ROUTES = {
  image: `${MEDIA_PATH}/images/:imageId/:revision/:name`,
  file: `${MEDIA_PATH}/files/:fileId/:revision/:name`,
  rendition: `${MEDIA_PATH}/renditions/:imageId/:revision/:spec`,
} as const;

/** The folder key of one image revision. */
export function imageRevisionKey(imageId: string, revision: string): string {
  return `images/${imageId}/${revision}`;
}

/** The private folder of one image revision's bytes as received (`source.<ext>`). */
export function sourceRevisionKey(imageId: string, revision: string): string {
  return `sources/${imageId}/${revision}`;
}

/** The name of the bytes as received in a source folder. */
export function sourceFileName(contentType: string): string {
  return `source.${EXTENSION_BY_TYPE[contentType] ?? 'bin'}`;
}

/** The key of the bytes as received of the image revision with blob key `blobKey`. */
export function sourceObjectKey(blobKey: string, contentType: string): string {
  const [, imageId, revision] = blobKey.split('/');
  return `${sourceRevisionKey(imageId!, revision!)}/${sourceFileName(contentType)}`;
}

/** The folder holding every revision of an image, where a new revision is built. */
export function imageFolderKey(imageId: string): string {
  return `images/${imageId}`;
}

/** The folder holding every revision of a file. */
export function fileFolderKey(fileId: string): string {
  return `files/${fileId}`;
}

/** The blob key of a file revision's bytes. */
export function fileDataKey(fileId: string, revision: string): string {
  return `files/${fileId}/${revision}/data`;
}

/** The folder of every direct upload waiting for one image or file. */
export function directUploadsOf(ownerId: string): string {
  return `${DIRECT_UPLOADS}/${ownerId}`;
}

/** The folder of a direct upload, for one upload token of an image or file. */
export function directUploadFolderKey(ownerId: string, tokenId: string): string {
  return `${directUploadsOf(ownerId)}/${tokenId}`;
}

/** The key a client PUTs a direct upload to. */
export function directUploadKey(ownerId: string, tokenId: string): string {
  return `${directUploadFolderKey(ownerId, tokenId)}/data`;
}

/** The public path of a file in the image revision with blob key `blobKey` (`images/<imageId>/<revision>`). */
export function imagePublicPath(blobKey: string, fileName: string): string {
  return `${MEDIA_PATH}/${blobKey}/${fileName}`;
}

/** The revision folder a stored blob key belongs to (an image key is its folder; a file key names `data` in it). */
export function revisionFolderOf(blobKey: string): string {
  return blobKey.startsWith('files/') ? blobKey.slice(0, blobKey.lastIndexOf('/')) : blobKey;
}

/** Every revision folder a row's blob key holds objects in: an image's served and source folders, a file's one. */
export function revisionFoldersOf(blobKey: string): string[] {
  if (blobKey.startsWith('files/')) return [revisionFolderOf(blobKey)];
  return [blobKey, sourceRevisionKey(...idsOf(blobKey)), renditionsFolderOf(blobKey)];
}

/** The image id and revision of an image revision's blob key (`images/<imageId>/<revision>`). */
function idsOf(blobKey: string): [string, string] {
  const [, imageId, revision] = blobKey.split('/');
  return [imageId!, revision!];
}

/** The folder of every rendition on request of the image revision with blob key `blobKey`. */
export function renditionsFolderOf(blobKey: string): string {
  const [imageId, revision] = idsOf(blobKey);
  return `renditions/${imageId}/${revision}`;
}

/** A rendition on request as the layout stores and serves it. */
export interface RenditionSpec {
  /** `<width>x<height>-<fit|crop>.<ext>`. */
  name: string;
  width: number | null;
  height: number | null;
  crop: boolean;
  /** The file extension, which names the encoding: png, jpg, gif, webp or avif. */
  extension: string;
}

/** The spec named `name`, or undefined when it is none. */
export function parseRenditionSpec(name: string): RenditionSpec | undefined {
  const match = RENDITION_SPEC.exec(name);
  if (!match) return undefined;
  const side = (value: string) => (Number(value) > 0 ? Number(value) : null);
  return { name, width: side(match[1]!), height: side(match[2]!), crop: match[3] === 'crop', extension: match[4]! };
}

/** The name of a rendition on request. */
export function renditionSpecName(spec: Omit<RenditionSpec, 'name'>): string {
  return `${spec.width ?? 0}x${spec.height ?? 0}-${spec.crop ? 'crop' : 'fit'}.${spec.extension}`;
}

/** The folder (published whole) and the object of one rendition on request. */
export function renditionKeys(blobKey: string, spec: RenditionSpec): { folder: string; key: string; fileName: string } {
  const folder = `${renditionsFolderOf(blobKey)}/${spec.name}`;
  const fileName = `rendition.${spec.extension}`;
  return { folder, key: `${folder}/${fileName}`, fileName };
}

/** The public path of a rendition on request (before its signature). */
export function renditionPublicPath(blobKey: string, specName: string): string {
  return `${MEDIA_PATH}/${renditionsFolderOf(blobKey)}/${specName}`;
}

/** A requested rendition path read back: the revision's blob key and the spec, or undefined for no such path. */
export function servedRendition(
  imageId: string,
  revision: string,
  specName: string,
): { blobKey: string; spec: RenditionSpec; contentType: string } | undefined {
  const spec = parseRenditionSpec(specName);
  if (!LAYOUT_ID.test(imageId) || !LAYOUT_ID.test(revision) || !spec) return undefined;
  return { blobKey: imageRevisionKey(imageId, revision), spec, contentType: TYPE_BY_EXTENSION[spec.extension]! };
}

/** The name of an image revision's served original among its objects' names, if it is one. */
export function isOriginalFileName(fileName: string): boolean {
  return SERVED_IMAGE_FILE.exec(fileName)?.[1] === 'original';
}

/** The type of a served image file from its name. */
export function servedImageType(fileName: string): string | undefined {
  const match = SERVED_IMAGE_FILE.exec(fileName);
  return match ? TYPE_BY_EXTENSION[match[2]!] : undefined;
}

/**
 * The URL of a stored image location under `assetBaseUrl` (a CDN in front of
 * the storage), or undefined for a location that is no LOCAL image.
 */
export function assetUrlOf(location: string, assetBaseUrl: string): string | undefined {
  const prefix = `${MEDIA_PATH}/images/`;
  return location.startsWith(prefix) ? `${assetBaseUrl}/images/${location.slice(prefix.length)}` : undefined;
}

/** The revision folder an object key lies in (`<kind>/<owner>/<revision>`). */
export function revisionFolderOfObject(key: string): string {
  return key.split('/').slice(0, 3).join('/');
}

/** The public path of a file revision (before its signature), from the blob key of its bytes. */
export function filePublicPath(dataKey: string, nameSegment: string): string {
  return `${MEDIA_PATH}/${revisionFolderOf(dataKey)}/${nameSegment}`;
}

/**
 * How an object of a revision is stored, for whoever serves it straight from
 * storage: served renditions are public and immutable (a new upload is a new
 * revision); the received bytes (`source.*`) and product files are private.
 */
export function objectHeaders(fileName: string): { contentType: string; cacheControl: string } {
  const served = SERVED_IMAGE_FILE.exec(fileName);
  return served
    ? { contentType: TYPE_BY_EXTENSION[served[2]!]!, cacheControl: IMMUTABLE }
    : { contentType: 'application/octet-stream', cacheControl: 'private, no-store' };
}

/** The cache lifetime of a served rendition: a year, never revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A requested image path read back: the blob to serve and its type, or undefined for no such path. */
export function servedImage(
  imageId: string,
  revision: string,
  name: string,
): { key: string; contentType: string; kind: string } | undefined {
  const match = SERVED_IMAGE_FILE.exec(name);
  if (!LAYOUT_ID.test(imageId) || !LAYOUT_ID.test(revision) || !match) return undefined;
  return {
    key: `${imageRevisionKey(imageId, revision)}/${name}`,
    contentType: TYPE_BY_EXTENSION[match[2]!]!,
    kind: match[1]!,
  };
}

/** A requested file path read back: the blob key of its bytes, or undefined for no such path. */
export function servedFile(fileId: string, revision: string): string | undefined {
  return LAYOUT_ID.test(fileId) && LAYOUT_ID.test(revision) ? fileDataKey(fileId, revision) : undefined;
}
