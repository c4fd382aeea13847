import { Router, type Request, type Response } from 'express';
import type { MediaErrorCode } from '../domain/errors';
import type { MediaService } from '../media/media-service';
import { FORBIDDEN_UPLOAD, UPLOAD_STALLED } from '../media/upload-receiver';

/** The HTTP status for each way an upload can be refused. */
export const UPLOAD_STATUS: Partial<Record<MediaErrorCode | typeof FORBIDDEN_UPLOAD | typeof UPLOAD_STALLED, number>> =
  {
    [FORBIDDEN_UPLOAD]: 403,
    [UPLOAD_STALLED]: 408,
    FILE_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    INVALID_INPUT: 400,
    NOT_FOUND: 404,
    PROVIDER_NOT_CONFIGURED: 503,
    PROVIDER_UNAVAILABLE: 503,
    UNAUTHORIZED: 502,
    PROVIDER_REJECTED: 502,
  };

/** `PUT /uploads/<token>`: the upload URLs handed out for LOCAL (and providers that forward bytes). */
export function uploadRouter(media: MediaService): Router {
  // Paths are matched exactly: `/UPLOADS/<token>` is not an upload URL.
  const router = Router({ caseSensitive: true, strict: true });
  router.put('/uploads/:token', async (req: Request<{ token: string }>, res: Response) => {
    const header = req.headers['content-length'];
    const declared = header === undefined ? undefined : Number(header);
    const outcome = await media.receiveUpload(
      req.params.token,
      req,
      declared !== undefined && Number.isFinite(declared) ? declared : undefined,
    );
    if (outcome.ok) {
      res.status(200).json(outcome.value);
      return;
    }
    // A full store is the server's failure: 507 Insufficient Storage, never a 4xx blaming the client.
    const status =
      'storageFull' in outcome.error && outcome.error.storageFull ? 507 : (UPLOAD_STATUS[outcome.error.code] ?? 400);
    // A refused body may still be arriving; say so and close rather than read it all.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.status(status).json({ error: { code: outcome.error.code, message: outcome.error.message } });
  });
  // A signed URL is good for the one method it was issued for, as with S3's presigned URLs.
  router.all('/uploads/:token', (_req, res) => {
    res.setHeader('Allow', 'PUT');
    res.status(403).json({ error: { code: FORBIDDEN_UPLOAD, message: 'Upload URLs are signed for PUT only' } });
  });
  return router;
}
