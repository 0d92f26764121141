import fs from 'node:fs';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { BaseConfig } from '../config';
import type { Logger } from '../logger';

function sslOptions(cfg: BaseConfig): PoolConfig['ssl'] {
  if (cfg.DATABASE_SSL === 'disable') return false;
  return {
    rejectUnauthorized: true,
    ca: cfg.DATABASE_CA_CERT_PATH ? fs.readFileSync(cfg.DATABASE_CA_CERT_PATH, 'utf8') : undefined,
  };
}

export function createPool(cfg: BaseConfig, logger: Logger, applicationName: string): Pool {
  const pool = new Pool({
    connectionString: cfg.DATABASE_URL,
    max: cfg.DATABASE_POOL_MAX,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: cfg.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: cfg.DATABASE_STATEMENT_TIMEOUT_MS,
    query_timeout: cfg.DATABASE_STATEMENT_TIMEOUT_MS + 2_000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: applicationName,
    // Filtered HNSW searches (WHERE owner_id = ...) keep scanning until LIMIT
    // rows match instead of returning a short list (pgvector >= 0.8).
    options: '-c hnsw.iterative_scan=strict_order',
    ssl: sslOptions(cfg),
  });

  // An idle client losing its connection emits here; without a listener the
  // process would crash on an otherwise recoverable network blip.
  pool.on('error', (err) => {
    logger.error({ err }, 'idle postgres client error');
  });

  return pool;
}

export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // The connection is in an unknown state; destroy it instead of
      // returning it to the pool. The original error is rethrown below.
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

export type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;
