import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendExchange, createConversation, getConversation, listMessages } from '../src/db/conversations';
import { insertDocument, listDocuments, searchChunks, replaceChunks } from '../src/db/documents';

/**
 * Runs against a throwaway database (CI starts pgvector/pgvector:0.8.0-pg16
 * and sets TEST_DATABASE_URL). Skipped locally when it is not set.
 */
const url = process.env.TEST_DATABASE_URL;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe.skipIf(!url)('postgres repositories', () => {
  let pool: Pool;

  beforeAll(async () => {
    pool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
    await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    const dir = path.resolve(__dirname, '../migrations');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.sql')).sort()) {
      await pool.query(fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  });

  afterAll(async () => {
    await pool?.end();
  });

  const doc = (ownerId: string, sha: string) => ({
    ownerId,
    filename: 'cv.md',
    mimeType: 'text/markdown',
    byteSize: 5,
    sha256: sha.padEnd(64, '0'),
    body: 'hello',
  });

  it('deduplicates identical uploads per owner only', async () => {
    const first = await insertDocument(pool, doc(A, 'aa'));
    const again = await insertDocument(pool, doc(A, 'aa'));
    const otherOwner = await insertDocument(pool, doc(B, 'aa'));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, row: { id: first.row.id } });
    expect(otherOwner.created).toBe(true);
  });

  it('paginates with a keyset cursor without gaps or repeats', async () => {
    for (let i = 0; i < 5; i += 1) await insertDocument(pool, doc(A, `p${i}`));
    const seen: string[] = [];
    let after: { ts: Date; id: string } | undefined;
    for (;;) {
      const page = await listDocuments(pool, A, { limit: 2, after });
      seen.push(...page.map((r) => r.id));
      const last = page.at(-1);
      if (page.length < 2 || !last) break;
      after = { ts: last.created_at, id: last.id };
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(6);
  });

  it('scopes vector search to the owner', async () => {
    const { row } = await insertDocument(pool, doc(B, 'vec'));
    const v = Array.from({ length: 1536 }, (_, i) => (i === 0 ? 1 : 0));
    await replaceChunks(pool, row.id, [{ ordinal: 0, content: 'secret', tokenEstimate: 2, embedding: v }]);
    expect(await searchChunks(pool, A, v, 5)).toEqual([]);
    expect((await searchChunks(pool, B, v, 5)).map((c) => c.content)).toEqual(['secret']);
  });

  it('keeps message order and enforces conversation ownership', async () => {
    const c = await createConversation(pool, A, 'x');
    await appendExchange(pool, c.id, 'q1', 'a1', []);
    await appendExchange(pool, c.id, 'q2', 'a2', []);
    expect((await listMessages(pool, A, c.id, 10)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(await listMessages(pool, B, c.id, 10)).toEqual([]);
    expect(await getConversation(pool, B, c.id)).toBeNull();
  });
});
