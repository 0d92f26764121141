import { Worker } from 'bullmq';
import { config } from './config';
import { logger } from './logger';
import {
  analyticsQueue,
  ANALYTICS_QUEUE,
  AnalyticsJob,
  createQueueConnection,
  DOCUMENT_QUEUE,
  DocumentJob,
} from './queue/queues';
import { processAnalyticsJob } from './workers/analytics';
import { processDocumentJob } from './workers/documentSync';

async function main(): Promise<void> {
  const documentWorker = new Worker<DocumentJob>(DOCUMENT_QUEUE, processDocumentJob, {
    connection: createQueueConnection(),
    concurrency: config.worker.documentConcurrency,
    lockDuration: 120_000,
  });

  const analyticsWorker = new Worker<AnalyticsJob>(ANALYTICS_QUEUE, processAnalyticsJob, {
    connection: createQueueConnection(),
    concurrency: config.worker.analyticsConcurrency,
  });

  for (const [name, worker] of [
    ['document-sync', documentWorker],
    ['analytics', analyticsWorker],
  ] as const) {
    worker.on('failed', (job, err) => {
      logger.error(
        { queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message },
        'job failed',
      );
    });
    worker.on('error', (err) => {
      logger.error({ queue: name, err: err.message }, 'worker error');
    });
  }

  await analyticsQueue.upsertJobScheduler(
    'daily-usage-rollup',
    { pattern: '15 0 * * *', tz: 'UTC' },
    { name: 'rollup', data: { kind: 'rollup' } },
  );

  logger.info(
    {
      documentConcurrency: config.worker.documentConcurrency,
      analyticsConcurrency: config.worker.analyticsConcurrency,
    },
    'workers started',
  );
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
