import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../logger';

/**
 * Applies migrations/*.sql in lexical order, each in its own transaction,
 * recording them in schema_migrations. A session advisory lock makes
 * concurrent runs (several replicas starting at once) safe.
 */
const LOCK_KEY = 72_431_001;
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', service: 'rag-profile-agent', component: 'migrate' });

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    logger.fatal('DATABASE_URL is required');
    process.exit(78);
  }
  const dir = path.resolve(__dirname, '../../migrations');
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10 * 60_000,
    ssl:
      process.env.DATABASE_SSL === 'disable'
        ? false
        : {
            rejectUnauthorized: true,
            ca: process.env.DATABASE_CA_CERT_PATH ? readFileSync(process.env.DATABASE_CA_CERT_PATH, 'utf8') : undefined,
          },
    application_name: 'rag-profile-agent-migrate',
  });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort();

    for (const file of files) {
      if (applied.has(file)) continue;
      const sql = await fs.readFile(path.join(dir, file), 'utf8');
      logger.info({ file }, 'applying migration');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        logger.error({ err, file }, 'migration failed; rolled back');
        throw err;
      }
    }
    logger.info({ total: files.length, newlyApplied: files.filter((f) => !applied.has(f)).length }, 'migrations up to date');
  } finally {
    // Ending the session releases the lock regardless; the explicit unlock
    // only matters if the connection were pooled.
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch((err: unknown) => {
      logger.warn({ err }, 'advisory unlock failed');
    });
    await client.end();
  }
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'migration run failed');
  process.exitCode = 1;
});
