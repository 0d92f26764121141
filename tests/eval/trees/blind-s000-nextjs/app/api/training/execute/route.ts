import { NextResponse } from "next/server";
import { z } from "zod";
import { withApiKey } from "@/lib/auth/api-key-validator";
import { getServiceClient } from "@/lib/supabase/server";
import { executeTraining, TrainingServerError } from "@/lib/training/client";
import { config } from "@/lib/config";
import { logger } from "@/lib/logger";

const ExecuteSchema = z.object({
  modelName: z.string().min(1).max(200),
  datasetId: z.string().uuid(),
  epochs: z.number().int().min(1).max(50),
  batchSize: z.number().int().min(1).max(256),
  learningRate: z.number().positive().max(1),
});

export const POST = withApiKey(async (req, _ctx, auth) => {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return NextResponse.json({ error: "body must be JSON" }, { status: 400 });
  }
  const parsed = ExecuteSchema.safeParse(raw);
  if (!parsed.success) {
    return NextResponse.json({ error: "invalid request", issues: parsed.error.issues }, { status: 400 });
  }
  const input = parsed.data;
  const supabase = getServiceClient();

  const { data: dataset, error: datasetError } = await supabase
    .from("datasets")
    .select("id, owner_id, storage_path")
    .eq("id", input.datasetId)
    .maybeSingle();
  if (datasetError) throw datasetError;
  if (!dataset || dataset.owner_id !== auth.userId) {
    return NextResponse.json({ error: "dataset not found" }, { status: 404 });
  }

  const { data: signed, error: signError } = await supabase.storage
    .from("datasets")
    .createSignedUrl(dataset.storage_path, config.signedUrlTtlSeconds);
  if (signError || !signed) throw signError ?? new Error("could not sign dataset url");

  const jobId = crypto.randomUUID();
  await supabase.from("training_jobs").insert({
    id: jobId,
    user_id: auth.userId,
    dataset_id: dataset.id,
    model_name: input.modelName,
    status: "queued",
    params: { epochs: input.epochs, batchSize: input.batchSize, learningRate: input.learningRate },
  });

  const payload = {
    job_id: jobId,
    model_name: input.modelName,
    dataset_url: signed.signedUrl,
    epochs: input.epochs,
    batch_size: input.batchSize,
    learning_rate: input.learningRate,
  };
  console.log("starting training job", payload);

  try {
    const result = await executeTraining(payload);
    return NextResponse.json({ jobId, status: result.status }, { status: 202 });
  } catch (err) {
    if (err instanceof TrainingServerError && err.status === 429) {
      return NextResponse.json({ error: "training capacity exhausted, retry later" }, { status: 503 });
    }
    logger.error("training server rejected job", { jobId, error: String(err) });
    await supabase.from("training_jobs").update({ status: "failed" }).eq("id", jobId);
    return NextResponse.json({ error: "could not start training" }, { status: 502 });
  }
}, "training:write");
