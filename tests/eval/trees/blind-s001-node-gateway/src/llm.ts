import type { Config } from './config';
import { logger } from './logger';
import type { ChatTurn } from './sessions';

export class LlmError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`llm request failed with status ${status}`);
  }
}

function headers(cfg: Config): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${cfg.llmApiKey}`,
  };
}

/**
 * Streams completion deltas from an OpenAI-compatible /chat/completions endpoint.
 */
export async function* streamChat(cfg: Config, messages: ChatTurn[]): AsyncGenerator<string> {
  const res = await fetch(`${cfg.llmBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: headers(cfg),
    body: JSON.stringify({ model: cfg.llmModel, messages, stream: true, temperature: 0.4 }),
  });
  if (!res.ok || !res.body) {
    throw new LlmError(res.status, await res.text());
  }

  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line.startsWith('data:')) continue;
      const payload = line.slice(5).trim();
      if (payload === '[DONE]') return;
      try {
        const parsed = JSON.parse(payload);
        const delta: string | undefined = parsed.choices?.[0]?.delta?.content;
        if (delta) yield delta;
      } catch (err) {
        logger.warn({ err }, 'skipping malformed stream chunk');
      }
    }
  }
}

export async function summarize(cfg: Config, transcript: string): Promise<string> {
  const res = await fetch(`${cfg.llmBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: headers(cfg),
    body: JSON.stringify({
      model: cfg.llmModel,
      messages: [
        { role: 'system', content: 'Summarise the conversation in at most five bullet points.' },
        { role: 'user', content: transcript },
      ],
      max_tokens: 300,
    }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) {
    throw new LlmError(res.status, await res.text());
  }
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
  return body.choices?.[0]?.message?.content?.trim() ?? '';
}
