import { badRequest } from './errors';

/**
 * Opaque keyset cursor over (timestamp, id). Timestamps are stored with
 * millisecond precision (timestamptz(3)) so they round-trip through JS Date
 * exactly; the id breaks ties between rows created in the same millisecond.
 */
export interface Cursor {
  ts: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(ts: Date, id: string): string {
  return Buffer.from(`${ts.toISOString()}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const [iso, id, extra] = text.split('|');
  const ts = iso ? new Date(iso) : new Date(NaN);
  if (extra !== undefined || !id || !UUID.test(id) || Number.isNaN(ts.getTime())) {
    throw badRequest('invalid cursor');
  }
  return { ts, id };
}
