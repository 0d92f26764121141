import { config } from './config';

export function validateConfig(): void {
  const errors: string[] = [];
  const warnings: string[] = [];

  if (config.trackedSeries.length === 0) {
    errors.push('TRACKED_SERIES must list at least one series id');
  }
  if (config.fredRateLimitPerMinute === 0) {
    errors.push('FRED_RATE_LIMIT_PER_MINUTE must be greater than zero');
  }

  if (config.isProduction) {
    if (!config.fredApiKey) {
      errors.push('FRED_API_KEY is required in production');
    }
    if (config.dbPoolSize < 2) {
      errors.push('DB_POOL_SIZE should be at least 2 in production');
    }
    const local = config.corsOrigins.filter((o) => o.includes('localhost') || o.includes('127.0.0.1'));
    if (local.length > 0) {
      warnings.push(`CORS_ORIGINS contains development origins: ${local.join(', ')}`);
    }
    if (config.corsOrigins.includes('*')) {
      errors.push('CORS_ORIGINS must not contain "*" when credentials are allowed');
    }
  }

  for (const w of warnings) {
    console.warn(`[config] warning: ${w}`);
  }
  if (errors.length > 0) {
    throw new Error(`invalid configuration:\n  - ${errors.join('\n  - ')}`);
  }
}
