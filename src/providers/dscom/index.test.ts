import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SocketFactory, SocketLike } from './dscom-billing.ts';
import type { FetchLike } from './dscom-client.ts';
import { type DscomSettings, dscomSettingsSchema } from './dscom-info.ts';
import { AUTH_LOST_POLL_MS, dscom, DscomSession, ERROR_POLL_MS, FAST_POLL_MS, SLOW_POLL_MS } from './index.ts';

const SETTINGS: DscomSettings = dscomSettingsSchema.parse({
  baseUrl: 'https://pbx.example.com:8443',
  billingUrl: '',
  clientId: '4',
  clientSecret: 's3cret',
  username: 'api',
  password: '123456',
  extension: '8001',
  agentId: '1011',
  queues: '200,201',
  displaycid: '',
  supervisor: false,
  wrapUpSeconds: 0,
});
const HOST = 'pbx.example.com:8443';

// ── A fake dscom server (fetch level) ─────────────────────────────────────────────────────────

interface Logged {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  token: string;
}

type Scripted = { status?: number; json?: unknown } | 'network-error';

class FakeDscom {
  device = 'Not in use';
  hasEndpoint = true;
  /** The agent's entry per queue: status code and duration. */
  queues = new Map<string, { status: string; duration: string }>();
  current = '';
  linkedid = '';
  parked: Record<string, unknown>[] = [];
  waiting: Record<string, Record<string, unknown>[]> = {};
  /** What cdr/list returns (every row, whatever the window; the test checks the window it was asked). */
  cdrs: Record<string, unknown>[] = [];
  down = false;
  password = '123456';
  clientSecret = 's3cret';
  /** Scripted replies for a path (API path like 'call/dial', or 'token'), used before the default. */
  scripted = new Map<string, Scripted[]>();
  log: Logged[] = [];
  private tokens = new Set<string>();
  private refreshTokens = new Set<string>();
  private n = 0;

  script(path: string, ...replies: Scripted[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...replies]);
  }

  /** Every issued token stops working (e.g. the server restarted). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  calls(path: string): Logged[] {
    return this.log.filter((l) => l.path === path);
  }

  fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const headers = (init.headers ?? {}) as Record<string, string>;
    const isToken = u.pathname === '/dscom-api/public/oauth/token';
    const path = isToken ? 'token' : u.pathname.replace('/dscom-api/api/v1/', '');
    this.log.push({ method: init.method ?? 'GET', path, query: Object.fromEntries(u.searchParams), body, token: (headers.Authorization ?? '').replace('Bearer ', '') });
    if (this.down) throw new TypeError('fetch failed');
    const next = this.scripted.get(path)?.shift();
    if (next === 'network-error') throw new TypeError('fetch failed');
    if (next) return json(next.json, next.status);
    if (isToken) return this.token(body);
    if (!this.tokens.has((headers.Authorization ?? '').replace('Bearer ', ''))) return json({ message: 'Unauthenticated.' }, 401);
    return json({ code: '200', msg: '成功', data: this.api(path, u.searchParams, body), total: 0 });
  };

  private token(body: Record<string, unknown>): Response {
    if (body.client_id !== 4 || body.client_secret !== this.clientSecret) return json({ error: 'invalid_client', message: 'Client authentication failed' }, 401);
    if (body.grant_type === 'password') {
      if (body.username !== 'api' || body.password !== this.password) return json({ error: 'invalid_grant', message: 'The user credentials were incorrect.' }, 400);
    } else if (body.grant_type === 'refresh_token') {
      if (!this.refreshTokens.delete(String(body.refresh_token))) return json({ error: 'invalid_request', message: 'The refresh token is invalid.' }, 400);
    } else return json({ error: 'unsupported_grant_type' }, 400);
    this.n++;
    this.tokens.add(`t${this.n}`);
    this.refreshTokens.add(`r${this.n}`);
    return json({ token_type: 'Bearer', expires_in: 1800, access_token: `t${this.n}`, refresh_token: `r${this.n}` });
  }

  private api(path: string, query: URLSearchParams, body: Record<string, unknown>): unknown {
    switch (path) {
      case 'status/endpoint':
        return this.hasEndpoint ? [{ endpoint: query.get('endpoint'), state: this.device, channels: '0 of inf', cid: query.get('endpoint') }] : [];
      case 'agent/getAgentStatus': {
        const data: Record<string, unknown> = {};
        for (const [queue, entry] of this.queues) {
          data[queue] = {
            '8001': { agentid: '1011', extension: '8001', queue, current: this.current, linkedid: this.linkedid, status: entry.status, statusDesc: '', statusDuration: entry.duration, direction: '0' },
          };
        }
        return this.queues.size ? data : [];
      }
      case 'agent/login':
      case 'agent/pause':
        this.queues.set(String(body.queue), { status: String(body.paused), duration: '00:00:00' });
        return [];
      case 'agent/logout':
        this.queues.delete(String(body.queue));
        return [];
      case 'call/dial':
        return { uniqueid: 'hwd-1750750498.613' };
      case 'call/parkList':
        return this.parked;
      case 'status/wait':
        return this.waiting[query.get('queue_num') ?? ''] ?? [];
      case 'cdr/list':
        return query.get('page') === '1' ? this.cdrs : [];
      default:
        return [];
    }
  }
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
}


class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  push(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  fail(): void {
    this.onclose?.({});
  }
}

// ── Harness ──────────────────────────────────────────────────────────────────────────────────

let server: FakeDscom;
let abort: AbortController;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date(2025, 5, 19, 9, 0, 0));
  server = new FakeDscom();
  FakeSocket.all = [];
  abort = new AbortController();
});

afterEach(() => {
  abort.abort();
  vi.useRealTimers();
});

function session(settings: Partial<DscomSettings> = {}, cursor?: unknown) {
  const { ctx, state } = fakeContext(cursor);
  const s = new DscomSession({ ...SETTINGS, ...settings }, ctx, { fetch: server.fetch, WebSocket: FakeSocket as unknown as SocketFactory });
  return { s, state, ctx };
}

/** Log in and start polling; the first poll has run when this resolves. */
async function loggedIn(settings: Partial<DscomSettings> = {}) {
  const h = session(settings);
  await h.s.login();
  h.s.resume(abort.signal);
  await vi.advanceTimersByTimeAsync(0);
  FakeSocket.all.at(-1)?.open();
  return h;
}


