import type { Job } from 'bullmq';
import { query } from '../db/pool';
import { insertQueryEvent } from '../db/repo';
import type { AnalyticsJob } from '../queue/queues';

interface RollupRow {
  users: string;
  queries: string;
}

function yesterdayUtc(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function rollupDay(day: string): Promise<RollupRow> {
  const rows = await query<RollupRow>(
    `WITH upserted AS (
       INSERT INTO daily_usage (day, user_id, queries, avg_latency_ms, total_tokens)
       SELECT $1::date,
              user_id,
              count(*),
              round(avg(latency_ms))::int,
              coalesce(sum(coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0)), 0)
         FROM query_events
        WHERE created_at >= $1::date
          AND created_at <  $1::date + interval '1 day'
        GROUP BY user_id
       ON CONFLICT (day, user_id) DO UPDATE
         SET queries        = EXCLUDED.queries,
             avg_latency_ms = EXCLUDED.avg_latency_ms,
             total_tokens   = EXCLUDED.total_tokens
       RETURNING queries
     )
     SELECT count(*)::text AS users, coalesce(sum(queries), 0)::text AS queries FROM upserted`,
    [day],
  );
  return rows[0] ?? { users: '0', queries: '0' };
}

export async function processAnalyticsJob(job: Job<AnalyticsJob>): Promise<void> {
  const data = job.data;
  switch (data.kind) {
    case 'query':
      await insertQueryEvent(data.event);
      return;
    case 'rollup': {
      const day = data.day ?? yesterdayUtc();
      const started = Date.now();
      const result = await rollupDay(day);
      console.log(
        `analytics rollup for ${day}: ${result.users} users, ${result.queries} queries in ${Date.now() - started}ms`,
      );
      return;
    }
    default:
      throw new Error(`unknown analytics job kind: ${(data as { kind?: string }).kind}`);
  }
}
