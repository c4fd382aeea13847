import { Router } from 'express';

/** `/healthz` (the process answers) and `/readyz` (the store is open and migrated). */
export function healthRouter(isReady: () => boolean): Router {
  const router = Router({ caseSensitive: true });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const ready = isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  return router;
}
