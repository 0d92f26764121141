import { randomUUID } from 'node:crypto';
import { sessionsCol, transcripts } from './db';
import { logger } from './logger';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LiveSession {
  id: string;
  userId: string;
  startedAt: Date;
  endedAt?: Date;
  history: ChatTurn[];
  turns: number;
}

const SYSTEM_PROMPT: ChatTurn = {
  role: 'system',
  content: 'You are a concise, friendly assistant. Answer in the language of the user.',
};

export class SessionManager {
  private sessions = new Map<string, LiveSession>();

  get(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  count(): number {
    return this.sessions.size;
  }

  async resume(userId: string, requestedId?: string): Promise<LiveSession> {
    if (requestedId) {
      const cached = this.sessions.get(requestedId);
      if (cached && cached.userId === userId) {
        cached.endedAt = undefined;
        return cached;
      }
      const doc = await sessionsCol().findOne({ _id: requestedId, userId });
      if (doc) {
        const restored: LiveSession = {
          id: doc._id,
          userId,
          startedAt: doc.startedAt,
          history: [SYSTEM_PROMPT],
          turns: doc.turns,
        };
        this.sessions.set(restored.id, restored);
        return restored;
      }
    }
    const session: LiveSession = {
      id: randomUUID(),
      userId,
      startedAt: new Date(),
      history: [SYSTEM_PROMPT],
      turns: 0,
    };
    await sessionsCol().insertOne({ _id: session.id, userId, startedAt: session.startedAt, turns: 0 });
    this.sessions.set(session.id, session);
    logger.info({ sessionId: session.id, userId }, 'session started');
    return session;
  }

  async appendTurn(id: string, turn: ChatTurn): Promise<ChatTurn[]> {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`unknown session ${id}`);
    session.history.push(turn);
    session.turns += 1;
    if (turn.role !== 'system') {
      transcripts()
        .insertOne({ sessionId: id, userId: session.userId, role: turn.role, text: turn.content, at: new Date() })
        .catch(() => {});
    }
    return session.history;
  }

  async end(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || session.endedAt) return;
    session.endedAt = new Date();
    await sessionsCol().updateOne({ _id: id }, { $set: { endedAt: session.endedAt, turns: session.turns } });
    logger.info({ sessionId: id, turns: session.turns }, 'session ended');
  }
}
