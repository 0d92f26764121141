import axios, { AxiosInstance } from 'axios';
import https from 'https';
import { config } from '../config';

export interface Observation {
  date: string;
  value: number | null;
}

export interface SeriesInfo {
  id: string;
  title: string;
  frequency: string;
  units: string;
  lastUpdated: string;
}

interface FredObservationsResponse {
  observations: Array<{ date: string; value: string }>;
}

interface FredSeriesResponse {
  seriess: Array<{
    id: string;
    title: string;
    frequency_short: string;
    units_short: string;
    last_updated: string;
  }>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RateLimitExceededError extends Error {
  readonly status = 503;
  constructor(waitMs: number) {
    super(`upstream rate limit reached, retry in ${Math.ceil(waitMs / 1000)}s`);
  }
}

/**
 * Token bucket for outbound FRED calls. Limits are per process; with N replicas
 * configure FRED_RATE_LIMIT_PER_MINUTE as the per-replica share.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly perMinute: number,
    private readonly maxWaitMs = 5_000,
  ) {
    this.tokens = perMinute;
  }

  private refill(): void {
    const now = Date.now();
    const elapsed = now - this.last;
    this.last = now;
    this.tokens = Math.min(this.perMinute, this.tokens + (elapsed / 60_000) * this.perMinute);
  }

  async take(): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = ((1 - this.tokens) / this.perMinute) * 60_000;
      if (Date.now() + waitMs > deadline) {
        throw new RateLimitExceededError(waitMs);
      }
      await sleep(waitMs);
    }
  }
}

const limiter = new TokenBucket(config.fredRateLimitPerMinute);

export class FredService {
  private readonly agent: https.Agent;
  private readonly http: AxiosInstance;

  constructor(apiKey: string = config.fredApiKey) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
    this.http = axios.create({
      baseURL: config.fredBaseUrl,
      httpsAgent: this.agent,
      params: { api_key: apiKey, file_type: 'json' },
    });
  }

  async getSeries(seriesId: string): Promise<SeriesInfo | null> {
    const data = await this.get<FredSeriesResponse>('/series', { series_id: seriesId });
    const s = data.seriess[0];
    if (!s) return null;
    return {
      id: s.id,
      title: s.title,
      frequency: s.frequency_short,
      units: s.units_short,
      lastUpdated: s.last_updated,
    };
  }

  async getObservations(seriesId: string, start?: string, end?: string): Promise<Observation[]> {
    const data = await this.get<FredObservationsResponse>('/series/observations', {
      series_id: seriesId,
      observation_start: start,
      observation_end: end,
    });
    return data.observations.map((o) => ({
      date: o.date,
      value: o.value === '.' ? null : Number(o.value),
    }));
  }

  async search(text: string, limit: number): Promise<Array<{ id: string; title: string }>> {
    const data = await this.get<FredSeriesResponse>('/series/search', { search_text: text, limit });
    return data.seriess.map((s) => ({ id: s.id, title: s.title }));
  }

  private async get<T>(path: string, params: Record<string, unknown>, attempts = 3): Promise<T> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      await limiter.take();
      try {
        const res = await this.http.get<T>(path, { params });
        return res.data;
      } catch (err) {
        lastErr = err;
        const status = axios.isAxiosError(err) ? err.response?.status : undefined;
        if (status !== undefined && status < 500 && status !== 429) {
          throw err;
        }
        if (attempt < attempts - 1) {
          await sleep(300 * 2 ** attempt + Math.floor(Math.random() * 200));
        }
      }
    }
    throw lastErr;
  }

  close(): void {
    this.agent.destroy();
  }
}
