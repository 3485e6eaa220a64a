import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLOUD_METHODS,
  ControlError,
  Ing800Simulator,
  RETURN_CODES,
  passwordMd5,
  type Ing800SimulatorOptions,
  type WireMessage,
} from './ing800-simulator.ts';

/** Short delays keep the flows fast; tests wait for messages rather than sleeping. */
const FAST: Ing800SimulatorOptions = {
  agentAnswerDelayMs: 10,
  ringDelayMs: 10,
  answerDelayMs: 20,
  noAnswerTimeoutMs: 80,
};

const ACCOUNT = '100008800';
const MD5 = passwordMd5('02367073578');
const JSON_PATH = '/voip/api/jsonpdata.json';
const HTML_PATH = '/voip/api/jsondata.html';

/** Replies are checked with toEqual, so loose typing of the parsed JSON is enough here. */
type Json = any;

interface Content {
  status: number;
  cdrId: number;
  paramvalue?: string;
}

let sim: Ing800Simulator;

async function startSim(opts: Ing800SimulatorOptions = {}): Promise<void> {
  sim = new Ing800Simulator({ ...FAST, ...opts });
  await sim.start();
}

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  await sim.stop();
});

// ---------------------------------------------------------------- client helpers

interface Raw {
  status: number;
  text: string;
  json: Json;
  headers: Headers;
}

