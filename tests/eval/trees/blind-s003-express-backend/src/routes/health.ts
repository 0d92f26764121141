import { Router } from 'express';
import { config } from '../config';
import { query } from '../db';
import { getRedis } from '../redis';

export const healthRouter = Router();

const startedAt = new Date();
const version = process.env.APP_VERSION ?? 'dev';

healthRouter.get('/health', (_req, res) => {
  res.json({
    status: 'ok',
    version,
    environment: config.environment,
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  });
});

healthRouter.get('/health/liveness', (_req, res) => {
  res.json({ status: 'alive' });
});

healthRouter.get('/health/readiness', async (_req, res) => {
  const checks: Record<string, string> = {};
  try {
    await query('SELECT 1');
    checks.database = 'ok';
  } catch (err) {
    checks.database = `error: ${(err as Error).message}`;
  }
  try {
    await getRedis().ping();
    checks.redis = 'ok';
  } catch (err) {
    checks.redis = `error: ${(err as Error).message}`;
  }
  res.json({ status: 'ready', checks });
});
