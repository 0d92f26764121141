/**
 * Minimal structured logger. Emits one JSON object per line to stdout so the
 * container log driver can ship it without extra parsing.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

function serializeError(err: unknown): unknown {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, stack: err.stack };
  }
  return err;
}

function normalize(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = k === 'err' || k === 'error' ? serializeError(v) : v;
  }
  return out;
}

class JsonLogger implements Logger {
  constructor(
    private readonly threshold: number,
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  private write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.threshold) return;
    const line = {
      ts: new Date().toISOString(),
      level,
      msg,
      ...this.bindings,
      ...normalize(fields),
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new JsonLogger(this.threshold, { ...this.bindings, ...bindings });
  }
}

const envLevel = (process.env.LOG_LEVEL ?? 'info').toLowerCase() as Level;

export const logger: Logger = new JsonLogger(LEVELS[envLevel] ?? LEVELS.info, {
  service: 'exai-ws-daemon',
});
