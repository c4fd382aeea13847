import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { RequestHandler } from 'express';
import { processRequest, type UploadOptions } from 'graphql-upload-minimal';
import { asClientError } from './errors';

/**
 * graphql-upload-minimal listens for the first error of its busboy parser
 * only (`once`), then destroys the parser, and busboy emits a second error
 * ("Unexpected end of form") for a malformed part header: with no listener
 * left, that one would take the whole process down. A standing listener on
 * whatever the request is piped into keeps it a failed request.
 */
function guardParserErrors(req: IncomingMessage): void {
  const pipe = req.pipe.bind(req);
  req.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
    (destination as unknown as Writable).on('error', () => undefined);
    return pipe(destination, options);
  };
}

/** Longest an answer waits for the rest of a body nobody reads; then it is sent and the connection closed. */
const DRAIN_WAIT_MS = 5_000;
/** A body that stops arriving for this long is not waited for (a stalled sender gets its answer at once). */
const DRAIN_IDLE_MS = 500;

/**
 * A resolver may answer without reading the file (a refusal before any byte
 * is needed). Answering while the body is still unread makes Node close the
 * connection under a client that is still sending (it sees EPIPE, not the
 * answer). So, as graphql-upload's own Express middleware does, the answer
 * waits while the rest of the body arrives and is dropped: until it ends, it
 * pauses for {@link DRAIN_IDLE_MS}, or {@link DRAIN_WAIT_MS} pass.
 */
function answerAfterBody(req: IncomingMessage, res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    res.end = end as ServerResponse['end'];
    if (req.complete || req.destroyed) return end(...args);
    let idle: NodeJS.Timeout | undefined;
    const send = () => {
      clearTimeout(cap);
      clearTimeout(idle);
      req.off('data', arrived);
      req.off('end', send);
      req.off('close', send);
      end(...args);
    };
    const arrived = () => {
      clearTimeout(idle);
      idle = setTimeout(send, DRAIN_IDLE_MS);
    };
    const cap = setTimeout(send, DRAIN_WAIT_MS);
    arrived();
    req.on('data', arrived);
    req.once('end', send);
    req.once('close', send);
    req.unpipe();
    req.resume();
    return res;
  }) as ServerResponse['end'];
}

/**
 * Parses GraphQL multipart requests (the spec graphql-upload-minimal
 * implements) within the given limits; other requests pass untouched. A
 * malformed body is the client's error: 400, or 413 over a limit.
 */
export function multipartGraphQL(options: UploadOptions): RequestHandler {
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    guardParserErrors(req);
    answerAfterBody(req, res);
    processRequest(req, res, options).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: unknown) => next(asClientError(err)),
    );
  };
}
