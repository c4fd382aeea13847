import { Router } from 'express';

/** Whether the subgraph can take traffic, and why not. */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** `/healthz` (the process answers) and `/readyz` (the store is open and migrated, and has room). */
export function healthRouter(readiness: () => Promise<Readiness>): Router {
  const router = Router({ caseSensitive: true });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, reason } = await readiness();
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready' } : { status: 'not ready', reason });
  });
  return router;
}
