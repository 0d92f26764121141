import { z } from 'zod';

export function clientMessageSchema(maxChars: number) {
  return z.discriminatedUnion('type', [
    z
      .object({
        type: z.literal('chat'),
        conversationId: z.string().uuid(),
        message: z
          .string()
          .transform((s) => s.trim())
          .pipe(z.string().min(1, 'message is empty').max(maxChars, `message exceeds ${maxChars} characters`)),
        clientRequestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
      })
      .strict(),
    z.object({ type: z.literal('cancel') }).strict(),
    z.object({ type: z.literal('ping') }).strict(),
  ]);
}

export type ClientMessage = z.infer<ReturnType<typeof clientMessageSchema>>;

export type ServerMessage =
  | { type: 'ready'; userId: string }
  | { type: 'token'; clientRequestId?: string; delta: string }
  | { type: 'done'; clientRequestId?: string; sources: unknown; finishReason: string | null }
  | { type: 'error'; clientRequestId?: string; code: string; message: string }
  | { type: 'pong' };

/** Parses a raw frame; never throws. */
export function parseClientMessage(
  raw: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
  maxChars: number,
): { ok: true; msg: ClientMessage } | { ok: false; code: string; message: string } {
  if (isBinary) return { ok: false, code: 'unsupported', message: 'binary frames are not supported' };
  const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  const parsed = clientMessageSchema(maxChars).safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, code: 'invalid_message', message: first ? `${first.path.join('.') || 'frame'}: ${first.message}` : 'invalid message' };
  }
  return { ok: true, msg: parsed.data };
}

/** Token via "Sec-WebSocket-Protocol: bearer, <jwt>" since browsers cannot set headers on WebSocket. */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (!header) return null;
  const parts = header.split(',').map((p) => p.trim());
  if (parts.length !== 2 || parts[0] !== 'bearer') return null;
  const token = parts[1] ?? '';
  return /^[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+$/.test(token) ? token : null;
}
