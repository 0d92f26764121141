import { NextResponse } from "next/server";
import { withApiKey } from "@/lib/auth/api-key-validator";
import { getServiceClient } from "@/lib/supabase/server";

export const GET = withApiKey(async (req, _ctx, auth) => {
  const url = new URL(req.url);
  const limit = Number(url.searchParams.get("limit") ?? 50);
  const offset = Number(url.searchParams.get("offset") ?? 0);

  const { data, error } = await getServiceClient()
    .from("models")
    .select("id, name, base_model, status, created_at")
    .eq("owner_id", auth.userId)
    .order("created_at", { ascending: false })
    .range(offset, offset + limit - 1);

  if (error) throw error;
  return NextResponse.json({ models: data, limit, offset });
}, "models:read");
