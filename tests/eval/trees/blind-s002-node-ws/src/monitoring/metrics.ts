import client from 'prom-client';

export const registry = new client.Registry();
registry.setDefaultLabels({ service: 'exai-ws-daemon' });
client.collectDefaultMetrics({ register: registry });

export const toolCalls = new client.Counter({
  name: 'exai_tool_calls_total',
  help: 'Tool calls by tool, outcome and session',
  labelNames: ['tool', 'outcome', 'session'] as const,
  registers: [registry],
});

export const toolDuration = new client.Histogram({
  name: 'exai_tool_duration_seconds',
  help: 'Wall-clock duration of tool calls',
  labelNames: ['tool', 'provider'] as const,
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

export const semaphoreInUse = new client.Gauge({
  name: 'exai_semaphore_in_use',
  help: 'Permits currently held per semaphore',
  labelNames: ['semaphore'] as const,
  registers: [registry],
});

export const semaphoreQueued = new client.Gauge({
  name: 'exai_semaphore_queue_depth',
  help: 'Waiters queued per semaphore',
  labelNames: ['semaphore'] as const,
  registers: [registry],
});

export const semaphoreExhaustion = new client.Counter({
  name: 'exai_semaphore_exhaustion_total',
  help: 'Times a request was rejected because a semaphore had no permits',
  labelNames: ['semaphore'] as const,
  registers: [registry],
});

export const inflightRequests = new client.Gauge({
  name: 'exai_inflight_requests',
  help: 'Requests currently tracked as in flight',
  registers: [registry],
});

export const activeConnections = new client.Gauge({
  name: 'exai_ws_connections',
  help: 'Open WebSocket connections',
  registers: [registry],
});

export const activeSessions = new client.Gauge({
  name: 'exai_sessions',
  help: 'Sessions known to this daemon',
  registers: [registry],
});
