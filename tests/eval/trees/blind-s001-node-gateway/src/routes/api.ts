import { Router } from 'express';
import type { Config } from '../config';
import { sessionsCol, transcripts } from '../db';
import { summarize } from '../llm';
import { logger } from '../logger';
import type { SessionManager } from '../sessions';

export function apiRouter(cfg: Config, deps: { sessions: SessionManager }): Router {
  const router = Router();

  router.get('/sessions', async (req, res) => {
    const limit = Math.min(Math.max(Number.parseInt(String(req.query.limit ?? '20'), 10) || 20, 1), 50);
    try {
      const docs = await sessionsCol()
        .find({ userId: req.user!.sub })
        .sort({ startedAt: -1 })
        .limit(limit)
        .toArray();
      res.json({ sessions: docs });
    } catch (err) {
      logger.error({ err }, 'list sessions failed');
      res.status(500).json({ error: 'internal error' });
    }
  });

  router.get('/sessions/:id/transcript', async (req, res) => {
    const items = await transcripts()
      .find({ sessionId: req.params.id })
      .sort({ at: 1 })
      .toArray();
    res.json({ sessionId: req.params.id, items });
  });

  router.post('/sessions/:id/summary', async (req, res) => {
    try {
      const session = await sessionsCol().findOne({ _id: req.params.id, userId: req.user!.sub });
      if (!session) {
        res.status(404).json({ error: 'session not found' });
        return;
      }
      const items = await transcripts()
        .find({ sessionId: session._id })
        .sort({ at: -1 })
        .limit(200)
        .toArray();
      const text = items
        .reverse()
        .map((t) => `${t.role}: ${t.text}`)
        .join('\n');
      res.json({ summary: await summarize(cfg, text) });
    } catch (err) {
      logger.error({ err, sessionId: req.params.id }, 'summary failed');
      res.status(502).json({ error: 'summary unavailable' });
    }
  });

  router.get('/me', (req, res) => {
    res.json({ userId: req.user!.sub, role: req.user!.role, liveSessions: deps.sessions.count() });
  });

  return router;
}
