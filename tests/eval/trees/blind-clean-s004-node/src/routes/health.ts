import { Router } from 'express';
import { withTimeout } from '../lib/retry';
import type { Logger } from '../logger';

export interface HealthDeps {
  checks: Record<string, () => Promise<unknown>>;
  isShuttingDown: () => boolean;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * /healthz: liveness. Process is up and the event loop answers; no
 * dependency calls, so a database outage does not get every pod restarted.
 * /readyz: readiness. Each dependency is probed with a short timeout; any
 * failure, or an in-progress shutdown, takes the instance out of rotation.
 */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  const timeoutMs = deps.timeoutMs ?? 2_000;

  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/readyz', async (_req, res) => {
    if (deps.isShuttingDown()) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    const names = Object.keys(deps.checks);
    const results = await Promise.allSettled(
      names.map((name) => withTimeout(Promise.resolve().then(deps.checks[name]!), timeoutMs, `${name} check`)),
    );
    const checks: Record<string, 'ok' | 'fail'> = {};
    results.forEach((r, i) => {
      const name = names[i]!;
      checks[name] = r.status === 'fulfilled' ? 'ok' : 'fail';
      if (r.status === 'rejected') deps.logger.warn({ err: r.reason, check: name }, 'readiness check failed');
    });
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  return router;
}
