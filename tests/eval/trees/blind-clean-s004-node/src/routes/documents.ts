import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import type { Pool } from 'pg';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth/jwt';
import type { ApiConfig } from '../config';
import { deleteDocument, getDocument, insertDocument, listDocuments, setStatus } from '../db/documents';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { asyncRoute, badRequest, HttpError, notFound, unavailable } from '../lib/errors';
import { enqueueIngest, ingestJobId, type IngestJobData } from '../queue/ingestQueue';

const ALLOWED_TYPES: Record<string, readonly string[]> = {
  'text/plain': ['.txt'],
  'text/markdown': ['.md', '.markdown'],
  'application/json': ['.json'],
};

const IdParams = z.object({ id: z.string().uuid() });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export function sanitiseFilename(original: string): string {
  const base = path.basename(original.replace(/\\/g, '/'));
  const cleaned = base.replace(/[\u0000-\u001F\u007F<>:"|?*]/g, '_').trim();
  return (cleaned || 'upload').slice(0, 200);
}

export function decodeUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

interface Deps {
  pool: Pool;
  queue: Queue<IngestJobData>;
  cfg: ApiConfig;
  uploadLimiter: RequestHandler;
}

export function documentsRouter({ pool, queue, cfg, uploadLimiter }: Deps): Router {
  const router = Router();

  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: cfg.UPLOAD_MAX_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1_024 },
    fileFilter: (_req, file, cb) => {
      const exts = ALLOWED_TYPES[file.mimetype];
      const ext = path.extname(file.originalname).toLowerCase();
      if (!exts || !exts.includes(ext)) {
        cb(new HttpError(415, 'unsupported_media_type', 'only .txt, .md and .json uploads are accepted'));
        return;
      }
      cb(null, true);
    },
  });

  router.post(
    '/',
    requireScope('documents:write'),
    uploadLimiter,
    upload.single('file'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const file = req.file;
      if (!file) throw badRequest('multipart field "file" is required');

      const body = decodeUtf8(file.buffer);
      if (body === null) throw new HttpError(422, 'invalid_encoding', 'file must be UTF-8 text');
      if (!body.trim()) throw new HttpError(422, 'empty_document', 'file has no text content');

      const { row, created } = await insertDocument(pool, {
        ownerId: userId,
        filename: sanitiseFilename(file.originalname),
        mimeType: file.mimetype,
        byteSize: file.size,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        body,
      });

      if (created || row.status === 'failed') {
        if (!created) {
          await setStatus(pool, row.id, 'pending');
          row.status = 'pending';
        }
        try {
          await enqueueIngest(queue, row.id);
        } catch (err) {
          req.log.error({ err, documentId: row.id }, 'failed to enqueue ingestion');
          await setStatus(pool, row.id, 'failed', 'could not be queued for processing; upload again to retry').catch(
            (statusErr: unknown) => req.log.error({ err: statusErr, documentId: row.id }, 'failed to mark document failed'),
          );
          throw unavailable('ingestion queue unavailable, try again shortly');
        }
      }

      res.status(created ? 202 : 200).location(`/v1/documents/${row.id}`).json({ document: row });
    }),
  );

  router.get(
    '/',
    requireScope('documents:read'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const q = ListQuery.parse(req.query);
      const rows = await listDocuments(pool, userId, { limit: q.limit, after: decodeCursor(q.cursor) });
      const last = rows.at(-1);
      res.json({ documents: rows, nextCursor: rows.length === q.limit && last ? encodeCursor(last.created_at, last.id) : null });
    }),
  );

  router.get(
    '/:id',
    requireScope('documents:read'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const { id } = IdParams.parse(req.params);
      const row = await getDocument(pool, userId, id);
      if (!row) throw notFound('document');
      res.json({ document: row });
    }),
  );

  router.delete(
    '/:id',
    requireScope('documents:write'),
    asyncRoute(async (req, res) => {
      const { userId } = principalOf(req);
      const { id } = IdParams.parse(req.params);
      const deleted = await deleteDocument(pool, userId, id);
      if (!deleted) throw notFound('document');
      // A queued job for a deleted document is harmless (the worker skips
      // missing rows), so failure to remove it is logged, not surfaced.
      queue.remove(ingestJobId(id)).catch((err: unknown) => {
        req.log.warn({ err, documentId: id }, 'could not remove ingestion job');
      });
      res.status(204).end();
    }),
  );

  return router;
}
