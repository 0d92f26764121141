import type Redis from 'ioredis';
import { logger } from '../logger';

const log = logger.child({ component: 'sessions' });

export interface Session {
  id: string;
  client: string;
  createdAt: number;
  lastSeenAt: number;
  inflight: number;
  totalCalls: number;
}

function newSessionId(): string {
  const a = Math.random().toString(36).slice(2, 10);
  const b = Date.now().toString(36);
  return `sess_${b}${a}`;
}

/**
 * Tracks WebSocket sessions. The in-process map is authoritative for the
 * connections this daemon owns; Redis mirrors it so the monitoring UI and
 * reconnecting shims can see session state across restarts.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly redis: Redis) {}

  private key(id: string): string {
    return `session:${id}`;
  }

  async open(client: string, resumeId?: string): Promise<Session> {
    if (resumeId) {
      const existing = this.sessions.get(resumeId) ?? (await this.loadFromRedis(resumeId));
      if (existing) {
        existing.lastSeenAt = Date.now();
        this.sessions.set(existing.id, existing);
        log.info('session resumed', { sessionId: existing.id, client });
        return existing;
      }
    }

    const session: Session = {
      id: newSessionId(),
      client,
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
      inflight: 0,
      totalCalls: 0,
    };
    this.sessions.set(session.id, session);
    await this.persist(session);
    log.info('session opened', { sessionId: session.id, client });
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  touch(id: string): void {
    const s = this.sessions.get(id);
    if (s) s.lastSeenAt = Date.now();
  }

  async recordCall(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    s.totalCalls += 1;
    s.lastSeenAt = Date.now();
    await this.persist(s);
  }

  /** Called when the socket closes. Keeps the session so the shim can resume it. */
  detach(id: string): void {
    const s = this.sessions.get(id);
    if (s) {
      s.inflight = 0;
      s.lastSeenAt = Date.now();
    }
  }

  count(): number {
    return this.sessions.size;
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  private async persist(s: Session): Promise<void> {
    await this.redis.hset(this.key(s.id), {
      id: s.id,
      client: s.client,
      createdAt: String(s.createdAt),
      lastSeenAt: String(s.lastSeenAt),
      totalCalls: String(s.totalCalls),
    });
  }

  private async loadFromRedis(id: string): Promise<Session | undefined> {
    const h = await this.redis.hgetall(this.key(id));
    if (!h || !h.id) return undefined;
    return {
      id: h.id,
      client: h.client ?? 'unknown',
      createdAt: Number(h.createdAt) || Date.now(),
      lastSeenAt: Number(h.lastSeenAt) || Date.now(),
      inflight: 0,
      totalCalls: Number(h.totalCalls) || 0,
    };
  }
}
