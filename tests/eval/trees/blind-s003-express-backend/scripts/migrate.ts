import { readdir, readFile } from 'fs/promises';
import path from 'path';
import { Client } from 'pg';
import { config } from '../src/config';

const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
const LOCK_ID = 727_001;

async function migrate(): Promise<void> {
  const client = new Client({ connectionString: config.databaseUrl });
  try {
    await client.connect();
  } catch (err) {
    console.error(
      `Could not connect to Postgres (${(err as Error).message}).\n` +
        'If you are running locally, start it with `docker compose up -d db`.',
    );
    return;
  }

  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();

    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
        console.log(`applied ${file}`);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

migrate().catch((err) => {
  console.error(err);
  process.exit(1);
});
