import { config } from '../config';
import { invalidateSeries } from '../services/cache';
import { FredService } from '../services/fredService';
import { saveObservations, trackedSeriesIds } from '../services/repository';

let timer: NodeJS.Timeout | null = null;

function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export async function refreshTrackedSeries(): Promise<number> {
  const fred = new FredService();
  const ids = await trackedSeriesIds();
  let written = 0;
  for (const id of ids) {
    const observations = await fred.getObservations(id, daysAgo(45));
    written += await saveObservations(id, observations);
    await invalidateSeries(id);
  }
  fred.close();
  return written;
}

export function startRefreshJob(): void {
  if (config.refreshIntervalMinutes === 0) {
    console.log('refresh job disabled');
    return;
  }
  const intervalMs = config.refreshIntervalMinutes * 60_000;
  timer = setInterval(async () => {
    const started = Date.now();
    const written = await refreshTrackedSeries();
    console.log(`refresh finished: ${written} rows in ${Date.now() - started}ms`);
  }, intervalMs);
}

export function stopRefreshJob(): void {
  if (timer) {
    clearInterval(timer);
    timer = null;
  }
}
