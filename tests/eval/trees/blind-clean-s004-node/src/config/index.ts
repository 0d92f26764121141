import { z } from 'zod';

/**
 * All runtime configuration comes from the environment. Nothing secret has a
 * default: a missing or weak value stops the process at startup with a list of
 * the offending variable names (never their values).
 */

const port = z.coerce.number().int().min(1).max(65535);
const positiveMs = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'postgres', 'development']);

const strongSecret = z
  .string()
  .min(32, 'must be at least 32 characters')
  .refine((v) => !WEAK_SECRETS.has(v.toLowerCase()), 'is a well-known placeholder')
  .refine((v) => new Set(v).size >= 10, 'has too little entropy');

const originList = z
  .string()
  .default('')
  .transform((raw) => raw.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z.array(
      z
        .string()
        .url()
        .refine((o) => {
          if (!URL.canParse(o)) return false;
          const u = new URL(o);
          return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
        }, 'must be a bare origin such as https://app.example.com'),
    ),
  );

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  SERVICE_NAME: z.string().min(1).default('rag-profile-agent'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),

  DATABASE_URL: z.string().url().startsWith('postgres'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(50).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: positiveMs(500, 30_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveMs(1_000, 120_000).default(15_000),
  DATABASE_SSL: z.enum(['disable', 'verify-full']).default('verify-full'),
  DATABASE_CA_CERT_PATH: z.string().min(1).optional(),

  REDIS_URL: z.string().url().refine((u) => u.startsWith('redis://') || u.startsWith('rediss://'), 'must be redis:// or rediss://'),
  REDIS_CONNECT_TIMEOUT_MS: positiveMs(500, 30_000).default(5_000),
  REDIS_COMMAND_TIMEOUT_MS: positiveMs(100, 30_000).default(2_000),

  OPENAI_API_KEY: z.string().min(20),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  // Must match the vector(1536) column created in migrations/001_init.sql.
  EMBEDDING_DIMENSIONS: z.coerce.number().int().refine((v) => v === 1536, 'must be 1536 (schema column width)').default(1536),
  OPENAI_TIMEOUT_MS: positiveMs(1_000, 120_000).default(30_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),

  SHUTDOWN_GRACE_MS: positiveMs(1_000, 60_000).default(20_000),
  SHUTDOWN_DRAIN_DELAY_MS: positiveMs(0, 30_000).default(5_000),
});

const apiSchema = baseSchema.extend({
  PORT: port.default(8080),
  METRICS_PORT: port.default(9464),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(1),

  JWT_SECRET: strongSecret,
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),

  CORS_ALLOWED_ORIGINS: originList,

  RATE_LIMIT_WINDOW_MS: positiveMs(1_000, 3_600_000).default(60_000),
  RATE_LIMIT_MAX_PER_IP: z.coerce.number().int().min(1).max(10_000).default(300),
  RATE_LIMIT_MAX_PER_USER: z.coerce.number().int().min(1).max(10_000).default(120),
  UPLOADS_PER_HOUR_PER_USER: z.coerce.number().int().min(1).max(1_000).default(30),

  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1_024).max(25 * 1024 * 1024).default(5 * 1024 * 1024),

  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50_000).default(2_000),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(20).default(3),
  WS_MAX_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(20),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1_024).max(1024 * 1024).default(64 * 1024),
  WS_UPGRADES_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).max(1_000).default(30),

  CHAT_MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(20_000).default(4_000),
  CHAT_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(64).max(4_096).default(800),
  CHAT_HISTORY_TURNS: z.coerce.number().int().min(0).max(40).default(10),
  RETRIEVAL_TOP_K: z.coerce.number().int().min(1).max(20).default(6),
  EMBEDDING_CACHE_ENTRIES: z.coerce.number().int().min(0).max(50_000).default(2_000),
});

const workerSchema = baseSchema.extend({
  WORKER_HEALTH_PORT: port.default(8081),
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  INGEST_EMBED_BATCH: z.coerce.number().int().min(1).max(256).default(64),
  INGEST_MAX_CHUNKS: z.coerce.number().int().min(1).max(20_000).default(2_000),
});

export type ApiConfig = Readonly<z.infer<typeof apiSchema>>;
export type WorkerConfig = Readonly<z.infer<typeof workerSchema>>;
export type BaseConfig = Readonly<z.infer<typeof baseSchema>>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function productionChecks(cfg: z.infer<typeof baseSchema>, ctx: z.RefinementCtx): void {
  if (cfg.NODE_ENV !== 'production') return;
  if (cfg.LOG_LEVEL === 'trace' || cfg.LOG_LEVEL === 'debug') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOG_LEVEL'], message: 'debug/trace logging is not allowed in production' });
  }
}

function parse<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    // Report variable names and rule messages only; values may be secrets.
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parse(
    apiSchema.superRefine((cfg, ctx) => {
      productionChecks(cfg, ctx);
      if (cfg.NODE_ENV === 'production' && cfg.CORS_ALLOWED_ORIGINS.some((o) => o.startsWith('http://'))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['CORS_ALLOWED_ORIGINS'], message: 'only https origins are allowed in production' });
      }
      if (cfg.WS_MAX_CONNECTIONS_PER_USER > cfg.WS_MAX_CONNECTIONS) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['WS_MAX_CONNECTIONS_PER_USER'], message: 'cannot exceed WS_MAX_CONNECTIONS' });
      }
    }),
    env,
  );
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parse(workerSchema.superRefine(productionChecks), env);
}
