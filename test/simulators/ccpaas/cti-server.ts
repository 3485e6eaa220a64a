/**
 * The CTI server's WebSocket at `/cti`, framed exactly as docs/providers/ccpaas-wire.md: requests
 * `{id, method, params}`, one reply `{id, method, result}` each, callbacks `{callback, seq, data}`,
 * `onConnEvent` auth_succ / auth_fail, replay of kept callbacks after `initial` with `lastSeq`,
 * one socket per agent (the older one closed 4001 'replaced'), heartbeat, 64 KiB frames.
 * The agent state and the calls live in platform.ts; this file only carries them.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { maskNumber } from './format.ts';
import type { AgentRuntime, KeptCallback } from './model.ts';
import type { CtiResult, Platform } from './platform.ts';
import { CONN_EVENT, CTI_CODE, CTI_METHODS, CTI_MSG, MAX_FRAME_BYTES, REPLACED_CLOSE, type CtiMethod } from './rules.ts';

export const CTI_PATH = '/cti';

/** One socket. `agent` is set by a successful initial. */
export interface CtiConnection {
  id: number;
  ws: WebSocket;
  agent: AgentRuntime | null;
  encryptNumber: boolean;
  lastSeen: number;
  openedAt: number;
  /** While a request is handled, its callbacks wait here so that the reply goes first. */
  held: KeptCallback[] | null;
}

/** One frame the server received, as the request log keeps it. */
export interface CtiFrameRecord {
  at: number;
  connection: number;
  agentNo: string | null;
  /** The parsed frame, or the raw text (capped) when it was not JSON. */
  frame: unknown;
  reply: unknown;
}

export interface CtiServerOptions {
  /** A socket that sends nothing (no heartbeat) for this long is closed 1001; 0 = never. */
  heartbeatTimeoutMs: number;
  onFrame?: (record: CtiFrameRecord) => void;
}

