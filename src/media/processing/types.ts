import { MediaFailure, type MediaErrorCode } from '../../domain/errors';
import type { ImageVariantKind } from '../../domain/model';

/** Width and height as displayed (EXIF orientation applied). */
export interface ImageSize {
  width: number;
  height: number;
}

/** One rendition written into the revision folder. */
export interface WrittenRendition {
  kind: Exclude<ImageVariantKind, 'ORIGINAL'>;
  fileName: string;
  width: number;
  height: number;
  contentType: string;
}

/** What a storefront shows while an image loads. */
export interface ImageSummary {
  /** Base64 ThumbHash, from a version of at most 100 x 100 px. */
  thumbhash: string;
  /** The dominant colour (sharp's `stats().dominant`), `#rrggbb`. */
  dominantColor: string;
}

/** What {@link ImageProcessor.render} wrote: the served original and the renditions. */
export interface RenderedImage extends ImageSize, ImageSummary {
  /** The served original: the upload without metadata or trailing bytes. */
  original: { fileName: string; byteSize: number; contentType: string };
  renditions: WrittenRendition[];
}

/** Encodings a rendition on request can have. */
export type RenditionFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'gif';

/**
 * One rendition on request, already snapped: fit inside `width` x `height`
 * (null: unbounded), or with `crop` cover exactly that box; never enlarged.
 */
export interface RenditionRequest {
  width: number | null;
  height: number | null;
  crop: boolean;
  format: RenditionFormat;
}

/** What {@link ImageProcessor.renderRendition} wrote. */
export interface WrittenFile extends ImageSize {
  byteSize: number;
}

/** What bounds the decoding of one image. */
export interface DecodeLimits {
  /** Largest width x height. */
  maxPixels: number;
  /** Most pages or frames. */
  maxPages: number;
  /** Longest the whole task may take, in milliseconds. */
  timeoutMs: number;
}

/** One task for a worker process. */
export type ProcessingTask =
  | { op: 'probe'; path: string; limits: DecodeLimits }
  | { op: 'render'; sourcePath: string; contentType: string; folder: string; limits: DecodeLimits }
  | { op: 'summarise'; path: string; limits: DecodeLimits }
  | {
      op: 'rendition';
      sourcePath: string;
      contentType: string;
      outPath: string;
      request: RenditionRequest;
      limits: DecodeLimits;
    };

/** How a task failed, as the worker reports it (a `MediaError` code, or the disk being full). */
export interface TaskFailure {
  code: MediaErrorCode | 'NO_SPACE';
  message: string;
}

/** What a task gives back, by its `op`. */
export type TaskResult = ImageSize | RenderedImage | ImageSummary | WrittenFile;

/** A worker's answer to the task with the same id, or its word that it is loaded and ready. */
export type TaskReply =
  { ready: true } | { id: number; ok: true; value: TaskResult } | { id: number; ok: false; failure: TaskFailure };

/**
 * Decodes images away from the request-serving process: reads sizes and
 * writes the served original and its renditions. Expected refusals (not an
 * image, over a limit, too costly to decode) reject with a `MediaFailure`;
 * a full disk rejects with `NoSpaceError`.
 */
export interface ImageProcessor {
  /** The displayed size of the image at `path`, checked against the pixel and page limits. */
  probe(path: string): Promise<ImageSize>;
  /** Writes `original.<ext>` and the renditions of `sourcePath` into `folder`. */
  render(sourcePath: string, contentType: string, folder: string): Promise<RenderedImage>;
  /** The ThumbHash and dominant colour of the image at `path` (for images processed before they existed). */
  summarise(path: string): Promise<ImageSummary>;
  /** Writes one rendition on request of the served original at `sourcePath` (of type `contentType`) to `outPath`. */
  renderRendition(
    sourcePath: string,
    contentType: string,
    outPath: string,
    request: RenditionRequest,
  ): Promise<WrittenFile>;
  /** Stops every worker; tasks still running reject. */
  close(): Promise<void>;
}

/** The refusal of an image that takes longer to decode than `MEDIA_PROCESSING_TIMEOUT_MS` allows. */
export function tooCostlyToDecode(): MediaFailure {
  return MediaFailure.of(
    'UNSUPPORTED_MEDIA_TYPE',
    'The image is too costly to decode (it took longer than MEDIA_PROCESSING_TIMEOUT_MS); send a simpler encoding',
  );
}
