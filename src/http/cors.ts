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
