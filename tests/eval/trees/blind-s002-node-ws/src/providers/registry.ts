import type { ProviderName } from '../config';
import { logger } from '../logger';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Abort signal propagated from the daemon so upstream calls can be cancelled. */
  signal?: AbortSignal;
}

export interface ChatResponse {
  provider: ProviderName;
  model: string;
  content: string;
  usage?: { promptTokens: number; completionTokens: number };
  finishReason?: string;
}

export interface ModelInfo {
  id: string;
  provider: ProviderName;
  contextWindow?: number;
}

export interface ModelProvider {
  readonly name: ProviderName;
  readonly defaultModel: string;
  chat(req: ChatRequest): Promise<ChatResponse>;
  listModels(): Promise<ModelInfo[]>;
  /** Cheap liveness probe used by detection and /health. */
  ping(): Promise<boolean>;
}

const log = logger.child({ component: 'provider.registry' });

/**
 * Holds the providers that passed detection. Keyed by provider name so a
 * repeated registration replaces rather than duplicates.
 */
export class ProviderRegistry {
  private readonly providers = new Map<ProviderName, ModelProvider>();
  private readonly healthy = new Map<ProviderName, boolean>();

  register(provider: ModelProvider): void {
    const existing = this.providers.get(provider.name);
    if (existing && existing !== provider) {
      log.warn('replacing provider registration', { provider: provider.name });
    }
    this.providers.set(provider.name, provider);
    this.healthy.set(provider.name, true);
  }

  get(name: ProviderName): ModelProvider | undefined {
    return this.providers.get(name);
  }

  has(name: ProviderName): boolean {
    return this.providers.has(name);
  }

  names(): ProviderName[] {
    return [...this.providers.keys()];
  }

  all(): ModelProvider[] {
    return [...this.providers.values()];
  }

  markHealth(name: ProviderName, ok: boolean): void {
    if (!this.providers.has(name)) return;
    const prev = this.healthy.get(name);
    this.healthy.set(name, ok);
    if (prev !== ok) {
      log.info('provider health changed', { provider: name, healthy: ok });
    }
  }

  isHealthy(name: ProviderName): boolean {
    return this.healthy.get(name) === true;
  }

  /**
   * Resolve which provider should serve a model. Explicit `provider:model`
   * prefixes win; otherwise we match on well-known model name prefixes.
   */
  resolve(model: string | undefined, fallback: ProviderName): ModelProvider | undefined {
    if (model) {
      const [prefix, rest] = model.includes(':') ? model.split(':', 2) : [undefined, model];
      if (prefix && this.providers.has(prefix as ProviderName)) {
        return this.providers.get(prefix as ProviderName);
      }
      const m = (rest ?? model).toLowerCase();
      if ((m.startsWith('kimi') || m.startsWith('moonshot')) && this.providers.has('kimi')) {
        return this.providers.get('kimi');
      }
      if (m.startsWith('glm') && this.providers.has('glm')) {
        return this.providers.get('glm');
      }
    }
    return this.providers.get(fallback) ?? this.all()[0];
  }
}
