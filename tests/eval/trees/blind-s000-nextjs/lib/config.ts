function required(name: string): string {
  const value = process.env[name];
  if (!value || value.trim() === "") {
    throw new Error(`Missing required environment variable: ${name}`);
  }
  return value.trim();
}

export const config = {
  supabaseUrl: required("NEXT_PUBLIC_SUPABASE_URL"),
  supabaseServiceKey: required("SUPABASE_SERVICE_ROLE_KEY"),
  apiKeyPepper: required("API_KEY_PEPPER"),
  trainingServerSecret: process.env.TRAINING_SERVER_SECRET ?? "local-dev-secret",
  signedUrlTtlSeconds: Number(process.env.SIGNED_URL_TTL_SECONDS ?? 3600),
};
