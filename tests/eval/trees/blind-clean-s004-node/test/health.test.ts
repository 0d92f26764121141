import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { healthRouter } from '../src/routes/health';

const logger = pino({ level: 'silent' });

function app(checks: Record<string, () => Promise<unknown>>, shuttingDown = false) {
  const a = express();
  a.use(healthRouter({ checks, logger, isShuttingDown: () => shuttingDown, timeoutMs: 50 }));
  return a;
}

describe('health endpoints', () => {
  it('liveness does not touch dependencies', async () => {
    let called = false;
    const res = await request(app({ db: async () => { called = true; } })).get('/healthz');
    expect(res.status).toBe(200);
    expect(called).toBe(false);
  });

  it('readiness is 200 only when every dependency answers', async () => {
    const ok = await request(app({ postgres: async () => 1, redis: async () => 'PONG' })).get('/readyz');
    expect(ok.status).toBe(200);

    const down = await request(app({ postgres: async () => 1, redis: async () => { throw new Error('ECONNREFUSED'); } })).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ postgres: 'ok', redis: 'fail' });
  });

  it('treats a hanging dependency as not ready', async () => {
    const res = await request(app({ postgres: () => new Promise(() => undefined) })).get('/readyz');
    expect(res.status).toBe(503);
  });

  it('reports not ready while shutting down', async () => {
    const res = await request(app({}, true)).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('shutting_down');
  });
});
