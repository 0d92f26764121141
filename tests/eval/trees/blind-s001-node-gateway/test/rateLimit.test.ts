import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../src/rateLimit';

describe('SlidingWindowLimiter', () => {
  it('allows up to the limit within one window', () => {
    const limiter = new SlidingWindowLimiter(3, 1_000);
    const t0 = 10_000;
    expect(limiter.hit('a', t0).allowed).toBe(true);
    expect(limiter.hit('a', t0 + 10).allowed).toBe(true);
    expect(limiter.hit('a', t0 + 20).allowed).toBe(true);
    const denied = limiter.hit('a', t0 + 30);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBe(970);
  });

  it('tracks keys independently', () => {
    const limiter = new SlidingWindowLimiter(1, 1_000);
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('b', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1).allowed).toBe(false);
  });

  it('allows again once the window has passed', () => {
    const limiter = new SlidingWindowLimiter(1, 1_000);
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1_001).allowed).toBe(true);
  });
});
