import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadApiConfig } from '../src/config';
import type { RedisWindowLimiter } from '../src/lib/redisRateLimiter';
import type { ChatService } from '../src/rag/chatService';
import { CHAT_PATH, ChatSocketServer } from '../src/ws/chatSocket';
import { signTestToken, TEST_ENV, USER_ID } from './helpers';

const CONV = '0b9c7f6e-2d4a-4c1b-8e3f-5a6b7c8d9e0f';
const cfg = loadApiConfig({ ...TEST_ENV, WS_MAX_CONNECTIONS_PER_USER: '1', TRUST_PROXY_HOPS: '0' });
const allowAll = { hit: async () => ({ allowed: true, remaining: 1, resetMs: 1 }) } as unknown as RedisWindowLimiter;

const fakePool = {
  query: async (_sql: string, params: unknown[]) =>
    params[0] === CONV && params[1] === USER_ID
      ? { rows: [{ id: CONV, owner_id: USER_ID, title: 't', created_at: new Date(), updated_at: new Date() }] }
      : { rows: [] },
};

const fakeChat = {
  stream: async (req: { onToken: (d: string) => void }) => {
    req.onToken('Hel');
    req.onToken('lo');
    return { answer: 'Hello', sources: [], finishReason: 'stop' };
  },
} as unknown as ChatService;

let server: http.Server;
let sockets: ChatSocketServer;
let url: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(404).end());
  sockets = new ChatSocketServer({
    cfg,
    pool: fakePool as never,
    chat: fakeChat,
    logger: pino({ level: 'silent' }),
    upgradeLimiter: allowAll,
    messageLimiter: allowAll,
    isShuttingDown: () => false,
  });
  sockets.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${CHAT_PATH}`;
});

afterAll(async () => {
  await sockets.close(100);
  await new Promise((r) => server.close(r));
});

function connect(opts: { token?: string; origin?: string } = {}) {
  const protocols = opts.token ? ['bearer', opts.token] : [];
  return new WebSocket(url, protocols, { origin: opts.origin ?? 'https://app.example.com' });
}

function rejection(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
}

function collect(ws: WebSocket, until: string): Promise<Array<Record<string, unknown>>> {
  const frames: Array<Record<string, unknown>> = [];
  return new Promise((resolve) => {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Record<string, unknown>;
      frames.push(f);
      if (f.type === until) resolve(frames);
    });
  });
}

describe('chat WebSocket', () => {
  it('rejects upgrades without a token', async () => {
    expect(await rejection(connect())).toBe(401);
  });

  it('rejects origins outside the allow-list', async () => {
    expect(await rejection(connect({ token: signTestToken(), origin: 'https://evil.example' }))).toBe(403);
  });

  it('rejects tokens without the chat scope', async () => {
    expect(await rejection(connect({ token: signTestToken({ scope: 'documents:read' }) }))).toBe(403);
  });

  it('streams tokens and enforces the per-user connection limit', async () => {
    const ws = connect({ token: signTestToken() });
    const ready = collect(ws, 'ready');
    await ready;

    expect(await rejection(connect({ token: signTestToken() }))).toBe(429);

    const done = collect(ws, 'done');
    ws.send(JSON.stringify({ type: 'chat', conversationId: CONV, message: 'hi', clientRequestId: 'r1' }));
    const frames = await done;
    expect(frames.filter((f) => f.type === 'token').map((f) => f.delta)).toEqual(['Hel', 'lo']);
    ws.close();
  });

  it('does not reveal other users\' conversations', async () => {
    const other = signTestToken({ sub: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });
    const ws = connect({ token: other });
    await collect(ws, 'ready');
    const err = collect(ws, 'error');
    ws.send(JSON.stringify({ type: 'chat', conversationId: CONV, message: 'hi' }));
    expect((await err).at(-1)).toMatchObject({ type: 'error', code: 'not_found' });
    ws.close();
  });
});
