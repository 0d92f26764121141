import IORedis from 'ioredis';
import { config } from '../config';
import { childLogger } from '../logger';

const log = childLogger('memory');

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
  at: number;
}

/**
 * Short-term conversation memory kept in Redis so any API instance can pick
 * up a WebSocket session. Long-term history lives in Postgres (messages).
 */
export const memoryRedis = new IORedis(config.redisUrl, {
  connectTimeout: 5_000,
  maxRetriesPerRequest: 2,
  lazyConnect: false,
});

memoryRedis.on('error', (err) => {
  log.error({ err: err.message }, 'redis memory connection error');
});

function key(sessionId: string): string {
  return `chat:history:${sessionId}`;
}

export async function appendTurn(sessionId: string, turn: Turn): Promise<void> {
  await memoryRedis.rpush(key(sessionId), JSON.stringify(turn));
}

export async function loadHistory(sessionId: string, maxTurns: number): Promise<Turn[]> {
  const raw = await memoryRedis.lrange(key(sessionId), -maxTurns * 2, -1);
  const turns: Turn[] = [];
  for (const item of raw) {
    try {
      turns.push(JSON.parse(item) as Turn);
    } catch (err) {
      log.warn({ sessionId, err: (err as Error).message }, 'dropping malformed history entry');
    }
  }
  return turns;
}

export async function clearHistory(sessionId: string): Promise<void> {
  await memoryRedis.del(key(sessionId));
}

export async function pingRedis(): Promise<void> {
  const reply = await memoryRedis.ping();
  if (reply !== 'PONG') {
    throw new Error(`unexpected PING reply: ${reply}`);
  }
}
