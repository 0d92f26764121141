import { query, withTransaction } from '../db';
import type { Observation, SeriesInfo } from './fredService';

export interface ObservationRow {
  date: string;
  value: string | null;
}

export async function getSeriesRow(seriesId: string): Promise<SeriesInfo | null> {
  const rows = await query<SeriesInfo>(
    `SELECT id, title, frequency, units, last_updated AS "lastUpdated"
       FROM series
      WHERE id = $1`,
    [seriesId],
  );
  return rows[0] ?? null;
}

export async function listObservations(
  seriesId: string,
  start: string,
  end: string,
  limit: number,
): Promise<Observation[]> {
  const rows = await query<ObservationRow>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, value
       FROM observations
      WHERE series_id = $1 AND date BETWEEN $2 AND $3
      ORDER BY date DESC
      LIMIT $4`,
    [seriesId, start, end, limit],
  );
  return rows.map((r) => ({ date: r.date, value: r.value === null ? null : Number(r.value) }));
}

export async function latestObservation(seriesId: string): Promise<Observation | null> {
  const rows = await listObservations(seriesId, '1900-01-01', '9999-12-31', 1);
  return rows[0] ?? null;
}

export async function upsertSeries(info: SeriesInfo, tracked = false): Promise<void> {
  await query(
    `INSERT INTO series (id, title, frequency, units, last_updated, tracked)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE
        SET title = EXCLUDED.title,
            frequency = EXCLUDED.frequency,
            units = EXCLUDED.units,
            last_updated = EXCLUDED.last_updated,
            tracked = series.tracked OR EXCLUDED.tracked`,
    [info.id, info.title, info.frequency, info.units, info.lastUpdated, tracked],
  );
}

export async function saveObservations(seriesId: string, observations: Observation[]): Promise<number> {
  if (observations.length === 0) return 0;
  return withTransaction(async (client) => {
    const res = await client.query(
      `INSERT INTO observations (series_id, date, value)
       SELECT $1, d::date, v
         FROM unnest($2::text[], $3::numeric[]) AS t(d, v)
       ON CONFLICT (series_id, date) DO UPDATE
          SET value = EXCLUDED.value, updated_at = now()`,
      [seriesId, observations.map((o) => o.date), observations.map((o) => o.value)],
    );
    await client.query('UPDATE series SET refreshed_at = now() WHERE id = $1', [seriesId]);
    return res.rowCount ?? 0;
  });
}

export async function trackedSeriesIds(): Promise<string[]> {
  const rows = await query<{ id: string }>('SELECT id FROM series WHERE tracked ORDER BY id');
  return rows.map((r) => r.id);
}
