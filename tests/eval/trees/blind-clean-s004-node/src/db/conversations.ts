import type { Cursor } from '../lib/cursor';
import type { Queryable } from './pool';

export interface ConversationRow {
  id: string;
  owner_id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  sources: unknown;
  created_at: Date;
}

export async function createConversation(db: Queryable, ownerId: string, title: string): Promise<ConversationRow> {
  const res = await db.query<ConversationRow>(
    `INSERT INTO conversations (owner_id, title) VALUES ($1, $2)
     RETURNING id, owner_id, title, created_at, updated_at`,
    [ownerId, title],
  );
  const row = res.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Every read is scoped by owner: a conversation id alone grants nothing. */
export async function getConversation(db: Queryable, ownerId: string, id: string): Promise<ConversationRow | null> {
  const res = await db.query<ConversationRow>(
    'SELECT id, owner_id, title, created_at, updated_at FROM conversations WHERE id = $1 AND owner_id = $2',
    [id, ownerId],
  );
  return res.rows[0] ?? null;
}

export async function listConversations(
  db: Queryable,
  ownerId: string,
  opts: { limit: number; after?: Cursor },
): Promise<ConversationRow[]> {
  const res = await db.query<ConversationRow>(
    `SELECT id, owner_id, title, created_at, updated_at FROM conversations
     WHERE owner_id = $1 AND ($2::timestamptz IS NULL OR (updated_at, id) < ($2, $3::uuid))
     ORDER BY updated_at DESC, id DESC
     LIMIT $4`,
    [ownerId, opts.after?.ts ?? null, opts.after?.id ?? null, opts.limit],
  );
  return res.rows;
}

export async function deleteConversation(db: Queryable, ownerId: string, id: string): Promise<boolean> {
  const res = await db.query('DELETE FROM conversations WHERE id = $1 AND owner_id = $2', [id, ownerId]);
  return (res.rowCount ?? 0) > 0;
}

export async function listMessages(
  db: Queryable,
  ownerId: string,
  conversationId: string,
  limit: number,
): Promise<MessageRow[]> {
  // Join through conversations so ownership is enforced in the same query.
  const res = await db.query<MessageRow>(
    `SELECT m.id, m.conversation_id, m.role, m.content, m.sources, m.created_at
     FROM messages m
     JOIN conversations c ON c.id = m.conversation_id
     WHERE m.conversation_id = $1 AND c.owner_id = $2
     ORDER BY m.seq DESC
     LIMIT $3`,
    [conversationId, ownerId, limit],
  );
  return res.rows.reverse();
}

export async function appendExchange(
  db: Queryable,
  conversationId: string,
  userContent: string,
  assistantContent: string,
  sources: unknown,
): Promise<void> {
  await db.query(
    `WITH ins AS (
       INSERT INTO messages (conversation_id, role, content, sources)
       VALUES ($1, 'user', $2, NULL),
              ($1, 'assistant', $3, $4::jsonb)
       RETURNING 1
     )
     UPDATE conversations SET updated_at = now() WHERE id = $1`,
    [conversationId, userContent, assistantContent, JSON.stringify(sources)],
  );
}
