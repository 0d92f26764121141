import { Queue, type ConnectionOptions } from 'bullmq';

export const INGEST_QUEUE = 'document-ingest';

export interface IngestJobData {
  documentId: string;
}

export const INGEST_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
};

export function createIngestQueue(connection: ConnectionOptions): Queue<IngestJobData> {
  return new Queue<IngestJobData>(INGEST_QUEUE, {
    connection,
    defaultJobOptions: INGEST_JOB_OPTIONS,
  });
}

/** jobId is derived from the document so a double submit enqueues once. */
export function ingestJobId(documentId: string): string {
  return `doc-${documentId}`;
}

/**
 * Adding a job whose id already exists is a no-op in BullMQ, so a retained
 * failed job is removed first to allow an explicit re-ingest.
 */
export async function enqueueIngest(queue: Queue<IngestJobData>, documentId: string): Promise<void> {
  const jobId = ingestJobId(documentId);
  const previous = await queue.getJob(jobId);
  if (previous && (await previous.isFailed())) await previous.remove();
  await queue.add('ingest', { documentId }, { jobId });
}
