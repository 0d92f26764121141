import type { ErrorRequestHandler, RequestHandler } from 'express';
import { MulterError } from 'multer';
import { ZodError } from 'zod';
import { HttpError } from '../lib/errors';

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'route not found' } });
};

/**
 * Last middleware. Known error types map to 4xx with a safe message; anything
 * else is logged in full (with the request id pino-http attached) and the
 * client gets a generic 500 that carries only the request id.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = String(req.id ?? '');

  if (res.headersSent) {
    req.log.error({ err }, 'error after response started');
    res.destroy();
    return;
  }

  if (err instanceof HttpError) {
    if (err.status >= 500) req.log.error({ err }, 'request failed');
    res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details, requestId } });
    return;
  }

  if (err instanceof ZodError) {
    res.status(400).json({
      error: {
        code: 'validation_failed',
        message: 'request validation failed',
        details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        requestId,
      },
    });
    return;
  }

  if (err instanceof MulterError) {
    const status = err.code === 'LIMIT_FILE_SIZE' ? 413 : 400;
    res.status(status).json({ error: { code: err.code.toLowerCase(), message: err.message, requestId } });
    return;
  }

  // body-parser errors carry a status (e.g. 400 malformed JSON, 413 too large).
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status < 500) {
    const tooLarge = status === 413;
    res.status(status).json({
      error: {
        code: tooLarge ? 'payload_too_large' : 'bad_request',
        message: tooLarge ? 'request body too large' : 'malformed request',
        requestId,
      },
    });
    return;
  }

  req.log.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'internal server error', requestId } });
};
