import sharp from 'sharp';
import { MediaFailure } from '../domain/errors';
import type { ImageVariantKind } from '../domain/model';

/** The renditions made from every LOCAL image, with the box each must fit inside. */
export const RENDITION_BOXES: readonly { kind: Exclude<ImageVariantKind, 'ORIGINAL'>; box: number }[] = [
  { kind: 'STANDARD', box: 1000 },
  { kind: 'LOW', box: 500 },
  { kind: 'THUMBNAIL', box: 120 },
];

/** Output format of renditions for each input type: browsers show these; gif and tiff become png. */
const RENDITION_FORMAT: Record<string, 'png' | 'jpeg' | 'webp' | 'avif'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'png',
  'image/tiff': 'png',
};

export const RENDITION_CONTENT_TYPE: Record<'png' | 'jpeg' | 'webp' | 'avif', string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

sharp.cache(false);

/**
 * libvips decoders the subgraph needs: those of the allowed image types. The
 * rest (SVG through librsvg, libvips' own format, PPM, CSV, matrix, FITS, ...)
 * are blocked process-wide, so bytes that slip past the type check cannot
 * reach a parser the subgraph never meant to run.
 */
export const ALLOWED_DECODERS = [
  'VipsForeignLoadJpeg',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadTiff',
  'VipsForeignLoadNsgif', // GIF, through libnsgif
  'VipsForeignLoadHeif',
] as const;
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({ operation: [...ALLOWED_DECODERS] });

/** Width and height as displayed (EXIF orientation applied). */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Reads the size of the image at `path`. Images over `maxPixels`, or that
 * libvips cannot decode, are UNSUPPORTED_MEDIA_TYPE (decoding stops at the header).
 */
export async function probeImage(path: string, maxPixels: number): Promise<ImageSize> {
  let meta: sharp.Metadata;
  try {
    // Reading metadata parses the header only; the pixel limit is checked below, with the sizes in the message.
    meta = await sharp(path, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch {
    throw MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The bytes are not a decodable image');
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The image has no size');
  if (width * height > maxPixels) {
    throw MediaFailure.of('FILE_TOO_LARGE', `The image has ${width * height} pixels; the limit is ${maxPixels}`);
  }
  return { width, height };
}

/** One rendition written to disk. */
export interface WrittenRendition {
  kind: Exclude<ImageVariantKind, 'ORIGINAL'>;
  fileName: string;
  width: number;
  height: number;
  contentType: string;
}

/**
 * Writes STANDARD, LOW and THUMBNAIL renditions of `sourcePath` into `folder`,
 * each fitted inside its box and never enlarged.
 */
export async function writeRenditions(
  sourcePath: string,
  sourceType: string,
  folder: string,
  maxPixels: number,
): Promise<WrittenRendition[]> {
  const format = RENDITION_FORMAT[sourceType] ?? 'png';
  const written: WrittenRendition[] = [];
  for (const { kind, box } of RENDITION_BOXES) {
    const fileName = `${kind.toLowerCase()}.${format === 'jpeg' ? 'jpg' : format}`;
    let info: sharp.OutputInfo;
    try {
      info = await sharp(sourcePath, { limitInputPixels: maxPixels, failOn: 'error' })
        .rotate()
        .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
        .toFormat(format)
        .toFile(`${folder}/${fileName}`);
    } catch {
      throw MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The image could not be decoded');
    }
    written.push({
      kind,
      fileName,
      width: info.width,
      height: info.height,
      contentType: RENDITION_CONTENT_TYPE[format],
    });
  }
  return written;
}