export class CtiServer {
  readonly connections = new Set<CtiConnection>();
  readonly frames: CtiFrameRecord[] = [];
  /** Upgrades to /cti are refused (HTTP 503) until this time: the client's connect_fail. */
  refuseUntil = 0;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private counter = 0;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly platform: Platform,
    private readonly opts: CtiServerOptions,
  ) {
    platform.deliver = (agent, kept) => {
      for (const conn of this.connections) {
        if (conn.agent !== agent) continue;
        if (conn.held !== null) conn.held.push(kept);
        else this.sendCallback(conn, kept);
      }
    };
  }

  /** Handles an HTTP upgrade; false when the path is not ours (the caller answers 404). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (path !== CTI_PATH) return false;
    if (Date.now() < this.refuseUntil) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws));
    return true;
  }

  start(): void {
    if (this.sweep !== null || this.opts.heartbeatTimeoutMs <= 0) return;
    this.sweep = setInterval(() => {
      const limit = Date.now() - this.opts.heartbeatTimeoutMs / this.platform.clock.speed;
      for (const conn of this.connections) if (conn.lastSeen < limit) conn.ws.close(1001, 'heartbeat timeout');
    }, 250);
    this.sweep.unref();
  }

  /** Cuts the sockets (of one agent, or all) without a closing handshake (the client sees 1006); calls go on. */
  drop(agent?: AgentRuntime): number {
    let n = 0;
    for (const conn of [...this.connections]) {
      if (agent !== undefined && conn.agent !== agent) continue;
      conn.ws.terminate();
      this.connections.delete(conn);
      n++;
    }
    return n;
  }

  close(): void {
    if (this.sweep !== null) clearInterval(this.sweep);
    this.sweep = null;
    this.drop();
  }

  clearFrames(): void {
    this.frames.length = 0;
  }

  private onOpen(ws: WebSocket): void {
    const now = Date.now();
    const conn: CtiConnection = { id: ++this.counter, ws, agent: null, encryptNumber: false, lastSeen: now, openedAt: now, held: null };
    this.connections.add(conn);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('close', () => this.connections.delete(conn));
    ws.on('error', () => this.connections.delete(conn));
  }

  private onMessage(conn: CtiConnection, data: RawData, isBinary: boolean): void {
    conn.lastSeen = Date.now();
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.record(conn, text.slice(0, 200), null);
      conn.ws.close(1003, isBinary ? 'binary frames are not accepted' : 'frame is not a JSON object');
      return;
    }
    const request = frame as Record<string, unknown>;
    const id = request.id;
    const method = typeof request.method === 'string' ? request.method : '';
    const reply = (result: CtiResult): void => {
      const out = { id: typeof id === 'number' || typeof id === 'string' ? id : null, method, result };
      this.record(conn, request, out);
      this.send(conn, out);
    };
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) return reply({ statusCode: CTI_CODE.BAD_PARAM, statusMsg: CTI_MSG.badParam('id', '正整数') });
    if (!(CTI_METHODS as readonly string[]).includes(method)) return reply({ statusCode: CTI_CODE.UNKNOWN_METHOD, statusMsg: CTI_MSG.unknownMethod(method) });
    const rawParams = request.params ?? {};
    if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams)) return reply({ statusCode: CTI_CODE.BAD_PARAM, statusMsg: CTI_MSG.badParam('params') });
    const params = rawParams as Record<string, unknown>;
    if (method === 'initial') return this.initial(conn, params, reply);
    const agent = conn.agent;
    if (agent === null) return reply({ statusCode: CTI_CODE.NOT_INITIALISED, statusMsg: CTI_MSG.NOT_INITIALISED });
    conn.held = [];
    try {
      reply(this.dispatch(agent, method as Exclude<CtiMethod, 'initial'>, params));
    } finally {
      // the reply first, then the callbacks the request caused
      const held = conn.held;
      conn.held = null;
      for (const kept of held) this.sendCallback(conn, kept);
    }
  }

  private dispatch(agent: AgentRuntime, method: Exclude<CtiMethod, 'initial'>, params: Record<string, unknown>): CtiResult {
    const p = this.platform;
    switch (method) {
      case 'login':
        return p.login(agent, params);
      case 'logout':
        return p.logout(agent);
      case 'ready':
        return p.ready(agent);
      case 'pause':
        return p.pause(agent, params);
      case 'callOut':
        return p.callOut(agent, params);
      case 'hangup':
        return p.hangup(agent);
      case 'bridge':
        return p.bridge(agent);
      case 'holdCall':
        return p.holdCall(agent);
      case 'retrieveCall':
        return p.retrieveCall(agent);
      case 'heartbeat':
        return { statusCode: CTI_CODE.OK, statusMsg: CTI_MSG.OK };
    }
  }

  /** initial (seed 785-814): authenticate, bind the socket to the agent, replace an older socket, replay. */
  private initial(conn: CtiConnection, params: Record<string, unknown>, reply: (r: CtiResult) => void): void {
    const fail = (result: CtiResult): void => {
      conn.agent = null;
      reply(result);
      this.send(conn, { callback: 'onConnEvent', data: CONN_EVENT.AUTH_FAIL });
    };
    for (const field of ['appSid', 'agentNo', 'pwd'] as const) {
      if (typeof params[field] !== 'string' || params[field] === '') return fail({ statusCode: CTI_CODE.BAD_PARAM, statusMsg: CTI_MSG.badParam(field) });
    }
    const lastSeq = params.lastSeq;
    if (lastSeq !== undefined && (typeof lastSeq !== 'number' || !Number.isInteger(lastSeq) || lastSeq < 0)) return fail({ statusCode: CTI_CODE.BAD_PARAM, statusMsg: CTI_MSG.badParam('lastSeq', '非负整数') });
    const agent = this.platform.agentFor(params.appSid as string, params.agentNo as string);
    if (agent === undefined || agent.config.pwd !== params.pwd) return fail({ statusCode: CTI_CODE.AUTH_FAILED, statusMsg: CTI_MSG.AUTH_FAILED });
    for (const other of [...this.connections]) {
      if (other !== conn && other.agent === agent) {
        other.agent = null;
        this.connections.delete(other);
        other.ws.close(REPLACED_CLOSE.code, REPLACED_CLOSE.reason);
      }
    }
    conn.agent = agent;
    conn.encryptNumber = params.encryptNumber === 'true' || params.encryptNumber === true;
    reply({ statusCode: CTI_CODE.OK, statusMsg: CTI_MSG.OK, data: this.platform.initialData(agent) });
    this.send(conn, { callback: 'onConnEvent', data: CONN_EVENT.AUTH_SUCC });
    if (typeof lastSeq === 'number') for (const kept of agent.kept) if (kept.seq > lastSeq) this.sendCallback(conn, kept);
  }

  private sendCallback(conn: CtiConnection, kept: KeptCallback): void {
    let data: Record<string, string> = kept.data;
    if (conn.encryptNumber && kept.callback === 'onCallEvent' && data.userNumber !== undefined && data.userNumber !== '') {
      data = { ...data, userNumber: maskNumber(data.userNumber) };
    }
    this.send(conn, { callback: kept.callback, seq: kept.seq, data });
  }

  private send(conn: CtiConnection, frame: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  private record(conn: CtiConnection, frame: unknown, reply: unknown): void {
    const record: CtiFrameRecord = { at: Date.now(), connection: conn.id, agentNo: conn.agent?.config.agentNo ?? null, frame, reply };
    this.frames.push(record);
    if (this.frames.length > 1000) this.frames.shift();
    this.opts.onFrame?.(record);
  }
}
