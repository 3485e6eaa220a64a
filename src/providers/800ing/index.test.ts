import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from './800ing-client.ts';
import { type Ing800Settings, ing800SettingsSchema } from './800ing-info.ts';
import { passwordMd5 } from './800ing-secret.ts';
import { AUTH_POLL_MS, ERROR_POLL_MS, FAST_POLL_MS, HANGUP_CONFIRM_MS, ing800, type Ing800Cursor, Ing800Session, readCursor, SLOW_POLL_MS } from './index.ts';

const PASSWORD = '02367073578';
const DIGEST = passwordMd5(PASSWORD);
const HOST = 'voip.example.com:8080';
const CUSTOMER = '13912345678';
const CALLER = '18312345678';

const CLOUD: Ing800Settings = ing800SettingsSchema.parse({
  mode: 'cloud',
  server: `http://${HOST}`,
  account: '100008800',
  password: PASSWORD,
  clientType: '1',
  clientPort: 10800,
  httpPort: '',
  disablePop: false,
});
const DESKTOP: Ing800Settings = { ...CLOUD, mode: 'desktop' };

// ── A fake 八百呼 (cloud server and desktop client, fetch level) ──────────────────────────────

interface Logged {
  /** 'cloud' or 'client' */
  to: 'cloud' | 'client';
  url: string;
  path: string;
  /** Cloud: the form's method; client: `type`. */
  what: string;
  params: Record<string, string>;
  body: string;
}

type Scripted = { json: unknown } | 'network-error' | 'timeout';

interface WireMessage {
  kind: string;
  phone: string;
  content: string;
  time: number;
  waterLine: number;
}

class Fake800 {
  line = 1_750_000_000_000;
  messages: WireMessage[] = [];
  /** getLongWaterLine `msgs`: the newest call state ('' = none said). */
  latest = '';
  down = false;
  clientDown = false;
  disablePhoneNum = 0;
  scripted = new Map<string, Scripted[]>();
  log: Logged[] = [];
  private cdr = 1000;

  script(what: string, ...replies: Scripted[]): void {
    this.scripted.set(what, [...(this.scripted.get(what) ?? []), ...replies]);
  }

  calls(what: string): Logged[] {
    return this.log.filter((l) => l.what === what);
  }

  nextCdr(): string {
    this.cdr += 1;
    return String(this.cdr);
  }

  /** Store a message (kind 1 out / 2 in / 3 SMS) with the next water line. */
  push(kind: number, phone: string, content: Record<string, unknown> | string): void {
    this.line += 1;
    this.messages.push({ kind: String(kind), phone, content: typeof content === 'string' ? content : JSON.stringify(content), time: Date.now(), waterLine: this.line });
  }

  fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const body = typeof init.body === 'string' ? init.body : '';
    const client = u.hostname === '127.0.0.1';
    const params = Object.fromEntries(client ? u.searchParams : new URLSearchParams(body));
    const what = client ? `client:${params.type}` : (params.method ?? '');
    this.log.push({ to: client ? 'client' : 'cloud', url, path: u.pathname, what, params, body });
    if (client ? this.clientDown : this.down) throw new TypeError('fetch failed');
    const next = this.scripted.get(what)?.shift();
    if (next === 'network-error') throw new TypeError('fetch failed');
    if (next === 'timeout') throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    if (next) return json(next.json);
    if (client) return json({ code: 0, message: '' });
    if (params.sa_user !== '100008800' || params.sa_password !== DIGEST) return json({ code: -2, message: '验证错误' });
    return json(this.method(u.pathname, params));
  };

  private method(path: string, p: Record<string, string>): unknown {
    const at = (where: string) => (path === where ? null : { code: -3, message: `wrong path ${path}` });
    switch (p.method) {
      case 'getExtension':
        return at('/voip/api/jsondata.html') ?? { code: 0, message: '', exteId: 5, name: '李四', extension: '100008800', compNumber: '1000', compName: '测试企业', disablePhoneNum: this.disablePhoneNum, exteLoginType: 0 };
      case 'getLongWaterLine':
        return at('/voip/api/jsonpdata.json') ?? { waterline: this.line, keylist: '', msgs: this.latest };
      case 'recvMsg': {
        const after = Number(p.waterLine);
        const limit = Number(p.limit);
        return at('/voip/api/jsondata.html') ?? { code: 0, message: '', msgs: this.messages.filter((m) => m.waterLine > after).slice(0, limit) };
      }
      case 'callbackPhone':
      case 'sendMsg':
        return at('/voip/api/jsondata.html') ?? { code: 0, message: '' };
      case 'hangupExten':
        return at('/voip/api/jsonpdata.json') ?? { code: 0, message: '' };
      default:
        return { code: -3, message: '方法内部错误' };
    }
  }
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'Content-Type': 'text/html;charset=UTF-8' } });
}


