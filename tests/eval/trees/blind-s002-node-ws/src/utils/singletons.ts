import Redis from 'ioredis';
import { config } from '../config';
import { logger } from '../logger';
import { detectProviders } from '../providers/detection';
import { ProviderRegistry } from '../providers/registry';
import { ConversationStore } from '../storage/supabase';

const log = logger.child({ component: 'singletons' });

/*
 * Process-wide shared clients.
 *
 * Node runs our JavaScript on a single thread, so there is no need for locks
 * around these lazy initialisers: two callers can never be inside the same
 * function at the same time.
 */

let redis: Redis | undefined;
let registry: ProviderRegistry | undefined;
let store: ConversationStore | undefined;

/**
 * Build a Redis client for session/state storage. Connection is established
 * eagerly so callers can await readiness before serving traffic.
 */
async function createRedis(): Promise<Redis> {
  const client = new Redis(config.redis.url, {
    keyPrefix: config.redis.keyPrefix,
    connectTimeout: 5_000,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
    lazyConnect: true,
  });

  client.on('error', (err) => log.error('redis error', { err }));
  client.on('reconnecting', (ms: number) => log.warn('redis reconnecting', { inMs: ms }));
  client.on('ready', () => log.info('redis ready'));

  await client.connect();
  return client;
}

export async function redisHealthy(client: Redis): Promise<boolean> {
  try {
    const pong = await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1_000)),
    ]);
    return pong === 'PONG';
  } catch (err) {
    log.warn('redis health probe failed', { err });
    return false;
  }
}

export async function getRedis(): Promise<Redis> {
  if (!redis) {
    log.info('initialising redis client');
    redis = await createRedis();
  }
  return redis;
}

export async function getProviderRegistry(): Promise<ProviderRegistry> {
  if (!registry) {
    registry = new ProviderRegistry();
  }
  await detectProviders(registry);
  return registry;
}

export function getConversationStore(): ConversationStore | undefined {
  if (!config.supabase.enabled) return undefined;
  if (!store) {
    store = new ConversationStore();
  }
  return store;
}

export async function closeSingletons(): Promise<void> {
  if (redis) {
    try {
      await redis.quit();
    } catch (err) {
      log.warn('redis quit failed', { err });
    }
    redis = undefined;
  }
}
