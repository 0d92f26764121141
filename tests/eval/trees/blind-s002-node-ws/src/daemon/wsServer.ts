import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { config, type ProviderName } from '../config';
import { logger } from '../logger';
import {
  activeConnections,
  activeSessions,
  inflightRequests,
  semaphoreExhaustion,
  semaphoreInUse,
  semaphoreQueued,
  toolCalls,
  toolDuration,
} from '../monitoring/metrics';
import type { ProviderRegistry } from '../providers/registry';
import { describeTools, getTool } from '../tools';
import type { ToolContext } from '../tools/common';
import { DaemonError, TimeoutError, toErrorPayload } from '../utils/errors';
import { encode, parseFrame, type CallToolFrame, type HelloFrame, type OutboundFrame } from './protocol';
import { Semaphore } from './semaphore';
import type { Session, SessionManager } from './sessionManager';

const log = logger.child({ component: 'ws' });

const TOOL_CALL_TIMEOUT_MS = 120_000;
const HEARTBEAT_INTERVAL_MS = 30_000;

interface ConnState {
  id: number;
  remote: string;
  session?: Session;
  alive: boolean;
  requests: Set<string>;
}

function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${label} timed out after ${ms}ms`, ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    if (timer) clearTimeout(timer);
  });
}

function send(ws: WebSocket, frame: OutboundFrame): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(encode(frame), (err) => {
    if (err) log.warn('ws send failed', { op: frame.op, err });
  });
}

export class DaemonServer {
  private wss?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;
  private nextConnId = 1;

  private readonly globalSem = new Semaphore('global', config.concurrency.globalMax);
  private readonly providerSems = new Map<ProviderName, Semaphore>();
  private readonly inflightReqs = new Set<string>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly conns = new Map<WebSocket, ConnState>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly getRegistry: () => Promise<ProviderRegistry>,
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: config.ws.host,
        port: config.ws.port,
        maxPayload: config.ws.maxPayloadBytes,
        perMessageDeflate: false,
      });
      wss.once('listening', () => {
        log.info('websocket daemon listening', { host: config.ws.host, port: config.ws.port });
        resolve();
      });
      wss.once('error', reject);
      wss.on('connection', (ws, req) => this.onConnection(ws, req));
      this.wss = wss;

      this.heartbeat = setInterval(() => this.sweepDeadConnections(), HEARTBEAT_INTERVAL_MS);
    });
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.controllers.values()) c.abort();
    for (const ws of this.conns.keys()) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  semaphoreSnapshot() {
    return {
      global: this.globalSem.snapshot(),
      providers: [...this.providerSems.values()].map((s) => s.snapshot()),
      inflight: this.inflightReqs.size,
    };
  }

  connectionCount(): number {
    return this.conns.size;
  }

  private providerSemaphore(name: ProviderName): Semaphore {
    let sem = this.providerSems.get(name);
    if (!sem) {
      sem = new Semaphore(`provider:${name}`, config.concurrency.perProviderMax);
      this.providerSems.set(name, sem);
    }
    return sem;
  }

  private updateGauges(): void {
    for (const s of [this.globalSem, ...this.providerSems.values()]) {
      const snap = s.snapshot();
      semaphoreInUse.set({ semaphore: snap.name }, snap.inUse);
      semaphoreQueued.set({ semaphore: snap.name }, snap.queued);
    }
    inflightRequests.set(this.inflightReqs.size);
    activeConnections.set(this.conns.size);
    activeSessions.set(this.sessions.count());
  }

  private sweepDeadConnections(): void {
    for (const [ws, state] of this.conns) {
      if (!state.alive) {
        log.info('terminating unresponsive connection', { conn: state.id, session: state.session?.id });
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
    this.updateGauges();
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const state: ConnState = {
      id: this.nextConnId++,
      remote: req.socket.remoteAddress ?? 'unknown',
      alive: true,
      requests: new Set(),
    };
    this.conns.set(ws, state);
    activeConnections.set(this.conns.size);
    log.info('connection opened', { conn: state.id, remote: state.remote });

    const helloTimer = setTimeout(() => {
      if (!state.session) {
        log.warn('no hello received, closing', { conn: state.id });
        ws.close(4001, 'hello timeout');
      }
    }, config.timeouts.helloTimeoutMs);

    ws.on('pong', () => {
      state.alive = true;
    });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send(ws, { op: 'error', code: 'BAD_REQUEST', message: 'binary frames are not supported' });
        return;
      }
      this.dispatch(ws, state, data.toString('utf8')).catch(() => {});
    });

    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      for (const reqId of state.requests) {
        this.controllers.get(reqId)?.abort();
      }
      if (state.session) this.sessions.detach(state.session.id);
      this.conns.delete(ws);
      activeConnections.set(this.conns.size);
      log.info('connection closed', {
        conn: state.id,
        session: state.session?.id,
        code,
        reason: reason.toString('utf8').slice(0, 120),
      });
    });

    ws.on('error', (err) => {
      log.warn('connection error', { conn: state.id, session: state.session?.id, err });
    });
  }

  private async dispatch(ws: WebSocket, state: ConnState, raw: string): Promise<void> {
    state.alive = true;
    const frame = (() => {
      try {
        return parseFrame(raw);
      } catch (err) {
        send(ws, { op: 'error', ...toErrorPayload(err) });
        return undefined;
      }
    })();
    if (!frame) return;

    if (!state.session) {
      if (frame.op !== 'hello') {
        send(ws, { op: 'error', code: 'UNAUTHORIZED', message: 'send hello first' });
        ws.close(4003, 'hello required');
        return;
      }
      await this.handleHello(ws, state, frame);
      return;
    }

    this.sessions.touch(state.session.id);

    switch (frame.op) {
      case 'hello':
        send(ws, { op: 'error', code: 'BAD_REQUEST', message: 'already authenticated' });
        return;
      case 'ping':
        send(ws, { op: 'pong', ts: Date.now() });
        return;
      case 'list_tools':
        send(ws, { op: 'list_tools_res', request_id: frame.request_id, tools: describeTools() });
        return;
      case 'cancel': {
        const controller = this.controllers.get(frame.request_id);
        if (controller) {
          controller.abort();
          log.info('request cancelled by client', { session: state.session.id, requestId: frame.request_id });
        }
        return;
      }
      case 'call_tool':
        await this.handleCallTool(ws, state, state.session, frame);
        return;
    }
  }

  private async handleHello(ws: WebSocket, state: ConnState, frame: HelloFrame): Promise<void> {
    if (config.ws.authToken && frame.token !== config.ws.authToken) {
      log.warn('hello rejected: bad token', { conn: state.id, remote: state.remote });
      send(ws, { op: 'hello_ack', ok: false, error: 'unauthorized' });
      ws.close(4003, 'unauthorized');
      return;
    }
    const client = typeof frame.client === 'string' ? frame.client.slice(0, 64) : 'unknown';
    const session = await this.sessions.open(client, frame.session_id);
    state.session = session;
    send(ws, { op: 'hello_ack', ok: true, session_id: session.id });
    this.updateGauges();
  }

  private async handleCallTool(
    ws: WebSocket,
    state: ConnState,
    session: Session,
    frame: CallToolFrame,
  ): Promise<void> {
    const reqId = frame.request_id;
    const toolName = frame.name.trim().toLowerCase();
    const tool = getTool(toolName);
    if (!tool) {
      send(ws, { op: 'error', request_id: reqId, code: 'NOT_FOUND', message: `unknown tool: ${toolName}` });
      return;
    }

    if (this.inflightReqs.has(reqId)) {
      send(ws, { op: 'error', request_id: reqId, code: 'BAD_REQUEST', message: 'duplicate request_id' });
      return;
    }
    this.inflightReqs.add(reqId);
    state.requests.add(reqId);

    if (session.inflight >= config.concurrency.perSessionMax) {
      send(ws, {
        op: 'error',
        request_id: reqId,
        code: 'OVER_CAPACITY',
        message: `session already has ${session.inflight} requests in flight`,
      });
      return;
    }

    if (!this.globalSem.tryAcquire()) {
      semaphoreExhaustion.inc({ semaphore: 'global' });
      log.warn('global semaphore exhausted', { session: session.id, requestId: reqId });
      this.inflightReqs.delete(reqId);
      state.requests.delete(reqId);
      send(ws, { op: 'error', request_id: reqId, code: 'OVER_CAPACITY', message: 'daemon at capacity' });
      return;
    }
    session.inflight += 1;

    const args = frame.arguments ?? {};
    const registry = await this.getRegistry();
    const model = typeof args.model === 'string' ? args.model : undefined;
    const provider = registry.resolve(model, config.providers.defaultProvider);
    const providerName: ProviderName = provider?.name ?? config.providers.defaultProvider;
    const providerSem = this.providerSemaphore(providerName);
    await providerSem.acquire();

    const controller = new AbortController();
    this.controllers.set(reqId, controller);
    await this.sessions.recordCall(session.id);
    send(ws, { op: 'call_tool_ack', request_id: reqId, accepted: true });
    this.updateGauges();

    const reqLog = log.child({ session: session.id, requestId: reqId, tool: tool.name, provider: providerName });
    const ctx: ToolContext = {
      sessionId: session.id,
      requestId: reqId,
      registry,
      signal: controller.signal,
      log: reqLog,
      progress: (note) => send(ws, { op: 'progress', request_id: reqId, note }),
    };

    const started = process.hrtime.bigint();
    try {
      const result = await withTimeout(tool.run(args, ctx), TOOL_CALL_TIMEOUT_MS, `tool ${tool.name}`);
      send(ws, {
        op: 'call_tool_res',
        request_id: reqId,
        outputs: result.outputs,
        provider: result.provider,
        model: result.model,
      });
      toolCalls.inc({ tool: tool.name, outcome: 'ok', session: session.id });
    } catch (err) {
      if (err instanceof TimeoutError) {
        controller.abort();
        reqLog.warn('tool call timed out', { timeoutMs: err.timeoutMs });
        toolCalls.inc({ tool: tool.name, outcome: 'timeout', session: session.id });
        send(ws, { op: 'error', request_id: reqId, code: 'TIMEOUT', message: err.message });
        return;
      }
      const outcome = err instanceof DaemonError ? err.code.toLowerCase() : 'error';
      toolCalls.inc({ tool: tool.name, outcome, session: session.id });
      if (err instanceof DaemonError && err.code === 'BAD_REQUEST') {
        reqLog.info('tool rejected input', { message: err.message });
      } else {
        reqLog.error('tool call failed', { err });
      }
      send(ws, { op: 'error', request_id: reqId, ...toErrorPayload(err) });
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      toolDuration.observe({ tool: tool.name, provider: providerName }, seconds);
    }

    providerSem.release();
    this.globalSem.release();
    session.inflight -= 1;
    this.inflightReqs.delete(reqId);
    this.controllers.delete(reqId);
    state.requests.delete(reqId);
    this.updateGauges();
  }
}
