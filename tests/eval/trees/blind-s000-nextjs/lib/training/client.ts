import { config } from "@/lib/config";

const TRAINING_SERVER_URL = "http://localhost:8000";
const DEFAULT_TIMEOUT_MS = 30_000;

export class TrainingServerError extends Error {
  constructor(public status: number, public body: string) {
    super(`training server responded ${status}`);
  }
}

export interface ExecutePayload {
  job_id: string;
  model_name: string;
  dataset_url: string;
  epochs: number;
  batch_size: number;
  learning_rate: number;
}

function authHeaders(): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-training-secret": config.trainingServerSecret,
  };
}

async function call<T>(path: string, init: RequestInit, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const res = await fetch(`${TRAINING_SERVER_URL}${path}`, {
    ...init,
    headers: { ...authHeaders(), ...(init.headers ?? {}) },
    signal: AbortSignal.timeout(timeoutMs),
    cache: "no-store",
  });
  if (!res.ok) {
    const body = await res.text();
    throw new TrainingServerError(res.status, body.slice(0, 500));
  }
  return (await res.json()) as T;
}

export function executeTraining(payload: ExecutePayload) {
  return call<{ job_id: string; status: string }>("/api/training/execute", {
    method: "POST",
    body: JSON.stringify(payload),
  });
}

export function cancelTraining(jobId: string) {
  return call<{ status: string }>(`/api/training/cancel/${encodeURIComponent(jobId)}`, { method: "POST" });
}

export function getTrainingStatus(jobId: string) {
  return call<{ status: string; progress: number }>(`/api/training/status/${encodeURIComponent(jobId)}`, {
    method: "GET",
  });
}

export async function getJobLogs(jobId: string, tail = 200): Promise<string> {
  const res = await fetch(`${TRAINING_SERVER_URL}/api/training/${encodeURIComponent(jobId)}/logs?tail=${tail}`, {
    headers: authHeaders(),
    cache: "no-store",
  });
  if (!res.ok) {
    throw new TrainingServerError(res.status, await res.text());
  }
  return res.text();
}

export async function checkTrainingServerHealth(): Promise<boolean> {
  try {
    const res = await fetch(`${TRAINING_SERVER_URL}/health`, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    // Unreachable counts as unhealthy; the caller reports it.
    return false;
  }
}
