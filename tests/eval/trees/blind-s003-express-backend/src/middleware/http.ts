import { NextFunction, Request, Response } from 'express';
import { config } from '../config';

export function requestLogger(req: Request, res: Response, next: NextFunction): void {
  res.on('finish', () => {
    if (req.path.startsWith('/health')) return;
    console.log(`${req.method} ${req.originalUrl} -> ${res.statusCode}`);
  });
  next();
}

interface HttpError extends Error {
  status?: number;
}

export function notFound(_req: Request, res: Response): void {
  res.status(404).json({ error: 'not found' });
}

export function errorHandler(err: HttpError, req: Request, res: Response, _next: NextFunction): void {
  const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
  if (status >= 500) {
    console.error(`unhandled error on ${req.method} ${req.originalUrl}`, err);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json({
    error: err.message,
    stack: config.isProduction ? undefined : err.stack,
  });
}
