import fs from 'node:fs/promises';
import type { Job } from 'bullmq';
import pdfParse from 'pdf-parse';
import { config } from '../config';
import { deleteChunks, getDocument, insertChunks, updateDocumentStatus } from '../db/repo';
import type { DocumentJob } from '../queue/queues';
import { chunkText } from '../rag/chunker';
import { embedBatch } from '../rag/embeddings';

const MAX_REMOTE_BYTES = 5 * 1024 * 1024;

function stripHtml(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<(br|p|div|li|h[1-6]|tr)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
}

async function fetchRemote(url: string): Promise<string> {
  const response = await fetch(url, {
    headers: { 'user-agent': 'rag-profile-agent/0.4 (+document-sync)' },
    redirect: 'follow',
  });
  if (!response.ok) {
    throw new Error(`GET ${url} returned ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_REMOTE_BYTES) {
    throw new Error(`remote document too large (${declared} bytes)`);
  }
  const body = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return contentType.includes('html') ? stripHtml(body) : body;
}

async function readUpload(storagePath: string, mimeType: string): Promise<string> {
  const buffer = await fs.readFile(storagePath);
  if (mimeType === 'application/pdf') {
    let text = '';
    try {
      const parsed = await pdfParse(buffer);
      text = parsed.text;
    } catch {}
    return text;
  }
  return buffer.toString('utf8');
}

export async function processDocumentJob(job: Job<DocumentJob>): Promise<{ chunks: number }> {
  const { documentId } = job.data;
  console.log(`[document-sync] job ${job.id} started for document ${documentId} (attempt ${job.attemptsMade + 1})`);

  const doc = await getDocument(documentId);
  if (!doc) {
    console.log(`[document-sync] document ${documentId} no longer exists, skipping`);
    return { chunks: 0 };
  }

  try {
    await updateDocumentStatus(documentId, 'processing');

    let text: string;
    if (doc.source_url) {
      text = await fetchRemote(doc.source_url);
    } else if (doc.storage_path) {
      text = await readUpload(doc.storage_path, doc.mime_type);
    } else {
      throw new Error('document has neither a storage path nor a source url');
    }
    await job.updateProgress(25);

    const chunks = chunkText(text, {
      chunkSize: config.rag.chunkSize,
      chunkOverlap: config.rag.chunkOverlap,
    });
    console.log(`[document-sync] ${documentId}: ${text.length} chars -> ${chunks.length} chunks`);

    const embeddings = await embedBatch(chunks.map((c) => c.content));
    await job.updateProgress(75);

    await deleteChunks(documentId);
    await insertChunks(documentId, chunks, embeddings);

    await updateDocumentStatus(documentId, 'ready', { chunkCount: chunks.length });
    await job.updateProgress(100);
    console.log(`[document-sync] ${documentId} ready`);
    return { chunks: chunks.length };
  } catch (err) {
    console.log(`[document-sync] ${documentId} failed:`, err);
    await updateDocumentStatus(documentId, 'failed', { error: (err as Error).message?.slice(0, 1000) });
    return { chunks: 0 };
  }
}
