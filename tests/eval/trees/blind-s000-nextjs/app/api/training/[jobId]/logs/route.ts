import { NextResponse } from "next/server";
import { withApiKey } from "@/lib/auth/api-key-validator";
import { getJobLogs } from "@/lib/training/client";

export const GET = withApiKey(async (req, { params }) => {
  const url = new URL(req.url);
  const tail = Math.min(Math.max(Number(url.searchParams.get("tail") ?? 200) || 200, 1), 2000);

  const text = await getJobLogs(params.jobId, tail);
  return new NextResponse(text, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}, "training:read");
