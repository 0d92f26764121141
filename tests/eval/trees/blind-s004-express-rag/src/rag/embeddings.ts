import { createHash } from 'node:crypto';
import { openai } from '../clients/openai';
import { config } from '../config';
import { childLogger } from '../logger';

const log = childLogger('embeddings');

// OpenAI accepts up to 2048 inputs per request; smaller batches keep
// individual requests well inside the timeout.
const BATCH_SIZE = 96;

const queryEmbeddingCache = new Map<string, number[]>();

function cacheKey(text: string): string {
  return createHash('sha256').update(config.openai.embeddingModel).update('\0').update(text).digest('hex');
}

export async function embedQuery(text: string): Promise<number[]> {
  const key = cacheKey(text);
  const cached = queryEmbeddingCache.get(key);
  if (cached) return cached;

  const response = await openai.embeddings.create({
    model: config.openai.embeddingModel,
    input: text,
    dimensions: config.openai.embeddingDims,
  });
  const vector = response.data[0].embedding;
  queryEmbeddingCache.set(key, vector);
  return vector;
}

export async function embedBatch(texts: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += BATCH_SIZE) {
    const batch = texts.slice(start, start + BATCH_SIZE);
    const response = await openai.embeddings.create({
      model: config.openai.embeddingModel,
      input: batch,
      dimensions: config.openai.embeddingDims,
    });
    // The API returns items with an index; sort defensively before appending.
    const ordered = [...response.data].sort((a, b) => a.index - b.index);
    for (const item of ordered) {
      vectors.push(item.embedding);
    }
    log.debug({ batchStart: start, batchSize: batch.length, tokens: response.usage?.total_tokens }, 'embedded batch');
  }
  return vectors;
}
