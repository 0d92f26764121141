import type { Logger } from '../logger';
import type { ProviderRegistry } from '../providers/registry';
import { ValidationError } from '../utils/errors';

export interface ToolContext {
  sessionId: string;
  requestId: string;
  registry: ProviderRegistry;
  signal: AbortSignal;
  log: Logger;
  progress(note: string): void;
}

export interface ToolOutput {
  type: 'text' | 'json';
  text?: string;
  data?: unknown;
}

export interface ToolResult {
  outputs: ToolOutput[];
  provider?: string;
  model?: string;
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}

// ---- argument validation helpers ----

export function requireString(
  args: Record<string, unknown>,
  key: string,
  opts: { maxLen?: number; minLen?: number } = {},
): string {
  const v = args[key];
  if (typeof v !== 'string') {
    throw new ValidationError(`'${key}' is required and must be a string`);
  }
  const min = opts.minLen ?? 1;
  if (v.trim().length < min) {
    throw new ValidationError(`'${key}' must be at least ${min} characters`);
  }
  if (opts.maxLen !== undefined && v.length > opts.maxLen) {
    throw new ValidationError(`'${key}' exceeds ${opts.maxLen} characters`, { length: v.length });
  }
  return v;
}

export function optionalString(
  args: Record<string, unknown>,
  key: string,
  opts: { maxLen?: number; pattern?: RegExp } = {},
): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ValidationError(`'${key}' must be a string`);
  if (opts.maxLen !== undefined && v.length > opts.maxLen) {
    throw new ValidationError(`'${key}' exceeds ${opts.maxLen} characters`);
  }
  if (opts.pattern && !opts.pattern.test(v)) {
    throw new ValidationError(`'${key}' has an invalid format`);
  }
  return v;
}

export function optionalNumber(
  args: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValidationError(`'${key}' must be a finite number`);
  }
  if (v < min || v > max) {
    throw new ValidationError(`'${key}' must be between ${min} and ${max}`);
  }
  return v;
}

export function optionalStringArray(
  args: Record<string, unknown>,
  key: string,
  maxItems: number,
): string[] {
  const v = args[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ValidationError(`'${key}' must be an array of strings`);
  }
  if (v.length > maxItems) {
    throw new ValidationError(`'${key}' accepts at most ${maxItems} entries`);
  }
  return v as string[];
}
