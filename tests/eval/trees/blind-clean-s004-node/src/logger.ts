import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs to stdout; the platform ships them. Credentials that can appear
 * in request metadata or error objects are redacted before serialisation.
 */
export function createLogger(opts: { level: string; service: string; component?: string }): Logger {
  return pino({
    level: opts.level,
    base: { service: opts.service, component: opts.component ?? 'api', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["sec-websocket-protocol"]',
        'headers.authorization',
        '*.apiKey',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: pino.stdSerializers.err,
    },
  });
}
