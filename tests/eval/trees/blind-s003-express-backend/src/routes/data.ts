import { Router } from 'express';
import { config } from '../config';
import { cacheGet, cacheKey, cacheSet } from '../services/cache';
import { FredService, Observation, SeriesInfo } from '../services/fredService';
import {
  getSeriesRow,
  latestObservation,
  listObservations,
  saveObservations,
  upsertSeries,
} from '../services/repository';

export const dataRouter = Router();

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const SERIES_RE = /^[A-Z0-9_]{1,30}$/;

function isoDate(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value === '') return fallback;
  if (!DATE_RE.test(value) || Number.isNaN(Date.parse(value))) {
    throw Object.assign(new Error(`invalid date "${value}", expected YYYY-MM-DD`), { status: 400 });
  }
  return value;
}

dataRouter.get('/current', async (_req, res, next) => {
  try {
    const key = cacheKey('current');
    const cached = await cacheGet<Record<string, Observation | null>>(key);
    if (cached) {
      res.json({ data: cached, cached: true });
      return;
    }
    const entries = await Promise.all(
      config.trackedSeries.map(async (id) => [id, await latestObservation(id)] as const),
    );
    const data = Object.fromEntries(entries);
    await cacheSet(key, data, 300);
    res.json({ data, cached: false });
  } catch (err) {
    next(err);
  }
});

dataRouter.get('/search', async (req, res, next) => {
  const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
  if (q.length < 2 || q.length > 100) {
    res.status(400).json({ error: 'q must be between 2 and 100 characters' });
    return;
  }
  const fred = new FredService();
  try {
    const key = cacheKey('search', q.toLowerCase());
    const cached = await cacheGet<Array<{ id: string; title: string }>>(key);
    if (cached) {
      res.json({ results: cached });
      return;
    }
    const results = await fred.search(q, 25);
    await cacheSet(key, results, config.cacheTtlSeconds);
    res.json({ results });
  } catch (err) {
    next(err);
  } finally {
    fred.close();
  }
});

dataRouter.get('/series/:seriesId', async (req, res, next) => {
  const seriesId = req.params.seriesId.toUpperCase();
  try {
    const key = cacheKey('series', seriesId, 'info');
    let info = await cacheGet<SeriesInfo>(key);
    if (!info) {
      info = await getSeriesRow(seriesId);
    }
    if (!info) {
      const fred = new FredService();
      info = await fred.getSeries(seriesId);
      fred.close();
      if (!info) {
        res.status(404).json({ error: `unknown series ${seriesId}` });
        return;
      }
      await upsertSeries(info);
    }
    await cacheSet(key, info, config.cacheTtlSeconds);
    res.json(info);
  } catch (err) {
    next(err);
  }
});

dataRouter.get('/series/:seriesId/observations', async (req, res, next) => {
  const seriesId = req.params.seriesId.toUpperCase();
  if (!SERIES_RE.test(seriesId)) {
    res.status(400).json({ error: 'invalid series id' });
    return;
  }
  try {
    const start = isoDate(req.query.start, '1900-01-01');
    const end = isoDate(req.query.end, new Date().toISOString().slice(0, 10));
    const limit = Number(req.query.limit) || 1000;

    const key = cacheKey('series', seriesId, start, end, limit);
    const cached = await cacheGet<Observation[]>(key);
    if (cached) {
      res.json({ seriesId, observations: cached, cached: true });
      return;
    }

    let observations = await listObservations(seriesId, start, end, limit);
    if (observations.length === 0) {
      const fred = new FredService();
      const fetched = await fred.getObservations(seriesId, start, end);
      fred.close();
      await saveObservations(seriesId, fetched);
      observations = fetched.slice(-limit).reverse();
    }

    await cacheSet(key, observations, config.cacheTtlSeconds);
    res.json({ seriesId, observations, cached: false });
  } catch (err) {
    next(err);
  }
});
