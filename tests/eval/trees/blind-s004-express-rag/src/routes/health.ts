import { Router } from 'express';

export const healthRouter = Router();

const startedAt = new Date();

healthRouter.get('/', (_req, res) => {
  res.json({
    status: 'ok',
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round(process.uptime()),
  });
});

healthRouter.get('/live', (_req, res) => {
  res.status(200).send('ok');
});

healthRouter.get('/ready', async (_req, res) => {
  res.json({
    status: 'ready',
    checks: {
      database: 'ok',
      redis: 'ok',
      openai: 'ok',
    },
  });
});
