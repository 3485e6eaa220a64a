import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  DEFAULT_CLIENT,
  DEFAULT_USER,
  DscomSimulator,
  ERROR_CODES,
  type DscomSimulatorOptions,
} from './dscom-simulator.ts';

/**
 * Short delays keep every flow to tens of milliseconds; tests wait for states, not for time.
 * Timeouts stay roomy so a slow machine does not hit them; tests about a timeout shorten it.
 */
const FAST: DscomSimulatorOptions = {
  agentAnswerDelayMs: 10,
  ringDelayMs: 10,
  answerDelayMs: 15,
  noAnswerTimeoutMs: 1000,
  agentRingTimeoutMs: 1000,
  wrapUpSeconds: 0.3,
  parkingTimeoutMs: 5000,
  agents: ['1011', '1012', '1013'],
};

/** Replies are checked with toEqual/toMatchObject, so loose typing of the parsed JSON is enough. */
type Json = any;

const OK_EMPTY = { code: '200', msg: '成功', data: [], total: 0 };

/** The document's 错误代码 table, copied by hand (not imported) so a typo in rules.ts shows. */
const DOCUMENT_ERRORS = {
  '510000': '标记留言收取状态参数有误', '510001': '标记留言收取状态异常',
  '600000': '呼叫接口参数验证失败', '600001': '呼叫异常', '600002': '挂断异常', '600003': '保持异常',
  '600004': '接回保持异常', '600005': '转接参数验证失败', '600006': '转接异常', '600007': '取消咨询转异常',
  '600008': '代接电话参数验证失败', '600009': '代接电话失败', '600010': '强插参数验证失败', '600011': '强插失败',
  '600012': '监听参数验证失败', '600013': '监听失败', '600014': '督导参数验证失败', '600015': '督导失败',
  '600016': '驻留失败', '600017': '接回驻留参数验证失败', '600018': '驻留通话已挂断',
  '600019': '来电重定向参数验证失败', '600020': '来电重定向异常', '600021': '话机听取录音参数验证失败',
  '600022': '话机听取录音异常', '610000': '座席签入异常', '610001': '座席签出参数有误', '610002': '座席签出异常',
  '610003': '设置座席状态参数有误', '610004': '设置座席状态异常', '610005': '修改排队优先级参数有误',
  '610006': '修改排队优先级异常', '610007': '座席签入参数有误',
} as const;

const errorBody = (code: keyof typeof DOCUMENT_ERRORS) => ({ code, msg: DOCUMENT_ERRORS[code], data: [], total: 0 });

let sim: DscomSimulator;
let base: string;
let token: string;

async function startSim(opts: DscomSimulatorOptions = {}): Promise<void> {
  sim = new DscomSimulator({ ...FAST, ...opts });
  await sim.start();
  base = `${sim.baseUrl}/dscom-api`;
  token = (await passwordGrant()).json.access_token;
}

/** A fresh simulator with other options (replaces the one beforeEach started). */
async function restartWith(opts: DscomSimulatorOptions): Promise<void> {
  await sim.stop();
  await startSim(opts);
}

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  vi.useRealTimers();
  await sim.stop();
});

// ---------------------------------------------------------------- client helpers

interface Reply {
  status: number;
  json: Json;
  text: string;
  headers: Headers;
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text), text, headers: res.headers };
}

function tokenRequest(body: Record<string, unknown>, form = false): Promise<Reply> {
  return send(`${base}/public/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json', Accept: 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
}

function passwordGrant(extra: Record<string, unknown> = {}): Promise<Reply> {
  return tokenRequest({
    grant_type: 'password',
    client_id: DEFAULT_CLIENT.id,
    client_secret: DEFAULT_CLIENT.secret,
    username: DEFAULT_USER.username,
    password: DEFAULT_USER.password,
    scope: '*',
    ...extra,
  });
}

function refreshGrant(refreshToken: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  return tokenRequest({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: DEFAULT_CLIENT.id,
    client_secret: DEFAULT_CLIENT.secret,
    scope: '',
    ...extra,
  });
}

const headers = (bearer: string | null = token): Record<string, string> => ({
  'Accept-Language': 'zh-CN',
  'Content-Type': 'application/json',
  Accept: 'application/json',
  ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }),
});

function post(route: string, body: unknown, init: { bearer?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  return send(`${base}/api/v1/${route}`, {
    method: 'POST',
    headers: { ...headers(init.bearer === undefined ? token : init.bearer), ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function get(route: string, query: Record<string, string> = {}, bearer: string | null = token): Promise<Reply> {
  const qs = new URLSearchParams(query).toString();
  return send(`${base}/api/v1/${route}${qs ? `?${qs}` : ''}`, { headers: headers(bearer) });
}

/** The reply body of a POST, which is always HTTP 200 for vendor codes. */
async function call(route: string, body: unknown): Promise<Json> {
  const reply = await post(route, body);
  expect(reply.status).toBe(200);
  return reply.json;
}

async function endpointState(extension: string): Promise<string> {
  const { json } = await get('status/endpoint', { page: '1', pageSize: '10', endpoint: extension });
  return json.data[0].state;
}

async function agentRow(extension: string, queue = '200'): Promise<Json> {
  const { json } = await get('agent/getAgentStatus', { extension, queue });
  return json.data[queue]?.[extension];
}

async function agentStatus(extension: string, queue = '200'): Promise<string> {
  return (await agentRow(extension, queue)).status;
}

/** Polls `probe` until it returns something other than undefined/false. */
async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${probe.toString()}`);
    await sleep(3);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForState(extension: string, state: string): Promise<void> {
  await waitFor(async () => (await endpointState(extension)) === state);
}

async function login(extension: string, agentid: string, queue = '200', extra: Record<string, unknown> = {}): Promise<void> {
  expect(await call('agent/login', { agentid, extension, queue, ...extra })).toEqual(OK_EMPTY);
}

/** 8001 dials an outside number and talks to it. */
async function outboundCall(extension = '8001', dest = '13900001111'): Promise<string> {
  const { data } = await call('call/dial', { extension, dest });
  await waitFor(() => sim.state.pbx.calls.some((c) => c.a.number === extension && c.b?.state === 'up'));
  return data.uniqueid;
}

/** An outside caller rings `extension` directly and is answered. */
async function inboundCall(extension = '8001', from = '13700000000'): Promise<void> {
  sim.injectIncoming({ from, extension });
  sim.agentAnswer(extension);
  expect(await endpointState(extension)).toBe('In use');
}

interface BillingClient {
  ws: WebSocket;
  messages: Json[];
  opened: Promise<void>;
  closed: Promise<number>;
  rejected: Promise<number>;
}

function openBilling(accessToken: string, userId = 'billing'): BillingClient {
  const ws = new WebSocket(`${sim.billingUrl}/?user_id=${userId}&token=${encodeURIComponent(accessToken)}`);
  const messages: Json[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  ws.on('error', () => {});
  return {
    ws,
    messages,
    opened: new Promise((resolve) => ws.once('open', () => resolve())),
    closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))),
    rejected: new Promise((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))),
  };
}

