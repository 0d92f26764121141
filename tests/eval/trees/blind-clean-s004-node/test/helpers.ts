import jwt from 'jsonwebtoken';

export const TEST_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://rag:pw@localhost:5432/rag',
  DATABASE_SSL: 'disable',
  REDIS_URL: 'redis://localhost:6379/0',
  OPENAI_API_KEY: 'sk-test-000000000000000000000000',
  JWT_SECRET: 'q7Vt3xN9pL2mR8sK4wY6zB1cD5fG0hJ-',
  JWT_ISSUER: 'https://id.test',
  JWT_AUDIENCE: 'rag-profile-agent',
  CORS_ALLOWED_ORIGINS: 'https://app.example.com',
};

export const USER_ID = '3f1c2b9e-8a4d-4e7f-9b21-6c0d5e8f7a13';

export function signTestToken(
  overrides: Partial<{ sub: string; scope: string; iss: string; aud: string; expiresIn: number; secret: string; alg: jwt.Algorithm }> = {},
): string {
  return jwt.sign(
    { sub: overrides.sub ?? USER_ID, scope: overrides.scope ?? 'chat documents:read documents:write' },
    overrides.secret ?? TEST_ENV.JWT_SECRET!,
    {
      algorithm: overrides.alg ?? 'HS256',
      issuer: overrides.iss ?? TEST_ENV.JWT_ISSUER,
      audience: overrides.aud ?? TEST_ENV.JWT_AUDIENCE,
      expiresIn: overrides.expiresIn ?? 300,
    },
  );
}