// ── Harness ──────────────────────────────────────────────────────────────────────────────────

let server: Fake800;
let abort: AbortController;
let logged: string[];
let ids: number;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date(2025, 5, 19, 9, 0, 0));
  server = new Fake800();
  abort = new AbortController();
  logged = [];
  ids = 0;
});

afterEach(() => {
  abort.abort();
  vi.useRealTimers();
});

function session(settings: Ing800Settings = CLOUD, cursor?: unknown) {
  const { ctx, state } = fakeContext(cursor);
  const s = new Ing800Session(settings, ctx, { fetch: server.fetch, random: () => `r${++ids}`, log: (m) => logged.push(m) });
  return { s, state, ctx };
}

async function loggedIn(settings: Ing800Settings = CLOUD) {
  const h = session(settings);
  await h.s.login();
  h.s.resume(abort.signal);
  await tick(0);
  return h;
}

/** A new service worker: the old session stops, a new one starts from the saved cursor. */
async function restart(cursor: unknown, settings: Ing800Settings = CLOUD) {
  abort.abort();
  abort = new AbortController();
  const h = session(settings, cursor);
  h.s.resume(abort.signal);
  await tick(0);
  return h;
}


const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const cursorOf = (state: { cursor: unknown }) => state.cursor as Ing800Cursor;

// ── Tests ────────────────────────────────────────────────────────────────────────────────────

describe('provider object', () => {
  it('is the info plus a session factory', () => {
    expect(ing800.id).toBe('800ing');
    expect(typeof ing800.createSession).toBe('function');
    expect(ing800.capabilitiesFor?.(CLOUD).transfer).toBe(false);
    expect(ing800.capabilitiesFor?.(DESKTOP).transfer).toBe(true);
  });
});

