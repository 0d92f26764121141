import { ValidationError } from '../utils/errors';

/**
 * Wire protocol between MCP shims and the daemon. Every frame is a JSON
 * object with an `op` discriminator. Requests carry a client-chosen
 * `request_id` that is echoed back on the matching response.
 */

export interface HelloFrame {
  op: 'hello';
  token?: string;
  session_id?: string;
  client?: string;
}

export interface CallToolFrame {
  op: 'call_tool';
  request_id: string;
  name: string;
  arguments?: Record<string, unknown>;
}

export interface ListToolsFrame {
  op: 'list_tools';
  request_id?: string;
}

export interface CancelFrame {
  op: 'cancel';
  request_id: string;
}

export interface PingFrame {
  op: 'ping';
}

export type InboundFrame = HelloFrame | CallToolFrame | ListToolsFrame | CancelFrame | PingFrame;

export type OutboundFrame =
  | { op: 'hello_ack'; ok: true; session_id: string }
  | { op: 'hello_ack'; ok: false; error: string }
  | { op: 'call_tool_ack'; request_id: string; accepted: boolean }
  | { op: 'call_tool_res'; request_id: string; outputs: unknown[]; provider?: string; model?: string }
  | { op: 'list_tools_res'; request_id?: string; tools: unknown[] }
  | { op: 'error'; request_id?: string; code: string; message: string }
  | { op: 'progress'; request_id: string; note: string }
  | { op: 'pong'; ts: number };

const KNOWN_OPS = new Set(['hello', 'call_tool', 'list_tools', 'cancel', 'ping']);

const REQUEST_ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

export function parseFrame(raw: string): InboundFrame {
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    throw new ValidationError('frame is not valid JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ValidationError('frame must be a JSON object');
  }
  const op = (obj as { op?: unknown }).op;
  if (typeof op !== 'string' || !KNOWN_OPS.has(op)) {
    throw new ValidationError(`unknown op: ${String(op)}`);
  }

  const frame = obj as InboundFrame;
  if (frame.op === 'call_tool' || frame.op === 'cancel') {
    if (typeof frame.request_id !== 'string' || !REQUEST_ID_RE.test(frame.request_id)) {
      throw new ValidationError('request_id must be 1-128 chars of [A-Za-z0-9_.:-]');
    }
  }
  if (frame.op === 'call_tool' && frame.arguments !== undefined) {
    if (typeof frame.arguments !== 'object' || frame.arguments === null || Array.isArray(frame.arguments)) {
      throw new ValidationError('arguments must be an object');
    }
  }
  return frame;
}

export function encode(frame: OutboundFrame): string {
  return JSON.stringify(frame);
}