async function rawGet(path: string, params: Record<string, string>): Promise<Raw> {
  const res = await fetch(`${sim.baseUrl}${path}?${new URLSearchParams(params).toString()}`);
  const text = await res.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (HTML error page, JSONP)
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** A cloud call with the right credentials (uppercase MD5), GET on jsonpdata.json. */
async function api(method: string, params: Record<string, string> = {}): Promise<Json> {
  const { status, json } = await rawGet(JSON_PATH, { sa_user: ACCOUNT, sa_password: MD5, method, ...params });
  expect(status).toBe(200);
  return json;
}

async function waterline(): Promise<{ waterline: number; msgs: string }> {
  const json = await api('getLongWaterLine', { loginType: 'jsonpLogin', client: '1' });
  expect(json.code).toBe(0);
  return json;
}

async function recv(waterLine: number, limit?: number): Promise<WireMessage[]> {
  const json = await api('recvMsg', { client: '1', waterLine: String(waterLine), ...(limit === undefined ? {} : { limit: String(limit) }) });
  expect(json.code).toBe(0);
  return json.msgs as WireMessage[];
}

const contentOf = (m: WireMessage): Content => JSON.parse(m.content) as Content;
const statuses = (ms: WireMessage[]): number[] => ms.map((m) => contentOf(m).status);

/** Polls recvMsg from `from` until a message with `status` arrives; returns everything after `from`. */
async function messagesUntil(status: number, from: number, timeoutMs = 2000): Promise<WireMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const msgs = await recv(from);
    if (msgs.some((m) => contentOf(m).status === status)) return msgs;
    if (Date.now() > deadline) throw new Error(`no status ${status}; got ${statuses(msgs).join(', ')}`);
    await sleep(5);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function client(params: Record<string, string>, path = '/'): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.clientUrl}${path}?${new URLSearchParams(params).toString()}`);
  const text = await res.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // plain-text error page
  }
  return { status: res.status, json };
}

async function control(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.baseUrl}/_sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: res.status, json: await res.json() };
}

const OK = { code: 0, message: '' };

// ---------------------------------------------------------------- tests

describe('authentication', () => {
  it('the password MD5 is uppercase hex (the test account 100008800 / 02367073578)', () => {
    expect(MD5).toBe('CBCA51A420DD10423A9ACC4DB8041D5A');
    expect(sim.passwordMd5).toBe(MD5);
  });

  it('accepts the uppercase MD5 and records the case', async () => {
    const json = await api('getExtension');
    expect(json).toEqual({
      code: 0,
      message: '',
      exteId: 1001,
      name: '李四',
      extension: '8001',
      compNumber: '100008',
      compName: '测试企业',
      disablePhoneNum: 0,
      exteLoginType: 0,
    });
    expect(Object.keys(json).slice(0, 2)).toEqual(['code', 'message']);
    expect(sim.requestsTo('getExtension')[0]?.passwordCase).toBe('upper');
  });

  it('also accepts lowercase (recorded as such, so a test can insist on uppercase)', async () => {
    const { json } = await rawGet(JSON_PATH, { sa_user: ACCOUNT, sa_password: MD5.toLowerCase(), method: 'getExtension' });
    expect(json.code).toBe(0);
    expect(sim.requestsTo('getExtension')[0]?.passwordCase).toBe('lower');
  });

  it('answers -2 验证错误 for a wrong, clear, missing password or a wrong account', async () => {
    const cases: Array<Record<string, string>> = [
      { sa_user: ACCOUNT, sa_password: passwordMd5('wrong') },
      { sa_user: ACCOUNT, sa_password: '02367073578' },
      { sa_user: ACCOUNT },
      { sa_user: '100000800', sa_password: MD5 },
      { sa_password: MD5 },
    ];
    for (const auth of cases) {
      const { status, json } = await rawGet(JSON_PATH, { ...auth, method: 'getExtension' });
      expect(status).toBe(200);
      expect(json).toEqual({ code: -2, message: '验证错误' });
    }
    expect(sim.requestsTo('getExtension').map((r) => r.passwordCase)).toEqual(['upper', null, null, 'upper', 'upper']);
    expect(sim.requestsTo('getExtension').every((r) => r.reason !== undefined)).toBe(true);
  });

  it('checks the password before the method (wrong password + unknown method = -2)', async () => {
    const { json } = await rawGet(JSON_PATH, { sa_user: ACCOUNT, sa_password: passwordMd5('x'), method: 'nope' });
    expect(json.code).toBe(-2);
  });

  it('uses the configured account and password', async () => {
    await sim.stop();
    await startSim({ account: '100000900', password: 'secret', agent: { name: '王五', disablePhoneNum: 1 } });
    const { json } = await rawGet(JSON_PATH, { sa_user: '100000900', sa_password: passwordMd5('secret'), method: 'getExtension' });
    expect(json).toMatchObject({ code: 0, name: '王五', disablePhoneNum: 1, extension: '8001' });
  });
});

describe('transport', () => {
  it('serves every method on jsondata.html (text/html) and jsonpdata.json (application/json)', async () => {
    const params = { sa_user: ACCOUNT, sa_password: MD5, method: 'getExtension' };
    const html = await rawGet(HTML_PATH, params);
    const json = await rawGet(JSON_PATH, params);
    expect(html.json.code).toBe(0);
    expect(json.json).toEqual(html.json);
    expect(html.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    expect(json.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(html.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('wraps the reply in callback(…) on jsonpdata.jsonp', async () => {
    const params = { sa_user: ACCOUNT, sa_password: MD5, method: 'getLongWaterLine', loginType: 'jsonpLogin', client: '1' };
    const jsonp = await rawGet('/voip/api/jsonpdata.jsonp', { ...params, callback: 'cb_1' });
    expect(jsonp.headers.get('content-type')).toBe('application/javascript;charset=UTF-8');
    const match = /^cb_1\((.*)\)$/.exec(jsonp.text);
    expect(JSON.parse(match?.[1] ?? 'null')).toMatchObject({ code: 0, keylist: '', msgs: '' });
    const plain = await rawGet('/voip/api/jsonpdata.jsonp', params);
    expect(plain.json.code).toBe(0);
  });

  it('reads POST application/x-www-form-urlencoded bodies (UTF-8, url-encoded)', async () => {
    const body = new URLSearchParams({ sa_user: ACCOUNT, sa_password: MD5, method: 'callbackPhone', descPhone: '13900001111', paramvalue: '订单 A&B=1' });
    const res = await fetch(sim.baseUrl + HTML_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: body.toString(),
    });
    expect(await res.json()).toEqual(OK);
    const [request] = sim.requestsTo('callbackPhone');
    expect(request?.httpMethod).toBe('POST');
    expect(request?.query).toEqual({});
    expect(request?.body).toMatchObject({ paramvalue: '订单 A&B=1' });
    expect(sim.state.call?.paramvalue).toBe('订单 A&B=1');
  });

  it('reads multipart/form-data bodies', async () => {
    const form = new FormData();
    form.set('sa_user', ACCOUNT);
    form.set('sa_password', MD5);
    form.set('method', 'getExtension');
    const res = await fetch(sim.baseUrl + JSON_PATH, { method: 'POST', body: form });
    expect((await res.json()).code).toBe(0);
  });

  it('does not read a JSON body (the request then has no sa_user → -2)', async () => {
    const res = await fetch(sim.baseUrl + JSON_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sa_user: ACCOUNT, sa_password: MD5, method: 'getExtension' }),
    });
    expect(await res.json()).toEqual({ code: -2, message: '验证错误' });
    expect(typeof sim.requests[0]?.body).toBe('string');
  });

  it('answers 404 on other paths and 405 on other HTTP methods (HTML pages)', async () => {
    const missing = await rawGet('/voip/api/other.json', { sa_user: ACCOUNT, sa_password: MD5, method: 'getExtension' });
    expect(missing.status).toBe(404);
    expect(missing.json).toBeNull();
    const put = await fetch(sim.baseUrl + JSON_PATH, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(sim.requests.map((r) => r.status)).toEqual([404, 405]);
  });
});

describe('method errors', () => {
  it('unknown or missing method → -3', async () => {
    expect(await api('noSuchMethod')).toEqual({ code: -3, message: '方法内部错误：未知方法 noSuchMethod' });
    const { json } = await rawGet(JSON_PATH, { sa_user: ACCOUNT, sa_password: MD5 });
    expect(json).toEqual({ code: -3, message: '方法内部错误：缺少参数 method' });
  });

  it('registerExtension → -5 没有权限 (needs the system administrator account)', async () => {
    expect(await api('registerExtension', { showphone: '02300000000' })).toEqual({ code: -5, message: '没有权限：需要系统管理员帐号' });
  });

  it('failNext forces every code of the table once, before the password check, without side effects', async () => {
    for (const [code, text] of Object.entries(RETURN_CODES)) {
      sim.failNext('callbackPhone', Number(code));
      expect(await api('callbackPhone', { descPhone: '13900001111' })).toEqual({ code: Number(code), message: text });
    }
    expect(sim.state.calls).toEqual([]);
    sim.failNext('getExtension', -2);
    const { json } = await rawGet(JSON_PATH, { method: 'getExtension' });
    expect(json).toEqual({ code: -2, message: '验证错误' });
    expect((await api('getExtension')).code).toBe(0);
  });

  it('failNext queues, matches by method, and "*" matches any method; custom message', async () => {
    sim.failNext('recvMsg', -1);
    sim.failNext('*', -6, 'db down');
    expect(sim.state.pendingFailures).toHaveLength(2);
    expect(await api('getExtension')).toEqual({ code: -6, message: 'db down' });
    expect((await api('hangupExten')).code).toBe(-11);
    expect(await api('recvMsg', { client: '1' })).toEqual({ code: -1, message: '网络错误' });
    expect(sim.state.pendingFailures).toEqual([]);
    expect(() => sim.failNext('dial', -3)).toThrow(ControlError);
    expect(() => sim.failNext('recvMsg', 0)).toThrow(ControlError);
  });
});

describe('getLongWaterLine and recvMsg', () => {
  it('starts with a start value, keylist "" and msgs ""; records the heartbeat', async () => {
    expect(sim.lastHeartbeat).toBeNull();
    const before = Date.now();
    const first = await waterline();
    expect(first).toEqual({ code: 0, message: '', waterline: sim.waterLine, keylist: '', msgs: '' });
    expect(first.waterline).toBeLessThanOrEqual(Date.now());
    expect(sim.lastHeartbeat).toBeGreaterThanOrEqual(before);
    expect(sim.state.heartbeats).toBe(1);
  });

  it('only loginType=jsonpLogin counts as a heartbeat; client is required', async () => {
    expect((await api('getLongWaterLine', { client: '1' })).code).toBe(0);
    expect(sim.lastHeartbeat).toBeNull();
    expect(await api('getLongWaterLine', { loginType: 'jsonpLogin' })).toEqual({ code: -3, message: '方法内部错误：参数 client 无效' });
    expect(sim.state.heartbeats).toBe(0);
  });

  it('water lines strictly increase; getLongWaterLine returns the newest and the latest call state', async () => {
    const start = (await waterline()).waterline;
    for (let i = 0; i < 5; i++) {
      sim.injectIncoming(`1370000000${i}`);
      sim.remoteHangup();
    }
    const msgs = await recv(start);
    expect(msgs).toHaveLength(10);
    const lines = msgs.map((m) => m.waterLine);
    lines.forEach((w, i) => expect(w).toBeGreaterThan(i === 0 ? start : (lines[i - 1] ?? 0)));
    const now = await waterline();
    expect(now.waterline).toBe(lines.at(-1));
    expect(JSON.parse(now.msgs)).toEqual({ status: 3, phone: '13700000004', kind: 2 });
    expect(msgs[0]).toEqual({
      kind: '2',
      phone: '13700000000',
      content: JSON.stringify({ status: 0, cdrId: contentOf(msgs[0] as WireMessage).cdrId }),
      time: expect.any(Number),
      waterLine: lines[0],
    });
  });

  it('recvMsg returns messages strictly after the water line, oldest first, at most limit; re-reads repeat', async () => {
    const start = sim.waterLine;
    for (let i = 0; i < 3; i++) {
      sim.injectIncoming(`1370000000${i}`);
      sim.remoteHangup();
    }
    const all = await recv(start);
    expect(all).toHaveLength(6);
    expect(await recv(start)).toEqual(all);
    expect(await recv(start, 2)).toEqual(all.slice(0, 2));
    const third = all[2] as WireMessage;
    expect(await recv(third.waterLine)).toEqual(all.slice(3));
    expect(await recv(third.waterLine, 1)).toEqual([all[3]]);
    expect(await recv((all[5] as WireMessage).waterLine)).toEqual([]);
    expect((await api('recvMsg', { client: '1' })).msgs).toEqual(all);
  });

  it('recvMsg limit defaults to 100', async () => {
    const start = sim.waterLine;
    for (let i = 0; i < 60; i++) {
      sim.injectIncoming('13700000000');
      sim.remoteHangup();
    }
    const first = await recv(start);
    expect(first).toHaveLength(100);
    expect(await recv((first[99] as WireMessage).waterLine)).toHaveLength(20);
  });

  it('recvMsg validates client, waterLine and limit (-3)', async () => {
    expect((await api('recvMsg', {})).code).toBe(-3);
    expect((await api('recvMsg', { client: '1', waterLine: 'abc' })).code).toBe(-3);
    expect((await api('recvMsg', { client: '1', limit: '0' })).code).toBe(-3);
    expect((await api('recvMsg', { client: '2', limit: '5' })).code).toBe(0);
  });
});

describe('outbound calls (callbackPhone)', () => {
  it('progresses 0 → 1 → 3 with the same cdrId and echoes paramvalue', async () => {
    const start = sim.waterLine;
    expect(await api('callbackPhone', { descPhone: '13900001111', paramvalue: 'order-42' })).toEqual(OK);
    expect(sim.state.call).toMatchObject({ kind: 1, phone: '13900001111', origin: 'callbackPhone', phase: 'agentRinging' });
    const answered = await messagesUntil(1, start);
    expect(statuses(answered)).toEqual([0, 1]);
    expect(sim.state.call?.phase).toBe('talking');
    expect(await api('hangupExten')).toEqual(OK);
    const msgs = await recv(start);
    expect(statuses(msgs)).toEqual([0, 1, 3]);
    const cdrIds = new Set(msgs.map((m) => contentOf(m).cdrId));
    expect(cdrIds.size).toBe(1);
    expect(msgs.every((m) => m.kind === '1' && m.phone === '13900001111' && contentOf(m).paramvalue === 'order-42')).toBe(true);
    expect(contentOf(msgs[0] as WireMessage)).toEqual({ status: 0, cdrId: [...cdrIds][0], paramvalue: 'order-42' });
    expect(sim.state.calls[0]).toMatchObject({ endReason: 'hangupExten', phase: 'ended' });
    expect(sim.state.call).toBeNull();
  });

  it('has no paramvalue key when none was given; each call gets a new cdrId', async () => {
    const start = sim.waterLine;
    sim.setCalleeMode('busy');
    expect((await api('callbackPhone', { descPhone: '13900001111' })).code).toBe(0);
    await messagesUntil(3, start);
    expect((await api('callbackPhone', { descPhone: '13900002222' })).code).toBe(0);
    await api('hangupExten');
    const msgs = await recv(start);
    expect(msgs.every((m) => !('paramvalue' in contentOf(m)))).toBe(true);
    const [a, b] = sim.state.calls;
    expect(b?.cdrId).toBe((a?.cdrId ?? 0) + 1);
  });

  it('callee busy: 0 → 3 without 1', async () => {
    sim.setCalleeMode('busy');
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111' });
    expect(statuses(await messagesUntil(3, start))).toEqual([0, 3]);
    expect(sim.state.calls[0]?.endReason).toBe('busy');
  });

  it('callee noAnswer: hangs up after noAnswerTimeoutMs', async () => {
    sim.setCalleeMode('noAnswer');
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111' });
    expect(statuses(await messagesUntil(3, start))).toEqual([0, 3]);
    expect(sim.state.calls[0]?.endReason).toBe('noAnswer');
  });

  it('callee manual: rings until calleeAnswer() / calleeBusy()', async () => {
    sim.setCalleeMode('manual');
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111' });
    await sleep(60);
    expect(sim.state.call?.phase).toBe('ringing');
    expect(statuses(await recv(start))).toEqual([0]);
    sim.calleeAnswer();
    expect(statuses(await recv(start))).toEqual([0, 1]);
    expect(() => sim.calleeAnswer()).toThrow(ControlError);
    sim.remoteHangup();
    await api('callbackPhone', { descPhone: '13900002222' });
    sim.calleeBusy();
    expect(statuses(await recv(start))).toEqual([0, 1, 3, 0, 3]);
  });

  it('refuses a second call while the agent has one (-3), and bad descPhone (-3)', async () => {
    await api('callbackPhone', { descPhone: '13900001111' });
    expect(await api('callbackPhone', { descPhone: '13900002222' })).toEqual({ code: -3, message: '方法内部错误：坐席正在通话中' });
    expect(await api('callbackPhone')).toEqual({ code: -3, message: '方法内部错误：缺少参数 descPhone' });
    expect(await api('callbackPhone', { descPhone: '139-0000-1111' })).toEqual({ code: -3, message: '方法内部错误：号码格式错误' });
    expect(sim.state.calls).toHaveLength(1);
  });

  it('hangupExten with no call → -11; hang-up while the agent phone rings still ends the call', async () => {
    expect(await api('hangupExten')).toEqual({ code: -11, message: '数据不存在：没有通话' });
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111' });
    expect(await api('hangupExten')).toEqual(OK);
    expect(statuses(await recv(start))).toEqual([0, 3]);
    await sleep(60);
    expect(statuses(await recv(start))).toEqual([0, 3]);
  });
});

describe('incoming calls', () => {
  it('rings (kind 2, status 0) and is answered with sendMsg kind 6', async () => {
    const start = sim.waterLine;
    const cdrId = sim.injectIncoming('13700000000');
    expect(await api('sendMsg', { phone: '13700000000', kind: '6', client: '1', lostTime: '10' })).toEqual(OK);
    expect(sim.state.call?.phase).toBe('talking');
    sim.remoteHangup();
    const msgs = await recv(start);
    expect(msgs.map((m) => [m.kind, m.phone, contentOf(m)])).toEqual([
      ['2', '13700000000', { status: 0, cdrId }],
      ['2', '13700000000', { status: 1, cdrId }],
      ['2', '13700000000', { status: 3, cdrId }],
    ]);
  });

  it('sendMsg errors: wrong phone or nothing ringing → -11, kind ≠ 6 or missing params → -3', async () => {
    const answer = { kind: '6', client: '1', lostTime: '10' };
    expect(await api('sendMsg', { phone: '13700000000', ...answer })).toEqual({ code: -11, message: '数据不存在：没有来自 13700000000 的来电振铃' });
    sim.injectIncoming('13700000000');
    expect((await api('sendMsg', { phone: '13700000001', ...answer })).code).toBe(-11);
    expect(await api('sendMsg', { phone: '13700000000', ...answer, kind: '5' })).toEqual({ code: -3, message: '方法内部错误：kind 必须为 6' });
    expect((await api('sendMsg', { ...answer })).code).toBe(-3);
    expect((await api('sendMsg', { phone: '13700000000', kind: '6', lostTime: '10' })).code).toBe(-3);
    expect((await api('sendMsg', { phone: '13700000000', kind: '6', client: '10' })).code).toBe(-3);
    expect((await api('sendMsg', { phone: '13700000000', ...answer, client: '10' })).code).toBe(0);
    expect((await api('sendMsg', { phone: '13700000000', ...answer })).code).toBe(-11);
  });

  it('gives up after noAnswerTimeoutMs; hangupExten rejects a ringing call; agentAnswer() answers', async () => {
    const start = sim.waterLine;
    sim.injectIncoming('13700000000');
    await messagesUntil(3, start);
    expect(sim.state.calls[0]?.endReason).toBe('noAnswer');
    sim.injectIncoming('13700000001');
    expect((await api('hangupExten')).code).toBe(0);
    sim.injectIncoming('13700000002');
    sim.agentAnswer();
    expect(() => sim.injectIncoming('13700000003')).toThrow(ControlError);
    expect(statuses(await recv(start))).toEqual([0, 3, 0, 3, 0, 1]);
  });

  it('hangupStatus 2 (option or setHangupStatus) shows in recvMsg and getLongWaterLine', async () => {
    await sim.stop();
    await startSim({ hangupStatus: 2 });
    const start = sim.waterLine;
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    expect(statuses(await recv(start))).toEqual([0, 2]);
    expect(JSON.parse((await waterline()).msgs)).toEqual({ status: 2, phone: '13700000000', kind: 2 });
    sim.setHangupStatus(3);
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    expect(statuses(await recv(start))).toEqual([0, 2, 0, 3]);
    expect(sim.state.hangupStatus).toBe(3);
  });
});

describe('desktop client', () => {
  it('type 0 dials on the same account (water line, no paramvalue) and records disablePop/hold/httpPort', async () => {
    const start = sim.waterLine;
    const res = await client({ phone: '13900120013', type: '0', disablePop: 'true', hold: '0', httpPort: '10801' });
    expect(res).toEqual({ status: 200, json: OK });
    expect(sim.state.client.lastCommand).toMatchObject({ type: 0, phone: '13900120013', disablePop: 'true', hold: '0', httpPort: '10801', code: 0 });
    expect(sim.state.client.popped).toEqual([]);
    const msgs = await messagesUntil(1, start);
    expect(msgs.map((m) => [m.kind, m.phone])).toEqual([
      ['1', '13900120013'],
      ['1', '13900120013'],
    ]);
    expect(msgs.every((m) => !('paramvalue' in contentOf(m)))).toBe(true);
    expect(sim.state.calls[0]?.origin).toBe('client');
    expect(await client({ type: '1' })).toEqual({ status: 200, json: OK });
    expect(statuses(await recv(start))).toEqual([0, 1, 3]);
    expect(sim.state.calls[0]?.endReason).toBe('clientHangup');
    expect(sim.requestsTo('client:0')).toHaveLength(1);
    expect(sim.requestsTo('client')).toHaveLength(2);
  });

  it('pops a window unless disablePop=true; parameter names are case-insensitive', async () => {
    await client({ phone: '13900120013', type: '0', DisablePop: 'False', Hold: '1' });
    expect(sim.state.client.lastCommand).toMatchObject({ disablePop: 'False', hold: '1' });
    expect(sim.state.client.popped).toMatchObject([{ type: 0, phone: '13900120013' }]);
    expect(sim.state.client.popOpen).toBe(true);
    expect((await client({ type: '1003', phone: '13900120013' })).json).toEqual(OK);
    expect(sim.state.client.popOpen).toBe(false);
    expect((await client({ type: '2002' })).json).toEqual(OK);
    expect((await client({ type: '1000', url: Buffer.from('https://crm.example/c?id=1').toString('base64'), caption: '客户' })).json).toEqual(OK);
    expect(sim.state.client.popped.map((p) => [p.type, p.url])).toEqual([
      [0, null],
      [2002, null],
      [1000, 'https://crm.example/c?id=1'],
    ]);
  });

  it('type 0 while in a call → -3; type 1 or 2 without a call → -11', async () => {
    expect((await client({ type: '1' })).json).toEqual({ code: -11, message: '数据不存在：没有通话' });
    expect((await client({ type: '2', phone: '8002' })).json.code).toBe(-11);
    await api('callbackPhone', { descPhone: '13900001111' });
    expect((await client({ type: '0', phone: '13900002222' })).json).toEqual({ code: -3, message: '方法内部错误：坐席正在通话中' });
    expect((await client({ type: '0' })).json.code).toBe(-3);
  });

  it('type 2 transfers the answered call: the agent leaves it (hang-up message)', async () => {
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111' });
    await messagesUntil(1, start);
    expect((await client({ type: '2', phone: '8002' })).json).toEqual(OK);
    expect(statuses(await recv(start))).toEqual([0, 1, 3]);
    expect(sim.state.calls[0]).toMatchObject({ endReason: 'transfer', transferredTo: '8002' });
  });

  it('types 3 and 4 are only recorded; unknown or missing type → -3; other paths 404', async () => {
    expect((await client({ type: '4', phone: '13900000001,13900000002' })).json).toEqual(OK);
    expect(sim.state.client.lastCommand).toMatchObject({ type: 4, phone: '13900000001,13900000002' });
    expect((await client({ type: '3', phone: '13900000001' })).json).toEqual(OK);
    expect(sim.state.calls).toEqual([]);
    expect((await client({ type: '77' })).json).toEqual({ code: -3, message: '方法内部错误：未知类型 77' });
    expect((await client({ phone: '139' })).json.code).toBe(-3);
    expect((await client({ type: '0', phone: '139' }, '/call')).status).toBe(404);
  });

  it('refuses every type but 2001 while not logged in; 2001 accepts the clear password or its MD5', async () => {
    await sim.stop();
    await startSim({ clientLoggedIn: false });
    expect((await client({ type: '0', phone: '13900001111' })).json).toEqual({ code: -2, message: '客户端未登录' });
    expect((await client({ type: '2002' })).json.code).toBe(-2);
    expect((await client({ type: '2001', host: 'voip.800ing.com', user: ACCOUNT, pass: 'wrong' })).json).toEqual({ code: -2, message: '验证错误' });
    expect(sim.state.client.loggedIn).toBe(false);
    expect((await client({ type: '2001', host: 'voip.800ing.com', user: ACCOUNT, pass: '02367073578' })).json).toEqual(OK);
    expect(sim.state.client).toMatchObject({ loggedIn: true, user: ACCOUNT, host: 'voip.800ing.com', passForm: 'clear' });
    expect((await client({ type: '2001', host: '127.0.0.1', user: ACCOUNT, pass: MD5 })).json).toEqual(OK);
    expect(sim.state.client.passForm).toBe('md5');
    expect(sim.requestsTo('client:2001').map((r) => r.passwordCase)).toEqual([null, null, 'upper']);
    expect((await client({ type: '2001', user: '10000800', pass: MD5 })).json.code).toBe(-2);
    expect((await client({ type: '2001', user: ACCOUNT })).json.code).toBe(-3);
    expect(sim.state.client.loggedIn).toBe(false);
  });

  it('not running = connection refused; setClientRunning reopens the same port with its state', async () => {
    const url = `${sim.clientUrl}/?type=2002`;
    const port = sim.clientPort;
    await sim.setClientRunning(false);
    await expect(fetch(url)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(sim.state.client.running).toBe(false);
    expect((await api('getExtension')).code).toBe(0);
    await sim.setClientRunning(true);
    expect(sim.clientPort).toBe(port);
    expect((await client({ type: '2002' })).json).toEqual(OK);
  });

  it('option clientRunning: false starts with a refusing client port', async () => {
    await sim.stop();
    await startSim({ clientRunning: false });
    expect(sim.clientPort).toBeGreaterThan(0);
    await expect(fetch(`${sim.clientUrl}/?type=2002`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await sim.setClientRunning(true);
    expect((await client({ type: '2002' })).json).toEqual(OK);
  });
});

describe('lifecycle', () => {
  it('stop()/start() reuses both ports and keeps the state; calls progress while stopped', async () => {
    const { port, clientPort } = { port: sim.port, clientPort: sim.clientPort };
    const start = sim.waterLine;
    await api('callbackPhone', { descPhone: '13900001111', paramvalue: 'p' });
    await sim.stop();
    await expect(fetch(`${sim.baseUrl}${JSON_PATH}`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await expect(fetch(`${sim.clientUrl}/?type=2002`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await sleep(80);
    expect(await sim.start()).toEqual({ port, clientPort });
    expect(statuses(await recv(start))).toEqual([0, 1]);
    expect((await client({ type: '1' })).json).toEqual(OK);
    expect(statuses(await recv(start))).toEqual([0, 1, 3]);
  });

  it('reset() forgets calls, messages, heartbeat and requests; the water line never goes back', async () => {
    await waterline();
    sim.injectIncoming('13700000000');
    sim.failNext('*', -1);
    const before = sim.waterLine;
    sim.reset();
    expect(sim.state).toMatchObject({ call: null, calls: [], messages: [], lastHeartbeat: null, heartbeats: 0, pendingFailures: [] });
    expect(sim.requests).toEqual([]);
    expect(sim.waterLine).toBe(before);
    sim.injectIncoming('13700000000');
    expect(sim.messages[0]?.waterLine).toBeGreaterThan(before);
  });

  it('exposes every documented method name and default ports are ephemeral', () => {
    expect(CLOUD_METHODS).toEqual(['getExtension', 'callbackPhone', 'getLongWaterLine', 'recvMsg', 'hangupExten', 'sendMsg', 'registerExtension']);
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.clientPort).not.toBe(sim.port);
    expect(sim.baseUrl).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.clientUrl).toBe(`http://127.0.0.1:${sim.clientPort}`);
  });
});

