import type { ModelInfo } from '../providers/registry';
import type { Tool, ToolContext, ToolResult } from './common';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX_ENTRIES = 16;

interface CacheEntry {
  at: number;
  models: ModelInfo[];
}

/**
 * Tiny TTL + size-bounded cache. Keys are provider names, so the key space is
 * already small, but we still cap it in case custom providers are added.
 */
class ModelCache {
  private readonly entries = new Map<string, CacheEntry>();

  get(key: string): ModelInfo[] | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (Date.now() - e.at > CACHE_TTL_MS) {
      this.entries.delete(key);
      return undefined;
    }
    // refresh recency
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.models;
  }

  set(key: string, models: ModelInfo[]): void {
    this.entries.delete(key);
    this.entries.set(key, { at: Date.now(), models });
    while (this.entries.size > CACHE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

const cache = new ModelCache();

export const listModelsTool: Tool = {
  name: 'listmodels',
  description: 'List models available from every healthy provider.',
  inputSchema: { type: 'object', properties: {} },

  async run(_args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
    const out: ModelInfo[] = [];
    const errors: Array<{ provider: string; error: string }> = [];

    for (const provider of ctx.registry.all()) {
      const cached = cache.get(provider.name);
      if (cached) {
        out.push(...cached);
        continue;
      }
      try {
        const models = await provider.listModels();
        cache.set(provider.name, models);
        out.push(...models);
      } catch (err) {
        ctx.log.warn('listModels failed for provider', { provider: provider.name, err });
        errors.push({ provider: provider.name, error: (err as Error).message });
      }
    }

    return {
      outputs: [
        {
          type: 'json',
          data: {
            models: out,
            healthy: ctx.registry.names().filter((n) => ctx.registry.isHealthy(n)),
            errors,
          },
        },
      ],
    };
  },
};
