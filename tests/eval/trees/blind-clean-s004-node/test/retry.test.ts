import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry, withTimeout } from '../src/lib/retry';
import { RedisWindowLimiter } from '../src/lib/redisRateLimiter';

describe('retry', () => {
  it('retries retryable errors then succeeds', async () => {
    const fn = vi.fn().mockRejectedValueOnce(new Error('a')).mockRejectedValueOnce(new Error('b')).mockResolvedValue('ok');
    await expect(retry(fn, { retries: 3, baseDelayMs: 1, maxDelayMs: 2 })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('stops at the first non-retryable error', async () => {
    const fn = vi.fn().mockRejectedValue(new Error('fatal'));
    await expect(retry(fn, { retries: 5, baseDelayMs: 1, maxDelayMs: 2, isRetryable: () => false })).rejects.toThrow('fatal');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('caps backoff at maxDelayMs', () => {
    expect(backoffDelay(20, 100, 5_000, () => 0.999)).toBeLessThan(5_000);
  });

  it('withTimeout rejects slow promises', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, 'slow')).rejects.toThrow('slow timed out');
  });
});

describe('RedisWindowLimiter', () => {
  it('allows up to the limit within a window', async () => {
    let count = 0;
    const fakeRedis = {
      multi: () => ({
        incr() { return this; },
        pexpire() { return this; },
        exec: async () => [[null, ++count], [null, 1]],
      }),
    };
    const limiter = new RedisWindowLimiter(fakeRedis as never, 't', 2, 60_000);
    expect((await limiter.hit('u')).allowed).toBe(true);
    expect((await limiter.hit('u')).allowed).toBe(true);
    expect((await limiter.hit('u')).allowed).toBe(false);
  });
});