const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

// ── Tests ────────────────────────────────────────────────────────────────────────────────────

describe('provider object', () => {
  it('is the info plus a session factory', () => {
    expect(dscom.id).toBe('dscom');
    expect(typeof dscom.createSession).toBe('function');
    expect(dscom.capabilitiesFor).toBeTypeOf('function');
  });
});

describe('login', () => {
  it('password grant, then status, then queue login (公事暂休) for configured queues the agent is not in', async () => {
    server.queues.set('200', { status: '0', duration: '00:10:00' });
    const { s, state } = session();
    await expect(s.login()).resolves.toEqual({ name: '工号 1011', extension: '8001' });
    expect(server.log.map((l) => l.path)).toEqual(['token', expect.any(String), expect.any(String), 'agent/login']);
    expect(server.calls('token')[0]!.body).toMatchObject({ grant_type: 'password', username: 'api', client_id: 4 });
    expect(server.calls('agent/login').map((l) => l.body)).toEqual([{ agentid: '1011', extension: '8001', queue: '201', penalty: 0, paused: 5 }]);
    // The token lives in the cursor (chrome.storage.session), nowhere else.
    expect(state.cursor).toMatchObject({ token: { accessToken: 't1', refreshToken: 'r1', expiresIn: 1800 } });
  });

  it('a queue entry with status -1 (未登录) is signed in again', async () => {
    server.queues.set('200', { status: '-1', duration: '00:00:00' });
    const { s } = session();
    await s.login();
    expect(server.calls('agent/login').map((l) => l.body.queue)).toEqual(['200', '201']);
  });

  it.each<{ name: string; arrange: () => void; code: string; message: string }>([
    { name: 'wrong password', arrange: () => (server.password = 'other'), code: 'auth', message: '用户名或密码错误' },
    { name: 'wrong client secret', arrange: () => (server.clientSecret = 'other'), code: 'auth', message: '客户端 ID 或密钥错误' },
    { name: 'unknown extension', arrange: () => (server.hasEndpoint = false), code: 'refused', message: `dscom 服务器 ${HOST} 上没有分机 8001：请检查设置中的分机号` },
    { name: 'server down', arrange: () => (server.down = true), code: 'unreachable', message: `无法连接 dscom 服务器 ${HOST}` },
    {
      name: 'queue login refused',
      arrange: () => server.script('agent/login', { json: { code: '610007', msg: '座席签入参数有误' } }),
      code: 'refused',
      message: '签入队列 200 失败：座席签入参数有误（错误码 610007），请检查工号、分机号和队列设置',
    },
  ])('$name → $code: $message', async ({ arrange, code, message }) => {
    arrange();
    const error = await failure(session().s.login());
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });
});

