import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import type { DownloadLinks } from '../media/download-links';
import type { BlobStore } from '../store/blob-store';
import type { MediaIndex } from '../store/media-index';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RENDITION = /^(original|standard|low|thumbnail)\.(png|jpg|gif|webp|tif|avif)$/;
const TYPE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  avif: 'image/avif',
};

/**
 * Served bytes never run as a page of the API's origin: an HTML or SVG file
 * opened directly (despite `attachment`) gets a unique origin and no scripts.
 */
const SANDBOX = "sandbox; default-src 'none'";

function notFound(res: Response) {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such media' } });
}

async function sendBlob(res: Response, filePath: string, method: string): Promise<void> {
  let size: number;
  try {
    size = (await fs.stat(filePath)).size;
  } catch {
    notFound(res);
    return;
  }
  res.setHeader('Content-Length', String(size));
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(filePath), res);
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
  // Paths are matched exactly: `/UPLOADS/<token>` is not an upload URL.
  const router = Router({ caseSensitive: true, strict: true });

  router.get('/media/images/:imageId/:revision/:name', async (req, res) => {
    const { imageId, revision, name } = req.params;
    const match = RENDITION.exec(name);
    if (!ID.test(imageId) || !ID.test(revision) || !match) return notFound(res);
    const etag = `"${revision}-${match[1]}"`;
    res.setHeader('Content-Type', TYPE_BY_EXTENSION[match[2]!]!);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', SANDBOX);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    await sendBlob(res, blobs.pathOf(`images/${imageId}/${revision}/${name}`), req.method);
  });

  router.get('/media/files/:fileId/:revision/:name', async (req, res) => {
    const { fileId, revision } = req.params;
    if (!ID.test(fileId) || !ID.test(revision)) return notFound(res);
    const blobKey = `files/${fileId}/${revision}/data`;
    const expires = typeof req.query.expires === 'string' ? req.query.expires : '';
    const signature = typeof req.query.signature === 'string' ? req.query.signature : '';
    const verdict = links.verify(blobKey, expires, signature);
    if (verdict !== 'ok') {
      res.status(403).json({
        error: {
          code: 'FORBIDDEN',
          message: verdict === 'expired' ? 'The download link has expired' : 'Invalid download link',
        },
      });
      return;
    }
    const file = index.fileByBlobKey(blobKey);
    if (!file) return notFound(res);
    res.setHeader('Content-Type', file.contentType ?? 'application/octet-stream');
    res.setHeader('Content-Disposition', attachmentDisposition(file.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', SANDBOX);
    res.setHeader('Cache-Control', 'private, no-store');
    await sendBlob(res, blobs.pathOf(blobKey), req.method);
  });

  // Download links are signed for reading only.
  router.all('/media/files/:fileId/:revision/:name', (_req, res) => {
    res.setHeader('Allow', 'GET, HEAD');
    res.status(403).json({ error: { code: 'FORBIDDEN', message: 'Download links are signed for GET only' } });
  });

  return router;
}
