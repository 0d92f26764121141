import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pool } from 'pg';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerFromHeaders, verifyToken, type Principal } from '../auth/jwt';
import type { ApiConfig } from '../config';
import { getConversation } from '../db/conversations';
import type { RedisWindowLimiter } from '../lib/redisRateLimiter';
import type { Logger } from '../logger';
import { wsConnections, wsRejected } from '../metrics';
import type { ChatService } from '../rag/chatService';
import { parseClientMessage, tokenFromProtocols, type ServerMessage } from './protocol';

export const CHAT_PATH = '/v1/ws/chat';
const HEARTBEAT_MS = 30_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Deps {
  cfg: ApiConfig;
  pool: Pool;
  chat: ChatService;
  logger: Logger;
  upgradeLimiter: RedisWindowLimiter;
  messageLimiter: RedisWindowLimiter;
  isShuttingDown: () => boolean;
}

function reject(socket: Duplex, status: number, reason: string): void {
  wsRejected.inc({ reason });
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function clientIp(req: IncomingMessage, trustHops: number): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Take the address added by the outermost trusted proxy, like Express' trust proxy = N.
  if (trustHops > 0 && forwarded.length > 0) {
    return forwarded[Math.max(0, forwarded.length - trustHops)] ?? req.socket.remoteAddress ?? 'unknown';
  }
  return req.socket.remoteAddress ?? 'unknown';
}