describe('polling', () => {
  it('every 5 s without a call; status/endpoint and getAgentStatus with their query parameters', async () => {
    await loggedIn();
    const polls = () => server.calls('status/endpoint').length;
    const first = polls();
    await tick(SLOW_POLL_MS - 1);
    expect(polls()).toBe(first);
    await tick(1);
    expect(polls()).toBe(first + 1);
    expect(server.calls('status/endpoint').at(-1)!.query).toEqual({ page: '1', pageSize: '10', endpoint: '8001' });
    expect(server.calls('agent/getAgentStatus').at(-1)!.query).toEqual({ agentid: '1011', extension: '8001' });
  });

  it('the agent state with since = now − statusDuration', async () => {
    server.queues.set('200', { status: '0', duration: '00:04:34' });
    server.queues.set('201', { status: '0', duration: '00:04:34' });
    const { state } = await loggedIn();
    expect(state.agentState).toBe('ready');
    expect(state.agentStateSince).toBe(Date.now() - 274_000);
  });

  it('an inbound call: ringing → incoming with the caller and linkedid, answered on the phone, hung up; 1 s polls meanwhile', async () => {
    const { state } = await loggedIn();
    server.device = 'Ringing';
    server.current = '18312345678';
    server.linkedid = 'hwd-1750839936.661';
    await tick(SLOW_POLL_MS);
    expect(state.call).toMatchObject({ state: 'incoming', direction: 'inbound', number: '18312345678', vendorCallId: 'hwd-1750839936.661' });
    const polls = server.calls('status/endpoint').length;
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(server.calls('status/endpoint').length).toBe(polls + 1);
    expect(state.call?.state).toBe('connected');
    server.device = 'Not in use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('ended');
  });

  it('the phone offline: a problem banner, gone when it registers again', async () => {
    server.device = 'Unavailable';
    const { state } = await loggedIn();
    expect(state.problem).toMatchObject({ message: '分机 8001 未注册（话机离线）' });
    server.device = 'Not in use';
    await tick(SLOW_POLL_MS);
    expect(state.problem).toBeNull();
  });

  it('server unreachable: banner naming the host, polls every 10 s, cleared on recovery', async () => {
    const { state } = await loggedIn();
    server.down = true;
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ code: 'unreachable', message: `无法连接 dscom 服务器 ${HOST}` });
    expect(state.problem?.hint).toContain('10 秒');
    const tries = server.log.length;
    await tick(ERROR_POLL_MS - 1);
    expect(server.log.length).toBe(tries);
    server.down = false;
    await tick(1);
    expect(state.problem).toBeNull();
  });

  it('the token is refreshed from the poll loop at 80 % of its life, not on every request, not after a 401', async () => {
    await loggedIn();
    await tick(1_435_000);
    expect(server.calls('token')).toHaveLength(1);
    await tick(SLOW_POLL_MS);
    expect(server.calls('token').map((l) => l.body.grant_type)).toEqual(['password', 'refresh_token']);
    expect(server.log.filter((l) => l.path !== 'token' && l.token === '')).toHaveLength(0);
    expect(server.log.some((l) => l.path === 'status/endpoint' && l.token === 't2')).toBe(true);
  });

  it('tokens revoked on the server (401): refresh, retry, carry on — no banner', async () => {
    const { state } = await loggedIn();
    server.revokeTokens();
    await tick(SLOW_POLL_MS);
    expect(server.calls('token').map((l) => l.body.grant_type)).toEqual(['password', 'refresh_token']);
    expect(state.problem).toBeNull();
    expect(state.cursor).toMatchObject({ token: { accessToken: 't2' } });
  });

  it('password changed on the server and the tokens revoked: the login is lost, the banner says so', async () => {
    const { state } = await loggedIn();
    server.revokeTokens();
    server.password = 'changed';
    server.script('token', { status: 400, json: { error: 'invalid_request', message: 'The refresh token is invalid.' } });
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ code: 'auth', message: '登录已过期且无法重新登录：用户名或密码错误' });
    expect(state.problem?.hint).toContain('重新登录');
    // Nothing more is asked of the server with the saved password.
    const tokenRequests = server.calls('token').length;
    await tick(120_000);
    expect(server.calls('token').length).toBe(tokenRequests);
  });

  it('a token refused twice in a row (revoked again while it was renewed): the banner goes once a poll works again', async () => {
    const { state } = await loggedIn();
    const unauthenticated = { status: 401, json: { message: 'Unauthenticated.' } };
    server.script('status/endpoint', unauthenticated, unauthenticated);
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ code: 'auth' });
    await tick(AUTH_LOST_POLL_MS);
    expect(server.calls('status/endpoint').length).toBeGreaterThan(3);
    expect(state.problem).toBeNull();
  });

  it('a new service worker resumes from the saved token without logging in again', async () => {
    const first = await loggedIn();
    abort.abort();
    abort = new AbortController();
    const second = session({}, first.state.cursor);
    second.s.resume(abort.signal);
    await tick(0);
    expect(server.calls('token')).toHaveLength(1);
    expect(server.calls('status/endpoint').at(-1)!.token).toBe('t1');
  });
});

