import type { NextFunction, Request, Response } from 'express';

interface RouteStats {
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Lightweight in-process metrics collector. Exposed as JSON on /metrics and
 * scraped by the ops dashboard.
 */
class MetricsCollector {
  private readonly routes = new Map<string, RouteStats>();
  private readonly counters = new Map<string, number>();
  private readonly startedAt = Date.now();

  observe(key: string, durationMs: number, isError: boolean): void {
    let stats = this.routes.get(key);
    if (!stats) {
      stats = { count: 0, errors: 0, totalMs: 0, maxMs: 0 };
      this.routes.set(key, stats);
    }
    stats.count += 1;
    stats.totalMs += durationMs;
    stats.maxMs = Math.max(stats.maxMs, durationMs);
    if (isError) stats.errors += 1;
  }

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  snapshot() {
    const routes: Record<string, RouteStats & { avgMs: number }> = {};
    for (const [key, stats] of this.routes) {
      routes[key] = { ...stats, avgMs: stats.count ? Math.round(stats.totalMs / stats.count) : 0 };
    }
    return {
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      counters: Object.fromEntries(this.counters),
      routes,
    };
  }
}

export const metrics = new MetricsCollector();

export function metricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    metrics.observe(`${req.method} ${req.originalUrl}`, durationMs, res.statusCode >= 500);
  });
  next();
}
