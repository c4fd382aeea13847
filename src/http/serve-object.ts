import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import fresh from 'fresh';
import parseRange from 'range-parser';
import { currentLog } from '../observability/log';
import { ObjectMissing, type ObjectStorage } from '../store/object-storage';

/** An error answer: JSON, never cacheable as the media it stands for. */
export function answerError(res: ServerResponse, status: number, code: string, message: string): void {
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

/** 404 in the JSON shape of every media error. */
export function notFound(res: ServerResponse): void {
  answerError(res, 404, 'NOT_FOUND', 'No such media');
}

const headerText = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** Whether `If-Range` (an ETag or a date) still names this representation, so its `Range` applies. */
function rangeStillApplies(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (!ifRange) return true;
  if (ifRange.includes('"')) return ifRange === etag;
  const since = Date.parse(ifRange);
  return !Number.isNaN(since) && Date.parse(lastModified) <= since;
}

/** `If-Match` naming other tags, or `If-Unmodified-Since` before the last change (RFC 9110 section 13.1). */
function preconditionFailed(req: IncomingMessage, etag: string, modifiedAt: Date): boolean {
  const ifMatch = req.headers['if-match'];
  if (ifMatch) return ifMatch.trim() !== '*' && !ifMatch.split(',').some((tag) => tag.trim() === etag);
  const since = Date.parse(req.headers['if-unmodified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(modifiedAt.getTime() / 1000) * 1000 > since;
}

/**
 * Streams one stored object with RFC 9110 semantics, reading only through
 * storage, so a folder and a bucket answer alike: conditional requests
 * (`If-None-Match`, `If-Modified-Since` via `fresh`; `If-Match`,
 * `If-Unmodified-Since` with 412), one byte range (206,
 * 416 with the size, `If-Range`; several ranges get the whole object, as
 * Express's static serving does), HEAD. `headers` (which must include a
 * strong `ETag`) are set only when the object exists, so an error never
 * carries a media type or a long cache lifetime. A client going away
 * mid-body is not an error of the subgraph (logged at debug).
 */
export async function serveObject(
  req: IncomingMessage,
  res: ServerResponse,
  storage: ObjectStorage,
  key: string,
  headers: Record<string, string> & { ETag: string },
): Promise<void> {
  // An error answer drops what described the object, and keeps what others set (CORS, the request id).
  const forgetObjectHeaders = () => {
    for (const name of [...Object.keys(headers), 'Last-Modified', 'Accept-Ranges', 'Content-Range', 'Content-Length']) {
      res.removeHeader(name);
    }
  };
  try {
    const stored = await storage.stat(key);
    if (!stored) return notFound(res);
    const lastModified = stored.modifiedAt.toUTCString();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('Last-Modified', lastModified);
    res.setHeader('Accept-Ranges', 'bytes');
    if (preconditionFailed(req, headers.ETag, stored.modifiedAt)) {
      forgetObjectHeaders();
      return answerError(res, 412, 'PRECONDITION_FAILED', "The media does not match the request's preconditions");
    }
    if (fresh(req.headers, { etag: headers.ETag, 'last-modified': lastModified })) {
      for (const name of ['Content-Type', 'Content-Length', 'Content-Disposition']) res.removeHeader(name);
      res.statusCode = 304;
      res.end();
      return;
    }
    let range: { start: number; end: number } | undefined;
    const rangeHeader = req.headers.range;
    if (rangeHeader && rangeStillApplies(headerText(req.headers['if-range']), headers.ETag, lastModified)) {
      const ranges = parseRange(stored.size, rangeHeader, { combine: true });
      if (ranges === -1) {
        forgetObjectHeaders();
        res.setHeader('Content-Range', `bytes */${stored.size}`);
        return answerError(res, 416, 'RANGE_NOT_SATISFIABLE', 'The range is outside the media');
      }
      if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) range = ranges[0];
    }
    if (range) {
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${stored.size}`);
      res.setHeader('Content-Length', range.end - range.start + 1);
    } else {
      res.statusCode = 200;
      res.setHeader('Content-Length', stored.size);
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // The whole object as a range too: a file read that knows where it stops ends with its last bytes, instead of
    // one more read finding the end, during which a client with every byte may close and look as if it left early.
    const whole = stored.size > 0 ? { start: 0, end: stored.size - 1 } : undefined;
    await pipeline(await storage.read(key, range ?? whole), res);
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    if (res.headersSent || req.destroyed) {
      currentLog().debug({ error: error.code ?? error.message }, 'media response ended early');
      res.destroy();
      return;
    }
    forgetObjectHeaders();
    if (err instanceof ObjectMissing) return notFound(res);
    currentLog().error({ error: error.message }, 'media could not be read');
    answerError(res, 500, 'INTERNAL_SERVER_ERROR', 'The media could not be read');
  }
}