describe('dial', () => {
  it('call/dial with extension, dest and displaycid; call.dialing with the uniqueid; ringing, connected, ended from the poll', async () => {
    const { s, state } = await loggedIn({ displaycid: '02161234567' });
    await s.dial('13912345678');
    expect(server.calls('call/dial').map((l) => l.body)).toEqual([{ extension: '8001', dest: '13912345678', displaycid: '02161234567' }]);
    expect(state.call).toMatchObject({ state: 'dialing', direction: 'outbound', number: '13912345678', vendorCallId: 'hwd-1750750498.613' });
    server.device = 'Ringing';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('ringing');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
    server.device = 'Not in use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('ended');
  });

  it('the phone still idle right after the dial is not the end of the call', async () => {
    const { s, state } = await loggedIn();
    await s.dial('13912345678');
    await tick(FAST_POLL_MS * 3);
    expect(state.call?.state).toBe('dialing');
  });

  it('refused locally during a call, and for a number that cannot be dialled', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.dial('139-1234'))).code).toBe('invalid-input');
    await s.dial('13912345678');
    expect((await failure(s.dial('10086'))).code).toBe('precondition');
    expect(server.calls('call/dial')).toHaveLength(1);
  });

  it.each<{ name: string; reply: Scripted }>([
    { name: 'a vendor error', reply: { json: { code: '600001', msg: '呼叫异常' } } },
    { name: 'HTTP 500', reply: { status: 500, json: { message: 'Server Error' } } },
    { name: 'a network error', reply: 'network-error' },
  ])('never retried after $name; no call shown', async ({ reply }) => {
    const { s, state } = await loggedIn();
    server.script('call/dial', reply);
    await failure(s.dial('13912345678'));
    expect(server.calls('call/dial')).toHaveLength(1);
    expect(state.call).toBeNull();
  });

  it('the vendor error reads as the document says', async () => {
    const { s } = await loggedIn();
    server.script('call/dial', { json: { code: '600001', msg: '呼叫异常' } });
    expect((await failure(s.dial('13912345678'))).message).toBe('外呼失败：呼叫异常（错误码 600001），请确认话机已注册并空闲');
  });

  it('retried once after a 401 (not run by the server): a new token first', async () => {
    const { s, state } = await loggedIn();
    server.revokeTokens();
    await s.dial('13912345678');
    expect(server.calls('call/dial').map((l) => l.token)).toEqual(['t1', 't2']);
    expect(state.call?.state).toBe('dialing');
  });
});

