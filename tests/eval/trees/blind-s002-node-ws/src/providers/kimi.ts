import OpenAI from 'openai';
import { config } from '../config';
import { logger } from '../logger';
import { ProviderError } from '../utils/errors';
import type { ChatRequest, ChatResponse, ModelInfo, ModelProvider } from './registry';

const log = logger.child({ component: 'provider.kimi' });

/**
 * Moonshot / Kimi exposes an OpenAI-compatible API, so we reuse the official
 * SDK and only set base URL, timeout and retry policy.
 */
export class KimiProvider implements ModelProvider {
  readonly name = 'kimi' as const;
  readonly defaultModel: string;
  private readonly client: OpenAI;

  constructor(apiKey: string) {
    this.defaultModel = config.providers.kimi.defaultModel;
    this.client = new OpenAI({
      apiKey,
      baseURL: config.providers.kimi.baseUrl,
      timeout: config.timeouts.kimiTimeoutMs,
      maxRetries: 2,
    });
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    const model = req.model ?? this.defaultModel;
    const started = Date.now();
    try {
      const completion = await this.client.chat.completions.create(
        {
          model,
          messages: req.messages,
          temperature: req.temperature ?? 0.3,
          max_tokens: req.maxTokens,
        },
        { signal: req.signal },
      );
      const choice = completion.choices[0];
      log.debug('kimi completion', { model, ms: Date.now() - started, finish: choice?.finish_reason });
      return {
        provider: this.name,
        model: completion.model ?? model,
        content: choice?.message?.content ?? '',
        finishReason: choice?.finish_reason ?? undefined,
        usage: completion.usage
          ? {
              promptTokens: completion.usage.prompt_tokens,
              completionTokens: completion.usage.completion_tokens,
            }
          : undefined,
      };
    } catch (err) {
      if (err instanceof OpenAI.APIError) {
        log.warn('kimi api error', { model, status: err.status, ms: Date.now() - started });
        throw new ProviderError(this.name, err.message, err.status, (err.status ?? 500) >= 500);
      }
      log.error('kimi request failed', { model, ms: Date.now() - started, err });
      throw new ProviderError(this.name, (err as Error).message);
    }
  }

  async listModels(): Promise<ModelInfo[]> {
    const page = await this.client.models.list();
    return page.data.map((m) => ({ id: m.id, provider: this.name }));
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.models.list({ timeout: 5_000, maxRetries: 0 });
      return true;
    } catch (err) {
      log.warn('kimi ping failed', { err });
      return false;
    }
  }
}
