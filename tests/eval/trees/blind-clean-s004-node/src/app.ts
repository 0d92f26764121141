import type { Queue } from 'bullmq';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { pinoHttp } from 'pino-http';
import { requireAuth } from './auth/jwt';
import type { ApiConfig } from './config';
import type { Logger } from './logger';
import { httpDuration } from './metrics';
import { errorHandler, notFoundHandler } from './middleware/errorHandler';
import { perIpLimiter, perUserLimiter } from './middleware/rateLimit';
import { genRequestId } from './middleware/requestId';
import type { IngestJobData } from './queue/ingestQueue';
import { conversationsRouter } from './routes/conversations';
import { documentsRouter } from './routes/documents';
import { healthRouter } from './routes/health';

export interface AppDeps {
  cfg: ApiConfig;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  queue: Queue<IngestJobData>;
  isShuttingDown: () => boolean;
}

export function createApp({ cfg, logger, pool, redis, queue, isShuttingDown }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', cfg.TRUST_PROXY_HOPS);

  app.use(
    pinoHttp({
      logger,
      genReqId: genRequestId,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      },
    }),
  );

  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      // Route templates, not raw URLs, keep label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ route, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  });

  app.use(helmet());

  // Health endpoints are public and unthrottled so probes never get 429.
  // OpenAI is deliberately not probed: a third-party outage degrades chat
  // (errors are returned per request) but must not pull every replica out of
  // rotation, which would also take down document listing and uploads.
  app.use(
    healthRouter({
      logger,
      isShuttingDown,
      checks: {
        postgres: () => pool.query('SELECT 1'),
        redis: () => redis.ping(),
      },
    }),
  );

  const allowed = new Set(cfg.CORS_ALLOWED_ORIGINS);
  const api = express.Router();
  api.use(
    cors({
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Location'],
      credentials: false,
      maxAge: 600,
    }),
  );
  api.use(perIpLimiter(redis, cfg.RATE_LIMIT_WINDOW_MS, cfg.RATE_LIMIT_MAX_PER_IP));
  api.use(requireAuth(cfg));
  api.use(perUserLimiter(redis, 'api', cfg.RATE_LIMIT_WINDOW_MS, cfg.RATE_LIMIT_MAX_PER_USER));
  api.use(express.json({ limit: '32kb', strict: true }));

  api.use(
    '/documents',
    documentsRouter({
      pool,
      queue,
      cfg,
      uploadLimiter: perUserLimiter(redis, 'uploads', 60 * 60 * 1000, cfg.UPLOADS_PER_HOUR_PER_USER),
    }),
  );
  api.use('/conversations', conversationsRouter(pool));

  app.use('/v1', api);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
