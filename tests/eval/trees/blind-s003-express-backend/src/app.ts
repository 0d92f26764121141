import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { config } from './config';
import { errorHandler, notFound, requestLogger } from './middleware/http';
import { adminRouter } from './routes/admin';
import { dataRouter } from './routes/data';
import { healthRouter } from './routes/health';

export function createApp(): express.Express {
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(helmet());
  app.use(
    cors({
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'DELETE'],
    }),
  );
  app.use(express.json({ limit: '100kb' }));
  app.use(requestLogger);

  app.use(healthRouter);
  app.use('/api/data', dataRouter);
  app.use('/api/admin', adminRouter);

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