describe('hold, unhold, hang-up, transfer', () => {
  async function connectedCall() {
    const h = await loggedIn();
    await h.s.dial('13912345678');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(h.state.call?.state).toBe('connected');
    return h;
  }

  it('hold shows held at once; the phone still "In use" does not undo it; unhold resumes', async () => {
    const { s, state } = await connectedCall();
    await s.hold();
    expect(server.calls('call/hold').map((l) => l.body)).toEqual([{ extension: '8001' }]);
    expect(state.call?.state).toBe('held');
    await tick(FAST_POLL_MS * 2);
    expect(state.call?.state).toBe('held');
    server.device = 'On Hold';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('held');
    await s.unhold();
    expect(state.call?.state).toBe('connected');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
  });

  it('held on the phone and resumed on the phone are followed from the poll', async () => {
    const { state } = await connectedCall();
    server.device = 'On Hold';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('held');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
  });

  it('preconditions: hold needs a connected call, unhold a held one, hang-up and transfer a call', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.hold())).code).toBe('precondition');
    expect((await failure(s.unhold())).code).toBe('precondition');
    expect((await failure(s.hangup())).code).toBe('precondition');
    expect((await failure(s.transfer('8005'))).code).toBe('precondition');
    await s.dial('13912345678');
    expect((await failure(s.hold())).message).toBe('通话接通后才能保持');
    expect(server.log.filter((l) => ['call/hold', 'call/unhold', 'call/hangup', 'call/transfer'].includes(l.path))).toHaveLength(0);
  });

  it('hang-up asks the PBX; the end comes from the poll', async () => {
    const { s, state } = await connectedCall();
    await s.hangup();
    expect(server.calls('call/hangup').map((l) => l.body)).toEqual([{ extension: '8001' }]);
    server.device = 'Not in use';
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('ended');
  });

  it('blind transfer: call/transfer type blind; the agent’s leg is gone at once, the call ends saying why', async () => {
    const { s, state } = await connectedCall();
    expect((await failure(s.transfer('80 05'))).code).toBe('invalid-input');
    await s.transfer('8005');
    expect(server.calls('call/transfer').map((l) => l.body)).toEqual([{ type: 'blind', extension: '8001', dest: '8005' }]);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已转接到 8005' });
    // The poll then sees the phone idle: nothing changes.
    server.device = 'Not in use';
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已转接到 8005' });
  });

  it('answer and mute are not possible through the API', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.answer())).code).toBe('unsupported');
    expect((await failure(s.mute())).code).toBe('unsupported');
  });
});

describe('agent state', () => {
  it('a pause on every configured queue the agent is in, with the reason', async () => {
    const { s, state } = await loggedIn();
    await s.setAgentState('pause4');
    expect(server.calls('agent/pause').map((l) => l.body)).toEqual([
      { extension: '8001', paused: 4, queue: '200', reason: 'PrivateBreak' },
      { extension: '8001', paused: 4, queue: '201', reason: 'PrivateBreak' },
    ]);
    expect(state.agentState).toBe('pause4');
    await s.setAgentState('ready');
    expect(server.calls('agent/pause').slice(-2).map((l) => [l.body.paused, l.body.reason])).toEqual([
      [0, 'Ready'],
      [0, 'Ready'],
    ]);
  });

  it('logged out: ready signs in to each queue with paused 0 (no pause request)', async () => {
    const { s, state } = await loggedIn();
    await s.setAgentState('loggedOut');
    expect(server.calls('agent/logout').map((l) => l.body)).toEqual([
      { extension: '8001', queue: '200' },
      { extension: '8001', queue: '201' },
    ]);
    await tick(0);
    expect(state.agentState).toBe('loggedOut');
    const loginsBefore = server.calls('agent/login').length;
    await s.setAgentState('ready');
    expect(server.calls('agent/login').slice(loginsBefore).map((l) => [l.body.queue, l.body.paused])).toEqual([
      ['200', 0],
      ['201', 0],
    ]);
    expect(server.calls('agent/pause')).toHaveLength(0);
  });

  it('custom states 11–13 and the public break', async () => {
    const { s } = await loggedIn();
    for (const id of ['pause11', 'pause12', 'pause13', 'pause5']) await s.setAgentState(id);
    expect(server.calls('agent/pause').filter((_, i) => i % 2 === 0).map((l) => [l.body.paused, l.body.reason])).toEqual([
      [11, 'Custom1'],
      [12, 'Custom2'],
      [13, 'Custom3'],
      [5, 'PublicBreak'],
    ]);
  });

  it('signing out during a call is refused; states the platform sets are not accepted', async () => {
    const { s } = await loggedIn();
    await s.dial('13912345678');
    expect((await failure(s.setAgentState('loggedOut'))).code).toBe('precondition');
    expect((await failure(s.setAgentState('inCall'))).code).toBe('invalid-input');
  });

  it('CallBar logout signs out of the configured queues only', async () => {
    server.queues.set('300', { status: '0', duration: '00:00:01' }); // assigned by the administrator
    const { s } = await loggedIn();
    await s.logout();
    expect(server.calls('agent/logout').map((l) => l.body.queue)).toEqual(['200', '201']);
    expect(server.queues.has('300')).toBe(true);
  });
});

