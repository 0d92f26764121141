import { Redis, type RedisOptions } from 'ioredis';
import type { BaseConfig } from '../config';
import type { Logger } from '../logger';

type Purpose = 'api' | 'bullmq-producer' | 'bullmq-worker';

/**
 * One factory so every connection gets the same timeouts and reconnect policy.
 * BullMQ workers use blocking commands, so they must not have a per-command
 * timeout and must retry indefinitely (maxRetriesPerRequest: null); everything
 * else fails fast so a Redis outage surfaces as a 503 instead of a hang.
 */
export function createRedis(cfg: BaseConfig, logger: Logger, purpose: Purpose): Redis {
  const isWorker = purpose === 'bullmq-worker';
  const options: RedisOptions = {
    connectionName: `${cfg.SERVICE_NAME}:${purpose}`,
    connectTimeout: cfg.REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: isWorker ? undefined : cfg.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: isWorker ? null : 2,
    enableOfflineQueue: purpose !== 'api',
    lazyConnect: true,
    retryStrategy: (times) => {
      const base = Math.min(5_000, 100 * 2 ** Math.min(times, 6));
      return Math.floor(base / 2 + Math.random() * (base / 2));
    },
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };

  const client = new Redis(cfg.REDIS_URL, options);
  client.on('error', (err) => logger.warn({ err, purpose }, 'redis connection error'));
  client.on('reconnecting', (delay: number) => logger.info({ purpose, delay }, 'redis reconnecting'));
  return client;
}
