import { timingSafeEqual } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { config } from '../config';
import type { DaemonServer } from '../daemon/wsServer';
import type { SessionManager } from '../daemon/sessionManager';
import { logger } from '../logger';
import { getRedis } from '../utils/singletons';
import { registry as metricsRegistry } from './metrics';

const log = logger.child({ component: 'monitoring' });

const UTILIZATION_WARN = 0.8;

function tokenMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requireMetricsToken(req: Request, res: Response, next: NextFunction): void {
  const expected = config.monitoring.metricsToken;
  if (!expected) {
    res.status(404).json({ error: 'metrics disabled: METRICS_TOKEN not set' });
    return;
  }
  const header = req.get('authorization') ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!tokenMatches(presented, expected)) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
}

export function startMonitoringServer(daemon: DaemonServer, sessions: SessionManager): Server {
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const origin = req.get('origin');
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
    }
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  });

  app.use('/ui', express.static(path.resolve(__dirname, '../../static'), { maxAge: '5m' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptime: process.uptime() });
  });

  app.get('/health/semaphores', (_req, res) => {
    const snap = daemon.semaphoreSnapshot();
    const alerts: Array<{ level: 'CRITICAL' | 'WARNING'; semaphore: string; message: string }> = [];
    for (const s of [snap.global, ...snap.providers]) {
      const utilization = s.inUse / s.capacity;
      if (s.available === 0) {
        alerts.push({ level: 'CRITICAL', semaphore: s.name, message: 'no permits available' });
      } else if (utilization >= UTILIZATION_WARN) {
        alerts.push({
          level: 'WARNING',
          semaphore: s.name,
          message: `utilization ${(utilization * 100).toFixed(0)}%`,
        });
      }
    }
    res.json({ ...snap, alerts, connections: daemon.connectionCount() });
  });

  app.get('/sessions', (_req, res) => {
    res.json(
      sessions.list().map((s) => ({
        id: s.id,
        client: s.client,
        inflight: s.inflight,
        totalCalls: s.totalCalls,
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
      })),
    );
  });

  app.get('/metrics', requireMetricsToken, async (_req, res) => {
    try {
      res.set('Content-Type', metricsRegistry.contentType);
      res.send(await metricsRegistry.metrics());
    } catch (err) {
      log.error('failed to render metrics', { err });
      res.status(500).end();
    }
  });

  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    log.error('monitoring request failed', { path: req.path, err });
    res.status(500).json({ error: 'internal error' });
  });

  const server = app.listen(config.monitoring.port, config.monitoring.host, () => {
    log.info('monitoring server listening', { host: config.monitoring.host, port: config.monitoring.port });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

const PUBLISH_INTERVAL_MS = 15_000;
const STATS_TTL_SECONDS = 60;

/**
 * Periodically writes a compact snapshot of daemon state to Redis so the
 * dashboard can show every daemon instance, not just the one it is talking to.
 * Keys expire on their own if an instance dies.
 */
export function startStatsPublisher(daemon: DaemonServer): () => void {
  const instance = `${os.hostname()}:${process.pid}`;
  let running = false;

  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const redis = await getRedis();
      const snap = daemon.semaphoreSnapshot();
      const key = `stats:instance:${instance}`;
      await redis
        .multi()
        .hset(key, {
          at: new Date().toISOString(),
          connections: String(daemon.connectionCount()),
          inflight: String(snap.inflight),
          globalInUse: String(snap.global.inUse),
          globalQueued: String(snap.global.queued),
          rssBytes: String(process.memoryUsage().rss),
        })
        .expire(key, STATS_TTL_SECONDS)
        .exec();
    } catch (err) {
      log.warn('failed to publish stats', { instance, err });
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void tick(), PUBLISH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
