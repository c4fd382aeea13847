import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import send from 'send';
import type { DownloadLinks } from '../media/download-links';
import { ROUTES, servedFile, servedImage } from '../providers/local/layout';
import { currentLog } from '../observability/log';
import type { BlobStore } from '../store/blob-store';
import type { MediaIndex } from '../store/media-index';

/**
 * Served bytes never run as a page of the API's origin: an HTML or SVG file
 * opened directly (despite `attachment`) gets a unique origin and no scripts.
 */
const SANDBOX = "sandbox; default-src 'none'";

/** An error answer: JSON, never cacheable as the media it stands for. */
function answerError(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function notFound(res: ServerResponse) {
  answerError(res, 404, 'NOT_FOUND', 'No such media');
}

/**
 * Streams the blob at `key` with RFC 9110 semantics, through `send` (what
 * Express's static serving uses): conditional requests (`If-None-Match` with
 * weak comparison, lists and `*`, `If-Modified-Since`), single ranges (206,
 * 416, `Accept-Ranges`), HEAD. `headers` are set only when the blob exists,
 * so an error never carries a media type or a long cache lifetime. A client
 * going away mid-body is not an error of the subgraph (logged at debug).
 */
function serveBlob(
  req: IncomingMessage,
  res: ServerResponse,
  blobs: BlobStore,
  key: string,
  headers: Record<string, string>,
) {
  send(req, key, { root: blobs.root, index: false, dotfiles: 'deny', cacheControl: false, etag: true })
    .on('headers', (response: ServerResponse) => {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    })
    .on('error', (err: { status?: number; code?: string; message: string; headers?: Record<string, string> }) => {
      if (res.headersSent) {
        currentLog().debug({ error: err.code ?? err.message }, 'media response ended early');
        res.destroy();
        return;
      }
      if (err.status === 404) return notFound(res);
      if (err.status === 416) {
        // The size, so a client can ask again for a range that exists.
        for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
        return answerError(res, 416, 'RANGE_NOT_SATISFIABLE', 'The range is outside the media');
      }
      if (err.status !== undefined && err.status < 500) {
        return answerError(res, err.status, 'BAD_REQUEST', err.message);
      }
      currentLog().error({ error: err.message }, 'media could not be read');
      answerError(res, 500, 'INTERNAL_SERVER_ERROR', 'The media could not be read');
    })
    .pipe(res);
}

/** An ASCII-safe `Content-Disposition` for a stored file name, with the exact name in `filename*`. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\/;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * `GET /media/...`: LOCAL image renditions (public, immutable: a new upload is
 * a new revision and a new URL) and LOCAL product files (only with a valid,
 * unexpired signature).
 */
export function mediaRouter(blobs: BlobStore, index: MediaIndex, links: DownloadLinks): Router {
  // Paths are matched exactly: `/MEDIA/...` is not a media URL.
  const router = Router({ caseSensitive: true, strict: true });

  router.get(ROUTES.image, (req: Request<Record<'imageId' | 'revision' | 'name', string>>, res: Response) => {
    const { imageId, revision, name } = req.params;
    const image = servedImage(imageId, revision, name);
    if (!image) return notFound(res);
    serveBlob(req, res, blobs, image.key, {
      'Content-Type': image.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': SANDBOX,
      'Cache-Control': 'public, max-age=31536000, immutable',
      // A revision's bytes never change: its id names them.
      ETag: `"${revision}-${image.kind}"`,
    });
  });

  router.get(ROUTES.file, (req: Request<Record<'fileId' | 'revision', string>>, res: Response) => {
    const { fileId, revision } = req.params;
    const blobKey = servedFile(fileId, revision);
    if (!blobKey) return notFound(res);
    const expires = typeof req.query.expires === 'string' ? req.query.expires : '';
    const signature = typeof req.query.signature === 'string' ? req.query.signature : '';
    const verdict = links.verify(blobKey, expires, signature);
    if (verdict !== 'ok') {
      return answerError(
        res,
        403,
        'FORBIDDEN',
        verdict === 'expired' ? 'The download link has expired' : 'Invalid download link',
      );
    }
    const file = index.fileByBlobKey(blobKey);
    if (!file) return notFound(res);
    serveBlob(req, res, blobs, blobKey, {
      'Content-Type': file.contentType ?? 'application/octet-stream',
      'Content-Disposition': attachmentDisposition(file.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': SANDBOX,
      'Cache-Control': 'private, no-store',
      ETag: `"${revision}"`,
    });
  });

  // Download links are signed for reading only.
  router.all(ROUTES.file, (_req, res) => {
    res.setHeader('Allow', 'GET, HEAD');
    answerError(res, 403, 'FORBIDDEN', 'Download links are signed for GET only');
  });

  return router;
}
