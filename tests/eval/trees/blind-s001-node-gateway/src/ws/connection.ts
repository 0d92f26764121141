import { WebSocket } from 'ws';
import type { Config } from '../config';
import { streamChat } from '../llm';
import { logger } from '../logger';
import { metrics } from '../metrics';
import type { SessionManager } from '../sessions';

type ClientMessage =
  | { type: 'user_message'; text: string }
  | { type: 'end' }
  | { type: 'ping' };

type ServerMessage =
  | { type: 'ready'; sessionId: string }
  | { type: 'delta'; text: string }
  | { type: 'done' }
  | { type: 'pong' }
  | { type: 'error'; error: string };

const HEARTBEAT_MS = 30_000;

export class Connection {
  sessionId?: string;
  private alive = true;
  private busy = false;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    readonly userId: string,
    private readonly cfg: Config,
    private readonly deps: { sessions: SessionManager },
  ) {}

  async start(requestedSession?: string): Promise<void> {
    this.socket.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as ClientMessage;
      metrics.inc(`ws_in_${msg.type}`);
      this.dispatch(msg);
    });
    this.socket.on('pong', () => {
      this.alive = true;
    });
    this.socket.on('close', () => {
      if (this.sessionId) {
        logger.info({ sessionId: this.sessionId, userId: this.userId }, 'websocket closed');
      }
    });

    this.heartbeat = setInterval(() => {
      if (!this.alive) {
        this.socket.terminate();
        return;
      }
      this.alive = false;
      this.socket.ping();
    }, HEARTBEAT_MS);

    const session = await this.deps.sessions.resume(this.userId, requestedSession);
    this.sessionId = session.id;
    this.send({ type: 'ready', sessionId: session.id });
  }

  private async dispatch(msg: ClientMessage): Promise<void> {
    switch (msg.type) {
      case 'user_message':
        return this.handleUserMessage(msg.text);
      case 'end':
        await this.deps.sessions.end(this.sessionId!);
        this.socket.close(1000, 'session ended');
        return;
      case 'ping':
        this.send({ type: 'pong' });
        return;
      default:
        this.send({ type: 'error', error: 'unknown message type' });
    }
  }

  private async handleUserMessage(text: string): Promise<void> {
    if (this.busy) {
      this.send({ type: 'error', error: 'previous message still being answered' });
      return;
    }
    const sessionId = this.sessionId!;
    this.busy = true;
    const started = Date.now();
    try {
      const history = await this.deps.sessions.appendTurn(sessionId, { role: 'user', content: text });
      let answer = '';
      for await (const delta of streamChat(this.cfg, history)) {
        answer += delta;
        this.send({ type: 'delta', text: delta });
      }
      await this.deps.sessions.appendTurn(sessionId, { role: 'assistant', content: answer });
      this.send({ type: 'done' });
    } catch (err) {
      logger.error({ err, sessionId }, 'assistant turn failed');
      this.send({ type: 'error', error: 'assistant unavailable, please retry' });
    } finally {
      this.busy = false;
      metrics.recordResponseTime(Date.now() - started);
    }
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  close(code: number, reason: string): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(code, reason);
    });
  }
}
