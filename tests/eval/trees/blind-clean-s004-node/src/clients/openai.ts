import OpenAI from 'openai';
import type { BaseConfig } from '../config';
import { llmDuration, llmTokens } from '../metrics';

export type { OpenAI };

/**
 * The SDK retries 408/409/429/5xx and connection errors with exponential
 * backoff (maxRetries); `timeout` bounds each attempt.
 */
export function createOpenAI(cfg: BaseConfig): OpenAI {
  return new OpenAI({
    apiKey: cfg.OPENAI_API_KEY,
    baseURL: cfg.OPENAI_BASE_URL,
    timeout: cfg.OPENAI_TIMEOUT_MS,
    maxRetries: cfg.OPENAI_MAX_RETRIES,
  });
}

export async function embedTexts(
  client: OpenAI,
  cfg: Pick<BaseConfig, 'OPENAI_EMBEDDING_MODEL' | 'EMBEDDING_DIMENSIONS'>,
  input: string[],
  signal?: AbortSignal,
): Promise<number[][]> {
  const end = llmDuration.startTimer({ operation: 'embed' });
  try {
    const res = await client.embeddings.create(
      { model: cfg.OPENAI_EMBEDDING_MODEL, input, dimensions: cfg.EMBEDDING_DIMENSIONS },
      { signal },
    );
    end({ outcome: 'ok' });
    llmTokens.inc({ kind: 'embedding' }, res.usage.total_tokens);
    const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.length !== input.length) {
      throw new Error(`embedding count mismatch: sent ${input.length}, got ${vectors.length}`);
    }
    return vectors;
  } catch (err) {
    end({ outcome: 'error' });
    throw err;
  }
}

/** pgvector accepts the text form '[1,2,3]' cast to ::vector. */
export function toPgVector(v: number[]): string {
  return `[${v.join(',')}]`;
}
