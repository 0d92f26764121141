import bcrypt from 'bcryptjs';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Config } from './config';
import { users } from './db';
import { logger } from './logger';

export interface Claims {
  sub: string;
  role: 'user' | 'admin';
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: Claims;
  }
}

export function signToken(cfg: Config, claims: Claims): string {
  return jwt.sign(claims, cfg.jwtSecret, { algorithm: 'HS256', expiresIn: cfg.jwtTtlSeconds });
}

export function verifyToken(cfg: Config, token: string): Claims {
  const payload = jwt.verify(token, cfg.jwtSecret, { algorithms: ['HS256'] });
  if (typeof payload === 'string' || typeof payload.sub !== 'string') {
    throw new Error('malformed token payload');
  }
  return { sub: payload.sub, role: payload.role === 'admin' ? 'admin' : 'user' };
}

export function requireAuth(cfg: Config) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) {
      res.status(401).json({ error: 'missing bearer token' });
      return;
    }
    try {
      req.user = verifyToken(cfg, token);
      next();
    } catch {
      res.status(401).json({ error: 'invalid or expired token' });
    }
  };
}

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.role !== 'admin') {
    res.status(403).json({ error: 'admin role required' });
    return;
  }
  next();
}

export function loginHandler(cfg: Config) {
  return async (req: Request, res: Response): Promise<void> => {
    const { email, password } = req.body ?? {};
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || password.length > 256) {
      res.status(400).json({ error: 'email and password are required' });
      return;
    }
    try {
      const user = await users().findOne({ email: email.toLowerCase() });
      const ok = user !== null && (await bcrypt.compare(password, user.passwordHash));
      if (!user || !ok) {
        res.status(401).json({ error: 'invalid credentials' });
        return;
      }
      res.json({ token: signToken(cfg, { sub: user._id, role: user.role }), expiresIn: cfg.jwtTtlSeconds });
    } catch (err) {
      logger.error({ err }, 'login failed');
      res.status(500).json({ error: 'internal error' });
    }
  };
}
