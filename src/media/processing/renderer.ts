/**
 * The image work itself, with sharp (libvips). Runs only inside a worker
 * process (worker.ts), never in the process that serves requests: a costly
 * decode then holds neither the event loop nor its libuv thread pool, and a
 * worker past its deadline can be killed outright.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { EXTENSION_BY_TYPE } from '../../domain/content-type';
import { MediaFailure } from '../../domain/errors';
import { isLosslessWebp, LOSSLESS_REWRITE_TYPES, stripMetadata } from './containers';
import {
  tooCostlyToDecode,
  type DecodeLimits,
  type ImageSize,
  type ImageSummary,
  type RenderedImage,
  type RenditionFormat,
  type RenditionRequest,
  type WrittenFile,
  type WrittenRendition,
} from './types';

/** The renditions made from every LOCAL image, with the box each must fit inside, largest first. */
export const RENDITION_BOXES: readonly { kind: WrittenRendition['kind']; box: number }[] = [
  { kind: 'STANDARD', box: 1000 },
  { kind: 'LOW', box: 500 },
  { kind: 'THUMBNAIL', box: 120 },
];

type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'gif';

/**
 * Encoder settings of renditions on request, chosen for storefront photos:
 * JPEG at 80 with mozjpeg's tables, WebP at 80, AVIF at 50 (its scale runs
 * lower: 50 looks like JPEG's 80 at about half the bytes), PNG and GIF lossless.
 */
const RENDITION_ENCODERS: Record<RenditionFormat, (image: sharp.Sharp) => sharp.Sharp> = {
  jpeg: (image) => image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }),
  webp: (image) => image.webp({ quality: 80 }),
  avif: (image) => image.avif({ quality: 50, effort: 4 }),
  png: (image) => image.png(),
  gif: (image) => image.gif(),
};

/** ThumbHash encodes at most 100 x 100 px. */
const SUMMARY_BOX = 100;

/** Output format of renditions for each input type: browsers show these; gif and tiff become png. */
const RENDITION_FORMAT: Record<string, OutputFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'png',
  'image/tiff': 'png',
};

const CONTENT_TYPE: Record<OutputFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
};

sharp.cache(false);
// One libvips thread per image: concurrency comes from the number of workers (MEDIA_PROCESSING_CONCURRENCY).
sharp.concurrency(1);

/**
 * libvips decoders the subgraph needs: those of the allowed image types. The
 * rest (SVG through librsvg, libvips' own format, PPM, CSV, matrix, FITS, ...)
 * are blocked, so bytes that slip past the type check cannot reach a parser
 * the subgraph never meant to run.
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

/** A clock for one task: each sharp pipeline gets what is left of the task's time (sharp's `timeout`). */
class Deadline {
  private readonly end: number;
  constructor(timeoutMs: number) {
    this.end = Date.now() + timeoutMs;
  }
  seconds(): number {
    return Math.max(1, Math.ceil((this.end - Date.now()) / 1000));
  }
}

/**
 * The first decode step of every pipeline: the allowed decoders only, failing on errors, within the pixel limit
 * (with `animated`, every frame decoded and counted against it).
 */
function open(input: string | Buffer, limits: DecodeLimits, animated = false) {
  return sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error', animated });
}

/** Turns a libvips failure into the refusal it stands for. */
function decodeFailure(err: unknown): Error {
  if (err instanceof MediaFailure) return err;
  const message = String((err as Error)?.message ?? err);
  if (/timeout/i.test(message)) return tooCostlyToDecode();
  if (/No space left|ENOSPC|EDQUOT|quota/i.test(message)) return err as Error;
  return MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The image could not be decoded');
}

/**
 * Reads the displayed size of the image at `file` from its header, and checks
 * it against the limits: over the pixel limit is FILE_TOO_LARGE, too many
 * pages or no decodable header is UNSUPPORTED_MEDIA_TYPE.
 */
