/**
 * Helpers the CC PaaS simulator's tests share: a fast simulator, a CTI client on a real `ws`
 * socket speaking the wire of ccpaas-wire.md (requests, replies, callbacks, close codes), and the
 * ctc REST client with Basic authorization as an integrator's server would call it.
 */
import { WebSocket } from 'ws';
import { DEFAULT_ACCOUNT, DEFAULT_APP_SID, type CcpaasSimulator, type CcpaasSimulatorOptions } from './ccpaas-simulator.ts';

/** Short delays keep the flows fast; tests wait for callbacks rather than sleeping. */
export const FAST: CcpaasSimulatorOptions = {
  agentAnswerDelayMs: 10,
  agentRingTimeoutMs: 300,
  ringDelayMs: 5,
  answerDelayMs: 15,
  noAnswerTimeoutMs: 120,
  wrapupSeconds: 0.1,
  heartbeatTimeoutMs: 0,
};

export const APP = DEFAULT_APP_SID;

/** Frames are checked with toEqual / toMatchObject; loose typing is enough here. */
export type Json = any;

export class CtiClient {
  readonly frames: Json[] = [];
  closed: { code: number; reason: string } | null = null;
  private nextId = 1;
  private readonly waiters = new Set<() => void>();
  private readonly seen = new Set<Json>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  static async open(url: string): Promise<CtiClient> {
    const ws = new WebSocket(url);
    const client = new CtiClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Waits until `find` returns something (checked on every frame and close). */
  async until<T>(find: () => T | undefined, what: string, timeoutMs = 2000): Promise<T> {
    const first = find();
    if (first !== undefined) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.slice(-8))}`));
      }, timeoutMs);
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
    });
  }

  /** Sends a request; resolves with its reply's `result`. */
  async call(method: string, params?: Record<string, unknown>): Promise<Json> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    const reply = await this.until(() => this.frames.find((f) => f.id === id), `the reply to ${method} #${id}`);
    return reply.result;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  async initial(agentNo: string, extra: Record<string, unknown> = {}, pwd = '123456'): Promise<Json> {
    return this.call('initial', { appSid: APP, agentNo, pwd, ...extra });
  }

  /** Callbacks (onCallEvent / onStatusEvent) in arrival order. */
  get callbacks(): Json[] {
    return this.frames.filter((f) => f.callback === 'onCallEvent' || f.callback === 'onStatusEvent');
  }

  get connEvents(): string[] {
    return this.frames.filter((f) => f.callback === 'onConnEvent').map((f) => f.data);
  }

  /** eventName of each callback, e.g. "call:initiated", "status:login". */
  get names(): string[] {
    return this.callbacks.map((f) => `${f.callback === 'onCallEvent' ? 'call' : 'status'}:${f.data.eventName}`);
  }

  /** The next callback (not waited for before) whose `call:x` / `status:x` name is `name` and that matches. */
  async next(name: string, match: (data: Json) => boolean = () => true, timeoutMs = 2000): Promise<Json> {
    const frame = await this.until(
      () => this.callbacks.find((f) => !this.seen.has(f) && `${f.callback === 'onCallEvent' ? 'call' : 'status'}:${f.data.eventName}` === name && match(f.data)),
      name,
      timeoutMs,
    );
    this.seen.add(frame);
    return frame.data;
  }

  async waitClose(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed ?? undefined, 'close', timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

/** An agent's socket after initial + login. */
export async function loggedIn(sim: CcpaasSimulator, agentNo: string, phoneType = 1, extra: Record<string, unknown> = {}): Promise<CtiClient> {
  const client = await CtiClient.open(sim.ctiUrl);
  const init = await client.initial(agentNo, extra);
  if (init.statusCode !== '00000') throw new Error(`initial failed: ${JSON.stringify(init)}`);
  const login = await client.call('login', { phoneType });
  if (login.statusCode !== '00000') throw new Error(`login failed: ${JSON.stringify(login)}`);
  await client.next('status:login');
  return client;
}

export function basic(accountSid = DEFAULT_ACCOUNT.accountSid, token = DEFAULT_ACCOUNT.accountToken): string {
  return `Basic ${Buffer.from(`${accountSid}:${token}`).toString('base64')}`;
}

export interface RestResult {
  status: number;
  json: Json;
  text: string;
}

/** The ctc REST client: path relative to /{SoftVersion}/Accounts/{accountSid}/Applications/{app}/ctc/Conversations. */
export class CtcClient {
  constructor(
    readonly sim: CcpaasSimulator,
    readonly auth: string | null = basic(),
  ) {}

  url(conversationSid?: string, o: { version?: string; account?: string; app?: string } = {}): string {
    const base = `${this.sim.baseUrl}/${o.version ?? this.sim.softVersion}/Accounts/${o.account ?? DEFAULT_ACCOUNT.accountSid}/Applications/${o.app ?? APP}/ctc/Conversations`;
    return conversationSid === undefined ? base : `${base}/${conversationSid}`;
  }

  async post(url: string, body: unknown, o: { auth?: string | null; method?: string; raw?: boolean } = {}): Promise<RestResult> {
    const auth = o.auth === undefined ? this.auth : o.auth;
    const res = await fetch(url, {
      method: o.method ?? 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json;charset=utf-8', ...(auth === null ? {} : { Authorization: auth }) },
      ...(o.method === 'GET' ? {} : { body: o.raw ? (body as string) : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, json, text };
  }

  click2call(params: Record<string, unknown>): Promise<RestResult> {
    return this.post(this.url(), { action: 'click2call', ...params });
  }

  cancelCall(conversationSid: string): Promise<RestResult> {
    return this.post(this.url(conversationSid), { action: 'cancelCall' });
  }

  addCall(conversationSid: string, params: Record<string, unknown>): Promise<RestResult> {
    return this.post(this.url(conversationSid), { action: 'addCall', ...params });
  }
}

/** Polls until `check` passes (for platform state that has no callback, e.g. ctc conversations). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
