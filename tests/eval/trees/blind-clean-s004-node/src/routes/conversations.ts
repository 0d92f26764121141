import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth/jwt';
import {
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  listMessages,
} from '../db/conversations';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { asyncRoute, notFound } from '../lib/errors';

const IdParams = z.object({ id: z.string().uuid() });
const CreateBody = z
  .object({ title: z.string().trim().min(1).max(200).optional() })
  .strict();
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
const MessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function conversationsRouter(pool: Pool): Router {
  const router = Router();

  router.post(
    '/',
    requireScope('chat'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const body = CreateBody.parse(req.body ?? {});
      const row = await createConversation(pool, userId, body.title ?? 'New conversation');
      res.status(201).location(`/v1/conversations/${row.id}`).json({ conversation: row });
    }),
  );

  router.get(
    '/',
    requireScope('chat'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const q = ListQuery.parse(req.query);
      const rows = await listConversations(pool, userId, { limit: q.limit, after: decodeCursor(q.cursor) });
      const last = rows.at(-1);
      res.json({ conversations: rows, nextCursor: rows.length === q.limit && last ? encodeCursor(last.updated_at, last.id) : null });
    }),
  );

  router.get(
    '/:id/messages',
    requireScope('chat'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const { id } = IdParams.parse(req.params);
      const { limit } = MessagesQuery.parse(req.query);
      const conversation = await getConversation(pool, userId, id);
      if (!conversation) throw notFound('conversation');
      const messages = await listMessages(pool, userId, id, limit);
      res.json({ conversation, messages });
    }),
  );

  router.delete(
    '/:id',
    requireScope('chat'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const { id } = IdParams.parse(req.params);
      if (!(await deleteConversation(pool, userId, id))) throw notFound('conversation');
      res.status(204).end();
    }),
  );

  return router;
}
