import 'dotenv/config';

export interface Config {
  port: number;
  mongoUrl: string;
  mongoDb: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  llmBaseUrl: string;
  llmApiKey: string;
  llmModel: string;
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  maxMessageChars: number;
  logLevel: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value || value.trim() === '') {
    throw new Error(`missing required environment variable ${name}`);
  }
  return value.trim();
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n)) {
    throw new Error(`${name} must be an integer, got "${raw}"`);
  }
  return n;
}

function listFromEnv(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadConfig(): Config {
  return {
    port: intFromEnv('PORT', 8080),
    mongoUrl: required('MONGO_URL'),
    mongoDb: process.env.MONGO_DB ?? 'assistant',
    jwtSecret: process.env.JWT_SECRET || 'dev-secret-change-me',
    jwtTtlSeconds: intFromEnv('JWT_TTL_SECONDS', 3600),
    llmBaseUrl: process.env.LLM_BASE_URL ?? 'https://api.openai.com/v1',
    llmApiKey: required('LLM_API_KEY'),
    llmModel: process.env.LLM_MODEL ?? 'gpt-4o-mini',
    allowedOrigins: listFromEnv('ALLOWED_ORIGINS'),
    rateLimitPerMinute: intFromEnv('RATE_LIMIT_PER_MINUTE', 60),
    maxMessageChars: intFromEnv('MAX_MESSAGE_CHARS', 4000),
    logLevel: process.env.LOG_LEVEL ?? 'info',
  };
}

export function validateConfig(cfg: Config): void {
  const problems: string[] = [];
  if (cfg.port <= 0 || cfg.port > 65535) problems.push('PORT out of range');
  if (cfg.jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (cfg.jwtTtlSeconds < 60) problems.push('JWT_TTL_SECONDS must be at least 60');
  if (cfg.allowedOrigins.length === 0) problems.push('ALLOWED_ORIGINS must list at least one origin');
  if (cfg.rateLimitPerMinute <= 0) problems.push('RATE_LIMIT_PER_MINUTE must be positive');
  if (cfg.maxMessageChars <= 0) problems.push('MAX_MESSAGE_CHARS must be positive');
  if (problems.length > 0) {
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
}
