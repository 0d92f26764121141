import 'dotenv/config';

/**
 * Central configuration for the EXAI WebSocket daemon.
 *
 * Everything is read once at startup from the environment (see .env.example /
 * .env.docker). Modules should import `config` rather than touching
 * process.env directly so that we have a single place to reason about defaults.
 */

export type ProviderName = 'kimi' | 'glm' | 'custom';

export interface TimeoutConfig {
  /** Hard cap for a single tool execution inside the daemon. */
  toolTimeoutMs: number;
  /** Overall budget the daemon gives a client request (tool + queueing). */
  daemonTimeoutMs: number;
  /** HTTP timeout used for Kimi API calls. */
  kimiTimeoutMs: number;
  /** HTTP timeout used for GLM API calls. */
  glmTimeoutMs: number;
  /** Time a client has to send `hello` after connecting. */
  helloTimeoutMs: number;
}

export interface AppConfig {
  env: string;
  logLevel: string;
  ws: {
    host: string;
    port: number;
    authToken: string;
    maxPayloadBytes: number;
  };
  monitoring: {
    host: string;
    port: number;
    metricsToken: string;
  };
  concurrency: {
    globalMax: number;
    perProviderMax: number;
    perSessionMax: number;
  };
  timeouts: TimeoutConfig;
  redis: {
    url: string;
    keyPrefix: string;
  };
  supabase: {
    url: string;
    serviceKey: string;
    enabled: boolean;
  };
  providers: {
    kimi: { apiKey?: string; baseUrl: string; defaultModel: string };
    glm: { apiKey?: string; baseUrl: string; defaultModel: string };
    custom: { apiKey?: string; baseUrl?: string; defaultModel?: string };
    defaultProvider: ProviderName;
  };
  tools: {
    workspaceRoot: string;
    maxFileBytes: number;
    maxPromptChars: number;
  };
}

function str(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

function int(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  return parseInt(v, 10);
}

function bool(name: string, fallback: boolean): boolean {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

function optional(name: string): string | undefined {
  const v = process.env[name];
  return v && v.trim() !== '' ? v.trim() : undefined;
}

export const config: AppConfig = {
  env: str('NODE_ENV', 'development'),
  logLevel: str('LOG_LEVEL', 'info'),
  ws: {
    host: str('EXAI_WS_HOST', '0.0.0.0'),
    port: int('EXAI_WS_PORT', 8079),
    authToken: str('EXAI_WS_TOKEN', ''),
    maxPayloadBytes: int('EXAI_WS_MAX_BYTES', 256 * 1024 * 1024),
  },
  monitoring: {
    host: str('MONITORING_HOST', '0.0.0.0'),
    port: int('MONITORING_PORT', 8082),
    metricsToken: str('METRICS_TOKEN', ''),
  },
  concurrency: {
    globalMax: int('EXAI_GLOBAL_MAX_INFLIGHT', 24),
    perProviderMax: int('EXAI_PROVIDER_MAX_INFLIGHT', 8),
    perSessionMax: int('EXAI_SESSION_MAX_INFLIGHT', 4),
  },
  timeouts: {
    toolTimeoutMs: int('EXAI_TOOL_TIMEOUT_MS', 120_000),
    daemonTimeoutMs: int('EXAI_DAEMON_TIMEOUT_MS', 180_000),
    kimiTimeoutMs: int('KIMI_TIMEOUT_MS', 300_000),
    glmTimeoutMs: int('GLM_TIMEOUT_MS', 90_000),
    helloTimeoutMs: int('EXAI_HELLO_TIMEOUT_MS', 10_000),
  },
  redis: {
    url: str('REDIS_URL', 'redis://redis:6379/0'),
    keyPrefix: str('REDIS_KEY_PREFIX', 'exai:'),
  },
  supabase: {
    url: str('SUPABASE_URL', 'https://mxqkzbtlpfhvgwaeyrnc.supabase.co'),
    serviceKey: str(
      'SUPABASE_SERVICE_ROLE_KEY',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Im14cWt6YnRscGZodmd3YWV5cm5jIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyNjgzNDQ4NCwiZXhwIjoyMDQyNDEwNDg0fQ.3pQm4v0yQw8b6bQ1m0xg1vZt0JxQmC2y6Y1o8Lr4K9s',
    ),
    enabled: bool('SUPABASE_ENABLED', true),
  },
  providers: {
    kimi: {
      apiKey: optional('KIMI_API_KEY'),
      baseUrl: str('KIMI_BASE_URL', 'https://api.moonshot.ai/v1'),
      defaultModel: str('KIMI_DEFAULT_MODEL', 'kimi-k2-0905-preview'),
    },
    glm: {
      apiKey: optional('GLM_API_KEY'),
      baseUrl: str('GLM_BASE_URL', 'https://api.z.ai/api/paas/v4'),
      defaultModel: str('GLM_DEFAULT_MODEL', 'glm-4.5-flash'),
    },
    custom: {
      apiKey: optional('CUSTOM_API_KEY'),
      baseUrl: optional('CUSTOM_API_URL'),
      defaultModel: optional('CUSTOM_MODEL_NAME'),
    },
    defaultProvider: str('DEFAULT_PROVIDER', 'glm') as ProviderName,
  },
  tools: {
    workspaceRoot: str('EXAI_WORKSPACE_ROOT', '/workspace'),
    maxFileBytes: int('EXAI_MAX_FILE_BYTES', 10 * 1024 * 1024),
    maxPromptChars: int('EXAI_MAX_PROMPT_CHARS', 200_000),
  },
};

export function describeConfig(c: AppConfig = config): Record<string, unknown> {
  return {
    env: c.env,
    ws: { host: c.ws.host, port: c.ws.port, auth: c.ws.authToken ? 'enabled' : 'disabled' },
    monitoring: { host: c.monitoring.host, port: c.monitoring.port },
    concurrency: c.concurrency,
    timeouts: c.timeouts,
    providers: {
      kimi: Boolean(c.providers.kimi.apiKey),
      glm: Boolean(c.providers.glm.apiKey),
      custom: Boolean(c.providers.custom.baseUrl),
      default: c.providers.defaultProvider,
    },
    supabase: c.supabase.enabled,
  };
}