describe('login', () => {
  it('cloud: getExtension, then the current water line; the agent is “name（company）”', async () => {
    const { s, state } = session();
    await expect(s.login()).resolves.toEqual({ name: '李四（测试企业）', extension: '100008800', maskNumbers: false });
    expect(server.log.map((l) => l.what)).toEqual(['getExtension', 'getLongWaterLine']);
    expect(cursorOf(state)).toEqual({ v: 1, waterLine: String(server.line), dial: null, cancelled: null, side: [] });
  });

  it('disablePhoneNum 1 → numbers masked', async () => {
    server.disablePhoneNum = 1;
    await expect(session().s.login()).resolves.toMatchObject({ maskNumbers: true });
  });

  it('old history is not replayed: messages stored before the login bring no events', async () => {
    server.push(2, CALLER, { status: 0, cdrId: 'old' });
    server.push(2, CALLER, { status: 3, cdrId: 'old' });
    const { state } = await loggedIn();
    await tick(SLOW_POLL_MS * 3);
    expect(state.events).toEqual([]);
    expect(server.calls('recvMsg')).toHaveLength(0);
  });

  it.each<{ name: string; arrange: () => void; code: string; message: string }>([
    { name: 'wrong password', arrange: () => server.script('getExtension', { json: { code: -2, message: '验证错误' } }), code: 'auth', message: '登录失败：帐号或密码错误（验证错误，错误码 -2），请检查设置中的帐号（坐席号）和密码' },
    { name: 'no permission', arrange: () => server.script('getExtension', { json: { code: -5, message: '' } }), code: 'refused', message: '登录失败：该帐号没有此操作的权限（没有权限，错误码 -5），请联系管理员在八百呼后台开通权限' },
    { name: 'server down', arrange: () => (server.down = true), code: 'unreachable', message: `无法连接八百呼服务器 ${HOST}` },
  ])('$name → $code', async ({ arrange, code, message }) => {
    arrange();
    const error = await failure(session().s.login());
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('a wrong password is caught by the real check too (the server compares the MD5)', async () => {
    const error = await failure(session({ ...CLOUD, password: 'wrong' }).s.login());
    expect(error.code).toBe('auth');
  });

  it('desktop: the client is logged in too (type 2001: host, user, the MD5 as pass)', async () => {
    const { s } = session(DESKTOP);
    await s.login();
    expect(server.log.map((l) => l.what)).toEqual(['getExtension', 'client:2001', 'getLongWaterLine']);
    const login = server.calls('client:2001')[0]!;
    expect(login.url.startsWith('http://127.0.0.1:10800/?')).toBe(true);
    expect(login.params).toEqual({ type: '2001', host: 'voip.example.com', user: '100008800', pass: DIGEST });
  });

  it('desktop: the client not running fails the login, saying so (no banner left behind)', async () => {
    server.clientDown = true;
    const { s, state } = session(DESKTOP);
    const error = await failure(s.login());
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe('八百呼客户端没有运行（127.0.0.1:10800）');
    expect(state.problem).toBeNull();
  });
});

describe('the water line', () => {
  it('polls getLongWaterLine (loginType jsonpLogin, client type) every 3 s with no call', async () => {
    await loggedIn({ ...CLOUD, clientType: '2' });
    const polls = () => server.calls('getLongWaterLine').length;
    const first = polls();
    await tick(SLOW_POLL_MS - 1);
    expect(polls()).toBe(first);
    await tick(1);
    expect(polls()).toBe(first + 1);
    expect(server.calls('getLongWaterLine').at(-1)!.params).toMatchObject({ loginType: 'jsonpLogin', client: '2' });
    expect(server.calls('getLongWaterLine').at(-1)!.path).toBe('/voip/api/jsonpdata.json');
  });

  it('an inbound call: incoming, connected, ended; recvMsg from the last line seen; 1 s polls meanwhile', async () => {
    const { state } = await loggedIn();
    const start = String(server.line);
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(state.call).toMatchObject({ state: 'incoming', direction: 'inbound', number: CALLER, vendorCallId: 'B' });
    expect(server.calls('recvMsg')[0]!.params).toMatchObject({ client: '1', waterLine: start, limit: '100' });
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
    server.push(2, CALLER, { status: 3, cdrId: 'B' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended' });
    expect(state.call?.cause).toBeUndefined();
    expect(cursorOf(state).waterLine).toBe(String(server.line));
  });

  it('each batch of events is written together with the water line past it', async () => {
    const { state } = await loggedIn();
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    const write = state.writes.find((w) => w.events.length > 0)!;
    expect(write.events.map((e) => e.type)).toEqual(['call.incoming', 'call.connected']);
    expect((write.cursor as Ing800Cursor).waterLine).toBe(String(server.line));
  });

  it('more than a page (limit 100): fetched page by page from the newest seen; nothing skipped, nothing twice', async () => {
    const { state } = await loggedIn();
    for (let i = 0; i < 125; i++) {
      server.push(2, CALLER, { status: 0, cdrId: `N${i}` });
      server.push(2, CALLER, { status: 3, cdrId: `N${i}` });
    }
    await tick(SLOW_POLL_MS);
    const recv = server.calls('recvMsg').map((l) => Number(l.params.waterLine));
    expect(recv).toHaveLength(3);
    expect(recv[1]).toBe(recv[0]! + 100);
    expect(recv[2]).toBe(recv[0]! + 200);
    expect(state.events.filter((e) => e.type === 'call.incoming')).toHaveLength(125);
    expect(state.events.filter((e) => e.type === 'call.ended')).toHaveLength(125);
    expect(cursorOf(state).waterLine).toBe(String(server.line));
  });

  it('a water line that grew with nothing for us (SMS): the cursor moves to it; recvMsg is not asked again', async () => {
    const { state } = await loggedIn();
    server.push(3, CALLER, { status: 0 });
    await tick(SLOW_POLL_MS);
    expect(server.calls('recvMsg')).toHaveLength(1);
    expect(cursorOf(state).waterLine).toBe(String(server.line));
    await tick(SLOW_POLL_MS * 2);
    expect(server.calls('recvMsg')).toHaveLength(1);
    expect(state.events).toEqual([]);
  });

  it('a malformed message is skipped and logged; the stream goes on', async () => {
    const { state } = await loggedIn();
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    server.push(2, CALLER, '{not json');
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(state.call?.state).toBe('connected');
    expect(logged.some((l) => l.includes('JSON'))).toBe(true);
    expect(cursorOf(state).waterLine).toBe(String(server.line));
  });

  it('a storage write that fails applies nothing and keeps the old line: the messages come again, once', async () => {
    const { state } = await loggedIn();
    const before = cursorOf(state).waterLine;
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    state.failEmits = 1;
    await tick(SLOW_POLL_MS);
    expect(state.events).toEqual([]);
    expect(cursorOf(state).waterLine).toBe(before);
    await tick(ERROR_POLL_MS);
    expect(state.events).toEqual([{ type: 'call.incoming', number: CALLER, vendorCallId: 'B' }]);
    await tick(SLOW_POLL_MS * 3);
    expect(state.events).toHaveLength(1);
  });

  it('a server whose line went back (reset) is followed', async () => {
    const { state } = await loggedIn();
    server.line -= 1000;
    await tick(SLOW_POLL_MS);
    expect(cursorOf(state).waterLine).toBe(String(server.line));
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(state.call?.state).toBe('incoming');
  });

  it('server unreachable: banner “无法连接八百呼服务器 host:port”, tried again every 3 s (no slower than an idle poll), cleared on recovery', async () => {
    const { state } = await loggedIn();
    server.down = true;
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ code: 'unreachable', message: `无法连接八百呼服务器 ${HOST}` });
    expect(state.problem?.hint).toContain('3 秒');
    expect(ERROR_POLL_MS).toBeLessThanOrEqual(SLOW_POLL_MS);
    const tries = server.log.length;
    await tick(ERROR_POLL_MS - 1);
    expect(server.log.length).toBe(tries);
    server.down = false;
    await tick(1);
    expect(state.problem).toBeNull();
  });

  it('the account refused while polling (-2): banner to log in again, polls every 30 s', async () => {
    const { state } = await loggedIn();
    server.script('getLongWaterLine', { json: { code: -2, message: '验证错误' } });
    await tick(SLOW_POLL_MS);
    expect(state.problem).toMatchObject({ code: 'auth' });
    expect(state.problem?.message).toContain('帐号或密码错误');
    expect(state.problem?.hint).toContain('重新登录');
    const tries = server.calls('getLongWaterLine').length;
    await tick(AUTH_POLL_MS - 1);
    expect(server.calls('getLongWaterLine').length).toBe(tries);
    await tick(1);
    expect(state.problem).toBeNull();
  });

  it('stops with the session', async () => {
    await loggedIn();
    abort.abort();
    const requests = server.log.length;
    await tick(60_000);
    expect(server.log.length).toBe(requests);
  });
});

describe('reconciling with the platform’s newest call state (getLongWaterLine msgs)', () => {
  const GONE = '八百呼平台上这通电话已经结束（没有收到它的挂机消息），已在本地结束';

  async function callShown() {
    const h = await loggedIn();
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    server.latest = JSON.stringify({ status: 1, phone: CALLER, kind: 2 });
    await tick(SLOW_POLL_MS);
    expect(h.state.call).toMatchObject({ state: 'connected', vendorCallId: 'B' });
    return h;
  }

  it('the server lost the call’s 挂机 (its water line went back): once caught up, the call ends here saying why', async () => {
    const { state } = await callShown();
    // A reset server: the line goes back, the hang-up message is gone; its newest call state says 挂机.
    server.line -= 1000;
    server.latest = JSON.stringify({ status: 2, phone: CALLER, kind: 2 });
    await tick(FAST_POLL_MS);
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: GONE });
    expect(state.events.at(-1)).toEqual({ type: 'call.ended', cause: GONE });
  });

  it('on a wake too (a restarted worker); and a call the platform still has stays', async () => {
    const first = await callShown();
    /** A new worker with the engine's persisted call. */
    const wake = async () => {
      abort.abort();
      abort = new AbortController();
      const h = session(CLOUD, first.state.cursor);
      h.state.call = first.state.call;
      h.s.resume(abort.signal);
      await tick(0);
      return h;
    };
    const again = await wake();
    await tick(FAST_POLL_MS);
    expect(again.state.call).toMatchObject({ state: 'connected' });
    server.latest = JSON.stringify({ status: 3, phone: CALLER, kind: 2 });
    const third = await wake();
    expect(third.state.call).toMatchObject({ state: 'ended', cause: GONE });
  });

  it('not between wakes and failures (a poll in the middle of a call proves nothing), nor with msgs empty or unreadable', async () => {
    const { state } = await callShown();
    server.latest = JSON.stringify({ status: 3, phone: CALLER, kind: 2 });
    await tick(FAST_POLL_MS * 3);
    expect(state.call).toMatchObject({ state: 'connected' });
    // After a failed poll it is due again, but the platform does not say.
    server.script('getLongWaterLine', 'network-error');
    server.latest = 'not json';
    await tick(FAST_POLL_MS);
    await tick(ERROR_POLL_MS);
    expect(state.call).toMatchObject({ state: 'connected' });
  });
});

