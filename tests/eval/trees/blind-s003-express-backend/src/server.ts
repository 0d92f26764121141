import { createApp } from './app';
import { config } from './config';
import { initDb } from './db';
import { startRefreshJob } from './jobs/refresh';
import { initRedis } from './redis';
import { validateConfig } from './validation';

async function main(): Promise<void> {
  validateConfig();
  console.log(`starting econ-indicators-api (environment=${config.environment})`);

  await initDb();
  await initRedis();

  const app = createApp();
  app.listen(config.port, () => {
    console.log(`listening on :${config.port}`);
  });

  startRefreshJob();
}

main().catch((err) => {
  console.error('fatal: startup failed', err);
  process.exit(1);
});
