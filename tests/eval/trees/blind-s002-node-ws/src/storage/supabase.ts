import { config } from '../config';
import { logger } from '../logger';
import type { ChatMessage } from '../providers/registry';

const log = logger.child({ component: 'supabase' });

const REQUEST_TIMEOUT_MS = 8_000;

export interface ConversationRecord {
  id: string;
  sessionId: string;
  tool: string;
  provider: string;
  model: string;
  createdAt: string;
}

/**
 * Thin PostgREST client for the Supabase project that stores conversation
 * history for the monitoring dashboard. We talk REST directly instead of
 * pulling in supabase-js to keep the image small.
 */
export class ConversationStore {
  private readonly restUrl: string;

  constructor(
    private readonly baseUrl = config.supabase.url,
    private readonly serviceKey = config.supabase.serviceKey,
  ) {
    this.restUrl = `${baseUrl.replace(/\/+$/, '')}/rest/v1`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      apikey: this.serviceKey,
      Authorization: `Bearer ${this.serviceKey}`,
      'Content-Type': 'application/json',
      ...extra,
    };
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const res = await fetch(`${this.restUrl}${path}`, {
      ...init,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      throw new Error(`supabase ${init.method ?? 'GET'} ${path} -> ${res.status}: ${body.slice(0, 300)}`);
    }
    return res;
  }

  async createConversation(rec: Omit<ConversationRecord, 'createdAt'>): Promise<void> {
    await this.request('/conversations', {
      method: 'POST',
      headers: this.headers({ Prefer: 'return=minimal' }),
      body: JSON.stringify({
        id: rec.id,
        session_id: rec.sessionId,
        tool: rec.tool,
        provider: rec.provider,
        model: rec.model,
      }),
    });
  }

  async appendMessages(conversationId: string, messages: ChatMessage[], startSeq = 0): Promise<void> {
    for (const [idx, m] of messages.entries()) {
      await this.request('/messages', {
        method: 'POST',
        headers: this.headers({ Prefer: 'return=minimal' }),
        body: JSON.stringify({
          conversation_id: conversationId,
          seq: startSeq + idx,
          role: m.role,
          content: m.content,
        }),
      });
    }
  }

  async loadMessages(conversationId: string, limit = 50): Promise<ChatMessage[]> {
    const q = new URLSearchParams({
      conversation_id: `eq.${conversationId}`,
      select: 'role,content,seq',
      order: 'seq.asc',
      limit: String(limit),
    });
    const res = await this.request(`/messages?${q.toString()}`, {
      method: 'GET',
      headers: this.headers(),
    });
    const rows = (await res.json()) as Array<{ role: ChatMessage['role']; content: string }>;
    return rows.map((r) => ({ role: r.role, content: r.content }));
  }

  async ping(): Promise<boolean> {
    try {
      await this.request('/conversations?select=id&limit=1', { method: 'GET', headers: this.headers() });
      return true;
    } catch (err) {
      log.warn('supabase ping failed', { err });
      return false;
    }
  }
}
