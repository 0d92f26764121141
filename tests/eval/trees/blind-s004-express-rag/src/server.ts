import http from 'node:http';
import { createApp } from './app';
import { config } from './config';
import { logger } from './logger';
import { attachChatSocket } from './ws/chat';

process.on('unhandledRejection', (reason) => {
  logger.error({ reason }, 'unhandled promise rejection');
});

process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception; exiting');
  process.exit(1);
});

function main(): void {
  logger.info({ config }, 'starting rag-profile-agent api');

  const app = createApp();
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  attachChatSocket(server);

  server.listen(config.port, config.host, () => {
    logger.info({ host: config.host, port: config.port, env: config.env }, 'api listening');
  });
}

main();
