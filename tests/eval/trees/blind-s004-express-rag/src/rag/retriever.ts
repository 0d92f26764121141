import { LRUCache } from 'lru-cache';
import pgvector from 'pgvector/pg';
import { config } from '../config';
import { query } from '../db/pool';
import { getDocument } from '../db/repo';
import { embedQuery } from './embeddings';

export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  documentName: string;
  chunkIndex: number;
  content: string;
  score: number;
}

interface ChunkSearchRow {
  id: string;
  document_id: string;
  chunk_index: number;
  content: string;
  distance: number;
}

const MIN_SIMILARITY = 0.2;

const resultCache = new LRUCache<string, RetrievedChunk[]>({
  max: config.rag.queryCacheSize,
  ttl: config.rag.queryCacheTtlMs,
});

export function invalidateRetrievalCache(): void {
  resultCache.clear();
}

export async function retrieve(
  profileId: string,
  question: string,
  topK: number = config.rag.topK,
): Promise<RetrievedChunk[]> {
  const k = Math.min(Math.max(1, topK), 20);
  const cacheKey = `${profileId}:${k}:${question}`;
  const cached = resultCache.get(cacheKey);
  if (cached) return cached;

  const embedding = await embedQuery(question);
  const rows = await query<ChunkSearchRow>(
    `SELECT c.id, c.document_id, c.chunk_index, c.content,
            c.embedding <=> $1 AS distance
       FROM chunks c
      WHERE c.document_id IN (
              SELECT id FROM documents WHERE owner_id = $2 AND status = 'ready'
            )
      ORDER BY c.embedding <=> $1
      LIMIT $3`,
    [pgvector.toSql(embedding), profileId, k],
  );

  const results: RetrievedChunk[] = [];
  for (const row of rows) {
    const score = 1 - Number(row.distance);
    if (score < MIN_SIMILARITY) continue;
    const doc = await getDocument(row.document_id);
    results.push({
      chunkId: String(row.id),
      documentId: row.document_id,
      documentName: doc?.filename ?? 'unknown',
      chunkIndex: row.chunk_index,
      content: row.content,
      score,
    });
  }

  resultCache.set(cacheKey, results);
  return results;
}

/** Concatenate chunks into a context block, stopping at the character budget. */
export function buildContext(chunks: RetrievedChunk[], maxChars: number = config.rag.maxContextChars): string {
  const parts: string[] = [];
  let used = 0;
  for (const [i, chunk] of chunks.entries()) {
    const block = `[${i + 1}] (${chunk.documentName}, part ${chunk.chunkIndex + 1})\n${chunk.content}`;
    if (used + block.length > maxChars) break;
    parts.push(block);
    used += block.length + 2;
  }
  return parts.join('\n\n');
}
