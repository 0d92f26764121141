import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { describeOpenAIError, isRateLimitError } from '../clients/openai';
import { config } from '../config';
import {
  appendMessage,
  getConversation,
  getMessages,
  getOrCreateConversation,
  listConversations,
} from '../db/repo';
import { childLogger } from '../logger';
import { recordQueryEvent } from '../queue/queues';
import { answer } from '../rag/agent';
import { appendTurn, loadHistory } from '../services/memory';
import { metrics } from '../services/metrics';

const log = childLogger('chat');

const QueryBody = z.object({
  profileId: z.string().trim().min(1).max(128),
  message: z.string().trim().min(1).max(4_000),
  sessionId: z.string().uuid().optional(),
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const chatRouter = Router();

chatRouter.post('/query', async (req, res, next) => {
  const parsed = QueryBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid body', details: parsed.error.flatten() });
    return;
  }
  const { profileId, message } = parsed.data;
  const sessionId = parsed.data.sessionId ?? randomUUID();
  const userId = req.user!.id;
  const started = Date.now();

  try {
    const conversation = await getOrCreateConversation(sessionId, userId);
    const history = await loadHistory(sessionId, config.rag.historyTurns);
    const result = await answer({ profileId, question: message, history });

    await appendMessage(conversation.id, 'user', message);
    await appendMessage(conversation.id, 'assistant', result.answer);
    await appendTurn(sessionId, { role: 'user', content: message, at: started });
    await appendTurn(sessionId, { role: 'assistant', content: result.answer, at: Date.now() });

    const latencyMs = Date.now() - started;
    metrics.increment(`chat.route.${result.route}`);
    await recordQueryEvent({
      userId,
      sessionId,
      route: result.route,
      latencyMs,
      promptTokens: result.usage?.promptTokens,
      completionTokens: result.usage?.completionTokens,
      retrievedChunks: result.sources.length,
    }).catch((err) => log.warn({ err: err.message, sessionId }, 'failed to enqueue query analytics'));

    res.json({
      sessionId,
      conversationId: conversation.id,
      route: result.route,
      answer: result.answer,
      sources: result.sources,
    });
  } catch (err) {
    if (isRateLimitError(err)) {
      log.warn({ sessionId, userId, err: describeOpenAIError(err) }, 'upstream rate limited');
      res.status(503).set('Retry-After', '10').json({ error: 'model temporarily unavailable, retry shortly' });
      return;
    }
    next(err);
  }
});

chatRouter.get('/conversations', async (req, res, next) => {
  try {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid query' });
      return;
    }
    const items = await listConversations(req.user!.id, parsed.data.limit);
    res.json({ items });
  } catch (err) {
    next(err);
  }
});

chatRouter.get('/conversations/:id', async (req, res, next) => {
  try {
    const id = z.string().uuid().safeParse(req.params.id);
    if (!id.success) {
      res.status(400).json({ error: 'invalid conversation id' });
      return;
    }
    const conversation = await getConversation(id.data);
    if (!conversation) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const messages = await getMessages(conversation.id, 200);
    res.json({ ...conversation, messages });
  } catch (err) {
    next(err);
  }
});
