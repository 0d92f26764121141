import http from 'node:http';
import { createApp } from './app';
import { createOpenAI } from './clients/openai';
import { createRedis } from './clients/redis';
import { ConfigError, loadApiConfig } from './config';
import { createPool } from './db/pool';
import { RedisWindowLimiter } from './lib/redisRateLimiter';
import { retry } from './lib/retry';
import { createLogger } from './logger';
import { registerPoolMetrics, startMetricsServer } from './metrics';
import { createIngestQueue } from './queue/ingestQueue';
import { ChatService } from './rag/chatService';
import { Retriever } from './rag/retriever';
import { ChatSocketServer } from './ws/chatSocket';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadApiConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // Logger level comes from config, so report with a bootstrap logger.
      createLogger({ level: 'info', service: 'rag-profile-agent' }).fatal({ problems: err.problems }, 'invalid configuration');
      process.exit(78);
    }
    throw err;
  }

  const logger = createLogger({ level: cfg.LOG_LEVEL, service: cfg.SERVICE_NAME });
  const pool = createPool(cfg, logger, `${cfg.SERVICE_NAME}-api`);
  registerPoolMetrics(pool);
  const redis = createRedis(cfg, logger, 'api');
  const queueRedis = createRedis(cfg, logger, 'bullmq-producer');
  const openai = createOpenAI(cfg);

  // Dependencies may still be starting (compose, rolling deploys): back off
  // for up to ~1 minute, then give up and let the orchestrator restart us.
  await retry(
    async () => {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      await Promise.all([pool.query('SELECT 1'), redis.ping()]);
    },
    {
      retries: 8,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      onRetry: (err, attempt, delayMs) => logger.warn({ err, attempt, delayMs }, 'dependencies not ready, retrying'),
    },
  );

  const queue = createIngestQueue(queueRedis);
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;

  const app = createApp({ cfg, logger, pool, redis, queue, isShuttingDown });
  const server = http.createServer(app);
  // Keep-alive longer than the load balancer's idle timeout (60 s) to avoid
  // races on reused connections; bound header and whole-request time.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;

  const retriever = new Retriever(pool, openai, cfg);
  const chat = new ChatService(pool, openai, retriever, cfg, logger.child({ component: 'chat' }));
  const sockets = new ChatSocketServer({
    cfg,
    pool,
    chat,
    logger: logger.child({ component: 'ws' }),
    upgradeLimiter: new RedisWindowLimiter(redis, 'ws:upgrade', cfg.WS_UPGRADES_PER_MINUTE_PER_IP, 60_000),
    messageLimiter: new RedisWindowLimiter(redis, 'ws:msg', cfg.WS_MAX_MESSAGES_PER_MINUTE, 60_000),
    isShuttingDown,
  });
  sockets.attach(server);

  const metricsServer = startMetricsServer(cfg.METRICS_PORT, logger);
  server.listen(cfg.PORT, () => logger.info({ port: cfg.PORT }, 'api listening'));

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');

    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out, forcing exit');
      process.exit(1);
    }, cfg.SHUTDOWN_DRAIN_DELAY_MS + cfg.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();

    try {
      // /readyz now answers 503; give the load balancer time to notice before
      // the listener stops accepting connections.
      await new Promise((resolve) => setTimeout(resolve, cfg.SHUTDOWN_DRAIN_DELAY_MS));
      // Stop accepting new HTTP requests; in-flight ones finish.
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sockets.close(Math.floor(cfg.SHUTDOWN_GRACE_MS / 2));
      await httpClosed;
      await queue.close();
      await Promise.allSettled([redis.quit(), queueRedis.quit()]);
      await pool.end();
      await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      logger.info('shutdown complete');
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  };

  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
    void shutdown('unhandledRejection', 1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
}

main().catch((err: unknown) => {
  // eslint-disable-next-line no-console
  console.error(JSON.stringify({ level: 'fatal', msg: 'startup failed', err: String(err) }));
  process.exit(1);
});
