import { getRedis } from '../redis';

interface Entry {
  value: unknown;
  expires: number;
}

// Process-local first level so hot keys don't hit Redis on every request.
const local = new Map<string, Entry>();

export function cacheKey(...parts: Array<string | number | undefined>): string {
  return ['econ', ...parts.map((p) => (p === undefined ? '-' : String(p)))].join(':');
}

export async function cacheGet<T>(key: string): Promise<T | null> {
  const hit = local.get(key);
  if (hit && hit.expires > Date.now()) {
    return hit.value as T;
  }
  try {
    const raw = await getRedis().get(key);
    if (raw === null) return null;
    const value = JSON.parse(raw) as T;
    const ttl = await getRedis().pttl(key);
    local.set(key, { value, expires: Date.now() + Math.max(ttl, 0) });
    return value;
  } catch {
    return null;
  }
}

export async function cacheSet(key: string, value: unknown, ttlSeconds: number): Promise<void> {
  local.set(key, { value, expires: Date.now() + ttlSeconds * 1000 });
  try {
    await getRedis().set(key, JSON.stringify(value), 'EX', ttlSeconds);
  } catch (err) {
    console.warn(`cache write failed for ${key}: ${(err as Error).message}`);
  }
}

export async function invalidateSeries(seriesId: string): Promise<number> {
  const prefix = cacheKey('series', seriesId);
  for (const key of local.keys()) {
    if (key.startsWith(prefix)) local.delete(key);
  }
  const redis = getRedis();
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
    cursor = next;
    if (keys.length > 0) {
      removed += await redis.del(...keys);
    }
  } while (cursor !== '0');
  return removed;
}
