import type { Redis } from 'ioredis';

export interface LimitResult {
  allowed: boolean;
  remaining: number;
  resetMs: number;
}

/**
 * Fixed-window counter in Redis, shared by all replicas. Used where
 * express-rate-limit does not apply: WebSocket upgrades and per-message limits.
 */
export class RedisWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async hit(key: string): Promise<LimitResult> {
    const windowId = Math.floor(Date.now() / this.windowMs);
    const redisKey = `${this.prefix}:${key}:${windowId}`;
    const res = await this.redis.multi().incr(redisKey).pexpire(redisKey, this.windowMs).exec();
    if (!res) throw new Error('rate limiter transaction aborted');
    const [incrErr, count] = res[0] ?? [];
    if (incrErr) throw incrErr;
    const used = Number(count);
    const resetMs = (windowId + 1) * this.windowMs - Date.now();
    return { allowed: used <= this.limit, remaining: Math.max(0, this.limit - used), resetMs };
  }
}