export async function probe(
  file: string,
  limits: DecodeLimits,
): Promise<ImageSize & { orientation: number; pages: number }> {
  let meta: sharp.Metadata;
  try {
    // The header only; the pixel limit is checked below, with the sizes in the message.
    meta = await sharp(file, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch {
    throw MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The bytes are not a decodable image');
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The image has no size');
  if (width * height > limits.maxPixels) {
    throw MediaFailure.of('FILE_TOO_LARGE', `The image has ${width * height} pixels; the limit is ${limits.maxPixels}`);
  }
  if ((meta.pages ?? 1) > limits.maxPages) {
    throw MediaFailure.of(
      'UNSUPPORTED_MEDIA_TYPE',
      `The image has ${meta.pages} pages or frames; the limit is ${limits.maxPages} (MEDIA_MAX_IMAGE_PAGES)`,
    );
  }
  return { width, height, orientation: meta.orientation ?? 1, pages: meta.pages ?? 1 };
}

/**
 * Writes the served original and every rendition of `source` into `folder`,
 * decoding the image once: a JPEG original is rewritten without its metadata
 * (no decode) and the renditions come from one shrink-on-load decode of it;
 * other formats are decoded once at full size, and both the re-encoded
 * original (lossless for PNG, TIFF and lossless WebP) and the renditions come
 * from those pixels. Animated GIF and WebP originals are re-encoded frame by
 * frame in their own format (a second decode, of every frame), and so are
 * their renditions, every frame resized; the pixel limit counts every frame.
 */
export async function render(
  source: string,
  contentType: string,
  folder: string,
  limits: DecodeLimits,
): Promise<RenderedImage> {
  const deadline = new Deadline(limits.timeoutMs);
  const size = await probe(source, limits);
  const animated = (contentType === 'image/gif' || contentType === 'image/webp') && size.pages > 1;
  if (animated) checkAnimationPixels(size, limits);
  const originalName = `original.${EXTENSION_BY_TYPE[contentType]}`;
  const originalPath = path.join(folder, originalName);
  const largestBox = RENDITION_BOXES[0]!.box;
  let pixels: { data: Buffer; info: sharp.OutputInfo };
  try {
    if (LOSSLESS_REWRITE_TYPES.has(contentType) || animated) {
      if (animated) {
        // Every frame, re-encoded in its own format: the original keeps its animation and nothing else.
        const frames = open(source, limits, true);
        const lossless = contentType === 'image/webp' && isLosslessWebp(await fs.readFile(source));
        await (
          contentType === 'image/gif' ? frames.gif() : frames.webp(lossless ? { lossless: true } : { quality: 90 })
        )
          .timeout({ seconds: deadline.seconds() })
          .toFile(originalPath);
      } else {
        await fs.writeFile(originalPath, stripMetadata(await fs.readFile(source), contentType, size.orientation));
      }
      pixels = await open(originalPath, limits)
        .rotate()
        .resize({ width: largestBox, height: largestBox, fit: 'inside', withoutEnlargement: true })
        .raw()
        .timeout({ seconds: deadline.seconds() })
        .toBuffer({ resolveWithObject: true });
    } else {
      pixels = await open(source, limits)
        .rotate()
        .raw()
        .timeout({ seconds: deadline.seconds() })
        .toBuffer({ resolveWithObject: true });
      const lossless = contentType === 'image/webp' && isLosslessWebp(await fs.readFile(source));
      await reencode(fromPixels(pixels), contentType, lossless)
        .timeout({ seconds: deadline.seconds() })
        .toFile(originalPath);
    }
  } catch (err) {
    throw decodeFailure(err);
  }
  // An animation's renditions are animations of its own format, every frame resized; a still's come from its pixels.
  const format = animated ? (contentType === 'image/gif' ? 'gif' : 'webp') : (RENDITION_FORMAT[contentType] ?? 'png');
  const renditions: WrittenRendition[] = [];
  for (const { kind, box } of RENDITION_BOXES) {
    const fileName = `${kind.toLowerCase()}.${format === 'jpeg' ? 'jpg' : format}`;
    let info: sharp.OutputInfo;
    // Sized from the original's dimensions, not from the decoded pixels (which may already be shrunk).
    const target = fitInside(size, box);
    try {
      const resized = animated
        ? open(originalPath, limits, true).resize({
            width: target.width,
          })
        : fromPixels(pixels).resize({ width: target.width, height: target.height, fit: 'fill' });
      info = await resized
        .toFormat(format)
        .timeout({ seconds: deadline.seconds() })
        .toFile(path.join(folder, fileName));
    } catch (err) {
      throw decodeFailure(err);
    }
    const height = animated && info.pageHeight ? info.pageHeight : info.height;
    renditions.push({ kind, fileName, width: info.width, height, contentType: CONTENT_TYPE[format] });
  }
  const { size: byteSize } = await fs.stat(originalPath);
  return {
    width: size.width,
    height: size.height,
    ...(await summariseImage(fromPixels(pixels), deadline)),
    original: { fileName: originalName, byteSize, contentType },
    renditions,
  };
}

/** The ThumbHash and dominant colour of the (first frame of the) image at `file`. */
export async function summarise(file: string, limits: DecodeLimits): Promise<ImageSummary> {
  await probe(file, limits);
  return summariseImage(open(file, limits).rotate(), new Deadline(limits.timeoutMs));
}

/** ThumbHash and dominant colour, both from one version of at most 100 x 100 px. */
async function summariseImage(image: sharp.Sharp, deadline: Deadline): Promise<ImageSummary> {
  try {
    const small = await image
      .resize({ width: SUMMARY_BOX, height: SUMMARY_BOX, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .timeout({ seconds: deadline.seconds() })
      .toBuffer({ resolveWithObject: true });
    const { width, height } = small.info;
    const { dominant } = await fromPixels(small).stats();
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    return {
      thumbhash: Buffer.from(rgbaToThumbHash(width, height, small.data)).toString('base64'),
      dominantColor: `#${hex(dominant.r)}${hex(dominant.g)}${hex(dominant.b)}`,
    };
  } catch (err) {
    throw decodeFailure(err);
  }
}

/**
 * Writes one rendition on request of the served original at `source` to
 * `outPath`: fitted inside the box, or with `crop` covering exactly the box
 * (shrunk to the image's own size, same aspect ratio, when the box is
 * larger); never enlarged. Animated GIF and WebP stay animated in GIF and
 * WebP, every frame resized; other formats take the first frame.
 */
export async function renderRendition(
  source: string,
  contentType: string,
  outPath: string,
  request: RenditionRequest,
  limits: DecodeLimits,
): Promise<WrittenFile> {
  const deadline = new Deadline(limits.timeoutMs);
  const size = await probe(source, limits);
  const animated =
    (contentType === 'image/gif' || contentType === 'image/webp') &&
    size.pages > 1 &&
    (request.format === 'gif' || request.format === 'webp');
  if (animated) checkAnimationPixels(size, limits);
  // With `animated`, sharp's pixel limit counts every frame: the limit applies to the whole animation.
  let image = open(source, limits, animated).rotate();
  if (request.crop && request.width !== null && request.height !== null) {
    const scale = Math.min(1, size.width / request.width, size.height / request.height);
    image = image.resize({
      width: Math.max(1, Math.floor(request.width * scale)),
      height: Math.max(1, Math.floor(request.height * scale)),
      fit: 'cover',
      position: 'centre',
    });
  } else if (request.width !== null || request.height !== null) {
    image = image.resize({
      width: request.width ?? undefined,
      height: request.height ?? undefined,
      fit: 'inside',
      withoutEnlargement: true,
    });
  }
  try {
    const info = await RENDITION_ENCODERS[request.format](image)
      .timeout({ seconds: deadline.seconds() })
      .toFile(outPath);
    const height = animated && info.pageHeight ? info.pageHeight : info.height;
    return { width: info.width, height, byteSize: info.size };
  } catch (err) {
    throw decodeFailure(err);
  }
}

/**
 * The pixel limit applies to a whole animation, every frame counted (as
 * sharp counts them when it decodes one with `animated: true`).
 */
function checkAnimationPixels(size: ImageSize & { pages: number }, limits: DecodeLimits): void {
  const pixels = size.width * size.height * size.pages;
  if (pixels > limits.maxPixels) {
    throw MediaFailure.of(
      'FILE_TOO_LARGE',
      `The animation has ${pixels} pixels in its ${size.pages} frames; the limit is ${limits.maxPixels}`,
    );
  }
}

/** The served original in its own format, from decoded pixels (metadata is never written: sharp's default). */
function reencode(image: sharp.Sharp, contentType: string, lossless: boolean): sharp.Sharp {
  switch (contentType) {
    case 'image/avif':
      return image.avif({ quality: 80, effort: 2 });
    case 'image/webp':
      return image.webp(lossless ? { lossless: true } : { quality: 90 });
    case 'image/png':
      return image.png();
    case 'image/gif':
      return image.gif();
    case 'image/jpeg':
      return image.jpeg({ quality: 90 });
    default:
      return image.tiff({ compression: 'lzw' });
  }
}

/** The size of `size` fitted inside a `box` x `box` square, never enlarged (as sharp's `fit: 'inside'` rounds). */
export function fitInside(size: ImageSize, box: number): ImageSize {
  if (size.width <= box && size.height <= box) return size;
  return size.width >= size.height
    ? { width: box, height: Math.max(1, Math.round((size.height * box) / size.width)) }
    : { width: Math.max(1, Math.round((size.width * box) / size.height)), height: box };
}

function fromPixels({ data, info }: { data: Buffer; info: sharp.OutputInfo }) {
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}
