import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { HttpError } from '../lib/errors';

export interface Principal {
  userId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export interface JwtSettings {
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

const Claims = z.object({
  sub: z.string().uuid(),
  exp: z.number().int(),
  scope: z.string().max(1_000).optional(),
});

export class AuthError extends HttpError {
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}

/**
 * Tokens are issued by the identity service. Only HS256 is accepted so a
 * token cannot pick its own algorithm, and issuer/audience/expiry are enforced.
 */
export function verifyToken(token: string, settings: JwtSettings): Principal {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, settings.JWT_SECRET, {
      algorithms: ['HS256'],
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      clockTolerance: 5,
    });
  } catch {
    // The library's reason (expired, bad signature, ...) is not returned to the
    // caller; a uniform message avoids giving an oracle to token forgers.
    throw new AuthError('invalid or expired token');
  }
  const claims = Claims.safeParse(decoded);
  if (!claims.success) throw new AuthError('token is missing required claims');
  return {
    userId: claims.data.sub,
    scopes: new Set((claims.data.scope ?? '').split(' ').filter(Boolean)),
    expiresAt: claims.data.exp * 1000,
  };
}

export function bearerFromHeaders(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/.exec(header);
  return match?.[1] ?? null;
}

export function requireAuth(settings: JwtSettings): RequestHandler {
  return (req, res, next) => {
    const token = bearerFromHeaders(req.headers);
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new AuthError('missing bearer token'));
      return;
    }
    try {
      req.principal = verifyToken(token, settings);
      next();
    } catch (err) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      next(err);
    }
  };
}

export function requireScope(scope: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal) {
      next(new AuthError('not authenticated'));
      return;
    }
    if (!req.principal.scopes.has(scope)) {
      next(new HttpError(403, 'forbidden', `missing scope ${scope}`));
      return;
    }
    next();
  };
}

/** For handlers mounted behind requireAuth; narrows the optional field. */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new AuthError('not authenticated');
  return req.principal;
}
