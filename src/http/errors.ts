import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { currentLog, loggedPath } from '../observability/log';

/** An error a middleware raised because of what the client sent, with the HTTP status to answer. */
interface HttpError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function clientStatus(err: HttpError): number | undefined {
  const status = err.status ?? err.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** What a body parser failed on, as an error carrying the client status to answer: 400 unless it names a 4xx. */
export function asClientError(err: unknown): Error {
  const httpError = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as HttpError;
  return Object.assign(new Error(httpError.message ?? 'Malformed request'), { status: clientStatus(httpError) ?? 400 });
}

/** Answers with a JSON body through Node's own API, so handlers inside and outside Express answer alike. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Answers a failed HTTP request with a JSON body in the GraphQL error shape.
 * Client errors keep their message; anything else is masked and logged.
 */
export function sendHttpError(err: HttpError, req: IncomingMessage, res: ServerResponse): void {
  const status = clientStatus(err);
  if (status === undefined) {
    currentLog().error(
      { path: loggedPath(req.url), error: String(err.message) },
      'unexpected error in an HTTP request',
    );
  }
  // The body may still be arriving; do not wait for it.
  if (!req.complete) res.setHeader('Connection', 'close');
  sendJson(res, status ?? 500, {
    errors: [
      {
        message: status !== undefined && err.expose !== false ? err.message : 'Internal server error',
        extensions: { code: status ? (CODE_BY_STATUS[status] ?? 'BAD_REQUEST') : 'INTERNAL_SERVER_ERROR' },
      },
    ],
  });
}

/** A client that went away mid-response: nothing the subgraph did wrong. */
function isClientGone(err: { code?: string }): boolean {
  return err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE';
}

/**
 * The last error handler: {@link sendHttpError} instead of Express's HTML
 * page. It never hands an error on, so Express's default handler (which
 * writes stacks to stderr, outside the log) is never reached; a response
 * already under way is cut off, and a client that left is logged at debug.
 */
export const jsonErrorHandler: ErrorRequestHandler = (err: HttpError & { code?: string }, req, res, _next) => {
  if (res.headersSent) {
    if (isClientGone(err)) currentLog().debug({ path: loggedPath(req.url), error: err.code }, 'client went away');
    else currentLog().error({ path: loggedPath(req.url), error: String(err.message) }, 'response failed midway');
    res.destroy();
    return;
  }
  sendHttpError(err, req, res);
};

/** Paths no route answers: a JSON 404 in the error shape, rather than Express's HTML page. */
export const jsonNotFound: RequestHandler = (_req, res) => {
  sendJson(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
};
