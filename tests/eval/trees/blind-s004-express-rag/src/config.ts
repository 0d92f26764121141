import 'dotenv/config';

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number.parseInt(raw, 10);
  if (Number.isNaN(parsed)) {
    throw new Error(`Environment variable ${name} must be an integer, got "${raw}"`);
  }
  return parsed;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export const config = {
  env: process.env.NODE_ENV ?? 'development',
  debug: bool(process.env.DEBUG, true),
  host: process.env.HOST ?? '0.0.0.0',
  port: int('PORT', 8000),
  logLevel: process.env.LOG_LEVEL ?? 'info',

  auth: {
    secretKey: process.env.SECRET_KEY ?? '',
    issuer: process.env.JWT_ISSUER ?? 'rag-profile-agent',
    apiKeys: list(process.env.API_KEYS),
  },

  databaseUrl: required('DATABASE_URL'),
  redisUrl: process.env.REDIS_URL ?? 'redis://localhost:6379',

  openai: {
    apiKey: required('OPENAI_API_KEY'),
    chatModel: process.env.OPENAI_CHAT_MODEL ?? 'gpt-4o-mini',
    routerModel: process.env.OPENAI_ROUTER_MODEL ?? 'gpt-4o-mini',
    embeddingModel: process.env.OPENAI_EMBEDDING_MODEL ?? 'text-embedding-3-small',
    embeddingDims: int('OPENAI_EMBEDDING_DIMS', 1536),
    timeoutMs: int('OPENAI_TIMEOUT_MS', 30_000),
    maxRetries: int('OPENAI_MAX_RETRIES', 3),
  },

  rag: {
    chunkSize: int('RAG_CHUNK_SIZE', 1200),
    chunkOverlap: int('RAG_CHUNK_OVERLAP', 200),
    topK: int('RAG_TOP_K', 6),
    maxContextChars: int('RAG_MAX_CONTEXT_CHARS', 12_000),
    historyTurns: int('RAG_HISTORY_TURNS', 8),
    queryCacheSize: int('RAG_QUERY_CACHE_SIZE', 500),
    queryCacheTtlMs: int('RAG_QUERY_CACHE_TTL_MS', 5 * 60_000),
  },

  uploads: {
    dir: process.env.UPLOAD_DIR ?? '/app/uploads',
    allowedMimeTypes: ['application/pdf', 'text/plain', 'text/markdown'],
  },

  worker: {
    documentConcurrency: int('WORKER_DOCUMENT_CONCURRENCY', 4),
    analyticsConcurrency: int('WORKER_ANALYTICS_CONCURRENCY', 10),
  },
};

export type AppConfig = typeof config;

export const isProduction = config.env === 'production';
