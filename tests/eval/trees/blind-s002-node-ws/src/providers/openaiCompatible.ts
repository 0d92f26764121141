import { logger } from '../logger';
import { ProviderError } from '../utils/errors';
import type { ChatRequest, ChatResponse, ModelInfo, ModelProvider } from './registry';

const log = logger.child({ component: 'provider.custom' });

const MAX_ATTEMPTS = 4;

export interface OpenAICompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  defaultModel: string;
  timeoutMs?: number;
}

/**
 * Generic client for self-hosted OpenAI-compatible servers (vLLM, Ollama,
 * LM Studio, OpenRouter). Registered as the `custom` provider.
 */
export class OpenAICompatibleProvider implements ModelProvider {
  readonly name = 'custom' as const;
  readonly defaultModel: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.defaultModel = opts.defaultModel;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.opts.apiKey) h.Authorization = `Bearer ${this.opts.apiKey}`;
    return h;
  }

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(body),
      signal: combined,
    });
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    const model = req.model ?? this.defaultModel;
    const body = {
      model,
      messages: req.messages,
      temperature: req.temperature ?? 0.5,
      max_tokens: req.maxTokens,
    };

    let lastErr: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const res = await this.post('/chat/completions', body, req.signal);
        if (!res.ok) {
          throw new ProviderError(this.name, `custom provider returned ${res.status}`, res.status);
        }
        const data = (await res.json()) as {
          model?: string;
          choices?: Array<{ message?: { content?: string }; finish_reason?: string }>;
          usage?: { prompt_tokens: number; completion_tokens: number };
        };
        const choice = data.choices?.[0];
        return {
          provider: this.name,
          model: data.model ?? model,
          content: choice?.message?.content ?? '',
          finishReason: choice?.finish_reason,
          usage: data.usage
            ? { promptTokens: data.usage.prompt_tokens, completionTokens: data.usage.completion_tokens }
            : undefined,
        };
      } catch (err) {
        lastErr = err;
        log.warn('custom provider attempt failed', { attempt, model, err });
        continue;
      }
    }
    throw lastErr instanceof ProviderError
      ? lastErr
      : new ProviderError(this.name, `custom provider failed after ${MAX_ATTEMPTS} attempts`);
  }

  async listModels(): Promise<ModelInfo[]> {
    const res = await fetch(`${this.baseUrl}/models`, {
      headers: this.headers(),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      throw new ProviderError(this.name, `listModels returned ${res.status}`, res.status);
    }
    const data = (await res.json()) as { data?: Array<{ id: string }> };
    return (data.data ?? []).map((m) => ({ id: m.id, provider: this.name }));
  }

  async ping(): Promise<boolean> {
    try {
      await this.listModels();
      return true;
    } catch (err) {
      log.warn('custom provider ping failed', { baseUrl: this.baseUrl, err });
      return false;
    }
  }
}
