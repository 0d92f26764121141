import Redis from 'ioredis';
import { config } from './config';

let client: Redis | null = null;

export async function initRedis(): Promise<Redis> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    keepAlive: 30000,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  });

  redis.on('error', (err) => {
    console.error(`redis error: ${err.message}`);
  });
  redis.on('reconnecting', () => {
    console.warn('redis reconnecting');
  });

  await redis.connect();
  await redis.ping();
  console.log('redis connected');
  client = redis;
  return redis;
}

export function getRedis(): Redis {
  if (!client) {
    throw new Error('redis used before initRedis()');
  }
  return client;
}

export async function closeRedis(): Promise<void> {
  if (client) {
    const c = client;
    client = null;
    await c.quit();
  }
}
