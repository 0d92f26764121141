import type { NextFunction, Request, Response } from 'express';

export interface Decision {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Sliding-window log limiter: keeps the timestamps of recent hits per key.
 */
export class SlidingWindowLimiter {
  private events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  hit(key: string, now: number = Date.now()): Decision {
    let list = this.events.get(key);
    if (!list) {
      list = [];
      this.events.set(key, list);
    }
    const cutoff = now - this.windowMs;
    const recent = list.filter((t) => t > cutoff);
    if (recent.length >= this.limit) {
      return { allowed: false, retryAfterMs: recent[0] + this.windowMs - now };
    }
    list.push(now);
    return { allowed: true, retryAfterMs: 0 };
  }
}

export function rateLimit(limiter: SlidingWindowLimiter, keyOf: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const decision = limiter.hit(keyOf(req));
    if (!decision.allowed) {
      res.setHeader('Retry-After', Math.ceil(decision.retryAfterMs / 1000).toString());
      res.status(429).json({ error: 'too many requests' });
      return;
    }
    next();
  };
}
