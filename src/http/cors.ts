import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * Upload URLs and media links carry their own authorisation (a signature), and
 * no cookies are involved, so any origin may use them: a frontend on another
 * origin can PUT bytes straight from the browser.
 */
export function openCors(methods: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Length');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, If-None-Match');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** Request headers a browser app sends to `/graphql`: JSON, Apollo's CSRF preflight marker, a user's token. */
const GRAPHQL_REQUEST_HEADERS = 'Content-Type, Apollo-Require-Preflight, X-Apollo-Operation-Name, Authorization';

/**
 * CORS for `/graphql` (`MEDIA_CORS_ORIGINS`), so that a browser app in
 * development can call the subgraph directly; in production the Router
 * answers browsers and the subgraph is not reachable from them. Answers a
 * preflight from an allowed origin itself (returns true); marks other
 * requests from it as readable by that origin. Without an allowed origin
 * nothing is added, and the browser refuses the app the answer.
 */
export function graphqlCors(
  origins: string[] | '*',
  path = '/graphql',
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = origins === '*' ? () => true : (origin: string) => origins.includes(origin);
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined || (origins !== '*' && origins.length === 0)) return false;
    if ((req.url ?? '').split('?', 1)[0] !== path) return false;
    // The answer depends on the origin: caches must keep one per origin.
    res.setHeader('Vary', 'Origin');
    if (!allowed(origin)) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method !== 'OPTIONS') return false;
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', GRAPHQL_REQUEST_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
    return true;
  };
}
