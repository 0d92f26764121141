import type { Pool } from 'pg';
import { withTransaction, type Queryable } from './pool';
import { toPgVector } from '../clients/openai';
import type { Cursor } from '../lib/cursor';

export type DocumentStatus = 'pending' | 'processing' | 'ready' | 'failed';

export interface DocumentRow {
  id: string;
  owner_id: string;
  filename: string;
  mime_type: string;
  byte_size: number;
  sha256: string;
  status: DocumentStatus;
  error: string | null;
  chunk_count: number;
  created_at: Date;
  updated_at: Date;
}

const PUBLIC_COLUMNS = 'id, owner_id, filename, mime_type, byte_size, sha256, status, error, chunk_count, created_at, updated_at';

export interface NewDocument {
  ownerId: string;
  filename: string;
  mimeType: string;
  byteSize: number;
  sha256: string;
  body: string;
}

/**
 * Inserts the document, or returns the existing row when the same owner
 * uploads identical content again. `created` tells the caller whether an
 * ingestion job is needed.
 */
export async function insertDocument(db: Queryable, doc: NewDocument): Promise<{ row: DocumentRow; created: boolean }> {
  const inserted = await db.query<DocumentRow>(
    `INSERT INTO documents (owner_id, filename, mime_type, byte_size, sha256, body, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending')
     ON CONFLICT (owner_id, sha256) DO NOTHING
     RETURNING ${PUBLIC_COLUMNS}`,
    [doc.ownerId, doc.filename, doc.mimeType, doc.byteSize, doc.sha256, doc.body],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };

  const existing = await db.query<DocumentRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM documents WHERE owner_id = $1 AND sha256 = $2`,
    [doc.ownerId, doc.sha256],
  );
  const row = existing.rows[0];
  if (!row) throw new Error('document vanished between insert conflict and select');
  return { row, created: false };
}

export async function getDocument(db: Queryable, ownerId: string, id: string): Promise<DocumentRow | null> {
  const res = await db.query<DocumentRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM documents WHERE id = $1 AND owner_id = $2`,
    [id, ownerId],
  );
  return res.rows[0] ?? null;
}

export async function listDocuments(
  db: Queryable,
  ownerId: string,
  opts: { limit: number; after?: Cursor },
): Promise<DocumentRow[]> {
  const res = await db.query<DocumentRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM documents
     WHERE owner_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $4`,
    [ownerId, opts.after?.ts ?? null, opts.after?.id ?? null, opts.limit],
  );
  return res.rows;
}

export async function deleteDocument(db: Queryable, ownerId: string, id: string): Promise<boolean> {
  const res = await db.query('DELETE FROM documents WHERE id = $1 AND owner_id = $2', [id, ownerId]);
  return (res.rowCount ?? 0) > 0;
}

export async function setStatus(db: Queryable, id: string, status: DocumentStatus, error: string | null = null): Promise<void> {
  await db.query('UPDATE documents SET status = $2, error = $3, updated_at = now() WHERE id = $1', [
    id,
    status,
    error ? error.slice(0, 500) : null,
  ]);
}

export async function loadForIngest(db: Queryable, id: string): Promise<{ id: string; body: string; filename: string } | null> {
  const res = await db.query<{ id: string; body: string; filename: string }>(
    'SELECT id, body, filename FROM documents WHERE id = $1',
    [id],
  );
  return res.rows[0] ?? null;
}

export interface ChunkInput {
  ordinal: number;
  content: string;
  tokenEstimate: number;
  embedding: number[];
}

/**
 * Replaces all chunks of a document in one transaction, in one INSERT using
 * unnest() so a 2,000-chunk document is a single round trip. The row lock on
 * the document serialises concurrent retries of the same job.
 */
export async function replaceChunks(pool: Pool, documentId: string, chunks: ChunkInput[]): Promise<boolean> {
  let stillExists = true;
  await withTransaction(pool, async (client) => {
    const locked = await client.query('SELECT id FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
    if (locked.rowCount === 0) {
      stillExists = false;
      return;
    }
    await client.query('DELETE FROM chunks WHERE document_id = $1', [documentId]);
    if (chunks.length > 0) {
      await client.query(
        `INSERT INTO chunks (document_id, ordinal, content, token_estimate, embedding)
         SELECT $1, o, c, t, e::vector
         FROM unnest($2::int[], $3::text[], $4::int[], $5::text[]) AS u(o, c, t, e)`,
        [
          documentId,
          chunks.map((c) => c.ordinal),
          chunks.map((c) => c.content),
          chunks.map((c) => c.tokenEstimate),
          chunks.map((c) => toPgVector(c.embedding)),
        ],
      );
    }
    await client.query(
      `UPDATE documents SET status = 'ready', error = NULL, chunk_count = $2, updated_at = now() WHERE id = $1`,
      [documentId, chunks.length],
    );
  });
  return stillExists;
}

export interface RetrievedChunk {
  chunk_id: string;
  document_id: string;
  filename: string;
  content: string;
  score: number;
}

export async function searchChunks(
  db: Queryable,
  ownerId: string,
  queryEmbedding: number[],
  topK: number,
): Promise<RetrievedChunk[]> {
  const res = await db.query<RetrievedChunk>(
    `SELECT c.id AS chunk_id, c.document_id, d.filename, c.content,
            1 - (c.embedding <=> $1::vector) AS score
     FROM chunks c
     JOIN documents d ON d.id = c.document_id
     WHERE d.owner_id = $2 AND d.status = 'ready'
     ORDER BY c.embedding <=> $1::vector
     LIMIT $3`,
    [toPgVector(queryEmbedding), ownerId, topK],
  );
  return res.rows;
}
