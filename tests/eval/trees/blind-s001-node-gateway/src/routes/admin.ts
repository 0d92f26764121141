import { Router } from 'express';
import type { Config } from '../config';
import { sessionsCol } from '../db';
import { logger } from '../logger';
import { metrics } from '../metrics';
import type { SessionManager } from '../sessions';

function isHttpOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export function adminRouter(cfg: Config, deps: { sessions: SessionManager }): Router {
  const router = Router();

  router.get('/stats', (_req, res) => {
    res.json({ ...metrics.snapshot(), liveSessions: deps.sessions.count() });
  });

  router.get('/sessions', async (req, res) => {
    const limit = Number(req.query.limit) || 100;
    const filter = typeof req.query.userId === 'string' ? { userId: req.query.userId } : {};
    try {
      const docs = await sessionsCol().find(filter).sort({ startedAt: -1 }).limit(limit).toArray();
      res.json({ sessions: docs });
    } catch (err) {
      logger.error({ err }, 'admin session listing failed');
      res.status(500).json({ error: 'internal error' });
    }
  });

  router.delete('/sessions/:id', async (req, res) => {
    try {
      await deps.sessions.end(req.params.id);
      res.status(204).end();
    } catch (err) {
      logger.error({ err, sessionId: req.params.id }, 'admin end session failed');
      res.status(500).json({ error: 'internal error' });
    }
  });

  router.put('/origins', (req, res) => {
    const origins = req.body?.origins;
    if (!Array.isArray(origins) || origins.length === 0 || origins.length > 50 || !origins.every(isHttpOrigin)) {
      res.status(400).json({ error: 'origins must be a non-empty list of http(s) origins' });
      return;
    }
    cfg.allowedOrigins = [...origins];
    logger.info({ by: req.user?.sub, origins }, 'allowed origins updated');
    res.json({ origins: cfg.allowedOrigins });
  });

  return router;
}
