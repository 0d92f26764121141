import { Pool, PoolClient, QueryResultRow } from 'pg';
import { config } from './config';

let pool: Pool | null = null;

function buildPool(): Pool {
  if (config.isProduction) {
    return new Pool({
      connectionString: config.databaseUrl,
      max: config.dbPoolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
  }
  // Local development: a single connection keeps ts-node-dev restarts from
  // piling up idle backends on the laptop Postgres.
  return new Pool({ connectionString: config.databaseUrl, max: 1 });
}

export async function initDb(): Promise<void> {
  pool = buildPool();
  pool.on('error', (err) => {
    console.error(`postgres idle client error: ${err.message}`);
  });

  const client = await pool.connect();
  try {
    const res = await client.query<{ version: string }>('SELECT version()');
    console.log(`database connected: ${res.rows[0].version.split(',')[0]}`);
  } finally {
    client.release();
  }
}

export function getPool(): Pool {
  if (!pool) {
    throw new Error('database pool used before initDb()');
  }
  return pool;
}

export async function query<T extends QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const res = await getPool().query<T>(text, params);
  return res.rows;
}

export async function withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await getPool().connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function closeDb(): Promise<void> {
  if (pool) {
    const p = pool;
    pool = null;
    await p.end();
  }
}
