import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import jwt, { JwtPayload } from 'jsonwebtoken';
import { config } from './config';
import { childLogger } from './logger';

const log = childLogger('auth');

export interface AuthUser {
  id: string;
  role: 'owner' | 'visitor' | 'admin';
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** Service-to-service / dashboard access via x-api-key header. */
export function requireApiKey(req: Request, res: Response, next: NextFunction): void {
  if (config.auth.apiKeys.length === 0) {
    return next();
  }
  const provided = req.header('x-api-key');
  if (!provided || !config.auth.apiKeys.some((key) => safeEqual(key, provided))) {
    res.status(401).json({ error: 'invalid api key' });
    return;
  }
  next();
}

export function verifyToken(token: string): AuthUser | null {
  try {
    const payload = jwt.verify(token, config.auth.secretKey, {
      algorithms: ['HS256'],
      issuer: config.auth.issuer,
    }) as JwtPayload;
    if (typeof payload.sub !== 'string' || !payload.sub) return null;
    const role = payload.role === 'owner' || payload.role === 'admin' ? payload.role : 'visitor';
    return { id: payload.sub, role };
  } catch (err) {
    log.debug({ err: (err as Error).message }, 'token verification failed');
    return null;
  }
}

export function signToken(user: AuthUser, expiresIn: string | number = '12h'): string {
  return jwt.sign({ role: user.role }, config.auth.secretKey, {
    algorithm: 'HS256',
    subject: user.id,
    issuer: config.auth.issuer,
    expiresIn,
  });
}

/** Bearer-token authentication for end-user routes. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  const header = req.header('authorization') ?? '';
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    res.status(401).json({ error: 'missing bearer token' });
    return;
  }
  const user = verifyToken(token);
  if (!user) {
    res.status(401).json({ error: 'invalid or expired token' });
    return;
  }
  req.user = user;
  next();
}

export function requireRole(...roles: AuthUser['role'][]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.user || !roles.includes(req.user.role)) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    next();
  };
}
