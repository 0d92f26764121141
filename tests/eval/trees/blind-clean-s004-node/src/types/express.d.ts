import type { Principal } from '../auth/jwt';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export {};
