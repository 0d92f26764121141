import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { describeOpenAIError } from '../clients/openai';
import { config } from '../config';
import { appendMessage, getOrCreateConversation } from '../db/repo';
import { childLogger } from '../logger';
import { recordQueryEvent } from '../queue/queues';
import { streamAnswer } from '../rag/agent';
import { appendTurn, loadHistory } from '../services/memory';
import { metrics } from '../services/metrics';

const log = childLogger('ws-chat');

const HEARTBEAT_MS = 30_000;

interface Session {
  id: string;
  userId: string;
  profileId: string;
  socket: WebSocket;
  alive: boolean;
  inFlight: AbortController | null;
}

const sessions = new Map<string, Session>();

function send(socket: WebSocket, payload: Record<string, unknown>): void {
  if (socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(payload));
  }
}

async function persistTurn(session: Session, question: string, reply: string, askedAt: number): Promise<void> {
  const conversation = await getOrCreateConversation(session.id, session.userId);
  await appendMessage(conversation.id, 'user', question);
  await appendMessage(conversation.id, 'assistant', reply);
  await appendTurn(session.id, { role: 'user', content: question, at: askedAt });
  await appendTurn(session.id, { role: 'assistant', content: reply, at: Date.now() });
}

async function handleMessage(session: Session, raw: WebSocket.RawData): Promise<void> {
  let data: { type?: string; message?: string };
  try {
    data = JSON.parse(raw.toString());
  } catch {
    send(session.socket, { type: 'error', error: 'messages must be JSON' });
    return;
  }

  if (data.type === 'cancel') {
    session.inFlight?.abort();
    return;
  }

  if (session.inFlight) {
    send(session.socket, { type: 'error', error: 'a response is already in progress' });
    return;
  }

  const question = data.message;
  const askedAt = Date.now();
  const controller = new AbortController();
  session.inFlight = controller;

  try {
    const history = await loadHistory(session.id, config.rag.historyTurns);
    send(session.socket, { type: 'start' });
    const result = await streamAnswer(
      { profileId: session.profileId, question: question as string, history, signal: controller.signal },
      { onToken: (token) => send(session.socket, { type: 'token', token }) },
    );
    send(session.socket, { type: 'end', route: result.route, sources: result.sources });

    persistTurn(session, question as string, result.answer, askedAt);

    metrics.increment(`chat.route.${result.route}`);
    recordQueryEvent({
      userId: session.userId,
      sessionId: session.id,
      route: result.route,
      latencyMs: Date.now() - askedAt,
      promptTokens: result.usage?.promptTokens,
      completionTokens: result.usage?.completionTokens,
      retrievedChunks: result.sources.length,
    }).catch((err) => log.warn({ err: err.message, sessionId: session.id }, 'failed to enqueue query analytics'));
  } catch (err) {
    if (controller.signal.aborted) {
      send(session.socket, { type: 'cancelled' });
      return;
    }
    log.error({ sessionId: session.id, userId: session.userId, err: describeOpenAIError(err) }, 'chat turn failed');
    send(session.socket, { type: 'error', error: 'failed to generate a response' });
  } finally {
    session.inFlight = null;
  }
}

function onConnection(socket: WebSocket, req: IncomingMessage): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const session: Session = {
    id: url.searchParams.get('session_id') ?? randomUUID(),
    userId: url.searchParams.get('user_id') ?? 'anonymous',
    profileId: url.searchParams.get('profile_id') ?? '',
    socket,
    alive: true,
    inFlight: null,
  };
  sessions.set(session.id, session);
  metrics.increment('ws.connections');
  log.info({ sessionId: session.id, userId: session.userId, profileId: session.profileId }, 'chat session opened');
  send(socket, { type: 'ready', sessionId: session.id });

  socket.on('pong', () => {
    session.alive = true;
  });

  socket.on('message', (raw) => {
    handleMessage(session, raw).catch((err) => {
      log.error({ sessionId: session.id, err }, 'unexpected error handling ws message');
    });
  });

  socket.on('close', (code) => {
    session.inFlight?.abort();
    sessions.delete(session.id);
    log.info({ sessionId: session.id, code }, 'chat session closed');
  });

  socket.on('error', (err) => {
    log.warn({ sessionId: session.id, err: err.message }, 'websocket error');
  });
}

export function attachChatSocket(server: Server): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/ws/chat', maxPayload: 64 * 1024 });
  wss.on('connection', onConnection);

  const heartbeat = setInterval(() => {
    for (const session of sessions.values()) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  wss.on('close', () => clearInterval(heartbeat));
  return wss;
}

export function activeSessionCount(): number {
  return sessions.size;
}
