import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describeOpenAIError, openai } from '../clients/openai';
import { config } from '../config';
import { childLogger } from '../logger';
import type { Turn } from '../services/memory';
import { buildContext, retrieve, RetrievedChunk } from './retriever';

const log = childLogger('agent');

export type QueryRoute = 'profile' | 'smalltalk' | 'out_of_scope';

export interface AgentRequest {
  profileId: string;
  question: string;
  history: Turn[];
  signal?: AbortSignal;
}

export interface AgentAnswer {
  route: QueryRoute;
  answer: string;
  sources: Array<{ documentId: string; documentName: string; chunkIndex: number; score: number }>;
  usage?: { promptTokens: number; completionTokens: number };
}

const ROUTER_PROMPT = `You classify questions sent to an assistant that answers questions about one
person's professional profile (CV, portfolio, publications, bio).
Return JSON: {"route": "profile" | "smalltalk" | "out_of_scope"}.
- "profile": anything about the person's experience, skills, projects, education, contact preferences.
- "smalltalk": greetings, thanks, questions about the assistant itself.
- "out_of_scope": everything else.`;

const ANSWER_PROMPT = `You are a helpful assistant answering questions about a person's professional profile.
Answer only from the numbered context passages. Cite passages like [1], [2].
If the context does not contain the answer, say you don't know. Never invent employers, dates or titles.`;

const SMALLTALK_PROMPT = `You are a friendly assistant for a professional profile site. Keep replies short.
If asked what you can do, explain that you answer questions about this person's background.`;

const OUT_OF_SCOPE_REPLY =
  "I can only answer questions about this person's professional background. Try asking about their experience or projects.";

const ROUTE_VALUES: QueryRoute[] = ['profile', 'smalltalk', 'out_of_scope'];

export async function classify(question: string, signal?: AbortSignal): Promise<QueryRoute> {
  try {
    const completion = await openai.chat.completions.create(
      {
        model: config.openai.routerModel,
        temperature: 0,
        max_tokens: 20,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: ROUTER_PROMPT },
          { role: 'user', content: question },
        ],
      },
      { signal, timeout: 10_000, maxRetries: 1 },
    );
    const raw = completion.choices[0]?.message?.content ?? '{}';
    const parsed = JSON.parse(raw) as { route?: string };
    if (parsed.route && ROUTE_VALUES.includes(parsed.route as QueryRoute)) {
      return parsed.route as QueryRoute;
    }
    log.warn({ raw }, 'router returned unexpected route; defaulting to profile');
    return 'profile';
  } catch (err) {
    if (signal?.aborted) throw err;
    // Routing is an optimisation; fall back to the full RAG path.
    log.warn({ err: describeOpenAIError(err) }, 'query routing failed; defaulting to profile');
    return 'profile';
  }
}

function historyMessages(history: Turn[]): ChatCompletionMessageParam[] {
  return history.slice(-config.rag.historyTurns * 2).map((turn) => ({
    role: turn.role,
    content: turn.content,
  }));
}

function toSources(chunks: RetrievedChunk[]): AgentAnswer['sources'] {
  return chunks.map((c) => ({
    documentId: c.documentId,
    documentName: c.documentName,
    chunkIndex: c.chunkIndex,
    score: Number(c.score.toFixed(4)),
  }));
}

async function prepare(req: AgentRequest): Promise<{
  route: QueryRoute;
  messages: ChatCompletionMessageParam[] | null;
  chunks: RetrievedChunk[];
}> {
  const route = await classify(req.question, req.signal);

  if (route === 'out_of_scope') {
    return { route, messages: null, chunks: [] };
  }

  if (route === 'smalltalk') {
    return {
      route,
      chunks: [],
      messages: [
        { role: 'system', content: SMALLTALK_PROMPT },
        ...historyMessages(req.history),
        { role: 'user', content: req.question },
      ],
    };
  }

  const chunks = await retrieve(req.profileId, req.question);
  const context = buildContext(chunks);
  log.debug({ profileId: req.profileId, retrieved: chunks.length, contextChars: context.length }, 'retrieval done');

  return {
    route,
    chunks,
    messages: [
      { role: 'system', content: ANSWER_PROMPT },
      ...historyMessages(req.history),
      {
        role: 'user',
        content: `Context:\n${context || '(no relevant passages found)'}\n\nQuestion: ${req.question}`,
      },
    ],
  };
}

export async function answer(req: AgentRequest): Promise<AgentAnswer> {
  const { route, messages, chunks } = await prepare(req);
  if (!messages) {
    return { route, answer: OUT_OF_SCOPE_REPLY, sources: [] };
  }

  const completion = await openai.chat.completions.create(
    {
      model: config.openai.chatModel,
      temperature: 0.2,
      max_tokens: 700,
      messages,
    },
    { signal: req.signal },
  );

  return {
    route,
    answer: completion.choices[0]?.message?.content?.trim() ?? '',
    sources: toSources(chunks),
    usage: completion.usage
      ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
      : undefined,
  };
}

export interface StreamEvents {
  onToken: (token: string) => void;
}

/** Streams the answer token by token; resolves with the full answer. */
export async function streamAnswer(req: AgentRequest, events: StreamEvents): Promise<AgentAnswer> {
  const { route, messages, chunks } = await prepare(req);
  if (!messages) {
    events.onToken(OUT_OF_SCOPE_REPLY);
    return { route, answer: OUT_OF_SCOPE_REPLY, sources: [] };
  }

  const stream = await openai.chat.completions.create(
    {
      model: config.openai.chatModel,
      temperature: 0.2,
      max_tokens: 700,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal: req.signal },
  );

  let full = '';
  let usage: AgentAnswer['usage'];
  for await (const part of stream) {
    const token = part.choices[0]?.delta?.content;
    if (token) {
      full += token;
      events.onToken(token);
    }
    if (part.usage) {
      usage = { promptTokens: part.usage.prompt_tokens, completionTokens: part.usage.completion_tokens };
    }
  }

  return { route, answer: full.trim(), sources: toSources(chunks), usage };
}
