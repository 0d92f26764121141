import OpenAI from 'openai';
import { config } from '../config';

/**
 * Shared OpenAI client. The SDK retries 408/409/429/5xx and connection errors
 * with exponential backoff up to maxRetries; timeout applies per attempt.
 */
export const openai = new OpenAI({
  apiKey: config.openai.apiKey,
  timeout: config.openai.timeoutMs,
  maxRetries: config.openai.maxRetries,
});

export function isRateLimitError(err: unknown): boolean {
  return err instanceof OpenAI.APIError && err.status === 429;
}

export function describeOpenAIError(err: unknown): Record<string, unknown> {
  if (err instanceof OpenAI.APIError) {
    return {
      status: err.status,
      code: err.code,
      type: err.type,
      requestId: err.request_id,
      message: err.message,
    };
  }
  if (err instanceof Error) {
    return { message: err.message, name: err.name };
  }
  return { message: String(err) };
}
