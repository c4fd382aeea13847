import { Router, type Request, type Response } from 'express';
import type { DownloadLinks } from '../media/download-links';
import { IMMUTABLE, ROUTES, servedFile, servedImage, servedRendition } from '../providers/local/layout';
import type { LocalProvider } from '../providers/local/local-provider';
import type { MediaIndex } from '../store/media-index';
import type { ObjectStorage } from '../store/object-storage';
import { answerError, notFound, serveObject } from './serve-object';

/**
 * Served bytes never run as a page of the API's origin: an HTML or SVG file
 * opened directly (despite `attachment`) gets a unique origin and no scripts.
 */
const SANDBOX = "sandbox; default-src 'none'";

/** An ASCII-safe `Content-Disposition` for a stored file name, with the exact name in `filename*`. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\/;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * `GET /media/...`: LOCAL image renditions (public, immutable: a new upload is
 * a new revision and a new URL), renditions on request (only with the
 * signature the subgraph handed out; made on the first request, then served
 * from storage like the fixed ones), and LOCAL product files (only with a
 * valid, unexpired signature).
 */
export function mediaRouter(
  storage: ObjectStorage,
  index: MediaIndex,
  links: DownloadLinks,
  local: Pick<LocalProvider, 'rendition' | 'handedOut'>,
  absoluteUrl: (location: string) => string,
): Router {
  // Paths are matched exactly: `/MEDIA/...` is not a media URL.
  const router = Router({ caseSensitive: true, strict: true });

  router.get(ROUTES.image, (req: Request<Record<'imageId' | 'revision' | 'name', string>>, res: Response) => {
    const { imageId, revision, name } = req.params;
    const image = servedImage(imageId, revision, name);
    if (!image) return notFound(res);
    return serveObject(req, res, storage, image.key, {
      'Content-Type': image.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': SANDBOX,
      'Cache-Control': IMMUTABLE,
      // A revision's bytes never change: its id names them.
      ETag: `"${revision}-${image.kind}"`,
    });
  });

  router.get(ROUTES.rendition, async (req: Request<Record<'imageId' | 'revision' | 'spec', string>>, res: Response) => {
    const { imageId, revision, spec } = req.params;
    const served = servedRendition(imageId, revision, spec);
    if (!served) return notFound(res);
    const signature = typeof req.query.signature === 'string' ? req.query.signature : '';
    if (!local.handedOut(served.blobKey, spec, signature)) {
      return answerError(res, 403, 'FORBIDDEN', 'This rendition was not handed out by the subgraph');
    }
    const outcome = await local.rendition(served.blobKey, served.spec);
    if (!outcome.ok && outcome.error.code === 'PROVIDER_UNAVAILABLE') {
      // Every image worker is busy (or the subgraph is stopping): the rendition exists to be made, so try again.
      res.setHeader('Retry-After', '1');
      return answerError(res, 503, 'UNAVAILABLE', outcome.error.message);
    }
    if (!outcome.ok) return notFound(res);
    if ('fallback' in outcome.value) {
      // Past the cap on stored renditions, or one that cannot be made: a fixed rendition, briefly cached.
      res.setHeader('Cache-Control', 'public, max-age=300');
      return res.redirect(302, absoluteUrl(outcome.value.fallback));
    }
    return serveObject(req, res, storage, outcome.value.key, {
      'Content-Type': served.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': SANDBOX,
      'Cache-Control': IMMUTABLE,
      ETag: `"${revision}-${spec}"`,
    });
  });

  router.get(ROUTES.file, async (req: Request<Record<'fileId' | 'revision', string>>, res: Response) => {
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
    const file = await index.fileByBlobKey(blobKey);
    if (!file) return notFound(res);
    return serveObject(req, res, storage, blobKey, {
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
