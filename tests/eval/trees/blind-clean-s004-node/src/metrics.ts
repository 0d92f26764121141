import http from 'node:http';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './logger';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route template and status class',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const wsConnections = new Gauge({
  name: 'ws_chat_connections',
  help: 'Open chat WebSocket connections on this instance',
  registers: [registry],
});

export const wsRejected = new Counter({
  name: 'ws_chat_rejected_total',
  help: 'Rejected chat WebSocket upgrades or messages',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const llmDuration = new Histogram({
  name: 'llm_request_duration_seconds',
  help: 'OpenAI request latency',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40],
  registers: [registry],
});

export const llmTokens = new Counter({
  name: 'llm_tokens_total',
  help: 'Tokens consumed, by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const ingestJobs = new Counter({
  name: 'ingest_jobs_total',
  help: 'Document ingestion job outcomes',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export function registerPoolMetrics(pool: Pool): void {
  new Gauge({
    name: 'pg_pool_connections',
    help: 'node-postgres pool state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}

/**
 * Metrics are served on their own port so they are never reachable through
 * the public listener; only the scrape network can reach METRICS_PORT.
 */
export function startMetricsServer(port: number, logger: Logger): http.Server {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => {
        res.writeHead(200, { 'Content-Type': registry.contentType }).end(body);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'failed to render metrics');
        res.writeHead(500).end();
      });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.listen(port, () => logger.info({ port }, 'metrics listener started'));
  return server;
}
