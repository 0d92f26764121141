import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'assistant-gateway' },
  redact: {
    paths: ['req.headers.authorization', 'headers.authorization', 'token', 'password'],
    censor: '[redacted]',
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});
