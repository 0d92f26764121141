/**
 * Error types shared by the daemon, tools and providers. Every error that
 * crosses the WebSocket boundary is mapped to one of the codes below.
 */

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'OVER_CAPACITY'
  | 'TIMEOUT'
  | 'PROVIDER_ERROR'
  | 'INTERNAL';

export class DaemonError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DaemonError';
  }
}

export class ValidationError extends DaemonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BAD_REQUEST', message, details);
    this.name = 'ValidationError';
  }
}

export class ProviderError extends DaemonError {
  constructor(
    public readonly provider: string,
    message: string,
    public readonly status?: number,
    public readonly retryable = false,
  ) {
    super('PROVIDER_ERROR', message, { provider, status });
    this.name = 'ProviderError';
  }
}

export class TimeoutError extends DaemonError {
  constructor(message: string, public readonly timeoutMs: number) {
    super('TIMEOUT', message, { timeoutMs });
    this.name = 'TimeoutError';
  }
}

export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 429 || status >= 500;
}

export function toErrorPayload(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof DaemonError) {
    return { code: err.code, message: err.message };
  }
  if (err instanceof Error) {
    return { code: 'INTERNAL', message: err.stack ?? err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}
