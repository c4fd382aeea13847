import type { IncomingMessage } from 'node:http';
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

/**
 * Parses GraphQL multipart requests (the spec graphql-upload-minimal
 * implements) within the given limits; other requests pass untouched. A
 * malformed body is the client's error: 400, or 413 over a limit.
 */
export function multipartGraphQL(options: UploadOptions): RequestHandler {
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    guardParserErrors(req);
    processRequest(req, res, options).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: unknown) => next(asClientError(err)),
    );
  };
}
