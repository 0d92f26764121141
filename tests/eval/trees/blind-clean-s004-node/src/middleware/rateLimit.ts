import type { Request } from 'express';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

function redisStore(redis: Redis, prefix: string): RedisStore {
  return new RedisStore({
    prefix: `rl:${prefix}:`,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}

const common = {
  standardHeaders: 'draft-7' as const,
  legacyHeaders: false,
  // A Redis outage must not turn into unlimited access: the store error is
  // forwarded to the error handler (503/500) rather than skipped.
  passOnStoreError: false,
  message: { error: { code: 'rate_limited', message: 'too many requests' } },
};

/** Applied before authentication so token guessing is bounded per client IP. */
export function perIpLimiter(redis: Redis, windowMs: number, limit: number): RateLimitRequestHandler {
  return rateLimit({ ...common, windowMs, limit, store: redisStore(redis, 'ip') });
}

/** Applied after authentication; keyed by the verified user, not the IP. */
export function perUserLimiter(redis: Redis, name: string, windowMs: number, limit: number): RateLimitRequestHandler {
  return rateLimit({
    ...common,
    windowMs,
    limit,
    store: redisStore(redis, `user:${name}`),
    keyGenerator: (req: Request) => req.principal?.userId ?? `anon:${req.ip}`,
  });
}
