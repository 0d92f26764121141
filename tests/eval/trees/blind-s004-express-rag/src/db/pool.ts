import { Pool, PoolClient, QueryResultRow } from 'pg';
import pgvector from 'pgvector/pg';
import { config } from '../config';
import { childLogger } from '../logger';

const log = childLogger('db');

export const pool = new Pool({
  connectionString: config.databaseUrl,
  max: 20,
  idleTimeoutMillis: 30_000,
  application_name: 'rag-profile-agent',
});

pool.on('connect', (client) => {
  pgvector.registerType(client).catch((err) => {
    log.error({ err }, 'failed to register pgvector type on new connection');
  });
});

pool.on('error', (err) => {
  // Errors on idle clients (e.g. server restart); the pool discards the client.
  log.error({ err }, 'idle postgres client error');
});

export async function query<T extends QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const started = Date.now();
  const result = await pool.query<T>(text, params);
  const elapsed = Date.now() - started;
  if (elapsed > 500) {
    log.warn({ elapsedMs: elapsed, statement: text.slice(0, 120) }, 'slow query');
  }
  return result.rows;
}

export async function withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr) => {
      log.error({ err: rollbackErr }, 'rollback failed');
    });
    throw err;
  } finally {
    client.release();
  }
}

export async function pingDatabase(): Promise<void> {
  await pool.query('SELECT 1');
}

export async function closePool(): Promise<void> {
  await pool.end();
}
