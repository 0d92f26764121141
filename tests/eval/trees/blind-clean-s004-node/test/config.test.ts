import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig, loadWorkerConfig } from '../src/config';
import { TEST_ENV } from './helpers';

describe('config', () => {
  it('loads a complete environment with production-safe defaults', () => {
    const cfg = loadApiConfig(TEST_ENV);
    expect(cfg.PORT).toBe(8080);
    expect(cfg.OPENAI_TIMEOUT_MS).toBe(30_000);
    expect(cfg.CORS_ALLOWED_ORIGINS).toEqual(['https://app.example.com']);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('defaults NODE_ENV to production and TLS to verify-full', () => {
    const { NODE_ENV: _n, DATABASE_SSL: _s, ...rest } = TEST_ENV;
    const cfg = loadApiConfig(rest);
    expect(cfg.NODE_ENV).toBe('production');
    expect(cfg.DATABASE_SSL).toBe('verify-full');
  });

  it('rejects missing and weak secrets without echoing values', () => {
    const env = { ...TEST_ENV, JWT_SECRET: 'changeme', OPENAI_API_KEY: undefined };
    try {
      loadApiConfig(env);
      expect.fail('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as ConfigError).message;
      expect(msg).toContain('JWT_SECRET');
      expect(msg).toContain('OPENAI_API_KEY');
      expect(msg).not.toContain('changeme');
    }
  });

  it('rejects low-entropy secrets of sufficient length', () => {
    expect(() => loadApiConfig({ ...TEST_ENV, JWT_SECRET: 'a'.repeat(40) })).toThrow(ConfigError);
  });

  it('rejects wildcard and path-bearing CORS origins', () => {
    expect(() => loadApiConfig({ ...TEST_ENV, CORS_ALLOWED_ORIGINS: '*' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ ...TEST_ENV, CORS_ALLOWED_ORIGINS: 'https://a.example.com/app' })).toThrow(ConfigError);
  });

  it('rejects http origins and debug logging in production', () => {
    expect(() =>
      loadApiConfig({ ...TEST_ENV, NODE_ENV: 'production', CORS_ALLOWED_ORIGINS: 'http://a.example.com' }),
    ).toThrow(/https/);
    expect(() => loadApiConfig({ ...TEST_ENV, NODE_ENV: 'production', LOG_LEVEL: 'debug' })).toThrow(/LOG_LEVEL/);
  });

  it('worker config does not require API-only secrets', () => {
    const { JWT_SECRET: _j, CORS_ALLOWED_ORIGINS: _c, ...rest } = TEST_ENV;
    expect(loadWorkerConfig(rest).INGEST_CONCURRENCY).toBe(2);
  });
});
