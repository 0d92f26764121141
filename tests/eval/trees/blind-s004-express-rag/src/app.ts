import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import cors from 'cors';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import multer from 'multer';
import { ZodError } from 'zod';
import { requireApiKey, requireUser } from './auth';
import { config } from './config';
import { childLogger } from './logger';
import { analyticsQueue, documentQueue } from './queue/queues';
import { chatRouter } from './routes/chat';
import { documentsRouter } from './routes/documents';
import { healthRouter } from './routes/health';
import { metrics, metricsMiddleware } from './services/metrics';

const log = childLogger('http');

function buildQueueDashboard() {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/admin/queues');
  createBullBoard({
    queues: [new BullMQAdapter(documentQueue), new BullMQAdapter(analyticsQueue)],
    serverAdapter: adapter,
  });
  return adapter.getRouter();
}

function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof multer.MulterError) {
    res.status(400).json({ error: `upload rejected: ${err.code}` });
    return;
  }
  if (err instanceof ZodError) {
    res.status(400).json({ error: 'invalid request', details: err.flatten() });
    return;
  }
  const status = (err as { status?: number }).status ?? 500;
  const error = err as Error;
  log.error({ err: error, method: req.method, path: req.path, userId: req.user?.id }, 'request failed');
  res.status(status).json({
    error: status < 500 ? error.message : 'internal server error',
    ...(config.debug ? { detail: error.message, stack: error.stack } : {}),
  });
}

export function createApp() {
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', 1);

  app.use(helmet());
  app.use(cors({ origin: true, credentials: true }));
  app.use(express.json({ limit: '256kb' }));
  app.use(metricsMiddleware);

  app.use('/health', healthRouter);
  app.get('/metrics', requireApiKey, (_req, res) => {
    res.json(metrics.snapshot());
  });
  app.use('/admin/queues', requireApiKey, buildQueueDashboard());

  app.use('/api/v1/documents', requireUser, documentsRouter);
  app.use('/api/v1/chat', requireUser, chatRouter);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler);

  return app;
}