export class ChatSocketServer {
  private readonly wss: WebSocketServer;
  /** Live connection count per user on this instance; entries are removed at zero. */
  private readonly perUser = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(private readonly deps: Deps) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.cfg.WS_MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
    });

    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', (err) => this.deps.logger.debug({ err }, 'upgrade socket error'));
      this.handleUpgrade(req, socket, head).catch((err: unknown) => {
        this.deps.logger.error({ err }, 'websocket upgrade failed');
        reject(socket, 503, 'internal');
      });
    });
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { cfg, logger } = this.deps;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== CHAT_PATH) return reject(socket, 404, 'path');
    if (this.deps.isShuttingDown()) return reject(socket, 503, 'shutting_down');

    // Browsers always send Origin; non-browser clients may omit it and are
    // still subject to token auth below.
    const origin = req.headers.origin;
    if (origin !== undefined && !cfg.CORS_ALLOWED_ORIGINS.includes(origin)) return reject(socket, 403, 'origin');

    const ip = clientIp(req, cfg.TRUST_PROXY_HOPS);
    const ipLimit = await this.deps.upgradeLimiter.hit(ip);
    if (!ipLimit.allowed) return reject(socket, 429, 'upgrade_rate');

    const token = bearerFromHeaders(req.headers) ?? tokenFromProtocols(req.headers['sec-websocket-protocol']);
    if (!token) return reject(socket, 401, 'no_token');
    let principal: Principal;
    try {
      principal = verifyToken(token, cfg);
    } catch {
      return reject(socket, 401, 'bad_token');
    }
    if (!principal.scopes.has('chat')) return reject(socket, 403, 'scope');

    if (this.wss.clients.size >= cfg.WS_MAX_CONNECTIONS) return reject(socket, 503, 'capacity');
    const current = this.perUser.get(principal.userId) ?? 0;
    if (current >= cfg.WS_MAX_CONNECTIONS_PER_USER) return reject(socket, 429, 'per_user');

    // The client may have gone away while the limiter call was in flight.
    if (socket.destroyed) return;

    // Reserve the slot synchronously, before the handshake completes, so two
    // parallel upgrades from the same user cannot both pass the check above.
    this.perUser.set(principal.userId, current + 1);
    let handedOff = false;
    socket.once('close', () => {
      if (!handedOff) this.release(principal.userId);
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      handedOff = true;
      this.onConnection(ws, principal);
    });
    logger.debug({ userId: principal.userId }, 'websocket upgrade accepted');
  }

  private release(userId: string): void {
    const n = (this.perUser.get(userId) ?? 1) - 1;
    if (n <= 0) this.perUser.delete(userId);
    else this.perUser.set(userId, n);
  }

  private onConnection(ws: WebSocket, principal: Principal): void {
    const { cfg, logger, pool, chat, messageLimiter } = this.deps;
    const log = logger.child({ userId: principal.userId });
    wsConnections.inc();
    this.alive.add(ws);

    let inflight: AbortController | null = null;

    // Close the socket when the token expires; the client reconnects with a fresh one.
    const ttl = Math.max(0, principal.expiresAt - Date.now());
    const expiry = setTimeout(() => ws.close(4401, 'token expired'), Math.min(ttl, 2 ** 31 - 1));
    expiry.unref();

    const send = (msg: ServerMessage): boolean => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        // Slow consumer: stop generating rather than buffer without bound.
        inflight?.abort(new Error('client too slow'));
        return false;
      }
      ws.send(JSON.stringify(msg));
      return true;
    };

    ws.on('pong', () => this.alive.add(ws));

    ws.on('message', (raw, isBinary) => {
      const parsed = parseClientMessage(raw, isBinary, cfg.CHAT_MAX_MESSAGE_CHARS);
      if (!parsed.ok) {
        wsRejected.inc({ reason: parsed.code });
        send({ type: 'error', code: parsed.code, message: parsed.message });
        return;
      }
      const msg = parsed.msg;
      if (msg.type === 'ping') {
        send({ type: 'pong' });
        return;
      }
      if (msg.type === 'cancel') {
        inflight?.abort(new Error('cancelled by client'));
        return;
      }
      if (inflight) {
        send({ type: 'error', clientRequestId: msg.clientRequestId, code: 'busy', message: 'a response is already streaming' });
        return;
      }

      const controller = new AbortController();
      inflight = controller;
      const rid = msg.clientRequestId;

      void (async () => {
        try {
          const limit = await messageLimiter.hit(principal.userId);
          if (!limit.allowed) {
            wsRejected.inc({ reason: 'message_rate' });
            send({ type: 'error', clientRequestId: rid, code: 'rate_limited', message: `retry in ${Math.ceil(limit.resetMs / 1000)}s` });
            return;
          }
          const conversation = await getConversation(pool, principal.userId, msg.conversationId);
          if (!conversation) {
            send({ type: 'error', clientRequestId: rid, code: 'not_found', message: 'conversation not found' });
            return;
          }
          const result = await chat.stream({
            userId: principal.userId,
            conversationId: conversation.id,
            message: msg.message,
            signal: controller.signal,
            onToken: (delta) => send({ type: 'token', clientRequestId: rid, delta }),
          });
          send({ type: 'done', clientRequestId: rid, sources: result.sources, finishReason: result.finishReason });
        } catch (err) {
          if (controller.signal.aborted) {
            log.info({ reason: String(controller.signal.reason) }, 'chat generation aborted');
            send({ type: 'error', clientRequestId: rid, code: 'cancelled', message: 'generation cancelled' });
          } else {
            log.error({ err, conversationId: msg.conversationId }, 'chat generation failed');
            send({ type: 'error', clientRequestId: rid, code: 'internal', message: 'could not generate a response' });
          }
        } finally {
          if (inflight === controller) inflight = null;
        }
      })();
    });

    ws.on('error', (err) => log.warn({ err }, 'websocket error'));

    ws.once('close', (code) => {
      clearTimeout(expiry);
      inflight?.abort(new Error('socket closed'));
      wsConnections.dec();
      this.release(principal.userId);
      log.debug({ code }, 'websocket closed');
    });

    send({ type: 'ready', userId: principal.userId });
  }

  /** Used during shutdown: tell clients to reconnect elsewhere, then stop. */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    const deadline = Date.now() + graceMs;
    while (this.wss.clients.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
