import http from 'node:http';
import { buildApp } from './app';
import { loadConfig } from './config';
import { closeMongo, connectMongo } from './db';
import { logger } from './logger';
import { SessionManager } from './sessions';
import { attachGateway } from './ws/gateway';

async function main(): Promise<void> {
  const cfg = loadConfig();
  logger.level = cfg.logLevel;

  await connectMongo(cfg);

  const sessions = new SessionManager();
  const app = buildApp(cfg, { sessions });
  const server = http.createServer(app);
  const { wss, connections } = attachGateway(server, cfg, { sessions });

  server.listen(cfg.port, () => {
    logger.info({ port: cfg.port }, 'assistant gateway listening');
  });

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal, connections: connections.size }, 'shutting down');
    server.close();
    for (const conn of connections) {
      await conn.close(1001, 'server restarting');
    }
    wss.close();
    await closeMongo();
    logger.info('shutdown complete');
    process.exit(0);
  };

  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
