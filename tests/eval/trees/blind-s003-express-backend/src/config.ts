import dotenv from 'dotenv';

dotenv.config();

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

function list(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(`missing required environment variable ${name}`);
  }
  return v;
}

const environment = process.env.ENVIRONMENT ?? 'development';

export const config = {
  environment,
  isProduction: environment === 'production',
  port: int('PORT', 8000),
  databaseUrl: required('DATABASE_URL'),
  redisUrl: required('REDIS_URL'),
  adminApiKey: process.env.ADMIN_API_KEY ?? 'econ-admin-local',
  fredApiKey: process.env.FRED_API_KEY ?? '',
  fredBaseUrl: process.env.FRED_BASE_URL ?? 'https://api.stlouisfed.org/fred',
  fredTimeoutMs: int('FRED_API_TIMEOUT', 30) * 1000,
  fredRateLimitPerMinute: int('FRED_RATE_LIMIT_PER_MINUTE', 120),
  corsOrigins: list('CORS_ORIGINS', ['http://localhost:3000']),
  dbPoolSize: int('DB_POOL_SIZE', 10),
  cacheTtlSeconds: int('CACHE_TTL_SECONDS', 3600),
  refreshIntervalMinutes: int('REFRESH_INTERVAL_MINUTES', 60),
  trackedSeries: list('TRACKED_SERIES', ['GDP', 'UNRATE', 'CPIAUCSL', 'FEDFUNDS', 'DGS10']),
};

export type Config = typeof config;
