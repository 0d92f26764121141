import { NextResponse } from "next/server";
import { checkTrainingServerHealth } from "@/lib/training/client";

export const dynamic = "force-dynamic";

// Unauthenticated on purpose: used by the container healthcheck and the load balancer.
export async function GET() {
  const trainingServer = await checkTrainingServerHealth();
  return NextResponse.json(
    { status: "ok", trainingServer: trainingServer ? "up" : "down" },
    { status: 200, headers: { "cache-control": "no-store" } },
  );
}
