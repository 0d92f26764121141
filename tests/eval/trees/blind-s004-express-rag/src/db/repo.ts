import pgvector from 'pgvector/pg';
import { pool, query } from './pool';

export type DocumentStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface DocumentRow {
  id: string;
  owner_id: string;
  filename: string;
  mime_type: string;
  size_bytes: number;
  storage_path: string | null;
  source_url: string | null;
  status: DocumentStatus;
  chunk_count: number;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChunkInput {
  index: number;
  content: string;
  tokenEstimate: number;
}

export interface ConversationRow {
  id: string;
  session_id: string;
  user_id: string;
  title: string | null;
  created_at: Date;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  created_at: Date;
}

/* ----------------------------- documents ----------------------------- */

export async function createDocument(input: {
  ownerId: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  storagePath?: string | null;
  sourceUrl?: string | null;
}): Promise<DocumentRow> {
  const rows = await query<DocumentRow>(
    `INSERT INTO documents (owner_id, filename, mime_type, size_bytes, storage_path, source_url, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued')
     RETURNING *`,
    [
      input.ownerId,
      input.filename,
      input.mimeType,
      input.sizeBytes,
      input.storagePath ?? null,
      input.sourceUrl ?? null,
    ],
  );
  return rows[0];
}

export async function getDocument(id: string): Promise<DocumentRow | null> {
  const rows = await query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function listDocuments(ownerId: string, limit: number, offset: number): Promise<DocumentRow[]> {
  return query<DocumentRow>(
    `SELECT * FROM documents
      WHERE owner_id = $1
      ORDER BY created_at DESC
      LIMIT $2 OFFSET $3`,
    [ownerId, limit, offset],
  );
}

export async function updateDocumentStatus(
  id: string,
  status: DocumentStatus,
  opts: { error?: string | null; chunkCount?: number } = {},
): Promise<void> {
  await query(
    `UPDATE documents
        SET status = $2,
            error = $3,
            chunk_count = COALESCE($4, chunk_count),
            updated_at = now()
      WHERE id = $1`,
    [id, status, opts.error ?? null, opts.chunkCount ?? null],
  );
}

export async function deleteDocument(id: string, ownerId: string): Promise<DocumentRow | null> {
  const rows = await query<DocumentRow>(
    'DELETE FROM documents WHERE id = $1 AND owner_id = $2 RETURNING *',
    [id, ownerId],
  );
  return rows[0] ?? null;
}

/* ------------------------------- chunks ------------------------------ */

export async function deleteChunks(documentId: string): Promise<number> {
  const result = await pool.query('DELETE FROM chunks WHERE document_id = $1', [documentId]);
  return result.rowCount ?? 0;
}

export async function insertChunks(
  documentId: string,
  chunks: ChunkInput[],
  embeddings: number[][],
): Promise<void> {
  if (chunks.length !== embeddings.length) {
    throw new Error(`chunk/embedding length mismatch: ${chunks.length} vs ${embeddings.length}`);
  }
  const client = await pool.connect();
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    await client.query(
      `INSERT INTO chunks (document_id, chunk_index, content, token_estimate, embedding)
       VALUES ($1, $2, $3, $4, $5)`,
      [documentId, chunk.index, chunk.content, chunk.tokenEstimate, pgvector.toSql(embeddings[i])],
    );
  }
  client.release();
}

/* --------------------------- conversations --------------------------- */

export async function getOrCreateConversation(sessionId: string, userId: string): Promise<ConversationRow> {
  const existing = await query<ConversationRow>(
    'SELECT * FROM conversations WHERE session_id = $1 AND user_id = $2',
    [sessionId, userId],
  );
  if (existing.length > 0) {
    return existing[0];
  }
  const created = await query<ConversationRow>(
    `INSERT INTO conversations (session_id, user_id) VALUES ($1, $2) RETURNING *`,
    [sessionId, userId],
  );
  return created[0];
}

export async function getConversation(id: string): Promise<ConversationRow | null> {
  const rows = await query<ConversationRow>('SELECT * FROM conversations WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function listConversations(userId: string, limit: number): Promise<ConversationRow[]> {
  return query<ConversationRow>(
    `SELECT * FROM conversations WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [userId, limit],
  );
}

export async function appendMessage(
  conversationId: string,
  role: MessageRow['role'],
  content: string,
): Promise<void> {
  await query('INSERT INTO messages (conversation_id, role, content) VALUES ($1, $2, $3)', [
    conversationId,
    role,
    content,
  ]);
}

export async function getMessages(conversationId: string, limit: number): Promise<MessageRow[]> {
  const rows = await query<MessageRow>(
    `SELECT * FROM messages
      WHERE conversation_id = $1
      ORDER BY created_at DESC
      LIMIT $2`,
    [conversationId, limit],
  );
  return rows.reverse();
}

/* ------------------------------ analytics ---------------------------- */

export interface QueryEvent {
  userId: string;
  sessionId: string;
  route: string;
  latencyMs: number;
  promptTokens?: number;
  completionTokens?: number;
  retrievedChunks: number;
}

export async function insertQueryEvent(event: QueryEvent): Promise<void> {
  await query(
    `INSERT INTO query_events
       (user_id, session_id, route, latency_ms, prompt_tokens, completion_tokens, retrieved_chunks)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.userId,
      event.sessionId,
      event.route,
      event.latencyMs,
      event.promptTokens ?? null,
      event.completionTokens ?? null,
      event.retrievedChunks,
    ],
  );
}
