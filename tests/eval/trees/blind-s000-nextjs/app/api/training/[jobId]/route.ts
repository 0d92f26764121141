import { NextResponse } from "next/server";
import { withApiKey } from "@/lib/auth/api-key-validator";
import { getServiceClient } from "@/lib/supabase/server";
import { cancelTraining, getTrainingStatus } from "@/lib/training/client";

const JOB_ID = /^[0-9a-f-]{36}$/;

async function loadOwnedJob(jobId: string, userId: string) {
  const { data, error } = await getServiceClient()
    .from("training_jobs")
    .select("id, user_id, status, model_name, created_at")
    .eq("id", jobId)
    .maybeSingle();
  if (error) throw error;
  if (!data || data.user_id !== userId) return null;
  return data;
}

export const GET = withApiKey(async (_req, { params }, auth) => {
  if (!JOB_ID.test(params.jobId)) {
    return NextResponse.json({ error: "invalid job id" }, { status: 400 });
  }
  const job = await loadOwnedJob(params.jobId, auth.userId);
  if (!job) return NextResponse.json({ error: "not found" }, { status: 404 });

  if (job.status === "running" || job.status === "paused") {
    const live = await getTrainingStatus(job.id);
    return NextResponse.json({ ...job, status: live.status, progress: live.progress });
  }
  return NextResponse.json(job);
}, "training:read");

export const DELETE = withApiKey(async (_req, { params }, auth) => {
  if (!JOB_ID.test(params.jobId)) {
    return NextResponse.json({ error: "invalid job id" }, { status: 400 });
  }
  const job = await loadOwnedJob(params.jobId, auth.userId);
  if (!job) return NextResponse.json({ error: "not found" }, { status: 404 });

  const result = await cancelTraining(job.id);
  return NextResponse.json({ jobId: job.id, status: result.status });
}, "training:write");
