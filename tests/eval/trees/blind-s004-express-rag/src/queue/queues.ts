import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { config } from '../config';
import { childLogger } from '../logger';
import type { QueryEvent } from '../db/repo';

const log = childLogger('queue');

export const DOCUMENT_QUEUE = 'document-sync';
export const ANALYTICS_QUEUE = 'analytics';

export interface DocumentJob {
  documentId: string;
  ownerId: string;
  reason: 'upload' | 'url' | 'resync';
}

export type AnalyticsJob = { kind: 'query'; event: QueryEvent } | { kind: 'rollup'; day?: string };

/** BullMQ requires maxRetriesPerRequest: null on connections used by workers. */
export function createQueueConnection(): IORedis {
  const connection = new IORedis(config.redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: 10_000,
  });
  connection.on('error', (err) => log.error({ err: err.message }, 'queue redis connection error'));
  return connection;
}

export const queueConnection = createQueueConnection();

export const documentQueue = new Queue<DocumentJob>(DOCUMENT_QUEUE, {
  connection: queueConnection,
  defaultJobOptions: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 24 * 3600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

export const analyticsQueue = new Queue<AnalyticsJob>(ANALYTICS_QUEUE, {
  connection: queueConnection,
  defaultJobOptions: {
    attempts: 3,
    backoff: { type: 'fixed', delay: 2_000 },
    removeOnComplete: { count: 500 },
    removeOnFail: { age: 3 * 24 * 3600 },
  },
});

export async function enqueueDocument(job: DocumentJob): Promise<string> {
  // A fixed jobId makes a duplicate upload/sync request for the same document a no-op;
  // explicit re-syncs always get a fresh job.
  const opts = job.reason === 'resync' ? {} : { jobId: `doc-${job.documentId}` };
  const added = await documentQueue.add('process', job, opts);
  return added.id ?? '';
}

export async function recordQueryEvent(event: QueryEvent): Promise<void> {
  await analyticsQueue.add('query', { kind: 'query', event });
}

export async function closeQueues(): Promise<void> {
  await Promise.all([documentQueue.close(), analyticsQueue.close()]);
  await queueConnection.quit();
}
