import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ControlError,
  SoftbarSimulator,
  secretFor,
  type SoftbarSimulatorOptions,
} from './softbar-simulator.ts';

/** Short delays keep the flows fast; each test waits for events rather than sleeping. */
const FAST: SoftbarSimulatorOptions = {
  port: 0,
  ringDelayMs: 20,
  answerDelayMs: 30,
  noAnswerTimeoutMs: 60,
  transferDelayMs: 20,
};

const SECRET = secretFor('8001');

interface EventItem {
  result: number;
  eventName: string;
  eventTime: string;
  thisParty: string;
  otherParty: string;
  ani: string;
  dnis: string;
  reserve: string;
}

/** Replies are checked with toEqual, so loose typing of the parsed JSON is enough here. */
 
type Json = any;

let sim: SoftbarSimulator;
let base: string;

async function startSim(opts: SoftbarSimulatorOptions = {}): Promise<void> {
  sim = new SoftbarSimulator({ ...FAST, ...opts });
  const { port } = await sim.start();
  base = `http://127.0.0.1:${port}`;
}

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  await sim.stop();
});

// ---------------------------------------------------------------- client helpers

async function post(path: string, body: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

async function action(name: string, extra: Record<string, unknown> = {}): Promise<Json> {
  return (await post(`/api/action/${name}`, { secret: SECRET, ...extra })).json;
}

async function resultOf(name: string, extra: Record<string, unknown> = {}): Promise<number> {
  return (await action(name, extra)).data.result;
}

async function poll(endpoint: 'getCallState' | 'getOnline', maxCount = 100): Promise<EventItem[]> {
  const { json } = await post(`/api/event/${endpoint}`, { secret: SECRET, maxCount });
  expect(json.errcode).toBe(0);
  return json.data as EventItem[];
}

/** Polls getCallState until an event named `until` arrived; returns everything received. */
async function callEventsUntil(until: string, timeoutMs = 2000): Promise<EventItem[]> {
  const seen: EventItem[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    seen.push(...(await poll('getCallState')));
    if (seen.some((e) => e.eventName === until)) return seen;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${until} event; got ${seen.map((e) => e.eventName).join(', ')}`);
}

const names = (events: EventItem[]): string[] => events.map((e) => e.eventName);

async function goOnline(): Promise<void> {
  expect(await resultOf('sipOnline')).toBe(1);
  await poll('getOnline');
}

async function connectedOutgoingCall(number = '13900001111'): Promise<void> {
  await goOnline();
  expect(await resultOf('makeCall', { callUri: number })).toBe(1);
  await callEventsUntil('connected');
}

async function control(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${base}/_sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: res.status, json: await res.json() };
}

// ---------------------------------------------------------------- tests

describe('reply shapes', () => {
  it('answers every action with {data:{result}, errmsg, errcode 0} and CORS', async () => {
    const accepted = { data: { result: 1 }, errmsg: '成功', errcode: 0 };
    const steps: Array<[string, Record<string, unknown>]> = [
      ['sipOnline', {}],
      ['makeCall', { callUri: '13900001111' }],
      ['mute', {}],
      ['unMute', {}],
      ['switchTransfer', {}],
      ['returnTransfer', {}],
      ['transfer', { dialDtmf: '8002' }],
      ['hangup', {}],
    ];
    for (const [name, extra] of steps) {
      const { status, json, headers } = await post(`/api/action/${name}`, { secret: SECRET, ...extra });
      expect({ name, status, json }).toEqual({ name, status: 200, json: accepted });
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(headers.get('access-control-allow-origin')).toBe('*');
    }
    await callEventsUntil('hangup');
    expect(await resultOf('sipOffline')).toBe(1);
  });

  it('answer, with an incoming call, replies result 1', async () => {
    await goOnline();
    sim.injectIncoming('13700000000');
    expect(await action('answer')).toEqual({ data: { result: 1 }, errmsg: '成功', errcode: 0 });
  });

  it('getUserInfo returns a data array, with or without secret', async () => {
    const expected = {
      data: [{ result: 1, extension: '8001', username: '张三', phone: '13800138000' }],
      errmsg: '成功',
      errcode: 0,
    };
    expect((await post('/api/action/getUserInfo', {})).json).toEqual(expected);
    expect((await post('/api/action/getUserInfo', { secret: SECRET })).json).toEqual(expected);
  });

  it('getUserInfo uses the configured agent', async () => {
    await sim.stop();
    await startSim({ extension: '8009', username: '李四', phone: '13911112222' });
    const { json } = await post('/api/action/getUserInfo', { secret: secretFor('8009') });
    expect(json.data).toEqual([{ result: 1, extension: '8009', username: '李四', phone: '13911112222' }]);
  });

  it('getUserInfo replies [{result:0}] when the bar is not logged in', async () => {
    sim.setBarLoggedIn(false);
    expect((await post('/api/action/getUserInfo', {})).json).toEqual({ data: [{ result: 0 }], errmsg: '成功', errcode: 0 });
    sim.setBarLoggedIn(true);
    expect((await post('/api/action/getUserInfo', {})).json.data[0].result).toBe(1);
  });

  it('refuses everything else with result 0 while the bar is logged out', async () => {
    await goOnline();
    sim.setBarLoggedIn(false);
    expect(sim.state).toMatchObject({ online: false, callState: 0, barLoggedIn: false });
    expect(await resultOf('sipOnline')).toBe(0);
    expect((await post('/api/event/getCallState', { secret: SECRET, maxCount: 5 })).json.data).toEqual([{ result: 0 }]);
  });

  it('secretFor is the lowercase hex MD5 of the 800 number', () => {
    expect(secretFor('8001')).toBe('bc3c4a6331a8a9950945a1aa8c95ab8a');
    expect(sim.secret).toBe(SECRET);
  });
});

describe('secret validation', () => {
  const AUTH_FAILED = { data: { result: 0 }, errmsg: '鉴权失败', errcode: 1 };
  const actions = ['sipOnline', 'sipOffline', 'makeCall', 'answer', 'hangup', 'mute', 'unMute', 'transfer', 'switchTransfer', 'returnTransfer'];

  it.each([
    ['missing', {}],
    ['wrong', { secret: secretFor('8002') }],
    ['uppercase', { secret: SECRET.toUpperCase() }],
    ['not a string', { secret: 8001 }],
  ])('rejects a %s secret on every action and event endpoint with HTTP 200 errcode 1', async (_label, auth) => {
    for (const name of actions) {
      const { status, json } = await post(`/api/action/${name}`, { ...auth, callUri: '139', dialDtmf: '8002' });
      expect({ name, status, json }).toEqual({ name, status: 200, json: AUTH_FAILED });
    }
    for (const name of ['getCallState', 'getOnline']) {
      const { json } = await post(`/api/event/${name}`, { ...auth, maxCount: 10 });
      expect({ name, json }).toEqual({ name, json: AUTH_FAILED });
    }
    expect(sim.state).toMatchObject({ online: false, callState: 0, pendingEvents: 0 });
  });

  it('rejects a wrong (but not a missing) secret on getUserInfo', async () => {
    expect((await post('/api/action/getUserInfo', { secret: 'nope' })).json).toEqual(AUTH_FAILED);
  });
});

describe('preconditions refused with result 0', () => {
  it('makeCall needs the SIP line online', async () => {
    expect(await resultOf('makeCall', { callUri: '13900001111' })).toBe(0);
    await goOnline();
    expect(await resultOf('sipOffline')).toBe(1);
    expect(await resultOf('makeCall', { callUri: '13900001111' })).toBe(0);
    expect(await poll('getCallState')).toEqual([]);
  });

  it.each([[undefined], [''], ['139 0000 1111'], ['139-0000'], ['abc'], [13900001111], ['++86139']])(
    'makeCall refuses callUri %j',
    async (callUri) => {
      await goOnline();
      expect(await resultOf('makeCall', callUri === undefined ? {} : { callUri })).toBe(0);
      expect(sim.state.callState).toBe(0);
    },
  );

  it.each([['+8613900001111'], ['*86'], ['#1'], ['8002']])('makeCall accepts callUri %j', async (callUri) => {
    await goOnline();
    expect(await resultOf('makeCall', { callUri })).toBe(1);
  });

  it('sipOnline, sipOffline and makeCall are refused in every call state 1–5', async () => {
    await sim.stop();
    await startSim({ ringDelayMs: 200 }); // time to probe state 1 before it rings
    await goOnline();
    sim.setCalleeMode('manual');
    await action('makeCall', { callUri: '13900001111' });
    const check = async (state: number): Promise<void> => {
      expect(sim.state.callState).toBe(state);
      for (const name of ['sipOnline', 'sipOffline']) expect(await resultOf(name)).toBe(0);
      expect(await resultOf('makeCall', { callUri: '13900002222' })).toBe(0);
    };
    await check(1);
    await callEventsUntil('ringing');
    await check(3);
    sim.calleeAnswer();
    await check(5);
    await action('hangup');
    sim.injectIncoming('13700000000');
    await check(2);
    expect(await poll('getOnline')).toEqual([]);
  });

  it('answer needs an incoming call', async () => {
    expect(await resultOf('answer')).toBe(0);
    await goOnline();
    expect(await resultOf('answer')).toBe(0);
    sim.setCalleeMode('manual');
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('ringing');
    expect(await resultOf('answer')).toBe(0); // the agent cannot answer its own outgoing call
    sim.calleeAnswer();
    expect(await resultOf('answer')).toBe(0);
  });

  it('in-call actions are refused when idle, offline, and after a hangup', async () => {
    const inCall = ['hangup', 'mute', 'unMute', 'switchTransfer', 'returnTransfer'];
    const refuseAll = async (): Promise<void> => {
      for (const name of inCall) expect({ name, r: await resultOf(name) }).toEqual({ name, r: 0 });
      expect(await resultOf('transfer', { dialDtmf: '8002' })).toBe(0);
    };
    await refuseAll();
    await connectedOutgoingCall();
    await action('hangup');
    expect(sim.state.callState).toBe(6);
    await refuseAll();
  });

  it('mute twice and unMute when not muted are refused', async () => {
    await connectedOutgoingCall();
    expect(await resultOf('unMute')).toBe(0);
    expect(await resultOf('mute')).toBe(1);
    expect(await resultOf('mute')).toBe(0);
    expect(sim.state.muted).toBe(true);
    expect(await resultOf('unMute')).toBe(1);
    expect(await resultOf('unMute')).toBe(0);
    expect(names(await poll('getCallState'))).toEqual(['mute', 'unMute']);
  });

  it('transfer needs a dialDtmf', async () => {
    await connectedOutgoingCall();
    expect(await resultOf('transfer')).toBe(0);
    expect(await resultOf('transfer', { dialDtmf: '' })).toBe(0);
    expect(sim.state.callState).toBe(5);
  });
});

describe('event queues', () => {
  it('delivers [] when empty', async () => {
    expect((await post('/api/event/getCallState', { secret: SECRET, maxCount: 10 })).json).toEqual({
      data: [],
      errmsg: '成功',
      errcode: 0,
    });
    expect(await poll('getOnline')).toEqual([]);
  });

  it('keeps line events on getOnline and call events on getCallState', async () => {
    await action('sipOnline');
    await action('sipOffline');
    await action('sipOnline');
    expect(await poll('getCallState')).toEqual([]);
    expect(names(await poll('getOnline'))).toEqual(['sipOnline', 'sipOffline', 'sipOnline']);
    expect(sim.state.online).toBe(true);
  });

  it('delivers oldest first, at most maxCount, each event exactly once', async () => {
    await connectedOutgoingCall();
    await action('mute');
    await action('unMute');
    await action('switchTransfer');
    await action('returnTransfer');
    expect(sim.state.pendingEvents).toBe(4);
    expect(names(await poll('getCallState', 3))).toEqual(['mute', 'unMute', 'switchTransfer']);
    expect(names(await poll('getCallState', 3))).toEqual(['returnTransfer']);
    expect(await poll('getCallState', 3)).toEqual([]);
    expect(sim.state.pendingEvents).toBe(0);
  });

  it.each([[0], [-1], [1.5], ['5'], [null], [undefined]])('refuses maxCount %j with [{result:0}]', async (maxCount) => {
    await action('sipOnline');
    const { json } = await post('/api/event/getOnline', { secret: SECRET, ...(maxCount === undefined ? {} : { maxCount }) });
    expect(json).toEqual({ data: [{ result: 0 }], errmsg: '成功', errcode: 0 });
    expect(sim.state.pendingEvents).toBe(1); // nothing consumed
  });

  it('formats every field as the document shows', async () => {
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    const [event] = await poll('getCallState');
    expect(event).toEqual({
      result: 1,
      eventName: 'makeCall',
      eventTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      thisParty: '8001',
      otherParty: '13900001111',
      ani: '8001',
      dnis: '13900001111',
      reserve: 'callId-1',
    });
    // Local 24-hour wall-clock time: read back as local time, it is "now".
    const [y, mo, d, h, mi, sec] = (event?.eventTime.match(/\d+/g) ?? []).map(Number);
    const parsed = new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, sec).getTime();
    expect(Math.abs(parsed - Date.now())).toBeLessThan(3000);
  });

  it('line events carry the 800 number as thisParty', async () => {
    await action('sipOnline');
    const [event] = await poll('getOnline');
    expect(event).toMatchObject({ result: 1, eventName: 'sipOnline', thisParty: '8001', reserve: '' });
  });
});

describe('outgoing calls', () => {
  it("'answer' mode: makeCall → ringing → answer → connected", async () => {
    await goOnline();
    expect(await resultOf('makeCall', { callUri: '13900001111' })).toBe(1);
    expect(sim.state).toMatchObject({ callState: 1, otherParty: '13900001111', direction: 'out' });
    const events = await callEventsUntil('connected');
    expect(names(events)).toEqual(['makeCall', 'ringing', 'answer', 'connected']);
    expect(events.every((e) => e.reserve === 'callId-1' && e.otherParty === '13900001111')).toBe(true);
    expect(sim.state.callState).toBe(5);
  });

  it("'busy' mode ends with hangup cause-busy, then a new call may start", async () => {
    sim.setCalleeMode('busy');
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    const events = await callEventsUntil('hangup');
    expect(names(events)).toEqual(['makeCall', 'ringing', 'hangup']);
    expect(events.at(-1)?.reserve).toBe('callId-1|cause-busy');
    expect(sim.state).toMatchObject({ callState: 6, otherParty: null });
    sim.setCalleeMode('answer');
    expect(await resultOf('makeCall', { callUri: '13900002222' })).toBe(1);
    expect((await callEventsUntil('connected'))[0]?.reserve).toBe('callId-2');
  });

  it("'noAnswer' mode ends with hangup cause-noAnswer after the timeout", async () => {
    await sim.stop();
    await startSim({ calleeMode: 'noAnswer' });
    await goOnline();
    const started = Date.now();
    await action('makeCall', { callUri: '13900001111' });
    const events = await callEventsUntil('hangup');
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(names(events)).toEqual(['makeCall', 'ringing', 'hangup']);
    expect(events.at(-1)?.reserve).toBe('callId-1|cause-noAnswer');
  });

  it("'manual' mode rings until calleeAnswer", async () => {
    sim.setCalleeMode('manual');
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('ringing');
    await new Promise((r) => setTimeout(r, 80));
    expect(sim.state.callState).toBe(3);
    expect(await poll('getCallState')).toEqual([]);
    sim.calleeAnswer();
    expect(names(await poll('getCallState'))).toEqual(['answer', 'connected']);
  });

  it("'manual' mode: calleeBusy before ringing still reports ringing first", async () => {
    sim.setCalleeMode('manual');
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    sim.calleeBusy();
    const events = await poll('getCallState');
    expect(names(events)).toEqual(['makeCall', 'ringing', 'hangup']);
    expect(events[2]?.reserve).toBe('callId-1|cause-busy');
  });

  it('callee controls throw ControlError without a ringing outgoing call', async () => {
    expect(() => sim.calleeAnswer()).toThrow(ControlError);
    await connectedOutgoingCall();
    expect(() => sim.calleeBusy()).toThrow(/no outgoing call is ringing/);
  });

  it('local hangup during ringing and when connected gives cause-localHangup', async () => {
    sim.setCalleeMode('manual');
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('ringing');
    expect(await resultOf('hangup')).toBe(1);
    expect((await poll('getCallState')).map((e) => [e.eventName, e.reserve])).toEqual([
      ['hangup', 'callId-1|cause-localHangup'],
    ]);
    sim.setCalleeMode('answer');
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('connected');
    await action('hangup');
    expect((await poll('getCallState'))[0]?.reserve).toBe('callId-2|cause-localHangup');
  });

  it('hangup cancels the pending progression', async () => {
    await sim.stop();
    await startSim({ ringDelayMs: 100 });
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    await action('hangup');
    await new Promise((r) => setTimeout(r, 150));
    expect(names(await poll('getCallState'))).toEqual(['makeCall', 'hangup']);
    expect(sim.state.callState).toBe(6);
  });

  it('remoteHangup and dropLine end the call with their causes', async () => {
    await connectedOutgoingCall();
    sim.remoteHangup();
    expect((await poll('getCallState'))[0]).toMatchObject({ eventName: 'hangup', reserve: 'callId-1|cause-remoteHangup' });
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('connected');
    sim.dropLine();
    expect((await poll('getCallState'))[0]).toMatchObject({ eventName: 'hangup', reserve: 'callId-2|cause-lineDropped' });
    expect(() => sim.dropLine()).toThrow(ControlError);
    expect(() => sim.remoteHangup()).toThrow(ControlError);
  });
});

describe('incoming calls', () => {
  it('incomingCall, then answer → answer, connected', async () => {
    await goOnline();
    expect(sim.injectIncoming('13700000000')).toBe(1);
    const [incoming] = await poll('getCallState');
    expect(incoming).toMatchObject({
      eventName: 'incomingCall',
      thisParty: '8001',
      otherParty: '13700000000',
      ani: '13700000000',
      dnis: '8001',
      reserve: 'callId-1',
    });
    expect(sim.state).toMatchObject({ callState: 2, direction: 'in' });
    expect(await resultOf('answer')).toBe(1);
    expect(names(await poll('getCallState'))).toEqual(['answer', 'connected']);
    expect(sim.state.callState).toBe(5);
    expect(await resultOf('answer')).toBe(0);
  });

  it('the caller may hang up before the agent answers', async () => {
    await goOnline();
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    const events = await poll('getCallState');
    expect(events.map((e) => [e.eventName, e.reserve])).toEqual([
      ['incomingCall', 'callId-1'],
      ['hangup', 'callId-1|cause-remoteHangup'],
    ]);
    expect(await resultOf('answer')).toBe(0);
  });

  it('is rejected while offline, while in a call, with a bad number, or while logged out', async () => {
    expect(() => sim.injectIncoming('13700000000')).toThrow(/offline/);
    await goOnline();
    expect(() => sim.injectIncoming('not a number')).toThrow(ControlError);
    sim.injectIncoming('13700000000');
    expect(() => sim.injectIncoming('13700000001')).toThrow(/already in a call/);
    sim.setBarLoggedIn(false);
    expect(() => sim.injectIncoming('13700000000')).toThrow(/not logged in/);
  });
});

describe('transfer', () => {
  it('reports the target, then ends the agent leg with cause-transferred', async () => {
    await connectedOutgoingCall();
    expect(await resultOf('transfer', { dialDtmf: '8002' })).toBe(1);
    const events = await callEventsUntil('hangup');
    expect(events.map((e) => [e.eventName, e.otherParty, e.reserve])).toEqual([
      ['transfer', '8002', 'callId-1'],
      ['hangup', '13900001111', 'callId-1|cause-transferred'],
    ]);
    expect(sim.state.callState).toBe(6);
  });

  it('switchTransfer and returnTransfer keep the call up', async () => {
    await connectedOutgoingCall();
    await action('switchTransfer');
    await action('returnTransfer');
    expect(names(await poll('getCallState'))).toEqual(['switchTransfer', 'returnTransfer']);
    expect(sim.state.callState).toBe(5);
  });
});

describe('HTTP edges', () => {
  it('answers CORS preflights', async () => {
    const res = await fetch(`${base}/api/action/makeCall`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://crm.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
    expect(sim.requestsTo('makeCall')).toEqual([]); // preflights are the browser's, not the client's
  });

  it('404 for unknown paths, 405 for non-POST, errcode 2 for bad JSON', async () => {
    const unknown = await post('/api/action/dial', { secret: SECRET });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ errcode: 404, errmsg: '接口不存在', data: { result: 0 } });
    expect((await post('/api/action/makecall', { secret: SECRET })).status).toBe(404);

    const get = await fetch(`${base}/api/event/getCallState`);
    expect(get.status).toBe(405);
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
    expect(await get.json()).toEqual({ errcode: 405, errmsg: '只支持 POST', data: { result: 0 } });

    for (const bad of ['{not json', '', '[1,2]', '"text"']) {
      const { status, json } = await post('/api/action/sipOnline', bad);
      expect({ bad, status, json }).toEqual({ bad, status: 200, json: { errcode: 2, errmsg: '请求格式错误', data: { result: 0 } } });
    }
  });

  it('records every request, bad ones included, in order', async () => {
    await action('sipOnline');
    await post('/api/action/makeCall', '{oops');
    await fetch(`${base}/nowhere`);
    await control('state', undefined, 'GET'); // control traffic is not recorded
    expect(sim.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/api/action/sipOnline', 200],
      ['POST', '/api/action/makeCall', 200],
      ['GET', '/nowhere', 404],
    ]);
    expect(sim.requests[0]).toMatchObject({ body: { secret: SECRET }, contentType: 'application/json' });
    expect(sim.requests[1]?.body).toBe('{oops');
    expect(sim.requestsTo('makeCall')).toHaveLength(1);
    sim.clearRequests();
    expect(sim.requests).toEqual([]);
  });

  it('reports refusal reasons in X-Sim-Reason and the log, not in the body', async () => {
    const { json, headers } = await post('/api/action/makeCall', { secret: SECRET, callUri: '139' });
    expect(json).toEqual({ data: { result: 0 }, errmsg: '成功', errcode: 0 });
    expect(headers.get('x-sim-reason')).toMatch(/SIP line online/);
    expect(sim.requestsTo('makeCall')[0]?.reason).toMatch(/SIP line online/);
  });
});

describe('lifecycle', () => {
  it('stop and start keep the state and the port, and resume the call progression', async () => {
    await sim.stop();
    await startSim({ ringDelayMs: 150 });
    const port = sim.port;
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    await sim.stop();
    await expect(fetch(`${base}/_sim/state`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.state.callState).toBe(1); // no timer ran while stopped
    expect((await sim.start()).port).toBe(port);
    const events = await callEventsUntil('connected');
    expect(names(events)).toEqual(['makeCall', 'ringing', 'answer', 'connected']);
  });

  it('reset returns to the constructed state', async () => {
    sim.setCalleeMode('manual');
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    sim.reset();
    expect(sim.state).toEqual({
      online: false,
      callState: 0,
      muted: false,
      otherParty: null,
      pendingEvents: 0,
      barLoggedIn: true,
      calleeMode: 'answer',
      callId: null,
      direction: null,
    });
    expect(sim.requests).toEqual([]);
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    expect((await callEventsUntil('connected'))[0]?.reserve).toBe('callId-1');
  });
});

describe('HTTP control interface', () => {
  it('drives an incoming call and reports state', async () => {
    expect((await control('state', undefined, 'GET')).json).toMatchObject({ ok: true, state: { online: false } });
    expect(await control('incoming', { number: '13700000000' })).toEqual({
      status: 409,
      json: { ok: false, error: 'the SIP line is offline' },
    });
    await goOnline();
    const incoming = await control('incoming', { number: '13700000000' });
    expect(incoming).toMatchObject({ status: 200, json: { ok: true, callId: 1, state: { callState: 2 } } });
    expect((await control('incoming', { number: 42 })).status).toBe(400);
    expect((await control('remote-hangup')).json).toMatchObject({ ok: true, state: { callState: 6 } });
    expect((await control('remote-hangup')).status).toBe(409);
    expect((await control('drop')).status).toBe(409);
  });

  it('sets the callee mode and answers or rejects as the callee', async () => {
    expect((await control('callee', { mode: 'sometimes' })).status).toBe(400);
    expect((await control('callee', { mode: 'manual' })).json.state.calleeMode).toBe('manual');
    expect((await control('callee/answer')).status).toBe(409);
    await goOnline();
    await action('makeCall', { callUri: '13900001111' });
    expect((await control('callee/answer')).json.state.callState).toBe(5);
    await action('hangup');
    await action('makeCall', { callUri: '13900001111' });
    expect((await control('callee/busy')).json.state.callState).toBe(6);
    await action('makeCall', { callUri: '13900001111' });
    expect((await control('drop')).json.state.callState).toBe(6);
  });

  it('logs the bar in and out, lists and clears requests, resets', async () => {
    expect((await control('bar-login', { loggedIn: 'no' })).status).toBe(400);
    expect((await control('bar-login', { loggedIn: false })).json.state.barLoggedIn).toBe(false);
    expect((await post('/api/action/getUserInfo', {})).json.data).toEqual([{ result: 0 }]);
    await control('bar-login', { loggedIn: true });
    const listed = await control('requests', undefined, 'GET');
    expect(listed.json.requests.map((r: { path: string }) => r.path)).toEqual(['/api/action/getUserInfo']);
    await control('requests/clear');
    expect(sim.requests).toEqual([]);
    await goOnline();
    expect((await control('reset')).json.state).toMatchObject({ online: false, pendingEvents: 0 });
    expect((await control('nope')).status).toBe(404);
    expect((await control('reset', undefined, 'GET')).status).toBe(405);
  });
});

describe('the platform’s truth for the fault suite', () => {
  it('logs every finished call once: id, direction, number, talked, cause', async () => {
    await goOnline();
    sim.setCalleeMode('busy');
    await action('makeCall', { callUri: '13900001111' });
    await callEventsUntil('hangup');
    sim.setCalleeMode('answer');
    await action('makeCall', { callUri: '13900002222' });
    await callEventsUntil('connected');
    await action('hangup');
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    await poll('getCallState');
    sim.injectIncoming('13700000001');
    await action('answer');
    await action('transfer', { dialDtmf: '8002' });
    await callEventsUntil('hangup');
    expect(sim.finishedCalls).toEqual([
      { id: 1, direction: 'out', number: '13900001111', talked: false, cause: 'busy' },
      { id: 2, direction: 'out', number: '13900002222', talked: true, cause: 'localHangup' },
      { id: 3, direction: 'in', number: '13700000000', talked: false, cause: 'remoteHangup' },
      { id: 4, direction: 'in', number: '13700000001', talked: true, cause: 'transferred' },
    ]);
    expect((await control('calls', undefined, 'GET')).json.calls).toHaveLength(4);
    sim.reset();
    expect(sim.finishedCalls).toEqual([]);
  });

  it('a call still up is not in the log yet', async () => {
    await connectedOutgoingCall();
    expect(sim.finishedCalls).toEqual([]);
  });

  it('records which call each handed-out event belonged to, once, when a poll takes it', async () => {
    await goOnline();
    sim.injectIncoming('13700000000');
    expect(sim.handedOut).toEqual([{ callId: null, eventName: 'sipOnline' }]);
    sim.remoteHangup();
    await poll('getCallState', 1);
    expect(sim.handedOut.slice(1)).toEqual([{ callId: 1, eventName: 'incomingCall' }]);
    await poll('getCallState');
    await poll('getCallState');
    expect(sim.handedOut.slice(1)).toEqual([
      { callId: 1, eventName: 'incomingCall' },
      { callId: 1, eventName: 'hangup' },
    ]);
  });

  it('callIdInReserve: false gives calls no id in reserve (only the hang-up cause)', async () => {
    await sim.stop();
    await startSim({ callIdInReserve: false });
    await goOnline();
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    const events = await poll('getCallState');
    expect(events.map((e) => [e.eventName, e.reserve])).toEqual([
      ['incomingCall', ''],
      ['hangup', 'cause-remoteHangup'],
    ]);
    expect(sim.finishedCalls).toEqual([{ id: 1, direction: 'in', number: '13700000000', talked: false, cause: 'remoteHangup' }]);
  });
});

describe('tagged requests', () => {
  it('records a request’s X-Sim-Tag and how many events a poll handed out, when it is answered', async () => {
    const seen: Array<{ tag?: string; handedOut?: number; last: number }> = [];
    await sim.stop();
    sim = new SoftbarSimulator({ ...FAST, onRequest: (r) => seen.push({ ...(r.tag ? { tag: r.tag } : {}), ...(r.handedOut ? { handedOut: r.handedOut } : {}), last: sim.handedOut.length }) });
    base = `http://127.0.0.1:${(await sim.start()).port}`;
    await goOnline();
    sim.injectIncoming('13700000000');
    sim.remoteHangup();
    await fetch(`${base}/api/event/getCallState`, { method: 'POST', headers: { 'X-Sim-Tag': 'poll-7' }, body: JSON.stringify({ secret: SECRET, maxCount: 5 }) });
    expect(seen.at(-1)).toEqual({ tag: 'poll-7', handedOut: 2, last: 3 });
    expect(sim.requests.at(-1)).toMatchObject({ tag: 'poll-7', handedOut: 2 });
  });
});
