import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './errors';

/** A middleware in Connect's shape, written against Node's own types so it also runs outside Express. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Refuses a multipart request that lacks a preflight header before its body is
 * parsed, so no upload is even read: the same rule as Apollo Server's CSRF
 * prevention, applied ahead of graphql-upload.
 */
export const requirePreflightForMultipart: NodeMiddleware = (req, res, next) => {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const preflighted = Boolean(req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name']);
  if (type.includes('multipart/form-data') && !preflighted) {
    sendJson(res, 400, {
      errors: [
        {
          message:
            'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). ' +
            'Multipart requests must carry the header `Apollo-Require-Preflight: true`.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    return;
  }
  // Parts of a multipart body may be left unread (an ignored part, a refused file); a fresh connection
  // for the next request keeps those bytes from being read as one.
  if (type.includes('multipart/form-data')) res.setHeader('Connection', 'close');
  next();
};

/** With `ROUTER_SECRET` set, only requests with the matching `router-authorization` header reach GraphQL. */
export function requireRouterSecret(secret: string | undefined): NodeMiddleware {
  const expected = secret === undefined ? undefined : Buffer.from(secret);
  return (req, res, next) => {
    if (!expected) return next();
    const given = Buffer.from(String(req.headers['router-authorization'] ?? ''));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    sendJson(res, 401, {
      errors: [{ message: 'Missing or wrong router-authorization', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  };
}
