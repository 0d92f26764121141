import { createHash } from "crypto";
import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { getServiceClient } from "@/lib/supabase/server";
import { logger } from "@/lib/logger";

const RATE_LIMIT_PER_KEY = 100;
const RATE_LIMIT_WINDOW_MS = 60000;

interface Bucket {
  count: number;
  windowStart: number;
}

const buckets = new Map<string, Bucket>();

export interface ApiKeyContext {
  keyId: string;
  userId: string;
  scopes: string[];
}

export function extractApiKey(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header || !header.startsWith("Bearer ")) return null;
  const key = header.slice("Bearer ".length).trim();
  if (key.length < 24 || key.length > 128) return null;
  return key;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(config.apiKeyPepper).update(key).digest("hex");
}

export function checkRateLimit(apiKeyHash: string): { allowed: boolean; retryAfterMs: number } {
  const now = Date.now();
  const bucket = buckets.get(apiKeyHash);

  if (!bucket || now - bucket.windowStart >= RATE_LIMIT_WINDOW_MS) {
    buckets.set(apiKeyHash, { count: 1, windowStart: now });
    return { allowed: true, retryAfterMs: 0 };
  }

  if (bucket.count >= RATE_LIMIT_PER_KEY) {
    return { allowed: false, retryAfterMs: RATE_LIMIT_WINDOW_MS - (now - bucket.windowStart) };
  }

  bucket.count += 1;
  return { allowed: true, retryAfterMs: 0 };
}

export async function validateApiKey(apiKeyHash: string): Promise<ApiKeyContext | null> {
  const supabase = getServiceClient();
  const { data, error } = await supabase
    .from("api_keys")
    .select("id, user_id, scopes, revoked_at, expires_at")
    .eq("key_hash", apiKeyHash)
    .maybeSingle();

  if (error) {
    logger.error("api key lookup failed", { code: error.code, message: error.message });
    throw new Error("api key lookup failed");
  }
  if (!data || data.revoked_at) return null;
  if (data.expires_at && new Date(data.expires_at).getTime() < Date.now()) return null;

  supabase
    .from("api_keys")
    .update({ last_used_at: new Date().toISOString() })
    .eq("id", data.id)
    .then(() => {});

  return { keyId: data.id, userId: data.user_id, scopes: data.scopes ?? [] };
}

type RouteContext = { params: Record<string, string> };
type Handler = (req: Request, ctx: RouteContext, auth: ApiKeyContext) => Promise<Response>;

export function withApiKey(handler: Handler, requiredScope?: string) {
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    const presented = extractApiKey(req);
    if (!presented) {
      return NextResponse.json({ error: "missing or malformed API key" }, { status: 401 });
    }

    const keyHash = hashApiKey(presented);
    const limit = checkRateLimit(keyHash);
    if (!limit.allowed) {
      return NextResponse.json(
        { error: "rate limit exceeded" },
        { status: 429, headers: { "Retry-After": String(Math.ceil(limit.retryAfterMs / 1000)) } },
      );
    }

    const auth = await validateApiKey(keyHash);
    if (!auth) {
      return NextResponse.json({ error: "invalid API key" }, { status: 401 });
    }
    if (requiredScope && !auth.scopes.includes(requiredScope)) {
      return NextResponse.json({ error: "insufficient scope" }, { status: 403 });
    }

    try {
      return await handler(req, ctx, auth);
    } catch (err) {
      logger.error("unhandled error in API route", {
        path: new URL(req.url).pathname,
        keyId: auth.keyId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      return NextResponse.json({ error: "internal error" }, { status: 500 });
    }
  };
}
