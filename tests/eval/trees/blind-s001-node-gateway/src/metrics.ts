import type { NextFunction, Request, Response } from 'express';

class Metrics {
  private counters = new Map<string, number>();
  private responseTimes: number[] = [];
  private activeConnections = 0;

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  recordResponseTime(ms: number): void {
    this.responseTimes.push(ms);
  }

  connectionOpened(): void {
    this.activeConnections += 1;
  }

  connectionClosed(): void {
    this.activeConnections = Math.max(0, this.activeConnections - 1);
  }

  snapshot() {
    const sorted = [...this.responseTimes].sort((a, b) => a - b);
    const pct = (p: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return {
      activeConnections: this.activeConnections,
      counters: Object.fromEntries(this.counters),
      responseTimeMs: { count: sorted.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) },
    };
  }
}

export const metrics = new Metrics();

export function requestCounter(req: Request, res: Response, next: NextFunction): void {
  res.on('finish', () => {
    metrics.inc(`http_${res.statusCode >= 500 ? '5xx' : res.statusCode >= 400 ? '4xx' : 'ok'}`);
  });
  next();
}
