import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requireAuth, requireScope, verifyToken } from '../src/auth/jwt';
import { HttpError } from '../src/lib/errors';
import { signTestToken, TEST_ENV, USER_ID } from './helpers';

const settings = {
  JWT_SECRET: TEST_ENV.JWT_SECRET!,
  JWT_ISSUER: TEST_ENV.JWT_ISSUER!,
  JWT_AUDIENCE: TEST_ENV.JWT_AUDIENCE!,
};

function app() {
  const a = express();
  a.get('/private', requireAuth(settings), requireScope('chat'), (req, res) => {
    res.json({ userId: req.principal?.userId });
  });
  a.use((err: HttpError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ code: err.code });
  });
  return a;
}

describe('verifyToken', () => {
  it('accepts a valid token and exposes scopes', () => {
    const p = verifyToken(signTestToken(), settings);
    expect(p.userId).toBe(USER_ID);
    expect(p.scopes.has('documents:write')).toBe(true);
  });

  it.each([
    ['wrong secret', { secret: 'x'.repeat(16) + 'Y'.repeat(16) + 'z' }],
    ['wrong issuer', { iss: 'https://evil.test' }],
    ['wrong audience', { aud: 'other' }],
    ['expired', { expiresIn: -60 }],
    ['non-uuid subject', { sub: 'admin' }],
    ['HS512 instead of HS256', { alg: 'HS512' as const }],
  ])('rejects %s', (_name, overrides) => {
    expect(() => verifyToken(signTestToken(overrides), settings)).toThrow(/token/);
  });
});

describe('requireAuth middleware', () => {
  it('401s without a bearer token', async () => {
    const res = await request(app()).get('/private');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('403s when the scope is missing', async () => {
    const res = await request(app())
      .get('/private')
      .set('Authorization', `Bearer ${signTestToken({ scope: 'documents:read' })}`);
    expect(res.status).toBe(403);
  });

  it('passes the principal through', async () => {
    const res = await request(app()).get('/private').set('Authorization', `Bearer ${signTestToken()}`);
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(USER_ID);
  });
});
