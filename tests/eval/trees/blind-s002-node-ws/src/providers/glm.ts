import { config } from '../config';
import { logger } from '../logger';
import { ProviderError } from '../utils/errors';
import type { ChatRequest, ChatResponse, ModelInfo, ModelProvider } from './registry';

const log = logger.child({ component: 'provider.glm' });

interface GlmChoice {
  message?: { content?: string };
  finish_reason?: string;
}

interface GlmCompletion {
  model?: string;
  choices?: GlmChoice[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/**
 * ZhipuAI GLM client. Uses plain fetch because the GLM endpoint adds a few
 * non-OpenAI fields (web_search, thinking) that the SDK strips.
 */
export class GlmProvider implements ModelProvider {
  readonly name = 'glm' as const;
  readonly defaultModel: string;
  private readonly baseUrl: string;

  constructor(private readonly apiKey: string) {
    this.baseUrl = config.providers.glm.baseUrl.replace(/\/+$/, '');
    this.defaultModel = config.providers.glm.defaultModel;
  }

  private headers(): Record<string, string> {
    return {
      Authorization: `Bearer ${this.apiKey}`,
      'Content-Type': 'application/json',
      'Accept-Language': 'en-US,en',
    };
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    const model = req.model ?? this.defaultModel;
    const headers = this.headers();
    const body = {
      model,
      messages: req.messages,
      temperature: req.temperature ?? 0.6,
      max_tokens: req.maxTokens,
      stream: false,
    };

    const res = await fetch(`${this.baseUrl}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });

    if (!res.ok) {
      const text = await res.text().catch(() => '');
      log.error('glm request failed', { status: res.status, model, headers, body: text.slice(0, 2000) });
      throw new ProviderError(this.name, `GLM returned ${res.status}`, res.status, res.status >= 500);
    }

    const data = (await res.json()) as GlmCompletion;
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
  }

  async listModels(): Promise<ModelInfo[]> {
    // GLM has no /models endpoint; the catalogue is static.
    return ['glm-4.6', 'glm-4.5', 'glm-4.5-air', 'glm-4.5-flash'].map((id) => ({
      id,
      provider: this.name,
      contextWindow: id.startsWith('glm-4.6') ? 200_000 : 128_000,
    }));
  }

  async ping(): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({
          model: this.defaultModel,
          messages: [{ role: 'user', content: 'ping' }],
          max_tokens: 1,
        }),
        signal: AbortSignal.timeout(5_000),
      });
      return res.ok;
    } catch (err) {
      log.warn('glm ping failed', { err });
      return false;
    }
  }
}
