import pino from 'pino';
import { config, isProduction } from './config';

export const logger = pino({
  level: config.logLevel,
  base: { service: 'rag-profile-agent', env: config.env },
  redact: {
    paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password'],
    censor: '[redacted]',
  },
  transport: isProduction
    ? undefined
    : {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:standard' },
      },
});

export function childLogger(component: string) {
  return logger.child({ component });
}
