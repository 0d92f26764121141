import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { type Claims, verifyToken } from '../auth';
import type { Config } from '../config';
import { logger } from '../logger';
import { metrics } from '../metrics';
import type { SessionManager } from '../sessions';
import { Connection } from './connection';

type AuthedRequest = IncomingMessage & { claims?: Claims };

export function attachGateway(server: Server, cfg: Config, deps: { sessions: SessionManager }) {
  const connections = new Set<Connection>();

  const originAllowed = (origin: string | undefined): boolean => {
    if (!origin) return false;
    return cfg.allowedOrigins.some((allowed) => origin.startsWith(allowed));
  };

  const wss = new WebSocketServer({
    server,
    path: '/ws',
    verifyClient: (info, done) => {
      if (!originAllowed(info.origin)) {
        logger.warn({ origin: info.origin }, 'websocket origin rejected');
        done(false, 403, 'origin not allowed');
        return;
      }
      const url = new URL(info.req.url ?? '/', 'http://localhost');
      const token = url.searchParams.get('token');
      if (!token) {
        done(false, 401, 'missing token');
        return;
      }
      try {
        (info.req as AuthedRequest).claims = verifyToken(cfg, token);
        done(true);
      } catch (err) {
        logger.info({ err: (err as Error).message }, 'websocket token rejected');
        done(false, 401, 'invalid token');
      }
    },
  });

  wss.on('connection', (socket, req: AuthedRequest) => {
    const claims = req.claims!;
    const requested = new URL(req.url ?? '/', 'http://localhost').searchParams.get('session') ?? undefined;
    const conn = new Connection(socket, claims.sub, cfg, deps);
    connections.add(conn);
    metrics.connectionOpened();
    socket.on('close', () => {
      connections.delete(conn);
      metrics.connectionClosed();
    });
    conn.start(requested).catch((err) => {
      logger.error({ err, userId: claims.sub }, 'failed to start websocket session');
      socket.close(1011, 'session unavailable');
    });
  });

  wss.on('error', (err) => logger.error({ err }, 'websocket server error'));

  return { wss, connections };
}