describe('control interface (/_sim/)', () => {
  it('drives an incoming call, the callee and failures over HTTP', async () => {
    const incoming = await control('incoming', { from: '13700000000' });
    expect(incoming.status).toBe(200);
    expect(incoming.json).toMatchObject({ ok: true, cdrId: expect.any(Number), state: { call: { phase: 'ringing' } } });
    expect((await control('incoming', { from: '13700000001' })).status).toBe(409);
    expect((await control('agent-answer')).json.state.call.phase).toBe('talking');
    expect((await control('remote-hangup')).json.state.call).toBeNull();
    expect((await control('callee', { mode: 'manual' })).json.state.calleeMode).toBe('manual');
    await api('callbackPhone', { descPhone: '13900001111' });
    expect((await control('callee/answer')).status).toBe(200);
    expect((await control('callee/busy')).status).toBe(409);
    await control('remote-hangup');
    expect((await control('fail-next', { method: 'getExtension', code: -14 })).status).toBe(200);
    expect(await api('getExtension')).toEqual({ code: -14, message: '验证组错误' });
    expect((await control('hangup-status', { status: 2 })).json.state.hangupStatus).toBe(2);
    expect((await control('hangup-status', { status: 4 })).status).toBe(400);
    const state = await control('state', undefined, 'GET');
    expect(state.json.state.messages.length).toBeGreaterThan(0);
    expect((await control('requests', undefined, 'GET')).json.requests.length).toBe(sim.requests.length);
    await control('requests/clear');
    expect(sim.requests).toEqual([]);
  });

  it('switches the client over HTTP and answers 404/405/400', async () => {
    expect((await control('client-running', { running: false })).json.state.client.running).toBe(false);
    await expect(fetch(`${sim.clientUrl}/?type=2002`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await control('client-running', { running: true });
    await control('client-login', { loggedIn: false });
    expect((await client({ type: '2002' })).json.code).toBe(-2);
    expect((await control('nope')).status).toBe(404);
    expect((await control('state')).status).toBe(405);
    expect((await control('incoming', { from: 12 })).status).toBe(400);
    expect((await control('callee', { mode: 'later' })).status).toBe(400);
    expect((await control('reset')).json.state.client.loggedIn).toBe(true);
  });
});