describe('restarts (a new service worker from the saved cursor)', () => {
  it('continues from the saved water line: messages that came while it was down are applied once, old ones not again', async () => {
    const first = await loggedIn();
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(first.state.events).toHaveLength(1);
    // Killed; meanwhile the call is answered and hung up.
    abort.abort();
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    server.push(2, CALLER, { status: 3, cdrId: 'B' });
    const second = session(CLOUD, first.state.cursor);
    // The engine's persisted call comes back with the session.
    const { state } = second;
    state.call = first.state.call;
    abort = new AbortController();
    second.s.resume(abort.signal);
    await tick(0);
    expect(state.events).toEqual([{ type: 'call.connected' }, { type: 'call.ended' }]);
    expect(server.calls('recvMsg').at(-1)!.params.waterLine).toBe((first.state.cursor as Ing800Cursor).waterLine);
    // Nothing is applied twice afterwards.
    await tick(SLOW_POLL_MS * 3);
    expect(state.events).toHaveLength(2);
  });

  it('a dial in flight survives a restart: its messages are recognized by paramvalue (no second call)', async () => {
    const first = await loggedIn();
    await first.s.dial(CUSTOMER);
    const paramvalue = server.calls('callbackPhone')[0]!.params.paramvalue!;
    expect(cursorOf(first.state).dial).toMatchObject({ id: paramvalue, number: CUSTOMER });
    // Killed; the platform reports the call (with a trunk prefix on the number) meanwhile.
    abort.abort();
    server.push(1, `0${CUSTOMER}`, { status: 0, cdrId: 'A', paramvalue });
    server.push(1, `0${CUSTOMER}`, { status: 1, cdrId: 'A', paramvalue });
    const second = session(CLOUD, first.state.cursor);
    second.state.call = first.state.call; // the engine's persisted call
    abort = new AbortController();
    second.s.resume(abort.signal);
    await tick(0);
    expect(second.state.events).toEqual([{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }, { type: 'call.connected' }]);
    expect(second.state.call).toMatchObject({ id: first.state.call!.id, state: 'connected', number: CUSTOMER, vendorCallId: 'A' });
    expect(cursorOf(second.state).dial).toBeNull();
  });

  it('a dial whose request timed out, then a restart: the call that shows up is that dial, with the dialled number', async () => {
    const first = await loggedIn();
    server.script('callbackPhone', 'timeout');
    await failure(first.s.dial(CUSTOMER));
    expect(first.state.call).toBeNull();
    server.push(1, `+86${CUSTOMER}`, { status: 0, cdrId: 'A', paramvalue: 'cb-r1' });
    const second = await restart(first.state.cursor);
    expect(second.state.call).toMatchObject({ state: 'dialing', number: CUSTOMER, vendorCallId: 'A' });
  });

  it('a cursor without a water line (lost) starts from the current one, replaying nothing', async () => {
    server.push(2, CALLER, { status: 0, cdrId: 'old' });
    const { state } = await restart(undefined);
    expect(cursorOf(state).waterLine).toBe(String(server.line));
    expect(state.events).toEqual([]);
  });

  it('readCursor accepts only what it wrote', () => {
    expect(readCursor(null)).toEqual({ v: 1, waterLine: null, dial: null, cancelled: null, side: [] });
    const side = { cdrId: 'S', direction: 'inbound', number: '3', startedAt: 7, answeredAt: null };
    expect(readCursor({ waterLine: 12, dial: { id: 'cb-1', number: '1', at: 5 }, cancelled: { id: null, number: '2', at: 6, cdrId: 'L' }, side: [side, { cdrId: 4 }] })).toEqual({
      v: 1,
      waterLine: '12',
      dial: { id: 'cb-1', number: '1', at: 5 },
      cancelled: { id: null, number: '2', at: 6, cdrId: 'L' },
      side: [side],
    });
    expect(readCursor({ waterLine: 'x', dial: { id: 3 }, side: 'x' })).toEqual({ v: 1, waterLine: null, dial: null, cancelled: null, side: [] });
  });
});

