/**
 * What `ProductImage.url(transform:)` and `srcSet` mean (contract section 8),
 * whatever the provider: the size ladder, the checks of a transform, how it
 * becomes one rendition of a LOCAL image, and the best available variant of
 * an image whose bytes the subgraph does not hold.
 */
import { fail, ok, type Result } from '../domain/errors';
import type { StoredVariant } from '../domain/model';

/** Sizes a transform's box snaps up to, in pixels: few renditions per image, whatever is asked. */
export const SIZE_LADDER = [32, 64, 96, 128, 256, 384, 512, 640, 750, 828, 1080, 1200, 1920, 2048, 3840, 4096] as const;

/** The largest box side a transform may ask for. */
export const MAX_TRANSFORM_SIDE = 4096;

/** The widths of `srcSet` below an image's own width (its own width comes last). */
export const SRCSET_WIDTHS = [256, 384, 512, 640, 750, 828, 1080, 1200, 1920, 2048, 3840] as const;

export type ImageFormat = 'ORIGINAL' | 'JPEG' | 'PNG' | 'WEBP' | 'AVIF';

/** A transform as a client asks for it (`ImageTransformInput`). */
export interface ImageTransform {
  maxWidth?: number | null;
  maxHeight?: number | null;
  format?: ImageFormat | null;
  crop?: 'NONE' | 'CENTER' | null;
}

/** A checked transform: a box (null sides unbounded), a format, a crop. */
export interface CheckedTransform {
  maxWidth: number | null;
  maxHeight: number | null;
  format: ImageFormat;
  crop: boolean;
}

/** The rendition a checked transform stands for on one image: its exact box and encoding (a file extension). */
export interface RenditionShape {
  width: number | null;
  height: number | null;
  crop: boolean;
  extension: string;
}

/** Checks a transform: whole sides from 1 to 4096, and a crop only with both sides. INVALID_INPUT otherwise. */
export function checkTransform(transform: ImageTransform | null | undefined): Result<CheckedTransform> {
  const side = (name: 'maxWidth' | 'maxHeight'): Result<number | null> => {
    const value = transform?.[name];
    if (value === null || value === undefined) return ok(null);
    if (!Number.isInteger(value) || value < 1 || value > MAX_TRANSFORM_SIDE) {
      return fail('INVALID_INPUT', `${name} must be a whole number from 1 to ${MAX_TRANSFORM_SIDE}`, {
        field: ['transform', name],
      });
    }
    return ok(value);
  };
  const maxWidth = side('maxWidth');
  if (!maxWidth.ok) return maxWidth;
  const maxHeight = side('maxHeight');
  if (!maxHeight.ok) return maxHeight;
  const crop = transform?.crop === 'CENTER';
  if (crop && (maxWidth.value === null || maxHeight.value === null)) {
    return fail('INVALID_INPUT', 'crop CENTER needs both maxWidth and maxHeight', { field: ['transform', 'crop'] });
  }
  return ok({ maxWidth: maxWidth.value, maxHeight: maxHeight.value, format: transform?.format ?? 'ORIGINAL', crop });
}

/** The ladder's first size at or above `side`. */
export function snapUp(side: number): number {
  return SIZE_LADDER.find((size) => size >= side) ?? MAX_TRANSFORM_SIDE;
}

/** File extension of each encoding a rendition can have, by the served original's type for `ORIGINAL`. */
const EXTENSION_BY_FORMAT: Record<Exclude<ImageFormat, 'ORIGINAL'>, string> = {
  JPEG: 'jpg',
  PNG: 'png',
  WEBP: 'webp',
  AVIF: 'avif',
};
const ORIGINAL_EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
  'image/tiff': 'png',
};

/**
 * The rendition `transform` stands for on an image of `size` whose served
 * original is of type `originalType`; `'original'` when that is the served
 * original itself (no smaller box, no other encoding). Boxes snap up to the
 * ladder (a crop's box keeps its aspect ratio: its longer side snaps, the
 * other follows); sides at or above the image's own are dropped, so equal
 * requests share one rendition; a crop box larger than the image shrinks to
 * fit it, keeping the box's aspect ratio (never enlarged).
 */
export function renditionShape(
  transform: CheckedTransform,
  size: { width: number; height: number },
  originalType: string,
): RenditionShape | 'original' {
  const extension =
    transform.format === 'ORIGINAL'
      ? (ORIGINAL_EXTENSION[originalType] ?? 'png')
      : EXTENSION_BY_FORMAT[transform.format];
  const sameEncoding = extension === ORIGINAL_EXTENSION[originalType] && originalType !== 'image/tiff';
  if (transform.crop) {
    const w = transform.maxWidth!;
    const h = transform.maxHeight!;
    const longer = Math.max(w, h);
    const snap = snapUp(longer) / longer;
    let width = Math.min(MAX_TRANSFORM_SIDE, Math.round(w * snap));
    let height = Math.min(MAX_TRANSFORM_SIDE, Math.round(h * snap));
    const shrink = Math.min(1, size.width / width, size.height / height);
    if (shrink < 1) {
      // Rounded, and never past the image: the side that fits exactly stays the image's own.
      width = Math.min(size.width, Math.max(1, Math.round(width * shrink)));
      height = Math.min(size.height, Math.max(1, Math.round(height * shrink)));
    }
    if (width === size.width && height === size.height && sameEncoding) return 'original';
    return { width, height, crop: true, extension };
  }
  const bound = (side: number | null, own: number) => {
    if (side === null) return null;
    const snapped = snapUp(side);
    return snapped >= own ? null : snapped;
  };
  let width = bound(transform.maxWidth, size.width);
  let height = bound(transform.maxHeight, size.height);
  // Only the side that binds is kept: boxes giving the same size share one rendition (640x0 and 640x512 of 16:10).
  if (width !== null && height !== null) {
    if ((size.height * width) / size.width <= height) height = null;
    else if ((size.width * height) / size.height <= width) width = null;
  }
  if (width === null && height === null && sameEncoding) return 'original';
  return { width, height, crop: false, extension };
}

/**
 * For an image whose bytes the subgraph does not hold: the smallest variant
 * of known size that covers the box, else the original (the largest there
 * is). Never undefined when the image has variants.
 */
export function bestAvailableVariant(
  variants: readonly StoredVariant[],
  transform: CheckedTransform,
): StoredVariant | undefined {
  const original = variants.find((v) => v.kind === 'ORIGINAL') ?? variants[0];
  if (transform.maxWidth === null && transform.maxHeight === null) return original;
  const sized = variants.filter(
    (v): v is StoredVariant & { width: number; height: number } => v.width !== null && v.height !== null,
  );
  const area = (v: { width: number; height: number }) => v.width * v.height;
  const covering = sized
    .filter((v) => v.width >= (transform.maxWidth ?? 0) && v.height >= (transform.maxHeight ?? 0))
    .sort((a, b) => area(a) - area(b));
  return covering[0] ?? original;
}

/** A `srcset` of variants of known width (an image whose bytes the subgraph does not hold), narrowest first. */
export function srcSetOfVariants(
  variants: readonly StoredVariant[],
  urlOf: (v: StoredVariant) => string,
): string | null {
  const byWidth = new Map<number, StoredVariant>();
  for (const v of variants) if (v.width !== null && !byWidth.has(v.width)) byWidth.set(v.width, v);
  if (byWidth.size === 0) return null;
  return [...byWidth]
    .sort((a, b) => a[0] - b[0])
    .map(([width, v]) => `${urlOf(v)} ${width}w`)
    .join(', ');
}
