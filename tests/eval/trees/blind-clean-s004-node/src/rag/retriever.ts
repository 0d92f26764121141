import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ApiConfig } from '../config';
import { embedTexts, type OpenAI } from '../clients/openai';
import type { Queryable } from '../db/pool';
import { searchChunks, type RetrievedChunk } from '../db/documents';

/**
 * Query embeddings are cached by content hash. The cache is bounded by entry
 * count and TTL; each entry is a fixed-size float array (~12 KB at 1536 dims),
 * so the default 2,000 entries is ~25 MB worst case.
 */
export class Retriever {
  private readonly cache: LRUCache<string, number[]> | null;

  constructor(
    private readonly db: Queryable,
    private readonly openai: OpenAI,
    private readonly cfg: Pick<
      ApiConfig,
      'OPENAI_EMBEDDING_MODEL' | 'EMBEDDING_DIMENSIONS' | 'EMBEDDING_CACHE_ENTRIES' | 'RETRIEVAL_TOP_K'
    >,
  ) {
    this.cache =
      cfg.EMBEDDING_CACHE_ENTRIES > 0
        ? new LRUCache<string, number[]>({ max: cfg.EMBEDDING_CACHE_ENTRIES, ttl: 6 * 60 * 60 * 1000 })
        : null;
  }

  private cacheKey(text: string): string {
    const digest = createHash('sha256').update(text).digest('hex');
    return `${this.cfg.OPENAI_EMBEDDING_MODEL}:${this.cfg.EMBEDDING_DIMENSIONS}:${digest}`;
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<number[]> {
    const key = this.cacheKey(text);
    const hit = this.cache?.get(key);
    if (hit) return hit;
    const [vector] = await embedTexts(this.openai, this.cfg, [text], signal);
    if (!vector) throw new Error('embedding response was empty');
    this.cache?.set(key, vector);
    return vector;
  }

  async retrieve(ownerId: string, query: string, signal?: AbortSignal): Promise<RetrievedChunk[]> {
    const embedding = await this.embedQuery(query, signal);
    const rows = await searchChunks(this.db, ownerId, embedding, this.cfg.RETRIEVAL_TOP_K);
    return rows.filter((r) => r.score >= 0.2);
  }
}