async function control(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Json }> {
  const reply = await send(`${sim.baseUrl}/_sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: reply.status, json: reply.json };
}

// ---------------------------------------------------------------- OAuth

describe('token endpoint', () => {
  it('grants a Bearer token (client_id as number, string, or a form body)', async () => {
    for (const reply of [
      await passwordGrant(),
      await passwordGrant({ client_id: '4' }),
      await tokenRequest(
        { grant_type: 'password', client_id: '4', client_secret: DEFAULT_CLIENT.secret, username: 'agent1', password: '123456', scope: '*' },
        true,
      ),
    ]) {
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        token_type: 'Bearer',
        expires_in: 1800,
        access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
        refresh_token: expect.stringMatching(/^def50200[0-9a-f]+$/),
      });
    }
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(payload).toMatchObject({ aud: '4', sub: '1', scopes: [] });
    expect(payload.exp - payload.iat).toBeCloseTo(1800, 3);
  });

  it('answers Passport-shaped errors', async () => {
    expect(await passwordGrant({ client_secret: 'nope' })).toMatchObject({
      status: 401,
      json: { error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' },
    });
    expect((await passwordGrant({ client_id: 99 })).status).toBe(401);
    expect(await passwordGrant({ password: 'wrong' })).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: 'The user credentials were incorrect.',
        hint: '',
        message: 'The user credentials were incorrect.',
      },
    });
    expect(await passwordGrant({ username: undefined })).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', hint: 'Check the `username` parameter' },
    });
    expect(await passwordGrant({ client_id: undefined })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await passwordGrant({ grant_type: 'client_credentials' })).toMatchObject({
      status: 400,
      json: { error: 'unsupported_grant_type' },
    });
    expect((await tokenRequest({})).json.error).toBe('unsupported_grant_type');
    expect(await passwordGrant({ scope: 'admin' })).toMatchObject({ status: 400, json: { error: 'invalid_scope' } });
    expect((await send(`${base}/public/oauth/token`, { method: 'GET' })).status).toBe(405);
  });

  it('rotates refresh tokens: each works once and revokes the access token it came with', async () => {
    const first = (await passwordGrant()).json;
    const second = await refreshGrant(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.json.access_token).not.toBe(first.access_token);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    const revoked = {
      error: 'invalid_request',
      error_description: 'The refresh token is invalid.',
      hint: 'Token has been revoked',
      message: 'The refresh token is invalid.',
    };
    expect(await refreshGrant(first.refresh_token)).toMatchObject({ status: 400, json: revoked });
    expect((await get('call/parkList', {}, first.access_token)).status).toBe(401);
    expect((await get('call/parkList', {}, second.json.access_token)).status).toBe(200);
    expect((await refreshGrant('garbage')).json).toMatchObject({ error: 'invalid_request', error_description: 'The refresh token is invalid.' });
    expect((await refreshGrant(second.json.refresh_token, { client_secret: 'x' })).status).toBe(401);
    sim.revokeRefreshTokens();
    expect(await refreshGrant(second.json.refresh_token)).toMatchObject({ status: 400, json: revoked });
  });

  it('access tokens really expire after their ttl; refresh tokens after 30 days', async () => {
    const now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const grant = (await passwordGrant()).json;
    vi.setSystemTime(now + 1799_000);
    expect((await get('call/parkList', {}, grant.access_token)).status).toBe(200);
    vi.setSystemTime(now + 1801_000);
    expect(await get('call/parkList', {}, grant.access_token)).toMatchObject({ status: 401, json: { message: 'Unauthenticated.' } });
    expect((await refreshGrant(grant.refresh_token)).status).toBe(200);
    const late = (await passwordGrant()).json;
    vi.setSystemTime(now + 31 * 24 * 3600_000);
    expect((await refreshGrant(late.refresh_token)).json.hint).toBe('Token has expired');
  });

  it('set-token-ttl changes expires_in; expire-tokens ends every access token now', async () => {
    sim.setTokenTtl(60);
    const grant = (await passwordGrant()).json;
    expect(grant.expires_in).toBe(60);
    sim.expireTokens();
    expect((await get('call/parkList', {}, grant.access_token)).status).toBe(401);
    expect((await get('call/parkList')).status).toBe(401);
    const renewed = await refreshGrant(grant.refresh_token);
    expect(renewed.status).toBe(200);
    expect((await get('call/parkList', {}, renewed.json.access_token)).status).toBe(200);
    expect(() => sim.setTokenTtl(0)).toThrow(/positive integer/);
  });
});

// ---------------------------------------------------------------- HTTP rules

describe('API request rules', () => {
  it('carries the document\'s error table verbatim', () => {
    expect(ERROR_CODES).toEqual(DOCUMENT_ERRORS);
  });

  it('answers 401 {"message":"Unauthenticated."} without a valid bearer token', async () => {
    for (const bearer of [null, 'not-a-token', `${token}x`]) {
      expect(await post('call/dial', { extension: '8001', dest: '139' }, { bearer })).toMatchObject({
        status: 401,
        json: { message: 'Unauthenticated.' },
      });
      expect((await get('status/endpoint', { page: '1', pageSize: '10' }, bearer)).status).toBe(401);
    }
    expect(sim.state.pbx.calls).toEqual([]);
  });

  it('routes before authenticating: unknown path 404, wrong method 405, OPTIONS 200', async () => {
    expect(await get('call/nothing', {}, null)).toMatchObject({
      status: 404,
      json: { message: 'The route api/v1/call/nothing could not be found.' },
    });
    expect((await send(`${sim.baseUrl}/elsewhere`, {})).status).toBe(404);
    const wrong = await get('call/dial');
    expect(wrong).toMatchObject({ status: 405, json: { message: expect.stringContaining('Supported methods: POST') } });
    expect((await post('status/endpoint', {})).status).toBe(405);
    const options = await fetch(`${base}/api/v1/call/dial`, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([200, 'POST']);
  });

  it('replies with PHP-style JSON (\\uXXXX, \\/) and the documented envelope', async () => {
    const reply = await get('status/endpoint', { page: '1', pageSize: '10', endpoint: '8001' });
    expect(reply.text).toContain('"msg":"\\u6210\\u529f"');
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.json).toEqual({
      code: '200',
      msg: '成功',
      data: [{ endpoint: '8001', state: 'Not in use', channels: '0 of inf', cid: '8001', registerIp: '192.168.7.139', registerPort: '49322' }],
      total: 1,
    });
  });

  it('serves the API under /dscom-api/public/api/v1 as well', async () => {
    const reply = await send(`${base}/public/api/v1/call/parkList`, { headers: headers() });
    expect(reply.json).toEqual(OK_EMPTY);
    expect(sim.requests.at(-1)?.route).toBe('call/parkList');
  });

  it.each([
    ['call/dial', '600000'],
    ['call/hangup', '600000'],
    ['call/hold', '600000'],
    ['call/unhold', '600000'],
    ['call/transfer', '600005'],
    ['call/cancelAtxfer', '600005'],
    ['call/park', '600000'],
    ['call/unpark', '600017'],
    ['call/redirect', '600019'],
    ['call/pickup', '600008'],
    ['call/barge', '600010'],
    ['call/monitor', '600012'],
    ['call/whisper', '600014'],
    ['agent/login', '610007'],
    ['agent/logout', '610001'],
    ['agent/pause', '610003'],
  ] as const)('%s: missing fields, a non-JSON body or no Accept: json → %s', async (route, code) => {
    const expected = errorBody(code);
    expect(await call(route, {})).toEqual(expected);
    expect(await call(route, '{oops')).toEqual(expected);
    const form = await post(route, 'extension=8001&dest=8002', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.json).toEqual(expected);
    const noAccept = await post(route, { extension: '8001', dest: '8002' }, { headers: { Accept: '*/*' } });
    expect(noAccept.json).toEqual(expected);
  });

  it('validates field values', async () => {
    expect(await call('call/dial', { extension: 8001, dest: '139' })).toEqual(errorBody('600000'));
    expect(await call('call/dial', { extension: '8001', dest: '139-0000' })).toEqual(errorBody('600000'));
    expect(await call('call/dial', { extension: '9999', dest: '139' })).toEqual(errorBody('600000'));
    expect(await call('call/transfer', { type: 'warm', extension: '8001', dest: '8002' })).toEqual(errorBody('600005'));
    expect(await call('call/transfer', { type: 'app', extension: '8001', dest: '8002' })).toEqual(errorBody('600005'));
    expect(await call('agent/login', { agentid: '9999', extension: '8001', queue: '200' })).toEqual(errorBody('610007'));
    expect(await call('agent/login', { agentid: '1011', extension: '8001', queue: '999' })).toEqual(errorBody('610007'));
    expect(await call('agent/login', { agentid: '1011', extension: '8001', queue: '200', paused: 3 })).toEqual(errorBody('610007'));
    expect(await call('agent/login', { agentid: '1011', extension: '8001', queue: '200', penalty: 100 })).toEqual(errorBody('610007'));
    expect(await call('agent/pause', { extension: '8001', queue: '200', paused: 7 })).toEqual(errorBody('610003'));
    expect(await call('agent/logout', { extension: '8001', queue: '999' })).toEqual(errorBody('610001'));
    expect(await call('call/pickup', { extension: '8001', dest: '8001' })).toEqual(errorBody('600008'));
    expect(await call('call/barge', { extension: '8001', dest: '8001' })).toEqual(errorBody('600010'));
    expect(await call('call/unpark', { extension: '9999', dest: '139' })).toEqual(errorBody('600017'));
    expect(await call('call/redirect', { extension: '9999', dest: '139' })).toEqual(errorBody('600019'));
  });

  it.each([
    ['call/hangup', { extension: '8001' }, '600002'],
    ['call/hangup', { extension: '13900001111' }, '600002'],
    ['call/hold', { extension: '8001' }, '600003'],
    ['call/unhold', { extension: '8001' }, '600004'],
    ['call/transfer', { type: 'blind', extension: '8001', dest: '8002' }, '600006'],
    ['call/cancelAtxfer', { extension: '8001' }, '600007'],
    ['call/park', { extension: '8001' }, '600016'],
    ['call/unpark', { extension: '8001', dest: '18312345678' }, '600018'],
    ['call/redirect', { extension: '8001', dest: '18312345678' }, '600020'],
    ['call/pickup', { extension: '8001', dest: '8002' }, '600009'],
    ['call/barge', { extension: '8001', dest: '8002' }, '600011'],
    ['call/monitor', { extension: '8001', dest: '8002' }, '600013'],
    ['call/whisper', { extension: '8001', dest: '8002' }, '600015'],
    ['agent/logout', { extension: '8001', queue: '200' }, '610002'],
    ['agent/logout', { extension: '8001', queue: 'all' }, '610002'],
    ['agent/pause', { extension: '8001', queue: '200', paused: 5 }, '610004'],
  ] as const)('%s %j with nothing going on → %s', async (route, body, code) => {
    const reply = await post(route, body);
    expect(reply.json).toEqual(errorBody(code));
    expect(reply.headers.get('x-sim-reason')).toBeTruthy();
  });

  it('logs requests with the headers of interest', async () => {
    sim.clearRequests();
    await post('call/hangup', { extension: '8001' });
    await get('status/endpoint', { page: '1', pageSize: '10' }, null);
    await control('state', undefined, 'GET'); // control traffic is not recorded
    expect(sim.requests.map((r) => [r.method, r.route, r.status])).toEqual([
      ['POST', 'call/hangup', 200],
      ['GET', 'status/endpoint', 401],
    ]);
    expect(sim.requests[0]).toMatchObject({
      server: 'http',
      path: '/dscom-api/api/v1/call/hangup',
      body: { extension: '8001' },
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', contentType: 'application/json', acceptLanguage: 'zh-CN' },
      reply: errorBody('600002'),
      reason: 'no call for 8001',
    });
    expect(sim.requests[1]).toMatchObject({ query: { page: '1', pageSize: '10' }, headers: { authorization: null } });
    expect(sim.requestsTo('call/hangup')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- outbound calls

describe('call/dial', () => {
  it('rings the agent phone, then the callee; hold, unhold, hangup; the CDR is pushed', async () => {
    await restartWith({ agentAutoAnswer: false, calleeMode: 'manual' });
    const billing = openBilling(token);
    await billing.opened;

    const dial = await call('call/dial', { extension: '8001', dest: '13900001111' });
    expect(dial).toEqual({ code: '200', msg: '成功', data: { uniqueid: expect.stringMatching(/^hwd-\d{10}\.\d+$/) }, total: 0 });
    expect(await endpointState('8001')).toBe('Ringing');
    expect(await call('call/hold', { extension: '8001' })).toEqual(errorBody('600003'));
    sim.agentAnswer();
    expect(await endpointState('8001')).toBe('In use');
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'ringing');
    expect(await call('call/hold', { extension: '8001' })).toEqual(errorBody('600003')); // not connected yet
    sim.calleeAnswer();
    expect(await call('call/hold', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('On Hold');
    expect(await call('call/hold', { extension: '8001' })).toEqual(errorBody('600003'));
    expect(await call('call/unhold', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('In use');
    expect(await call('call/unhold', { extension: '8001' })).toEqual(errorBody('600004'));
    expect(await call('call/hangup', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('Not in use');

    await waitFor(() => billing.messages.length === 1);
    const [message] = billing.messages;
    expect(message.type).toBe('billing');
    expect(message.data).toHaveLength(1);
    const row = message.data[0];
    expect(Object.keys(row)).toEqual([
      'calldate', 'clid', 'src', 'dnid', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'start',
      'answer', 'end', 'duration', 'billsec', 'disposition', 'uniqueid', 'linkedid', 'billingid', 'recording',
      'direction', 'hangupsource',
    ]);
    expect(row).toMatchObject({
      clid: '"8001" <8001>',
      src: '8001',
      dnid: '13900001111',
      dst: '13900001111',
      dcontext: 'from-internal',
      channel: expect.stringMatching(/^PJSIP\/8001-[0-9a-f]{8}$/),
      dstchannel: expect.stringMatching(/^PJSIP\/trunkHWD-[0-9a-f]{8}$/),
      lastapp: 'Dial',
      lastdata: 'PJSIP/13900001111@trunkHWD,1,Ttb(set-features^s^1)',
      disposition: 'ANSWERED',
      uniqueid: dial.data.uniqueid,
      linkedid: dial.data.uniqueid,
      billingid: '8001',
      direction: 'out',
      recording: expect.stringMatching(/^monitor\/\d{8}\/\d{8}-\d{6}-8001-13900001111-hwd-[\d.]+\.wav$/),
    });
    expect(row.hangupsource).toBe(row.channel);
    for (const field of ['calldate', 'start', 'answer', 'end']) expect(row[field]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(typeof row.duration).toBe('number');
    expect(row.billsec).toBeLessThanOrEqual(row.duration);
    billing.ws.close();
  });

  it('auto-answers the agent phone after agentAnswerDelayMs and connects by callee mode', async () => {
    const uniqueid = await outboundCall();
    expect(await endpointState('8001')).toBe('In use');
    sim.remoteHangup();
    await waitForState('8001', 'Not in use');
    expect(sim.cdrs.at(-1)).toMatchObject({ uniqueid, disposition: 'ANSWERED', hangupsource: expect.stringContaining('trunkHWD') });
  });

  it.each([
    ['busy', 'BUSY'],
    ['noAnswer', 'NO ANSWER'],
  ] as const)('callee mode %s ends the call as %s', async (mode, disposition) => {
    await restartWith({ noAnswerTimeoutMs: 60 });
    sim.setCalleeMode(mode);
    const { data } = await call('call/dial', { extension: '8001', dest: '13900001111' });
    await waitFor(() => sim.cdrs.length === 1);
    expect(sim.cdrs[0]).toMatchObject({ uniqueid: data.uniqueid, disposition, answer: '', billsec: 0, recording: '' });
    expect(await endpointState('8001')).toBe('Not in use');
  });

  it('calleeBusy rejects a manual callee; a hangup before the answer is NO ANSWER', async () => {
    sim.setCalleeMode('manual');
    await call('call/dial', { extension: '8001', dest: '13900001111' });
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'ringing');
    sim.calleeBusy();
    expect(sim.cdrs.at(-1)?.disposition).toBe('BUSY');
    await call('call/dial', { extension: '8001', dest: '13900001111' });
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'ringing');
    expect(await call('call/hangup', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(sim.cdrs.at(-1)).toMatchObject({ disposition: 'NO ANSWER', hangupsource: expect.stringContaining('PJSIP/8001-') });
    expect(() => sim.calleeAnswer()).toThrow(/no callee/);
  });

  it('an internal dest rings that extension; the row is inner', async () => {
    sim.setCalleeMode('manual');
    await call('call/dial', { extension: '8001', dest: '8002' });
    await waitForState('8002', 'Ringing');
    expect(await endpointState('8001')).toBe('In use');
    sim.agentAnswer('8002');
    expect(await endpointState('8002')).toBe('In use');
    expect(await call('call/hangup', { extension: '8002' })).toEqual(OK_EMPTY);
    expect([await endpointState('8001'), await endpointState('8002')]).toEqual(['Not in use', 'Not in use']);
    expect(sim.cdrs.at(-1)).toMatchObject({
      src: '8001',
      dst: '8002',
      direction: 'inner',
      billingid: '',
      dstchannel: expect.stringMatching(/^PJSIP\/8002-/),
      lastdata: expect.stringMatching(/^PJSIP\/8002\/sip:8002@192\.168\.7\.140:\d+;ob,1,/),
    });
  });

  it('uses displaycid as the row caller id', async () => {
    const uniqueid = await outboundCall('8001', '13900001111').then(async (id) => {
      await call('call/hangup', { extension: '8001' });
      return id;
    });
    expect(sim.cdrs.at(-1)).toMatchObject({ uniqueid, src: '8001' });
    await call('call/dial', { extension: '8001', dest: '13900001111', displaycid: '18551811888' });
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'up');
    await call('call/hangup', { extension: '13900001111' });
    expect(sim.cdrs.at(-1)).toMatchObject({ src: '18551811888', clid: ' <18551811888>', billingid: '8001' });
  });

  it('refuses while the phone is offline or busy (600001); an offline dest fails', async () => {
    sim.setRegistered('8001', false);
    expect(await endpointState('8001')).toBe('Unavailable');
    const offline = await get('status/endpoint', { page: '1', pageSize: '10', endpoint: '8001' });
    expect(offline.json.data[0]).toMatchObject({ registerIp: '', registerPort: '' });
    expect(await call('call/dial', { extension: '8001', dest: '139' })).toEqual(errorBody('600001'));
    sim.setRegistered('8001', true);
    await outboundCall();
    expect(await call('call/dial', { extension: '8001', dest: '138' })).toEqual(errorBody('600001'));
    await call('call/hangup', { extension: '8001' });
    sim.setRegistered('8003', false);
    await call('call/dial', { extension: '8001', dest: '8003' });
    await waitFor(() => sim.cdrs.length === 2);
    expect(sim.cdrs[1]).toMatchObject({ dst: '8003', disposition: 'FAILED' });
  });

  it('a phone going offline ends its call', async () => {
    await outboundCall();
    await control('set-registered', { extension: '8001', registered: false });
    expect(sim.state.pbx.calls).toEqual([]);
    expect(sim.cdrs).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- agents

describe('agents', () => {
  it('login, pause and logout show in getAgentStatus with the documented shape', async () => {
    expect((await get('agent/getAgentStatus')).json).toEqual(OK_EMPTY);
    await login('8001', '1011', '200', { penalty: 2 });
    const { json } = await get('agent/getAgentStatus', { agentid: '1011' });
    expect(json).toEqual({
      code: '200',
      msg: '成功',
      total: 0,
      data: {
        200: {
          8001: {
            agentid: '1011',
            interfaceType: 'PJSIP',
            extension: '8001',
            queue: '200',
            penalty: '2',
            current: '',
            linkedid: '',
            dsStatus: '1',
            dsStatusDuration: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
            direction: '0',
            status: '0',
            statusDesc: 'Ready',
            statusDuration: '00:00:00',
            callsCurrent: '0',
            callsTotal: '0',
            login: '0',
          },
        },
      },
    });
    expect(await call('agent/login', { agentid: '1011', extension: '8001', queue: '200' })).toEqual(errorBody('610000'));
    expect(await call('agent/login', { agentid: '1011', extension: '8002', queue: '201' })).toEqual(errorBody('610000'));
    expect(await call('agent/login', { agentid: '1012', extension: '8001', queue: '201' })).toEqual(errorBody('610000'));
    await login('8001', '1011', '201', { paused: 4 });
    expect(await agentRow('8001', '201')).toMatchObject({ status: '4', statusDesc: 'Private break' });

    for (const [paused, status, desc] of [
      [5, '5', 'Work break'],
      [11, '11', 'Custom status 1'],
      [0, '0', 'Ready'],
    ] as const) {
      expect(await call('agent/pause', { extension: '8001', queue: '200', paused, reason: 'PublicBreak' })).toEqual(OK_EMPTY);
      expect(await agentRow('8001')).toMatchObject({ status, statusDesc: desc });
    }
    expect(await call('agent/pause', { extension: '8001', queue: '200', paused: '4' })).toEqual(OK_EMPTY);
    expect(await agentStatus('8001')).toBe('4');

    expect(await call('agent/logout', { extension: '8001', queue: '200' })).toEqual(OK_EMPTY);
    expect(await agentRow('8001')).toMatchObject({ status: '-1', statusDesc: 'Logged out' });
    expect(await call('agent/pause', { extension: '8001', queue: '200', paused: 0 })).toEqual(errorBody('610004'));
    expect(await call('agent/logout', { extension: '8001', queue: 'all' })).toEqual(OK_EMPTY);
    expect(await agentStatus('8001', '201')).toBe('-1');
    expect(await call('agent/logout', { extension: '8001', queue: 'all' })).toEqual(errorBody('610002'));
  });

  it('filters getAgentStatus by query parameters', async () => {
    await login('8001', '1011', '200');
    await login('8002', '1012', '201');
    const all = (await get('agent/getAgentStatus')).json.data;
    expect(Object.keys(all)).toEqual(['200', '201']);
    expect(Object.keys((await get('agent/getAgentStatus', { queue: '201' })).json.data)).toEqual(['201']);
    expect((await get('agent/getAgentStatus', { agentid: '1012' })).json.data['201']['8002'].agentid).toBe('1012');
    expect((await get('agent/getAgentStatus', { extension: '8003' })).json.data).toEqual([]);
  });

  it('goes 2 → 1 over an outbound call, 3 整理 after it, then back to its pause code', async () => {
    await restartWith({ agentAutoAnswer: false, calleeMode: 'manual' });
    await login('8001', '1011', '200', { paused: 5 });
    const { data } = await call('call/dial', { extension: '8001', dest: '13900001111' });
    expect(await agentRow('8001')).toMatchObject({ status: '2', statusDesc: 'Ringing', dsStatus: '6' });
    sim.agentAnswer();
    sim.calleeAnswer();
    expect(await agentRow('8001')).toMatchObject({
      status: '1',
      statusDesc: 'In call',
      current: '13900001111',
      linkedid: data.uniqueid,
      direction: '2',
      callsCurrent: '1',
      dsStatus: '2',
    });
    await call('call/hangup', { extension: '8001' });
    expect(await agentRow('8001')).toMatchObject({ status: '3', statusDesc: 'Wrap-up', current: '' });
    await waitFor(async () => (await agentStatus('8001')) === '5');
  });

  it('status/queue reports members in Chinese', async () => {
    await login('8001', '1011', '200');
    const { json } = await get('status/queue', { queue_num: '200' });
    expect(json.total).toBe(1);
    expect(json.data[0]).toMatchObject({
      agentid: '1011',
      extension: '8001',
      dsStatus: '空闲',
      status: '就绪',
      statusDesc: expect.stringMatching(/^就绪\(\d\d:\d\d:\d\d\)$/),
      dsStatusDesc: expect.stringMatching(/^空闲\(/),
      sampleTime: null,
    });
    expect((await get('status/queue')).status).toBe(422);
  });
});

// ---------------------------------------------------------------- incoming

describe('incoming calls', () => {
  it('a queue caller waits, is offered to a ready member, answered, and billed', async () => {
    const billing = openBilling(token);
    await billing.opened;
    const { linkedid } = sim.injectIncoming({ from: '18312345678', queue: '200' });
    const wait = await get('status/wait', { page: '1', pageSize: '10', queue_num: '200' });
    expect(wait.json).toEqual({
      code: '200',
      msg: '成功',
      total: 1,
      data: [
        {
          serialNo: '1',
          callerid: '18312345678',
          channel: expect.stringMatching(/^PJSIP\/trunkHWD-/),
          linkedid,
          queue: '200',
          waitTime: '0:00',
          prio: '0',
          ivr: '',
          ac: '',
        },
      ],
    });
    await login('8002', '1012', '200', { paused: 4 }); // paused: not offered
    expect(await endpointState('8002')).toBe('Not in use');
    await login('8001', '1011', '200');
    expect(await endpointState('8001')).toBe('Ringing');
    expect(await agentRow('8001')).toMatchObject({ status: '2', current: '18312345678', linkedid, direction: '1' });
    expect((await get('status/wait', { page: '1', pageSize: '10', queue_num: '200' })).json.total).toBe(1);
    sim.agentAnswer('8001');
    expect(await endpointState('8001')).toBe('In use');
    expect(await agentRow('8001')).toMatchObject({ status: '1', callsTotal: '1', login: '1' });
    expect((await get('status/wait', { page: '1', pageSize: '10', queue_num: '200' })).json).toMatchObject({ data: [], total: 0 });
    sim.remoteHangup('18312345678');
    expect(await agentStatus('8001')).toBe('3');
    await waitFor(() => billing.messages.length === 1);
    expect(billing.messages[0].data[0]).toMatchObject({
      src: '18312345678',
      dst: '200',
      lastapp: 'Queue',
      direction: 'in',
      disposition: 'ANSWERED',
      linkedid,
      channel: expect.stringMatching(/^PJSIP\/trunkHWD-/),
      dstchannel: expect.stringMatching(/^PJSIP\/8001-/),
    });
    billing.ws.close();
  });

  it('a call that rings out marks the member 8 and goes to the next one; pause clears 8', async () => {
    await restartWith({ agentRingTimeoutMs: 60 });
    await login('8001', '1011', '200');
    sim.injectIncoming({ from: '18312345678', queue: '200' });
    expect(await endpointState('8001')).toBe('Ringing');
    await login('8002', '1012', '200', { penalty: 5 });
    await waitForState('8002', 'Ringing');
    expect(await agentRow('8001')).toMatchObject({ status: '8', statusDesc: 'Ring timeout' });
    expect(await endpointState('8001')).toBe('Not in use');
    expect(await call('call/hangup', { extension: '8002' })).toEqual(OK_EMPTY); // rejects: the caller waits on
    expect(await endpointState('8002')).toBe('Not in use');
    expect(sim.state.pbx.queues['200']?.waiting).toEqual(['18312345678']);
    await call('agent/pause', { extension: '8001', queue: '200', paused: 0 });
    expect(await endpointState('8001')).toBe('Ringing');
  });

  it('a caller that hangs up while waiting is NO ANSWER', async () => {
    sim.injectIncoming({ from: '18312345678', queue: '201' });
    expect(await call('call/hangup', { extension: '18312345678' })).toEqual(OK_EMPTY);
    expect(sim.cdrs[0]).toMatchObject({ src: '18312345678', dst: '201', disposition: 'NO ANSWER', direction: 'in' });
  });

  it('a call to an extension rings it directly, with status 10 in the member\'s other queue', async () => {
    await login('8001', '1011', '201');
    sim.injectIncoming({ from: '13700000000', extension: '8001' });
    expect(await endpointState('8001')).toBe('Ringing');
    sim.agentAnswer();
    expect(await agentStatus('8001', '201')).toBe('1');
    await call('call/hangup', { extension: '8001' });
    await login('8001', '1011', '200');
    sim.injectIncoming({ from: '13700000001', queue: '200' });
    expect(await agentStatus('8001', '200')).toBe('3'); // not offered during wrap-up
    await waitForState('8001', 'Ringing');
    sim.agentAnswer('8001');
    expect(await agentStatus('8001', '200')).toBe('1');
    expect(await agentStatus('8001', '201')).toBe('10');
  });

  it('rings out a direct call after the dial timeout; call waiting shows Ring+Inuse', async () => {
    await restartWith({ noAnswerTimeoutMs: 80 });
    await inboundCall('8001', '13700000000');
    sim.injectIncoming({ from: '13700000001', extension: '8001' });
    expect(await endpointState('8001')).toBe('Ring+Inuse');
    await waitForState('8001', 'In use');
    expect(sim.cdrs.at(-1)).toMatchObject({ src: '13700000001', disposition: 'NO ANSWER' });
    expect(() => sim.injectIncoming({ from: '137', queue: '999' })).toThrow(/unknown queue/);
    expect(() => sim.injectIncoming({ from: '137' })).toThrow(/exactly one/);
  });
});

// ---------------------------------------------------------------- transfer

describe('call/transfer', () => {
  it('blind: the agent leaves, the caller now talks to dest', async () => {
    await inboundCall('8001', '13700000000');
    const { linkedid } = sim.state.pbx.calls[0] as Json;
    expect(await call('call/transfer', { type: 'blind', extension: '8001', dest: '8002' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('Not in use');
    await waitForState('8002', 'Ringing');
    await waitForState('8002', 'In use');
    expect(sim.cdrs[0]).toMatchObject({ src: '13700000000', dst: '8001', disposition: 'ANSWERED', hangupsource: expect.stringMatching(/^PJSIP\/8001-/) });
    await call('call/hangup', { extension: '13700000000' });
    expect(sim.cdrs[1]).toMatchObject({ src: '13700000000', dst: '8002', linkedid, direction: 'in', disposition: 'ANSWERED' });
  });

  it('attended: consult, cancel back to the caller, consult again and complete by hanging up', async () => {
    sim.setCalleeMode('manual');
    await inboundCall('8001', '13700000000');
    expect(await call('call/transfer', { type: 'attended', extension: '8001', dest: '8002' })).toEqual(OK_EMPTY);
    await waitForState('8002', 'Ringing');
    expect(await endpointState('8001')).toBe('In use');
    expect(await call('call/transfer', { type: 'attended', extension: '8001', dest: '8003' })).toEqual(errorBody('600006'));
    sim.calleeAnswer('8002');
    expect(await endpointState('8002')).toBe('In use');
    expect(await call('call/unhold', { extension: '8001' })).toEqual(errorBody('600004'));
    expect(await call('call/cancelAtxfer', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8002')).toBe('Not in use');
    expect(sim.state.pbx.calls).toMatchObject([{ a: { number: '13700000000', held: false }, b: { number: '8001', held: false } }]);
    expect(await call('call/cancelAtxfer', { extension: '8001' })).toEqual(errorBody('600007'));

    await call('call/transfer', { type: 'attended', extension: '8001', dest: '8002' });
    await waitFor(() => sim.state.pbx.calls.some((c) => c.b?.number === '8002' && c.b.state === 'ringing'));
    sim.calleeAnswer('8002');
    expect(await call('call/hangup', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('Not in use');
    expect(await endpointState('8002')).toBe('In use');
    expect(sim.state.pbx.calls).toMatchObject([{ a: { number: '13700000000' }, b: { number: '8002', state: 'up' } }]);
  });

  it('attended to a target that does not answer returns the agent to the caller', async () => {
    sim.setCalleeMode('busy');
    await inboundCall('8001', '13700000000');
    await call('call/transfer', { type: 'attended', extension: '8001', dest: '13900002222' });
    await waitFor(() => sim.cdrs.some((r) => r.dst === '13900002222' && r.disposition === 'BUSY'));
    expect(await call('call/hold', { extension: '8001' })).toEqual(OK_EMPTY); // talking to the caller again
  });

  it('app: ext-queues,<queue>,1 puts the caller in that queue', async () => {
    await inboundCall('8001', '13700000000');
    expect(await call('call/transfer', { type: 'app', extension: '8001', dest: 'ext-queues,999,1' })).toEqual(errorBody('600006'));
    expect(await call('call/transfer', { type: 'app', extension: '8001', dest: 'ext-queues,201,1' })).toEqual(OK_EMPTY);
    const wait = await get('status/wait', { page: '1', pageSize: '10', queue_num: '201' });
    expect(wait.json.data).toMatchObject([{ callerid: '13700000000', queue: '201' }]);
    expect(await endpointState('8001')).toBe('Not in use');
  });
});

// ---------------------------------------------------------------- park

describe('park', () => {
  it('parks in 701, lists, and unparks to another extension', async () => {
    await inboundCall('8001', '18312345678');
    expect(await call('call/park', { extension: '8001' })).toEqual(OK_EMPTY);
    expect(await endpointState('8001')).toBe('Not in use');
    const list = await get('call/parkList');
    expect(list.json).toMatchObject({ code: '200', total: 0 });
    expect(list.json.data).toEqual([
      {
        parkeeChannel: expect.stringMatching(/^PJSIP\/trunkHWD-/),
        parkeeChannelState: '6',
        parkeeChannelStateDesc: 'Up',
        parkeeCallerIDNum: '18312345678',
        parkeeCallerIDName: '18312345678',
        parkeeConnectedLineNum: '8001',
        parkeeConnectedLineName: 'device',
        parkeeLanguage: 'cn',
        parkeeAccountCode: '',
        parkeeContext: 'from-internal',
        parkeeExten: '8001',
        parkeePriority: '1',
        parkeeUniqueid: expect.stringMatching(/^hwd-/),
        parkeeLinkedid: expect.stringMatching(/^hwd-/),
        parkerDialString: 'PJSIP/8001',
        parkingLot: 'default',
        parkingSpace: '701',
        parkingTimeout: expect.stringMatching(/^\d+$/),
        parkingDuration: '0',
      },
    ]);
    expect((await get('call/parkList', { extension: '8002' })).json.data).toEqual([]);
    expect((await get('call/parkList', { extension: '8001' })).json.data).toHaveLength(1);
    expect(await call('call/park', { extension: '8001' })).toEqual(errorBody('600016'));

    expect(await call('call/unpark', { extension: '8002', dest: '18312345678' })).toEqual(OK_EMPTY);
    expect(await endpointState('8002')).toBe('Ringing');
    await waitForState('8002', 'In use');
    expect((await get('call/parkList')).json.data).toEqual([]);
    expect(await call('call/unpark', { extension: '8002', dest: '18312345678' })).toEqual(errorBody('600018'));
    await call('call/hangup', { extension: '8002' });
    expect(sim.cdrs.at(-1)).toMatchObject({ src: '8002', dst: '701', lastapp: 'ParkedCall', disposition: 'ANSWERED' });
  });

  it('a parked call rings the parker back after the parking timeout', async () => {
    await restartWith({ parkingTimeoutMs: 60 });
    await inboundCall('8001', '18312345678');
    await call('call/park', { extension: '8001' });
    await waitForState('8001', 'Ringing');
    expect((await get('call/parkList')).json.data).toEqual([]);
    sim.agentAnswer('8001');
    expect(await endpointState('8001')).toBe('In use');
  });

  it('a parked caller that hangs up leaves a Park row', async () => {
    await inboundCall('8001', '18312345678');
    await call('call/park', { extension: '8001' });
    sim.remoteHangup();
    expect(sim.cdrs.at(-1)).toMatchObject({ src: '18312345678', dst: '701', lastapp: 'Park', dcontext: 'parkedcalls' });
  });
});

// ---------------------------------------------------------------- pickup, redirect, supervision

describe('pickup, redirect, barge / monitor / whisper', () => {
  it('pickup takes a call ringing at another extension (status 7)', async () => {
    await login('8003', '1013', '201');
    sim.injectIncoming({ from: '13700000000', extension: '8002' });
    expect(await call('call/pickup', { extension: '8003', dest: '8002' })).toEqual(OK_EMPTY);
    expect(await endpointState('8003')).toBe('Ringing'); // the picker's phone first
    await waitForState('8003', 'In use');
    expect(await endpointState('8002')).toBe('Not in use');
    expect(await agentRow('8003', '201')).toMatchObject({ status: '7', current: '13700000000' });
    await call('call/hangup', { extension: '8003' });
    expect(sim.cdrs.at(-1)).toMatchObject({ src: '13700000000', dstchannel: expect.stringMatching(/^PJSIP\/8003-/), disposition: 'ANSWERED' });
  });

  it('redirect takes a queued caller to an extension', async () => {
    sim.injectIncoming({ from: '18312345678', queue: '200' });
    expect(await call('call/redirect', { extension: '8002', dest: '18312345678' })).toEqual(OK_EMPTY);
    expect(await endpointState('8002')).toBe('Ringing');
    expect((await get('status/wait', { page: '1', pageSize: '10', queue_num: '200' })).json.total).toBe(0);
    sim.agentAnswer('8002');
    expect(await endpointState('8002')).toBe('In use');
    expect(await call('call/redirect', { extension: '8003', dest: '18312345678' })).toEqual(errorBody('600020'));
  });

  it.each(['barge', 'monitor', 'whisper'] as const)('%s adds the supervisor to the call until either party hangs up', async (mode) => {
    await inboundCall('8001', '13700000000');
    expect(await call(`call/${mode}`, { extension: '8003', dest: '8001' })).toEqual(OK_EMPTY);
    await waitForState('8003', 'In use');
    expect(sim.state.pbx.calls[0]?.spies).toEqual([{ extension: '8003', mode }]);
    expect(await call(`call/${mode}`, { extension: '8003', dest: '8001' })).toEqual(
      errorBody(({ barge: '600011', monitor: '600013', whisper: '600015' } as const)[mode]),
    );
    sim.remoteHangup('13700000000');
    expect([await endpointState('8001'), await endpointState('8003')]).toEqual(['Not in use', 'Not in use']);
    expect(sim.cdrs.map((r) => r.lastapp)).toEqual(['Dial', 'ChanSpy']);
  });

  it('the supervisor hanging up leaves the call going', async () => {
    await inboundCall('8001', '13700000000');
    await call('call/barge', { extension: '8003', dest: '8001' });
    await waitForState('8003', 'In use');
    await call('call/hangup', { extension: '8003' });
    expect(await endpointState('8003')).toBe('Not in use');
    expect(await endpointState('8001')).toBe('In use');
  });
});

// ---------------------------------------------------------------- CDR searches

describe('cdr and cdr/list', () => {
  it('search the rows written so far', async () => {
    await outboundCall();
    await call('call/hangup', { extension: '8001' });
    sim.injectIncoming({ from: '18312345678', queue: '201' });
    await call('call/hangup', { extension: '18312345678' });
    const window = { start_time: '2000-01-01 00:00:00', end_time: '2100-01-01 00:00:00' };

    const list = await get('cdr/list', window);
    expect(list.json.total).toBe(2);
    expect(list.json.data.map((r: Json) => r.direction)).toEqual(['out', 'in']);
    const desc = await get('cdr/list', { ...window, sort_by: 'id', order: 'desc', page_size: '1' });
    expect(desc.json).toMatchObject({ total: 2, data: [{ direction: 'in' }] });
    expect((await get('cdr/list', { ...window, end_time: '2000-01-02 00:00:00' })).json).toMatchObject({ data: [], total: 0 });
    expect(await get('cdr/list', {})).toMatchObject({ status: 422, json: { errors: { start_time: expect.any(Array) } } });
    expect((await get('cdr/list', { ...window, sort_by: 'bogus' })).status).toBe(422);

    const cdr = await get('cdr', { page: '1', pageSize: '10', disposition: 'ANSWERD' });
    expect(cdr.json.total).toBe(1);
    expect(cdr.json.data[0]).toMatchObject({ id: 1, src: '8001', succ: 1, hangupcause: '16', trunkName: 'trunkHWD', dept_exten: '' });
    expect((await get('cdr', { page: '1', pageSize: '10', direction: 'in' })).json.data[0]).toMatchObject({
      src: '18312345678',
      disposition: 'NO ANSWER',
    });
    expect((await get('cdr', { page: '1', pageSize: '10', src: 'nobody' })).json.total).toBe(0);
    expect((await get('cdr', { page: '0', pageSize: '10' })).status).toBe(422);
  });

  it('status/trunk reports the trunk', async () => {
    const idle = await get('status/trunk', { page: '1', pageSize: '10' });
    expect(idle.json.data).toEqual([{ endpoint: 'trunkHWD', state: 'Not in use', channels: '0 of inf', serverIp: '192.168.1.201', serverPort: '5060' }]);
    await outboundCall();
    expect((await get('status/trunk', { page: '1', pageSize: '10' })).json.data[0]).toMatchObject({ state: 'In use', channels: '1 of inf' });
  });
});

// ---------------------------------------------------------------- billing socket

describe('billing websocket', () => {
  it('checks the token only at the handshake', async () => {
    expect(await openBilling('bogus').rejected).toBe(401);
    expect(await openBilling(token, 'someone').rejected).toBe(400);
    const client = openBilling(token);
    await client.opened;
    expect(sim.billingClientCount).toBe(1);
    sim.expireTokens();
    expect(await openBilling(token).rejected).toBe(401);
    sim.injectIncoming({ from: '18312345678', queue: '200' });
    sim.remoteHangup();
    await waitFor(() => client.messages.length === 1); // still delivered on the open socket
    expect(sim.requestsTo('billing').map((r) => r.status)).toEqual([401, 400, 101, 401]);
    client.ws.close();
  });

  it('drop-billing cuts every socket', async () => {
    const a = openBilling(token);
    const b = openBilling(token);
    await Promise.all([a.opened, b.opened]);
    expect((await control('drop-billing')).json.state.billingClients).toBe(0);
    expect(await Promise.all([a.closed, b.closed])).toEqual([1006, 1006]);
  });
});

// ---------------------------------------------------------------- lifecycle and control

describe('lifecycle', () => {
  it('stop and start reuse both ports; state and tokens survive; the PBX runs on meanwhile', async () => {
    const { port, billingPort } = { port: sim.port, billingPort: sim.billingPort };
    await login('8001', '1011', '200');
    const client = openBilling(token);
    await client.opened;
    await outboundCall();
    await sim.stop();
    expect(await client.closed).toBe(1006);
    await expect(fetch(`${base}/api/v1/call/parkList`)).rejects.toThrow();
    sim.remoteHangup(); // the call ends while the API is down
    expect(await sim.start()).toEqual({ port, billingPort });
    expect(await endpointState('8001')).toBe('Not in use');
    expect(await agentStatus('8001')).toMatch(/^[03]$/);
    expect((await get('cdr/list', { start_time: '2000-01-01', end_time: '2100-01-01' })).json.total).toBe(1);
    const again = openBilling(token);
    await again.opened;
    again.ws.close();
  });

  it('reset returns to the constructed state', async () => {
    await login('8001', '1011', '200');
    await outboundCall();
    sim.reset();
    expect(sim.requests).toEqual([]);
    expect(sim.cdrs).toEqual([]);
    expect(sim.state.pbx.calls).toEqual([]);
    expect(sim.state.tokens.validAccess).toBe(0);
    expect((await get('call/parkList')).status).toBe(401);
    token = (await passwordGrant()).json.access_token;
    expect((await get('agent/getAgentStatus')).json.data).toEqual([]);
  });

  it('accepts extension and agent configs', async () => {
    await restartWith({
      extensions: ['8001', { number: '8009', registered: false }],
      agents: [{ agentid: '2001', extension: '8001', queues: ['201'] }],
    });
    expect(await endpointState('8009')).toBe('Unavailable');
    expect((await get('status/endpoint', { page: '1', pageSize: '1' })).json).toMatchObject({ total: 2, data: [{ endpoint: '8001' }] });
    expect(await agentRow('8001', '201')).toMatchObject({ agentid: '2001', status: '-1' });
  });
});

describe('HTTP control interface', () => {
  it('drives calls and reports state', async () => {
    expect((await control('state', undefined, 'GET')).json).toMatchObject({ ok: true, state: { pbx: { calleeMode: 'answer' } } });
    expect((await control('incoming', { from: 42 })).status).toBe(400);
    expect(await control('agent-answer')).toEqual({ status: 409, json: { ok: false, error: 'no phone is ringing' } });
    const incoming = await control('incoming', { from: '13700000000', extension: '8001' });
    expect(incoming.json).toMatchObject({ ok: true, uniqueid: expect.stringMatching(/^hwd-/), linkedid: incoming.json.uniqueid });
    expect((await control('agent-answer', { extension: '8001' })).json.state.pbx.extensions[0]).toMatchObject({ state: 'In use' });
    expect((await control('remote-hangup', { number: '13700000000' })).json.state.pbx.calls).toEqual([]);
    expect((await control('remote-hangup')).status).toBe(409);

    expect((await control('callee', { mode: 'sometimes' })).status).toBe(400);
    expect((await control('callee', { mode: 'manual' })).json.state.pbx.calleeMode).toBe('manual');
    expect((await control('callee/answer')).status).toBe(409);
    await call('call/dial', { extension: '8001', dest: '13900001111' });
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'ringing');
    expect((await control('callee/answer')).json.state.pbx.calls[0].b.state).toBe('up');
    await call('call/hangup', { extension: '8001' });
    await call('call/dial', { extension: '8001', dest: '13900001111' });
    await waitFor(() => sim.state.pbx.calls[0]?.b?.state === 'ringing');
    expect((await control('callee/busy', { number: '13900001111' })).json.state.pbx.calls).toEqual([]);
    const cdrs = await control('cdrs', undefined, 'GET');
    expect(cdrs.json.cdrs.map((r: Json) => r.disposition)).toEqual(['ANSWERED', 'ANSWERED', 'BUSY']);
  });

  it('manages tokens, registration, requests and reset', async () => {
    expect((await control('set-token-ttl', { seconds: 'soon' })).status).toBe(400);
    await control('set-token-ttl', { seconds: 120 });
    expect((await passwordGrant()).json.expires_in).toBe(120);
    const grant = (await passwordGrant()).json;
    await control('expire-tokens');
    expect((await get('call/parkList', {}, grant.access_token)).status).toBe(401);
    await control('revoke-refresh-tokens');
    expect((await refreshGrant(grant.refresh_token)).json.hint).toBe('Token has been revoked');

    expect((await control('set-registered', { extension: '8002', registered: 'no' })).status).toBe(400);
    expect((await control('set-registered', { extension: '9999', registered: false })).status).toBe(400);
    const offline = await control('set-registered', { extension: '8002', registered: false });
    expect(offline.json.state.pbx.extensions[1]).toMatchObject({ number: '8002', state: 'Unavailable' });

    const listed = await control('requests', undefined, 'GET');
    expect(listed.json.requests.map((r: Json) => r.route)).toEqual(['oauth/token', 'oauth/token', 'oauth/token', 'call/parkList', 'oauth/token']);
    await control('requests/clear');
    expect(sim.requests).toEqual([]);
    expect((await control('reset')).json.state.pbx.extensions[1].state).toBe('Not in use');
    expect((await control('nope')).status).toBe(404);
    expect((await control('reset', undefined, 'GET')).status).toBe(405);
  });
});
