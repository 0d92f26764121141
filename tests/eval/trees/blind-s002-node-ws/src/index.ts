import { config, describeConfig } from './config';
import { DaemonServer } from './daemon/wsServer';
import { SessionManager } from './daemon/sessionManager';
import { logger } from './logger';
import { startMonitoringServer, startStatsPublisher } from './monitoring/server';
import { getProviderRegistry, getRedis } from './utils/singletons';

const log = logger.child({ component: 'main' });

async function main(): Promise<void> {
  log.info('starting exai ws daemon', describeConfig(config));

  const redis = await getRedis();
  const sessions = new SessionManager(redis);

  // Warm provider detection in the background so the first tool call does not
  // pay for the provider probes.
  getProviderRegistry().catch((err) => log.error('initial provider detection failed', { err }));

  const daemon = new DaemonServer(sessions, getProviderRegistry);
  await daemon.start();

  startMonitoringServer(daemon, sessions);
  startStatsPublisher(daemon);

  log.info('exai ws daemon ready', {
    ws: `${config.ws.host}:${config.ws.port}`,
    monitoring: `${config.monitoring.host}:${config.monitoring.port}`,
  });
}

main().catch((err) => {
  log.error('fatal startup error', { err });
  process.exit(1);
});
