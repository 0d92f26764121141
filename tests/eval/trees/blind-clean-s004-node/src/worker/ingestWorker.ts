import http from 'node:http';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { createOpenAI, embedTexts } from '../clients/openai';
import { createRedis } from '../clients/redis';
import { ConfigError, loadWorkerConfig, type WorkerConfig } from '../config';
import { loadForIngest, replaceChunks, setStatus, type ChunkInput } from '../db/documents';
import { createPool } from '../db/pool';
import { createLogger, type Logger } from '../logger';
import { ingestJobs, registerPoolMetrics, registry } from '../metrics';
import { INGEST_QUEUE, type IngestJobData } from '../queue/ingestQueue';
import { chunkText } from '../rag/chunker';
import type { Pool } from 'pg';
import type { OpenAI } from '../clients/openai';

export function makeProcessor(deps: { cfg: WorkerConfig; pool: Pool; openai: OpenAI; logger: Logger }) {
  const { cfg, pool, openai, logger } = deps;

  return async function processIngestJob(job: Job<IngestJobData>): Promise<{ chunks: number }> {
    const { documentId } = job.data;
    const log = logger.child({ jobId: job.id, documentId, attempt: job.attemptsMade + 1 });

    const doc = await loadForIngest(pool, documentId);
    if (!doc) {
      log.info('document deleted before ingestion; skipping');
      return { chunks: 0 };
    }

    await setStatus(pool, documentId, 'processing');
    const chunks = chunkText(doc.body);
    if (chunks.length === 0) throw new UnrecoverableError('document has no indexable text');
    if (chunks.length > cfg.INGEST_MAX_CHUNKS) {
      throw new UnrecoverableError(`document too large: ${chunks.length} chunks (max ${cfg.INGEST_MAX_CHUNKS})`);
    }

    const withEmbeddings: ChunkInput[] = [];
    for (let i = 0; i < chunks.length; i += cfg.INGEST_EMBED_BATCH) {
      const batch = chunks.slice(i, i + cfg.INGEST_EMBED_BATCH);
      const vectors = await embedTexts(openai, cfg, batch.map((c) => c.content));
      batch.forEach((c, j) => {
        const embedding = vectors[j];
        if (!embedding) throw new Error(`missing embedding for chunk ${c.ordinal}`);
        withEmbeddings.push({ ...c, embedding });
      });
      await job.updateProgress(Math.round(((i + batch.length) / chunks.length) * 100));
    }

    const stillExists = await replaceChunks(pool, documentId, withEmbeddings);
    if (!stillExists) log.info('document deleted during ingestion; chunks discarded');
    else log.info({ chunks: withEmbeddings.length }, 'document ingested');
    return { chunks: withEmbeddings.length };
  };
}

async function main(): Promise<void> {
  let cfg: WorkerConfig;
  try {
    cfg = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger({ level: 'info', service: 'rag-profile-agent', component: 'worker' }).fatal({ problems: err.problems }, 'invalid configuration');
      process.exit(78);
    }
    throw err;
  }

  const logger = createLogger({ level: cfg.LOG_LEVEL, service: cfg.SERVICE_NAME, component: 'worker' });
  const pool = createPool(cfg, logger, `${cfg.SERVICE_NAME}-worker`);
  registerPoolMetrics(pool);
  const connection = createRedis(cfg, logger, 'bullmq-worker');
  const openai = createOpenAI(cfg);

  const worker = new Worker<IngestJobData>(INGEST_QUEUE, makeProcessor({ cfg, pool, openai, logger }), {
    connection,
    concurrency: cfg.INGEST_CONCURRENCY,
    lockDuration: 120_000,
    maxStalledCount: 2,
  });

  worker.on('completed', () => ingestJobs.inc({ outcome: 'completed' }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    ingestJobs.inc({ outcome: final ? 'failed' : 'retrying' });
    logger.warn({ err, jobId: job.id, documentId: job.data.documentId, attemptsMade: job.attemptsMade, final }, 'ingestion attempt failed');
    if (final) {
      // Only messages we wrote ourselves reach the user; upstream error text
      // (OpenAI, Postgres) stays in the logs above.
      const userMessage = err instanceof UnrecoverableError ? err.message : 'processing failed; upload the file again to retry';
      setStatus(pool, job.data.documentId, 'failed', userMessage).catch((statusErr: unknown) =>
        logger.error({ err: statusErr, documentId: job.data.documentId }, 'could not record ingestion failure'),
      );
    }
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  // Internal listener (not published): container HEALTHCHECK and Prometheus scrape.
  const health = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      registry
        .metrics()
        .then((body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body))
        .catch((err: unknown) => {
          logger.error({ err }, 'failed to render metrics');
          res.writeHead(500).end();
        });
      return;
    }
    if (req.url !== '/healthz' && req.url !== '/readyz') {
      res.writeHead(404).end();
      return;
    }
    const ok = worker.isRunning() && connection.status === 'ready';
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'degraded' }));
  });
  health.requestTimeout = 5_000;
  health.listen(cfg.WORKER_HEALTH_PORT, () => logger.info({ port: cfg.WORKER_HEALTH_PORT, concurrency: cfg.INGEST_CONCURRENCY }, 'ingest worker started'));

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'worker shutting down');
    const force = setTimeout(() => {
      logger.error('worker shutdown timed out; in-flight jobs will be retried after lock expiry');
      process.exit(1);
    }, cfg.SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await worker.close(); // waits for active jobs to finish
      await connection.quit();
      await pool.end();
      await new Promise<void>((resolve) => health.close(() => resolve()));
    } catch (err) {
      logger.error({ err }, 'error during worker shutdown');
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  };

  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
    void shutdown('unhandledRejection', 1);
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // eslint-disable-next-line no-console
    console.error(JSON.stringify({ level: 'fatal', msg: 'worker startup failed', err: String(err) }));
    process.exit(1);
  });
}
