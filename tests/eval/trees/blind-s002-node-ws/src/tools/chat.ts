import { randomUUID } from 'node:crypto';
import { config } from '../config';
import type { ChatMessage } from '../providers/registry';
import { getConversationStore } from '../utils/singletons';
import { DaemonError } from '../utils/errors';
import { optionalNumber, optionalString, requireString, type Tool, type ToolContext, type ToolResult } from './common';

const SYSTEM_PROMPT =
  'You are EXAI, a senior engineering assistant. Answer precisely, cite files and ' +
  'line numbers when the user provided code, and say when you are unsure.';

const CONTINUATION_RE = /^[a-f0-9-]{36}$/;

/** Conversation threads keyed by continuation id, so follow-ups keep context. */
const threads = new Map<string, ChatMessage[]>();

export const chatTool: Tool = {
  name: 'chat',
  description: 'General-purpose chat with the configured model. Supports multi-turn via continuation_id.',
  inputSchema: {
    type: 'object',
    required: ['prompt'],
    properties: {
      prompt: { type: 'string' },
      model: { type: 'string' },
      temperature: { type: 'number', minimum: 0, maximum: 2 },
      continuation_id: { type: 'string' },
    },
  },

  async run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
    const prompt = requireString(args, 'prompt', { maxLen: config.tools.maxPromptChars });
    const model = optionalString(args, 'model', { maxLen: 128, pattern: /^[\w.:/-]+$/ });
    const temperature = optionalNumber(args, 'temperature', 0, 2);
    const continuationId =
      optionalString(args, 'continuation_id', { pattern: CONTINUATION_RE }) ?? randomUUID();

    const provider = ctx.registry.resolve(model, config.providers.defaultProvider);
    if (!provider) {
      throw new DaemonError('NOT_FOUND', `no provider available for model ${model ?? '(default)'}`);
    }

    const isNewThread = !threads.has(continuationId);
    const history = threads.get(continuationId) ?? [{ role: 'system', content: SYSTEM_PROMPT }];
    history.push({ role: 'user', content: prompt });
    threads.set(continuationId, history);

    ctx.log.info('chat request', {
      provider: provider.name,
      model: model ?? provider.defaultModel,
      continuationId,
      prompt,
    });

    const res = await provider.chat({
      model: model?.includes(':') ? model.split(':', 2)[1] : model,
      messages: history,
      temperature,
      signal: ctx.signal,
    });

    history.push({ role: 'assistant', content: res.content });

    const store = getConversationStore();
    if (store) {
      const startSeq = history.length - 2;
      void (async () => {
        if (isNewThread) {
          await store.createConversation({
            id: continuationId,
            sessionId: ctx.sessionId,
            tool: 'chat',
            provider: res.provider,
            model: res.model,
          });
        }
        await store.appendMessages(continuationId, history.slice(startSeq), startSeq);
      })();
    }

    return {
      provider: res.provider,
      model: res.model,
      outputs: [
        { type: 'text', text: res.content },
        { type: 'json', data: { continuation_id: continuationId, usage: res.usage ?? null } },
      ],
    };
  },
};

export function activeThreadCount(): number {
  return threads.size;
}