describe('dial (cloud: callbackPhone)', () => {
  it('descPhone and a paramvalue request id; dialing at once; the platform\'s messages carry the call to its end', async () => {
    const { s, state } = await loggedIn();
    await s.dial(CUSTOMER);
    const sent = server.calls('callbackPhone');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject({ descPhone: CUSTOMER, paramvalue: 'cb-r1' });
    expect(state.call).toMatchObject({ state: 'dialing', direction: 'outbound', number: CUSTOMER });
    server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'dialing', vendorCallId: 'A' });
    server.push(1, CUSTOMER, { status: 1, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
    server.push(1, CUSTOMER, { status: 3, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended' });
    expect(state.call?.cause).toBeUndefined();
    expect(state.events.filter((e) => e.type === 'call.dialing')).toHaveLength(2); // ours, then the platform's duplicate with the cdrId
  });

  it('the water line showing the whole call before the dial request returned: no second dialing', async () => {
    // The platform stores the call's messages, and a poll reads them, before callbackPhone answers.
    const { fetch } = server;
    server.fetch = async (url, init) => {
      const body = typeof init.body === 'string' ? init.body : '';
      if (body.includes('method=callbackPhone')) {
        const paramvalue = new URLSearchParams(body).get('paramvalue')!;
        server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue });
        server.push(1, CUSTOMER, { status: 3, cdrId: 'A', paramvalue });
        await tick(SLOW_POLL_MS);
      }
      return fetch(url, init);
    };
    const { s, state } = await loggedIn();
    await s.dial(CUSTOMER);
    expect(state.events).toEqual([{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }, { type: 'call.ended', cause: '未接通' }]);
    expect(state.call).toMatchObject({ state: 'ended', vendorCallId: 'A', cause: '未接通' });
  });

  it('the platform names the call before it answers the dial: CallBar catches up, the call shows with its cdrId (and after an older call)', async () => {
    const { fetch } = server;
    server.fetch = async (url, init) => {
      const body = typeof init.body === 'string' ? init.body : '';
      if (body.includes('method=callbackPhone')) {
        // A call that rang while the poll was behind, then the dial's own first message.
        server.push(2, CALLER, { status: 0, cdrId: 'B' });
        server.push(2, CALLER, { status: 3, cdrId: 'B' });
        server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue: new URLSearchParams(body).get('paramvalue')! });
      }
      return fetch(url, init);
    };
    const { s, state } = await loggedIn();
    await s.dial(CUSTOMER);
    expect(state.events).toEqual([
      { type: 'call.incoming', number: CALLER, vendorCallId: 'B' },
      { type: 'call.ended', cause: '未接听' },
      { type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' },
    ]);
  });

  it('挂断 failing before the water line named the dial: the engine ends it here, and its late messages do not bring it back as a second call', async () => {
    const { s, state, ctx } = await loggedIn();
    await s.dial(CUSTOMER);
    expect(state.call).toMatchObject({ state: 'dialing' });
    expect(state.call?.vendorCallId).toBeUndefined();
    server.script('hangupExten', 'network-error');
    expect((await failure(s.hangup())).code).toBe('unreachable');
    await ctx.emit([{ type: 'call.ended', cause: '平台未确认挂断' }]); // what the engine does
    server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue: 'cb-r1' });
    server.push(1, CUSTOMER, { status: 1, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(FAST_POLL_MS * 3);
    expect(state.call).toMatchObject({ state: 'ended', cause: '平台未确认挂断' });
    expect(state.events.filter((e) => e.type === 'call.dialing')).toHaveLength(1);
  });

  it('refused locally: during a call, a second dial on its way, a number that cannot be dialled', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.dial('139-1234'))).code).toBe('invalid-input');
    await s.dial(CUSTOMER);
    expect((await failure(s.dial('10086'))).code).toBe('precondition');
    expect(server.calls('callbackPhone')).toHaveLength(1);
  });

  it.each<{ name: string; reply: Scripted; code: string; message?: string }>([
    { name: '-10 (already exists)', reply: { json: { code: -10, message: '' } }, code: 'refused', message: '外呼失败：数据已经存在（数据已经存在，错误码 -10），该号码可能已经在呼叫中，请勿重复拨打' },
    { name: '-12 (too many)', reply: { json: { code: -12, message: '' } }, code: 'refused' },
    { name: 'a network error', reply: 'network-error', code: 'unreachable' },
  ])('never retried after $name; no call shown; the dial forgotten', async ({ reply, code, message }) => {
    const { s, state } = await loggedIn();
    server.script('callbackPhone', reply);
    const error = await failure(s.dial(CUSTOMER));
    expect(error.code).toBe(code);
    if (message) expect(error.message).toBe(message);
    await tick(FAST_POLL_MS * 3);
    expect(server.calls('callbackPhone')).toHaveLength(1);
    expect(state.call).toBeNull();
    expect(cursorOf(state).dial).toBeNull();
  });

  it('a dial that timed out may have gone out: said so; its call is recognized when it shows up', async () => {
    const { s, state } = await loggedIn();
    server.script('callbackPhone', 'timeout');
    const error = await failure(s.dial(CUSTOMER));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('外呼请求超时：呼叫可能已经发出，请看话机是否振铃，不要重复拨打');
    expect(server.calls('callbackPhone')).toHaveLength(1);
    server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'dialing', number: CUSTOMER, vendorCallId: 'A' });
  });

  it('polls every 1 s while a dial is on its way or a call is active', async () => {
    const { s } = await loggedIn();
    await s.dial(CUSTOMER);
    const polls = server.calls('getLongWaterLine').length;
    await tick(FAST_POLL_MS);
    expect(server.calls('getLongWaterLine').length).toBe(polls + 1);
  });
});

