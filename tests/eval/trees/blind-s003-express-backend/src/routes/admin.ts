import { timingSafeEqual } from 'crypto';
import { NextFunction, Request, Response, Router } from 'express';
import { config } from '../config';
import { getPool } from '../db';
import { invalidateSeries } from '../services/cache';
import { FredService } from '../services/fredService';
import { saveObservations, trackedSeriesIds, upsertSeries } from '../services/repository';

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  const header = req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!token || !safeEqual(token, config.adminApiKey)) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
}

export const adminRouter = Router();

adminRouter.get('/tracked', requireAdmin, async (_req, res, next) => {
  try {
    res.json({ series: await trackedSeriesIds() });
  } catch (err) {
    next(err);
  }
});

adminRouter.post('/series/:seriesId/track', requireAdmin, async (req, res, next) => {
  const seriesId = req.params.seriesId.toUpperCase();
  const fred = new FredService();
  try {
    const info = await fred.getSeries(seriesId);
    if (!info) {
      res.status(404).json({ error: `unknown series ${seriesId}` });
      return;
    }
    await upsertSeries(info, true);
    res.status(201).json({ tracked: info.id });
  } catch (err) {
    next(err);
  } finally {
    fred.close();
  }
});

adminRouter.post('/series/:seriesId/refresh', async (req, res, next) => {
  const seriesId = req.params.seriesId.toUpperCase();
  const fred = new FredService();
  try {
    const observations = await fred.getObservations(seriesId);
    const written = await saveObservations(seriesId, observations);
    const evicted = await invalidateSeries(seriesId);
    res.json({ seriesId, written, evicted });
  } catch (err) {
    next(err);
  } finally {
    fred.close();
  }
});

adminRouter.delete('/series/:seriesId', requireAdmin, async (req, res, next) => {
  const seriesId = req.params.seriesId.toUpperCase();
  const pool = getPool();
  try {
    await pool.query('BEGIN');
    const obs = await pool.query('DELETE FROM observations WHERE series_id = $1', [seriesId]);
    const ser = await pool.query('DELETE FROM series WHERE id = $1', [seriesId]);
    await pool.query('COMMIT');
    await invalidateSeries(seriesId);
    res.json({ seriesId, observations: obs.rowCount, series: ser.rowCount });
  } catch (err) {
    await pool.query('ROLLBACK');
    next(err);
  }
});
