import { Router } from 'express';

export function healthRouter(): Router {
  const router = Router();

  router.get('/live', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/ready', (_req, res) => {
    res.json({ status: 'ready' });
  });

  return router;
}