describe('answer, hang up', () => {
  async function incoming(settings: Ing800Settings = CLOUD) {
    const h = await loggedIn(settings);
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(h.state.call?.state).toBe('incoming');
    return h;
  }

  it('answer = sendMsg with the caller, kind 6, client 10, lostTime 10; connected comes from the water line', async () => {
    const { s, state } = await incoming();
    await s.answer();
    expect(server.calls('sendMsg').map((l) => l.params)).toEqual([{ sa_user: '100008800', sa_password: DIGEST, method: 'sendMsg', phone: CALLER, kind: '6', client: '10', lostTime: '10' }]);
    expect(state.call?.state).toBe('incoming');
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    await tick(FAST_POLL_MS);
    expect(state.call?.state).toBe('connected');
  });

  it('answer in desktop mode goes to the cloud too', async () => {
    const { s } = await incoming(DESKTOP);
    await s.answer();
    expect(server.calls('sendMsg')).toHaveLength(1);
  });

  it('answer needs an incoming call; hang-up needs a call', async () => {
    const { s } = await loggedIn();
    expect((await failure(s.answer())).code).toBe('precondition');
    expect((await failure(s.hangup())).code).toBe('precondition');
    expect(server.log.filter((l) => l.what === 'sendMsg' || l.what === 'hangupExten')).toHaveLength(0);
  });

  it('cloud hang-up = hangupExten (jsonpdata.json); the end comes from the water line', async () => {
    const { s, state } = await incoming();
    await s.hangup();
    expect(server.calls('hangupExten')[0]!.path).toBe('/voip/api/jsonpdata.json');
    server.push(2, CALLER, { status: 3, cdrId: 'B' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '未接听' });
  });

  it('hung up and the platform never says so: CallBar ends the call itself after 5 s', async () => {
    const { s, state } = await incoming();
    await s.hangup();
    await tick(HANGUP_CONFIRM_MS - FAST_POLL_MS);
    expect(state.call?.state).toBe('incoming');
    await tick(FAST_POLL_MS * 2);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已挂断' });
    // Its late 挂机 changes nothing.
    server.push(2, CALLER, { status: 3, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已挂断' });
  });

  it('a dial hung up before the platform said anything: its late messages start no new call', async () => {
    const { s, state } = await loggedIn();
    await s.dial(CUSTOMER);
    await s.hangup();
    await tick(HANGUP_CONFIRM_MS + FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已挂断' });
    server.push(1, CUSTOMER, { status: 0, cdrId: 'A', paramvalue: 'cb-r1' });
    server.push(1, CUSTOMER, { status: 3, cdrId: 'A', paramvalue: 'cb-r1' });
    await tick(SLOW_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已挂断' });
  });

  it('desktop hang-up = client type 1', async () => {
    const { s } = await incoming(DESKTOP);
    await s.hangup();
    expect(server.calls('client:1').map((l) => l.params)).toEqual([{ phone: CALLER, type: '1' }]);
    expect(server.calls('hangupExten')).toHaveLength(0);
  });

  it('a hang-up refused by the platform reads as the table says', async () => {
    const { s } = await incoming();
    server.script('hangupExten', { json: { code: -11, message: '' } });
    expect((await failure(s.hangup())).message).toBe('挂断失败：数据不存在（数据不存在，错误码 -11），通话可能已经结束');
  });

  it('a second call while one is in progress: a note, the current call stays', async () => {
    const { state } = await incoming();
    server.push(2, '13500001111', { status: 0, cdrId: 'C' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'incoming', vendorCallId: 'B' });
    expect(state.notes.at(-1)).toContain('有新的来电');
  });

  it('hold and mute are not in the API; there is no agent state', async () => {
    const { s } = await loggedIn();
    for (const run of [() => s.hold(), () => s.unhold(), () => s.mute(), () => s.unmute(), () => s.setAgentState()]) expect((await failure(run())).code).toBe('unsupported');
  });
});

describe('desktop-client mode', () => {
  it('dial: type 0 with the number, disablePop and httpPort; no paramvalue there, so the call is matched by number', async () => {
    const { s, state } = await loggedIn({ ...DESKTOP, disablePop: true, httpPort: 10802 });
    await s.dial(CUSTOMER);
    expect(server.calls('client:0').map((l) => l.params)).toEqual([{ phone: CUSTOMER, type: '0', disablePop: 'true', httpPort: '10802' }]);
    expect(server.calls('callbackPhone')).toHaveLength(0);
    expect(state.call).toMatchObject({ state: 'dialing', number: CUSTOMER });
    server.push(1, CUSTOMER, { status: 0, cdrId: 'A' });
    server.push(1, CUSTOMER, { status: 1, cdrId: 'A' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'connected', vendorCallId: 'A' });
  });

  it('dial without the options: just phone and type', async () => {
    const { s } = await loggedIn(DESKTOP);
    await s.dial(CUSTOMER);
    expect(server.calls('client:0')[0]!.params).toEqual({ phone: CUSTOMER, type: '0' });
  });

  it('the client not running: the dial says so, a banner with a hint; CallBar logs the client in again when it is back', async () => {
    const { s, state } = await loggedIn(DESKTOP);
    server.clientDown = true;
    const error = await failure(s.dial(CUSTOMER));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe('八百呼客户端没有运行（127.0.0.1:10800）');
    expect(state.call).toBeNull();
    expect(state.problem).toMatchObject({ code: 'unreachable', message: '八百呼客户端没有运行（127.0.0.1:10800）' });
    expect(state.problem?.hint).toContain('启动八百呼客户端');
    const logins = server.calls('client:2001').length;
    await tick(ERROR_POLL_MS + SLOW_POLL_MS);
    expect(server.calls('client:2001').length).toBeGreaterThan(logins);
    expect(state.problem).not.toBeNull();
    server.clientDown = false;
    await tick(ERROR_POLL_MS + SLOW_POLL_MS);
    expect(state.problem).toBeNull();
  });

  it('transfer: type 2 with the target; the call ends saying where it went', async () => {
    const { s, state } = await loggedIn(DESKTOP);
    server.push(2, CALLER, { status: 0, cdrId: 'B' });
    server.push(2, CALLER, { status: 1, cdrId: 'B' });
    await tick(SLOW_POLL_MS);
    await s.transfer('8005');
    expect(server.calls('client:2').map((l) => l.params)).toEqual([{ phone: '8005', type: '2' }]);
    expect(state.notes.at(-1)).toBe('正在转接到 8005');
    server.push(2, CALLER, { status: 3, cdrId: 'B' });
    await tick(FAST_POLL_MS);
    expect(state.call).toMatchObject({ state: 'ended', cause: '已转接到 8005' });
  });

  it('transfer: refused locally without a connected call or with a bad number; unsupported in cloud mode', async () => {
    const desktop = await loggedIn(DESKTOP);
    expect((await failure(desktop.s.transfer('8005'))).code).toBe('precondition');
    abort.abort();
    abort = new AbortController();
    const cloud = await loggedIn(CLOUD);
    expect((await failure(cloud.s.transfer('8005'))).code).toBe('unsupported');
    expect(server.calls('client:2')).toHaveLength(0);
  });

  it('extra actions: 登录八百呼客户端 (2001) and 弹出客户端界面 (2002), with a note; not in cloud mode', async () => {
    const { s, state } = await loggedIn(DESKTOP);
    await s.extraAction('clientLogin');
    expect(server.calls('client:2001')).toHaveLength(2);
    expect(state.notes.at(-1)).toBe('已登录八百呼客户端');
    await s.extraAction('clientPop');
    expect(server.calls('client:2002').map((l) => l.params)).toEqual([{ type: '2002' }]);
    expect(state.notes.at(-1)).toBe('已弹出八百呼客户端界面');
    expect((await failure(s.extraAction('nope'))).code).toBe('unsupported');
    abort.abort();
    abort = new AbortController();
    const cloud = await loggedIn(CLOUD);
    expect((await failure(cloud.s.extraAction('clientPop'))).code).toBe('unsupported');
  });

  it('clientLogin is refused during a call', async () => {
    const { s } = await loggedIn(DESKTOP);
    await s.dial(CUSTOMER);
    expect((await failure(s.extraAction('clientLogin'))).code).toBe('precondition');
  });
});

describe('the password', () => {
  it('is sent nowhere in clear, in either mode: only its uppercase MD5', async () => {
    const password = 'My Secret 密码&=';
    const settings = { ...DESKTOP, password };
    const { s } = session(settings);
    // The fake server expects the test password's MD5: let it accept this one.
    server.script('getExtension', { json: { code: 0, name: '李四', extension: '100008800' } });
    await s.login().catch(() => undefined);
    s.resume(abort.signal);
    await tick(SLOW_POLL_MS);
    await s.dial(CUSTOMER).catch(() => undefined);
    expect(server.log.length).toBeGreaterThan(3);
    for (const request of server.log) {
      const everything = decodeURIComponent(`${request.url} ${request.body}`.replace(/\+/g, ' '));
      expect(everything).not.toContain(password);
      if (request.to === 'cloud') expect(request.params.sa_password).toBe(passwordMd5(password));
    }
    expect(server.calls('client:2001')[0]!.params.pass).toBe(passwordMd5(password));
  });
});
