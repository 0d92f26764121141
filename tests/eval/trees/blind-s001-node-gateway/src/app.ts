import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { loginHandler, requireAdmin, requireAuth } from './auth';
import type { Config } from './config';
import { logger } from './logger';
import { requestCounter } from './metrics';
import { rateLimit, SlidingWindowLimiter } from './rateLimit';
import { adminRouter } from './routes/admin';
import { apiRouter } from './routes/api';
import { healthRouter } from './routes/health';
import type { SessionManager } from './sessions';

export function buildApp(cfg: Config, deps: { sessions: SessionManager }) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(helmet());
  app.use(cors({ origin: true, credentials: true }));
  app.use(express.json({ limit: '64kb' }));
  app.use(requestCounter);

  app.use('/health', healthRouter());

  app.post('/auth/login', loginHandler(cfg));

  const apiLimiter = new SlidingWindowLimiter(cfg.rateLimitPerMinute, 60_000);
  app.use(
    '/api',
    rateLimit(apiLimiter, (req) => req.ip ?? 'unknown'),
    requireAuth(cfg),
    apiRouter(cfg, deps),
  );

  app.use('/admin', requireAuth(cfg), requireAdmin, adminRouter(cfg, deps));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err, path: req.path }, 'unhandled request error');
    res.status(500).json({ error: 'internal error' });
  });

  return app;
}
