import { config } from '../config';
import { logger } from '../logger';
import { GlmProvider } from './glm';
import { KimiProvider } from './kimi';
import { OpenAICompatibleProvider } from './openaiCompatible';
import { ProviderRegistry, type ModelProvider } from './registry';

const log = logger.child({ component: 'provider.detection' });

const HEALTH_REFRESH_MS = 60_000;

let detectionComplete = false;
let refreshTimer: NodeJS.Timeout | undefined;

function candidates(): ModelProvider[] {
  const out: ModelProvider[] = [];
  const p = config.providers;
  if (p.kimi.apiKey) out.push(new KimiProvider(p.kimi.apiKey));
  if (p.glm.apiKey) out.push(new GlmProvider(p.glm.apiKey));
  if (p.custom.baseUrl) {
    out.push(
      new OpenAICompatibleProvider({
        baseUrl: p.custom.baseUrl,
        apiKey: p.custom.apiKey,
        defaultModel: p.custom.defaultModel ?? 'llama3.2',
      }),
    );
  }
  return out;
}

/**
 * Probe every configured provider and register the ones that answer.
 * Called lazily from the singleton accessor on first tool call and eagerly
 * at startup.
 */
export async function detectProviders(registry: ProviderRegistry): Promise<void> {
  if (detectionComplete) {
    log.debug('provider detection already complete');
    return;
  }

  const found = candidates();
  if (found.length === 0) {
    throw new Error('No providers configured: set KIMI_API_KEY, GLM_API_KEY or CUSTOM_API_URL');
  }

  const results = await Promise.allSettled(found.map(async (p) => ({ p, ok: await p.ping() })));
  for (const r of results) {
    if (r.status === 'fulfilled') {
      registry.register(r.value.p);
      registry.markHealth(r.value.p.name, r.value.ok);
      log.info('provider registered', { provider: r.value.p.name, healthy: r.value.ok });
    } else {
      log.error('provider probe crashed', { err: r.reason });
    }
  }

  refreshTimer = setInterval(() => {
    for (const p of registry.all()) {
      p.ping()
        .then((ok) => registry.markHealth(p.name, ok))
        .catch((err) => log.warn('health refresh failed', { provider: p.name, err }));
    }
  }, HEALTH_REFRESH_MS);

  detectionComplete = true;
}

export function stopProviderRefresh(): void {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = undefined;
}
