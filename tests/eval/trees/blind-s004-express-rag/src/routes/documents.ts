import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { requireRole } from '../auth';
import { config } from '../config';
import { createDocument, deleteDocument, getDocument, listDocuments } from '../db/repo';
import { childLogger } from '../logger';
import { enqueueDocument } from '../queue/queues';
import { invalidateRetrievalCache } from '../rag/retriever';

const log = childLogger('documents');

const storage = multer.diskStorage({
  destination: (_req, _file, cb) => {
    fs.mkdir(config.uploads.dir, { recursive: true })
      .then(() => cb(null, config.uploads.dir))
      .catch((err) => cb(err as Error, config.uploads.dir));
  },
  filename: (_req, file, cb) => {
    const ext = path.extname(file.originalname).toLowerCase().replace(/[^a-z0-9.]/g, '');
    cb(null, `${Date.now()}-${randomUUID()}${ext}`);
  },
});

const upload = multer({
  storage,
  fileFilter: (_req, file, cb) => {
    if (config.uploads.allowedMimeTypes.includes(file.mimetype)) {
      cb(null, true);
    } else {
      cb(new multer.MulterError('LIMIT_UNEXPECTED_FILE', file.fieldname));
    }
  },
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

const IdParam = z.object({ id: z.string().uuid() });

const SyncBody = z.object({
  url: z.string().url().max(2048),
  filename: z.string().trim().min(1).max(200).optional(),
});

export const documentsRouter = Router();

documentsRouter.use(requireRole('owner', 'admin'));

documentsRouter.post('/', upload.single('file'), async (req: Request, res: Response, next: NextFunction) => {
  try {
    if (!req.file) {
      res.status(400).json({ error: 'file is required (multipart field "file")' });
      return;
    }
    const doc = await createDocument({
      ownerId: req.user!.id,
      filename: req.file.originalname.slice(0, 255),
      mimeType: req.file.mimetype,
      sizeBytes: req.file.size,
      storagePath: req.file.path,
    });
    const jobId = await enqueueDocument({ documentId: doc.id, ownerId: doc.owner_id, reason: 'upload' });
    log.info({ documentId: doc.id, ownerId: doc.owner_id, jobId, sizeBytes: doc.size_bytes }, 'document queued');
    res.status(202).json({ id: doc.id, status: doc.status, jobId });
  } catch (err) {
    next(err);
  }
});

documentsRouter.post('/sync', async (req, res, next) => {
  try {
    const body = SyncBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'invalid body', details: body.error.flatten() });
      return;
    }
    const url = new URL(body.data.url);
    const doc = await createDocument({
      ownerId: req.user!.id,
      filename: body.data.filename ?? (path.basename(url.pathname) || url.hostname),
      mimeType: 'text/html',
      sizeBytes: 0,
      sourceUrl: url.toString(),
    });
    const jobId = await enqueueDocument({ documentId: doc.id, ownerId: doc.owner_id, reason: 'url' });
    res.status(202).json({ id: doc.id, status: doc.status, jobId });
  } catch (err) {
    next(err);
  }
});

documentsRouter.get('/', async (req, res, next) => {
  try {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid query', details: parsed.error.flatten() });
      return;
    }
    const docs = await listDocuments(req.user!.id, parsed.data.limit, parsed.data.offset);
    res.json({ items: docs, limit: parsed.data.limit, offset: parsed.data.offset });
  } catch (err) {
    next(err);
  }
});

documentsRouter.get('/:id', async (req, res, next) => {
  try {
    const params = IdParam.safeParse(req.params);
    if (!params.success) {
      res.status(400).json({ error: 'invalid document id' });
      return;
    }
    const doc = await getDocument(params.data.id);
    if (!doc || doc.owner_id !== req.user!.id) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.json(doc);
  } catch (err) {
    next(err);
  }
});

documentsRouter.post('/:id/resync', async (req, res, next) => {
  try {
    const params = IdParam.safeParse(req.params);
    if (!params.success) {
      res.status(400).json({ error: 'invalid document id' });
      return;
    }
    const doc = await getDocument(params.data.id);
    if (!doc || doc.owner_id !== req.user!.id) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const jobId = await enqueueDocument({ documentId: doc.id, ownerId: doc.owner_id, reason: 'resync' });
    res.status(202).json({ id: doc.id, jobId });
  } catch (err) {
    next(err);
  }
});

documentsRouter.delete('/:id', async (req, res, next) => {
  try {
    const params = IdParam.safeParse(req.params);
    if (!params.success) {
      res.status(400).json({ error: 'invalid document id' });
      return;
    }
    const deleted = await deleteDocument(params.data.id, req.user!.id);
    if (!deleted) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    if (deleted.storage_path) {
      await fs.rm(deleted.storage_path, { force: true }).catch((err) => {
        log.warn({ documentId: deleted.id, path: deleted.storage_path, err: err.message }, 'failed to remove upload');
      });
    }
    invalidateRetrievalCache();
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});