describe('a ring the agent rows say nothing about', () => {
  it('the phone read ringing, the agent rows read after the ring ended: no phantom 未知号码 call', async () => {
    const { state } = await loggedIn();
    server.queues.set('200', { status: '0', duration: '00:00:10' });
    server.device = 'Ringing';
    await tick(SLOW_POLL_MS);
    expect(state.call).toBeNull();
    server.device = 'Not in use';
    await tick(SLOW_POLL_MS);
    expect(state.call).toBeNull();
    expect(state.events.filter((e) => e.type === 'call.incoming')).toEqual([]);
  });

  it('a ring that lasts is shown at the next poll (a second later), even with nothing in the rows', async () => {
    const { state } = await loggedIn();
    server.queues.set('200', { status: '0', duration: '00:00:10' });
    server.device = 'Ringing';
    await tick(SLOW_POLL_MS);
    expect(state.call).toBeNull();
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'incoming', number: '未知号码' });
  });
});

describe('a dial whose reply came back cut', () => {
  it('the call the PBX then rings the agent\'s phone with is that dial (outbound to the number dialled), not an incoming call', async () => {
    const { s, state } = await loggedIn();
    server.script('call/dial', { json: { cod: '20' } });
    expect((await failure(s.dial('13912345678'))).code).toBe('malformed-reply');
    server.queues.set('200', { status: '2', duration: '00:00:00' });
    server.current = '13912345678';
    server.linkedid = 'hwd-1750750498.613';
    server.device = 'Ringing';
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ direction: 'outbound', number: '13912345678', vendorCallId: 'hwd-1750750498.613' });
  });
});

describe('hang-up of a dial the poll never saw ring', () => {
  it('ends the call at the next poll once the PBX accepted call/hangup (no 10 s dial grace)', async () => {
    const { s, state } = await loggedIn();
    await s.dial('13912345678');
    expect(state.call).toMatchObject({ state: 'dialing' });
    // The PBX rang the phone and hung up between two polls: the phone is idle again.
    await s.hangup();
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended' });
    expect(state.call?.cause).toBeUndefined();
  });

  it('an idle phone without a hang-up still waits for the PBX to ring it', async () => {
    const { s, state } = await loggedIn();
    await s.dial('13912345678');
    await tick(FAST_POLL_MS * 3);
    expect(state.call).toMatchObject({ state: 'dialing' });
  });
});

describe('billing websocket', () => {
  const row = (fields: Record<string, unknown> = {}) => ({
    calldate: '2025-06-19 09:00:05',
    src: '8001',
    dst: '13912345678',
    channel: 'PJSIP/8001-0000001a',
    dstchannel: 'PJSIP/trunkHWD-0000001b',
    start: '2025-06-19 09:00:05',
    answer: '2025-06-19 09:00:09',
    end: '2025-06-19 09:01:09',
    duration: 64,
    billsec: 60,
    disposition: 'ANSWERED',
    uniqueid: 'hwd-1750750498.613',
    linkedid: 'hwd-1750750498.613',
    direction: 'out',
    ...fields,
  });

  it('connects with the access token; the agent\'s rows become call records; they close a call the poll missed', async () => {
    const { s, state } = await loggedIn();
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0]!.url).toBe('wss://pbx.example.com:8282/?user_id=billing&token=t1');
    await s.dial('13912345678');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    FakeSocket.all[0]!.push({ type: 'billing', data: [row({ channel: 'PJSIP/8002-1', dstchannel: 'PJSIP/8003-2', src: '8002', dst: '8003', linkedid: 'other' }), row()] });
    await tick(0);
    expect(state.records).toEqual([
      expect.objectContaining({ vendorCallId: 'hwd-1750750498.613', direction: 'outbound', number: '13912345678', talkSeconds: 60, result: '已接通' }),
    ]);
    // Closed as the engine closes it: ended; "已接通" is the record's result in recent calls, not a cause.
    expect(state.call).toMatchObject({ state: 'ended' });
    expect(state.call?.cause).toBeUndefined();
    expect(state.records.at(-1)).toMatchObject({ result: '已接通' });
  });

  it('a call record pushed while the socket was down is fetched from cdr/list when it reconnects: the call ends, its outcome is known', async () => {
    const { s, state } = await loggedIn();
    await s.dial('13912345678');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'connected', answerUnknown: true });
    // The socket drops; the customer answers and hangs up meanwhile; the CDR is pushed to no one.
    FakeSocket.all[0]!.fail();
    server.device = 'Not in use';
    server.cdrs = [row({ channel: 'PJSIP/8002-1', dstchannel: 'PJSIP/8003-2', src: '8002', dst: '8003', linkedid: 'other' }), row()];
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended' });
    expect(state.records).toEqual([]);
    await tick(1000);
    FakeSocket.all.at(-1)!.open();
    await tick(0);
    const asked = server.calls('cdr/list').at(-1)!;
    // From the login (09:00:00) less the margin, to now plus the margin.
    expect(asked.query).toMatchObject({ start_time: '2025-06-19 08:58:00', page: '1', page_size: '1000', sort_by: 'id', order: 'asc' });
    expect(state.records).toEqual([expect.objectContaining({ vendorCallId: 'hwd-1750750498.613', talkSeconds: 60, result: '已接通' })]);
    expect(state.call).toMatchObject({ state: 'ended', connectedAt: expect.any(Number) });
    expect(state.call?.answerUnknown).toBeFalsy();
    // What is covered now is kept for the next worker: its catch-up starts there.
    expect(state.cursor).toMatchObject({ cdrSince: Date.now() });
  });

  it('a failed catch-up is tried again after the next poll', async () => {
    const { state } = await loggedIn();
    server.cdrs = [row()];
    FakeSocket.all[0]!.fail();
    await tick(1000);
    server.script('cdr/list', { status: 500, json: { message: 'Server Error' } });
    FakeSocket.all.at(-1)!.open();
    await tick(0);
    expect(state.records).toEqual([]);
    await tick(SLOW_POLL_MS);
    expect(state.records).toEqual([expect.objectContaining({ vendorCallId: 'hwd-1750750498.613' })]);
  });

  it('the configured billing address is used as given', async () => {
    await loggedIn({ billingUrl: 'ws://10.0.0.5:9000' });
    expect(FakeSocket.all[0]!.url).toBe('ws://10.0.0.5:9000/?user_id=billing&token=t1');
  });

  it('one banner for several problems: the server problem wins over the billing socket; each clears alone', async () => {
    const { state } = await loggedIn();
    FakeSocket.all[0]!.fail();
    expect(state.problem).toMatchObject({ message: '话单推送连接已断开（wss://pbx.example.com:8282）' });
    expect(state.problem?.hint).toContain('正在重连（第 1/10 次）');
    server.down = true;
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ message: `无法连接 dscom 服务器 ${HOST}` });
    server.down = false;
    await tick(ERROR_POLL_MS);
    // The server is back; the socket is still down (its reconnects failed while the server was).
    expect(state.problem?.message).toContain('话单推送连接已断开');
    const socket = FakeSocket.all.at(-1)!;
    socket.open();
    expect(state.problem).toBeNull();
  });

  it('stops with the session: socket closed, no more polls', async () => {
    await loggedIn();
    abort.abort();
    const requests = server.log.length;
    await tick(60_000);
    expect(FakeSocket.all[0]!.closed).toBe(true);
    expect(server.log.length).toBe(requests);
  });
});

describe('extra actions', () => {
  it('parkList: a note listing parked calls, or saying there are none', async () => {
    const { s, state } = await loggedIn();
    await s.extraAction('parkList');
    expect(state.notes.at(-1)).toBe('没有驻留中的通话');
    server.parked = [{ parkeeCallerIDNum: '18312345678', parkingSpace: '701', parkingDuration: '12', parkeeConnectedLineNum: '8001' }];
    await s.extraAction('parkList');
    expect(state.notes.at(-1)).toBe('驻留中：18312345678（车位 701，12 秒）');
    expect(server.calls('call/parkList').at(-1)!.query).toEqual({ extension: '8001' });
  });

  it('park during a call names the parking space', async () => {
    const { s, state } = await loggedIn();
    await s.dial('18312345678');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    server.parked = [{ parkeeCallerIDNum: '18312345678', parkingSpace: '701', parkingDuration: '0' }];
    await s.extraAction('park');
    expect(server.calls('call/park').map((l) => l.body)).toEqual([{ extension: '8001' }]);
    expect(state.notes.at(-1)).toBe('通话已驻留（车位 701）');
  });

  it('queueWaiting: the callers waiting in the configured queues', async () => {
    const { s, state } = await loggedIn();
    await s.extraAction('queueWaiting');
    expect(state.notes.at(-1)).toBe('队列 200、201 没有排队来电');
    server.waiting = { '201': [{ callerid: '18312345678', waitTime: '0:12', queue: '201' }] };
    await s.extraAction('queueWaiting');
    expect(state.notes.at(-1)).toBe('排队中：队列 201：18312345678（等待 0:12）');
  });

  it.each<{ id: string; input: string; path: string; body: Record<string, unknown> }>([
    { id: 'unpark', input: '18312345678', path: 'call/unpark', body: { extension: '8001', dest: '18312345678' } },
    { id: 'redirect', input: '18312345678', path: 'call/redirect', body: { extension: '8001', dest: '18312345678' } },
    { id: 'pickup', input: '8003', path: 'call/pickup', body: { extension: '8001', dest: '8003' } },
    { id: 'logoutQueue', input: '200', path: 'agent/logout', body: { extension: '8001', queue: '200' } },
  ])('$id sends $path', async ({ id, input, path, body }) => {
    const { s, state } = await loggedIn();
    await s.extraAction(id, input);
    expect(server.calls(path).map((l) => l.body)).toEqual([body]);
    expect(state.notes.at(-1)).toContain(input);
  });

  it('attended transfer and its cancel', async () => {
    const { s, state } = await loggedIn();
    await s.dial('13912345678');
    server.device = 'In use';
    await tick(FAST_POLL_MS);
    await s.extraAction('attendedTransfer', '8005');
    expect(server.calls('call/transfer').map((l) => l.body)).toEqual([{ type: 'attended', extension: '8001', dest: '8005' }]);
    await s.extraAction('cancelAtxfer');
    expect(server.calls('call/cancelAtxfer').map((l) => l.body)).toEqual([{ extension: '8001' }]);
    expect(state.notes.at(-1)).toContain('已取消咨询转接');
  });

  it('supervisor actions: refused unless in supervisor mode', async () => {
    const plain = await loggedIn();
    expect((await failure(plain.s.extraAction('barge', '8002'))).code).toBe('unsupported');
    abort.abort();
    abort = new AbortController();
    const supervisor = await loggedIn({ supervisor: true });
    for (const kind of ['barge', 'monitor', 'whisper']) await supervisor.s.extraAction(kind, '8002');
    expect(['call/barge', 'call/monitor', 'call/whisper'].map((p) => server.calls(p).map((l) => l.body))).toEqual([
      [{ extension: '8001', dest: '8002' }],
      [{ extension: '8001', dest: '8002' }],
      [{ extension: '8001', dest: '8002' }],
    ]);
    expect((await failure(supervisor.s.extraAction('monitor', '8001'))).code).toBe('invalid-input');
  });

  it('checked locally: call state, input, unknown ids', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.extraAction('park'))).code).toBe('precondition');
    expect((await failure(s.extraAction('pickup', 'abc'))).code).toBe('invalid-input');
    expect((await failure(s.extraAction('logoutQueue', '2 00'))).code).toBe('invalid-input');
    expect((await failure(s.extraAction('nope'))).code).toBe('unsupported');
    await s.dial('13912345678');
    expect((await failure(s.extraAction('pickup', '8003'))).code).toBe('precondition');
    expect(server.calls('call/pickup')).toHaveLength(0);
  });
});
