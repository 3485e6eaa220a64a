/**
 * The CC PaaS CTI wire (docs/providers/ccpaas-wire.md) as the session and the agent would notice it:
 * replies reach the request that asked, callbacks arrive in order with their seq, a dead or dropped
 * socket fails what waits on it and is renewed on v-call's backoff, 4001 stops, frames outside the
 * contract are reported (capped) and dropped. A fake WebSocket under fake timers for the schedule; a
 * real `ws` server for the frames on an actual socket.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, WebSocket as WsWebSocket } from 'ws';
import { CallbarError } from '../../shared/errors.ts';
import { createCtiWireOpener, MAX_FRAME_BYTES, openCtiWire, OPEN_TIMEOUT_MS, retryDelay, type CtiCallback, type CtiWire, type CtiWireConfig, type WireStatus } from './ccpaas-wire.ts';

/** The browser WebSocket API as the wire uses it, driven by the test as the server. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: string[] = [];
  /** The codes close() was called with (undefined: no code). */
  readonly closeCalls: Array<number | undefined> = [];

  constructor(readonly url: string) {
    if (!/^wss?:\/\//.test(url)) throw new SyntaxError(`The URL '${url}' is invalid.`);
    FakeSocket.all.push(this);
  }

  send(text: string): void {
    this.sent.push(text);
  }

  close(code?: number): void {
    this.closeCalls.push(code);
  }

  accept(): void {
    this.onopen?.({});
  }

  push(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  /** The server closed (or the connection failed: error, then close 1006). */
  drop(code = 1006, reason = ''): void {
    if (code === 1006) this.onerror?.({});
    this.onclose?.({ code, reason });
  }

  requests(): Array<{ id: number; method: string; params?: Record<string, unknown> }> {
    return this.sent.map((text) => JSON.parse(text));
  }

  lastRequest() {
    return this.requests().at(-1)!;
  }
}

const latest = () => FakeSocket.all.at(-1)!;
const fakeOpen = createCtiWireOpener(FakeSocket as unknown as new (url: string) => WebSocket);

function config(overrides: Partial<CtiWireConfig> = {}): CtiWireConfig {
  return { url: 'wss://cti.example.com/phonekit', maxReconnect: 10, heartbeatMs: 20_000, requestTimeoutMs: 5000, ...overrides };
}

function recorder() {
  const statuses: WireStatus[] = [];
  const callbacks: CtiCallback[] = [];
  const problems: string[] = [];
  return {
    statuses,
    callbacks,
    problems,
    handlers: { onStatus: (s: WireStatus) => void statuses.push(s), onCallback: (c: CtiCallback) => void callbacks.push(c), onProtocolError: (d: string) => void problems.push(d) },
    kinds: () => statuses.map((s) => s.kind),
  };
}

/** A wire whose first socket is open. */
function openWire(overrides: Partial<CtiWireConfig> = {}) {
  const r = recorder();
  const wire = fakeOpen(config(overrides), r.handlers);
  const socket = latest();
  socket.accept();
  return { ...r, wire, socket };
}

/** A request whose rejection the test reads later (no unhandled-rejection noise meanwhile). */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function rejection(promise: Promise<unknown>): Promise<CallbarError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallbarError);
  return error as CallbarError;
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('requests and replies', () => {
  it('sends the documented method and params with increasing ids, and gives each request its own reply when replies come out of order', async () => {
    const { wire, socket, statuses } = openWire();
    expect(statuses).toEqual([
      { kind: 'connecting', attempt: 0, max: 10 },
      { kind: 'connected', reconnected: false },
    ]);
    expect(wire.open).toBe(true);
    const initial = later(wire.request('initial', { appSid: 'app1', agentNo: '8001', pwd: 'secret', lastSeq: 41 }));
    const login = later(wire.request('login', { phoneType: 3, workStatus: 1 }));
    const ready = later(wire.request('ready'));
    expect(socket.sent).toEqual([
      '{"id":1,"method":"initial","params":{"appSid":"app1","agentNo":"8001","pwd":"secret","lastSeq":41}}',
      '{"id":2,"method":"login","params":{"phoneType":3,"workStatus":1}}',
      '{"id":3,"method":"ready"}',
    ]);
    socket.push({ id: 3, method: 'ready', result: { statusCode: '10004', statusMsg: '坐席未登录' } });
    socket.push({ id: 1, method: 'initial', result: { statusCode: ' 00000 ', statusMsg: 'success', data: { phoneType: '3', workStatus: 0, sipNumber: '8001' } } });
    socket.push({ id: 2, method: 'login', result: { statusCode: 0 } });
    // Whatever the code, the reply resolves: the session decides what it means.
    await expect(ready).resolves.toEqual({ statusCode: '10004', statusMsg: '坐席未登录' });
    await expect(initial).resolves.toEqual({ statusCode: '00000', statusMsg: 'success', data: { phoneType: '3', workStatus: 0, sipNumber: '8001' } });
    // A JSON number for a code loses the document's leading zeros: they are put back; no statusMsg is ''.
    await expect(login).resolves.toEqual({ statusCode: '00000', statusMsg: '' });
    wire.close();
  });

  it('caps a long statusMsg at 200 characters and accepts a numeric 5-digit code', async () => {
    const { wire, socket } = openWire();
    const reply = wire.request('callOut', { userNumber: '13800000000' });
    socket.push({ id: 1, result: { statusCode: 10006, statusMsg: '外'.repeat(5000) } });
    const result = await reply;
    expect(result.statusCode).toBe('10006');
    expect(result.statusMsg).toBe('外'.repeat(200));
    wire.close();
  });

  it('rejects a request at once, sending nothing, while the socket is not open (never queued)', async () => {
    const r = recorder();
    const wire = fakeOpen(config(), r.handlers);
    const socket = latest();
    expect(wire.open).toBe(false);
    const early = await rejection(wire.request('callOut', { userNumber: '13800000000' }));
    expect(early.code).toBe('unreachable');
    expect(early.message).toBe('CTI 服务器未连接');
    socket.accept();
    socket.drop(1006);
    expect(wire.open).toBe(false);
    expect((await rejection(wire.request('callOut', { userNumber: '13800000000' }))).message).toBe('CTI 服务器未连接');
    // The next socket opening does not send what was refused.
    await vi.advanceTimersByTimeAsync(1000);
    latest().accept();
    expect(latest().sent).toEqual([]);
    expect(socket.sent).toEqual([]);
    wire.close();
  });

  it('rejects a request the server does not answer in requestTimeoutMs, ignores its late reply and keeps the socket', async () => {
    const { wire, socket, problems, statuses } = openWire({ requestTimeoutMs: 5000 });
    let settled: unknown = null;
    const callOut = wire.request('callOut', { userNumber: '13800000000' });
    callOut.catch((e: unknown) => void (settled = e));
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    const error = await rejection(callOut);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('CTI 服务器 callOut 请求 5 秒内没有回复');
    socket.push({ id: 1, result: { statusCode: '00000', statusMsg: 'late' } });
    expect(problems).toEqual([]);
    expect(wire.open).toBe(true);
    expect(socket.closeCalls).toEqual([]);
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'connected']);
    wire.close();
  });

  it('rejects every pending request when the socket closes before their replies', async () => {
    const { wire, socket, statuses } = openWire();
    const a = later(wire.request('hangup'));
    const b = later(wire.request('holdCall'));
    socket.drop(1011, 'server restart');
    for (const p of [a, b]) {
      const error = await rejection(p);
      expect(error.code).toBe('unreachable');
      expect(error.message).toBe('与 CTI 服务器的连接已断开');
    }
    expect(statuses.at(-1)).toEqual({ kind: 'retrying', attempt: 1, max: 10, error: '与 CTI 服务器的连接已断开（代码 1011：server restart）' });
    // Their replies arriving on the next socket (a confused server) are ignored.
    await vi.advanceTimersByTimeAsync(1000);
    latest().accept();
    latest().push({ id: 1, result: { statusCode: '00000' } });
    wire.close();
  });

  it('a reply without a usable result rejects its request as malformed, naming the field', async () => {
    const { wire, socket, problems } = openWire();
    const noResult = later(wire.request('ready'));
    const badCode = later(wire.request('pause', { pauseCause: '小休' }));
    const objectCode = later(wire.request('logout'));
    socket.push({ id: 1, method: 'ready' });
    socket.push({ id: 2, result: { statusCode: '  ', statusMsg: 'x' } });
    socket.push({ id: 3, result: { statusCode: { toString: 'boom' }, statusMsg: { toString: 1 } } });
    const e1 = await rejection(noResult);
    expect(e1.code).toBe('malformed-reply');
    expect(e1.message).toBe('CTI 服务器对 ready 请求的回复格式不对（字段 result）');
    expect((await rejection(badCode)).message).toBe('CTI 服务器对 pause 请求的回复格式不对（字段 result.statusCode）');
    expect((await rejection(objectCode)).message).toBe('CTI 服务器对 logout 请求的回复格式不对（字段 result.statusCode）');
    expect(problems).toEqual([]);
    expect(wire.open).toBe(true);
    wire.close();
  });
});

describe('callbacks', () => {
  it('delivers onCallEvent and onStatusEvent in order with their seq, null when seq is not a positive safe integer', () => {
    const { wire, socket, callbacks, problems } = openWire();
    const seqs: unknown[] = [1, 2, 0, -3, 1.5, '4', 2 ** 53, null, undefined];
    seqs.forEach((seq, i) => socket.push({ callback: i % 2 ? 'onStatusEvent' : 'onCallEvent', seq, data: { eventName: `e${i}` } }));
    expect(callbacks).toEqual(
      seqs.map((_, i) => ({ callback: i % 2 ? 'onStatusEvent' : 'onCallEvent', seq: i < 2 ? i + 1 : null, data: { eventName: `e${i}` } })),
    );
    expect(problems).toEqual([]);
    wire.close();
  });

  it('delivers onConnEvent as its plain string', () => {
    const { wire, socket, callbacks } = openWire();
    socket.push({ callback: 'onConnEvent', data: 'auth_succ' });
    socket.push({ callback: 'onConnEvent', data: 'auth_fail' });
    expect(callbacks).toEqual([
      { callback: 'onConnEvent', data: 'auth_succ' },
      { callback: 'onConnEvent', data: 'auth_fail' },
    ]);
    wire.close();
  });

  it('passes hostile payloads on untouched and survives a handler that throws', () => {
    const r = recorder();
    let throwOnce = true;
    const wire = fakeOpen(config(), {
      ...r.handlers,
      onCallback: (c) => {
        if (throwOnce) {
          throwOnce = false;
          throw new Error('session bug');
        }
        r.callbacks.push(c);
      },
    });
    latest().accept();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    latest().push({ callback: 'onCallEvent', seq: 1, data: { eventName: 'ringing' } });
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
    const deep = `{"callback":"onCallEvent","seq":2,"data":{"eventName":"x","nested":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    latest().push(deep);
    latest().push('{"callback":"onCallEvent","seq":3,"data":{"toString":1,"valueOf":{},"__proto__":{"polluted":true},"eventName":"answer"}}');
    expect(r.callbacks.map((c) => (c.callback === 'onConnEvent' ? c.data : c.seq))).toEqual([2, 3]);
    const hostile = r.callbacks[1] as { data: Record<string, unknown> };
    expect(hostile.data.eventName).toBe('answer');
    expect(Object.hasOwn(hostile.data, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(wire.open).toBe(true);
    wire.close();
  });
});

describe('frames outside the contract', () => {
  it('reports malformed frames with a short detail, drops them and keeps the socket', () => {
    const { wire, socket, problems, callbacks } = openWire();
    const garbage = `<html>${'x'.repeat(10_000)}</html>`;
    socket.push(garbage);
    socket.push('[1,2,3]');
    socket.push('null');
    socket.push('42');
    socket.push({ event: 'ringing' });
    socket.push({ callback: 'onFooEvent', data: {} });
    socket.push({ callback: 42, data: {} });
    socket.push({ callback: 'onCallEvent', seq: 1, data: 'ringing' });
    socket.push({ callback: 'onStatusEvent', seq: 2, data: [1] });
    socket.push({ callback: 'onConnEvent', data: { state: 'auth_succ' } });
    socket.push({ id: '1', result: { statusCode: '00000' } });
    socket.push({ id: 99, result: { statusCode: '00000' } }); // unknown id: silently ignored
    socket.onmessage?.({ data: new ArrayBuffer(8) });
    expect(problems).toEqual([
      `CTI 服务器发来的消息不是 JSON：<html>${'x'.repeat(54)}`,
      'CTI 服务器发来的消息格式不对（字段 id / callback）',
      'CTI 服务器发来的消息格式不对（字段 id / callback）',
      'CTI 服务器发来的消息格式不对（字段 id / callback）',
      'CTI 服务器发来的消息格式不对（字段 id / callback）',
      'CTI 服务器发来的消息格式不对（字段 callback = onFooEvent）',
      'CTI 服务器发来的消息格式不对（字段 callback）',
      'CTI 服务器发来的消息格式不对（字段 onCallEvent data）',
      'CTI 服务器发来的消息格式不对（字段 onStatusEvent data）',
      'CTI 服务器发来的消息格式不对（字段 onConnEvent data）',
      'CTI 服务器发来的消息格式不对（字段 id）',
      'CTI 服务器发来的消息不是文本',
    ]);
    expect(callbacks).toEqual([]);
    expect(wire.open).toBe(true);
    expect(socket.closeCalls).toEqual([]);
    wire.close();
  });

  it('caps every detail at 200 characters, however long the vendor string', () => {
    const { wire, socket, problems } = openWire();
    socket.push({ callback: `on${'X'.repeat(5000)}`, data: {} });
    socket.push(`\u0000\n${'非'.repeat(3000)}`);
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p.length).toBeLessThanOrEqual(200);
    expect(problems[0]).toBe(`CTI 服务器发来的消息格式不对（字段 callback = on${'X'.repeat(38)}）`);
    expect(problems[1]).not.toMatch(/[\u0000\n]/);
    wire.close();
  });

  it('a frame over 64 KiB (in UTF-8 bytes) is reported, fails what waits and renews the socket; 64 KiB exactly passes', async () => {
    const { wire, socket, problems, callbacks, statuses } = openWire();
    const head = '{"callback":"onCallEvent","seq":1,"data":{"pad":"';
    const tail = '"}}';
    socket.push(head + 'a'.repeat(MAX_FRAME_BYTES - head.length - tail.length) + tail);
    expect(callbacks).toHaveLength(1);
    const pending = later(wire.request('hangup'));
    // 22 000 Chinese characters: fewer than 64 Ki string units, but 66 000 bytes.
    const chinese = head + '中'.repeat(22_000) + tail;
    expect(chinese.length).toBeLessThan(MAX_FRAME_BYTES);
    socket.push(chinese);
    expect(problems).toEqual(['CTI 服务器发来的消息过大（超过 64 KB），已断开重连']);
    expect(socket.closeCalls).toHaveLength(1);
    expect(wire.open).toBe(false);
    expect((await rejection(pending)).message).toBe('与 CTI 服务器的连接已断开');
    expect(statuses.at(-1)).toEqual({ kind: 'retrying', attempt: 1, max: 10, error: 'CTI 服务器发来的消息过大（超过 64 KB），已断开重连' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    latest().accept();
    expect(statuses.at(-1)).toEqual({ kind: 'connected', reconnected: true });
    // And a plain ASCII frame one byte over.
    latest().push('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(problems).toHaveLength(2);
    expect(wire.open).toBe(false);
    wire.close();
  });
});

describe('reconnecting', () => {
  it('waits 1, 2, 4, 4 s between failed attempts and gives up after maxReconnect with failed', async () => {
    const r = recorder();
    const wire = fakeOpen(config({ maxReconnect: 7 }), r.handlers);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const count = FakeSocket.all.length;
      latest().drop(1006);
      let waited = 0;
      while (FakeSocket.all.length === count) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
        if (waited > 60_000) throw new Error('no new attempt');
      }
      waits.push(waited / 1000);
    }
    expect(waits).toEqual([1, 2, 4, 4, 4, 4, 4]);
    expect(Array.from({ length: 8 }, (_, i) => retryDelay(i + 1) / 1000)).toEqual([1, 2, 4, 4, 4, 4, 4, 4]);
    latest().drop(1006);
    expect(r.statuses.at(-1)).toEqual({ kind: 'failed', error: '无法连接 CTI 服务器 wss://cti.example.com/phonekit' });
    expect(r.statuses.filter((s) => s.kind === 'retrying').map((s) => (s.kind === 'retrying' ? `${s.attempt}/${s.max}` : ''))).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(8);
    expect(r.kinds().at(-1)).toBe('failed');
    expect(r.statuses).toHaveLength(1 + 7 + 1);
    wire.close();
  });

  it('a socket that opens resets the count: the next drop retries after 1 s with attempt 1, and maxReconnect more failures are allowed', async () => {
    const r = recorder();
    const wire = fakeOpen(config({ maxReconnect: 2 }), r.handlers);
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(2000);
    latest().accept();
    expect(r.statuses.at(-1)).toEqual({ kind: 'connected', reconnected: false });
    latest().drop(1001, 'going away');
    expect(r.statuses.at(-1)).toEqual({ kind: 'retrying', attempt: 1, max: 2, error: '与 CTI 服务器的连接已断开（代码 1001：going away）' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(4);
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(2000);
    latest().accept();
    expect(r.statuses.at(-1)).toEqual({ kind: 'connected', reconnected: true });
    expect(r.kinds()).toEqual(['connecting', 'retrying', 'retrying', 'connected', 'retrying', 'retrying', 'connected']);
    wire.close();
  });

  it('a socket that never opens counts as a failed attempt after the open timeout', async () => {
    const r = recorder();
    const wire = fakeOpen(config(), r.handlers);
    const first = latest();
    await vi.advanceTimersByTimeAsync(OPEN_TIMEOUT_MS);
    expect(first.closeCalls).toHaveLength(1);
    expect(r.statuses.at(-1)).toEqual({ kind: 'retrying', attempt: 1, max: 10, error: '无法连接 CTI 服务器 wss://cti.example.com/phonekit' });
    first.accept(); // too late: ignored
    expect(wire.open).toBe(false);
    wire.close();
  });

  it('close code 4001 (signed in elsewhere) stops: failed with replaced, no reconnect', async () => {
    const { wire, socket, statuses } = openWire();
    const pending = later(wire.request('ready'));
    socket.drop(4001, 'replaced');
    expect(statuses.at(-1)).toEqual({ kind: 'failed', error: '该坐席已在别处登录', replaced: true });
    expect((await rejection(pending)).code).toBe('unreachable');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses).toHaveLength(3);
    expect(wire.open).toBe(false);
  });

  it('a URL the WebSocket refuses fails once, after open returns, without retrying', async () => {
    const r = recorder();
    let wire: CtiWire | null = null;
    wire = fakeOpen(config({ url: 'http://cti.example.com' }), {
      ...r.handlers,
      onStatus: (s) => {
        r.statuses.push(s);
        if (s.kind === 'failed') wire!.close(); // the session has its wire in hand by then
      },
    });
    expect(r.kinds()).toEqual(['connecting']);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.statuses.at(-1)).toEqual({ kind: 'failed', error: '无法连接 CTI 服务器 http://cti.example.com' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.statuses).toHaveLength(2);
  });
});

describe('heartbeat', () => {
  it('sends {"id":n,"method":"heartbeat"} every heartbeatMs while open, and renews a socket whose heartbeat goes unanswered', async () => {
    const { wire, socket, statuses } = openWire({ heartbeatMs: 20_000, requestTimeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(socket.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.sent).toEqual(['{"id":1,"method":"heartbeat"}']);
    socket.push({ id: 1, method: 'heartbeat', result: { statusCode: '00000', statusMsg: 'success' } });
    const login = wire.request('login', { phoneType: 3 });
    socket.push({ id: 2, result: { statusCode: '00000', statusMsg: 'success' } });
    await login;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.requests().map((f) => `${f.id}:${f.method}`)).toEqual(['1:heartbeat', '2:login', '3:heartbeat']);
    socket.push({ id: 3, result: { statusCode: '00000' } });
    // The server goes silent: the next heartbeat is not answered within requestTimeoutMs.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.lastRequest()).toEqual({ id: 4, method: 'heartbeat' });
    const pending = later(wire.request('hangup'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(wire.open).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(wire.open).toBe(false);
    expect(socket.closeCalls).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ kind: 'retrying', attempt: 1, max: 10, error: 'CTI 服务器 heartbeat 请求 5 秒内没有回复' });
    expect((await rejection(pending)).message).toBe('与 CTI 服务器的连接已断开');
    // Nothing more on the dead socket; a new one after 1 s, with its own heartbeat once open.
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
    latest().accept();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(latest().requests()).toEqual([{ id: 6, method: 'heartbeat' }]);
    expect(socket.sent).toHaveLength(5);
    wire.close();
  });

  it('sends no heartbeat while the socket is not open', async () => {
    const r = recorder();
    const wire = fakeOpen(config({ heartbeatMs: 1000, maxReconnect: 100 }), r.handlers);
    await vi.advanceTimersByTimeAsync(OPEN_TIMEOUT_MS - 1);
    expect(latest().sent).toEqual([]);
    wire.close();
  });
});

describe('openCtiWire', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('uses the global WebSocket (the service worker\'s)', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const r = recorder();
    const wire = openCtiWire(config(), r.handlers);
    expect(latest().url).toBe('wss://cti.example.com/phonekit');
    latest().accept();
    expect(wire.open).toBe(true);
    wire.close();
  });
});

describe('close()', () => {
  it('stops everything: pending requests rejected, socket closed with 1000, no status, no heartbeat, no reconnect', async () => {
    const { wire, socket, statuses } = openWire();
    const pending = later(wire.request('logout'));
    wire.close();
    expect(wire.open).toBe(false);
    expect(socket.closeCalls).toEqual([1000]);
    const error = await rejection(pending);
    expect(error.code).toBe('unreachable');
    socket.drop(1000); // the close event arriving afterwards
    await vi.advanceTimersByTimeAsync(120_000);
    expect(socket.sent).toEqual(['{"id":1,"method":"logout"}']);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'connected']);
    expect((await rejection(wire.request('login', { phoneType: 3 }))).message).toBe('CTI 服务器未连接');
    wire.close(); // twice is harmless
  });

  it('cancels a scheduled reconnect, also when called from onStatus', async () => {
    const r = recorder();
    const wire: CtiWire = fakeOpen(config(), {
      ...r.handlers,
      onStatus: (s) => {
        r.statuses.push(s);
        if (s.kind === 'retrying') wire.close();
      },
    });
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(r.kinds()).toEqual(['connecting', 'retrying']);
  });
});

describe('on a real socket (ws server)', () => {
  beforeEach(() => {
    vi.useRealTimers();
  });

  const wsOpen = createCtiWireOpener(WsWebSocket as unknown as new (url: string) => WebSocket);

  async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function server() {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/cti`;
    return { wss, url, stop: () => new Promise<void>((resolve) => wss.close(() => resolve())) };
  }

  it('initial, its callbacks and replay in order, an oversize frame renews the socket, 4001 ends it', async () => {
    const { wss, url, stop } = await server();
    const received: unknown[] = [];
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.on('message', (raw) => {
        const request = JSON.parse(String(raw)) as { id: number; method: string; params?: { lastSeq?: number } };
        received.push(request);
        if (request.method === 'initial') {
          ws.send(JSON.stringify({ id: request.id, method: 'initial', result: { statusCode: '00000', statusMsg: 'success', data: { workStatus: '1', sipNumber: '8001' } } }));
          ws.send(JSON.stringify({ callback: 'onConnEvent', data: 'auth_succ' }));
          const from = (request.params?.lastSeq ?? 0) + 1;
          for (let seq = from; seq < from + 3; seq++) ws.send(JSON.stringify({ callback: 'onCallEvent', seq, data: { eventName: `e${seq}` } }));
        } else if (request.method === 'hangup') {
          ws.send(JSON.stringify({ id: request.id, method: 'hangup', result: { statusCode: '10005', statusMsg: '当前没有通话' } }));
        } else if (request.method === 'bridge') {
          ws.send('{"callback":"onCallEvent","seq":9,"data":{"pad":"' + 'x'.repeat(70_000) + '"}}');
        } else if (request.method === 'logout') {
          ws.close(4001, 'replaced');
        }
      });
    });
    try {
      const r = recorder();
      const wire = wsOpen(config({ url, heartbeatMs: 60_000 }), r.handlers);
      await until(() => wire.open, 'open');
      expect(r.statuses).toEqual([
        { kind: 'connecting', attempt: 0, max: 10 },
        { kind: 'connected', reconnected: false },
      ]);
      await expect(wire.request('initial', { appSid: 'a', agentNo: '8001', pwd: 'p' })).resolves.toEqual({ statusCode: '00000', statusMsg: 'success', data: { workStatus: '1', sipNumber: '8001' } });
      await until(() => r.callbacks.length === 4, 'callbacks');
      expect(r.callbacks).toEqual([
        { callback: 'onConnEvent', data: 'auth_succ' },
        { callback: 'onCallEvent', seq: 1, data: { eventName: 'e1' } },
        { callback: 'onCallEvent', seq: 2, data: { eventName: 'e2' } },
        { callback: 'onCallEvent', seq: 3, data: { eventName: 'e3' } },
      ]);
      await expect(wire.request('hangup')).resolves.toEqual({ statusCode: '10005', statusMsg: '当前没有通话' });

      const bridged = wire.request('bridge');
      expect((await rejection(bridged)).message).toBe('与 CTI 服务器的连接已断开');
      expect(r.problems).toEqual(['CTI 服务器发来的消息过大（超过 64 KB），已断开重连']);
      await until(() => wire.open && connections === 2, 'reconnected', 5000);
      expect(r.statuses.at(-1)).toEqual({ kind: 'connected', reconnected: true });
      await wire.request('initial', { appSid: 'a', agentNo: '8001', pwd: 'p', lastSeq: 3 });
      await until(() => r.callbacks.length === 8, 'replayed callbacks');
      expect(r.callbacks.slice(5).map((c) => (c.callback === 'onConnEvent' ? c.data : c.seq))).toEqual([4, 5, 6]);
      expect(received).toEqual([
        { id: 1, method: 'initial', params: { appSid: 'a', agentNo: '8001', pwd: 'p' } },
        { id: 2, method: 'hangup' },
        { id: 3, method: 'bridge' },
        { id: 4, method: 'initial', params: { appSid: 'a', agentNo: '8001', pwd: 'p', lastSeq: 3 } },
      ]);

      const loggedOut = wire.request('logout');
      expect((await rejection(loggedOut)).code).toBe('unreachable');
      await until(() => r.statuses.at(-1)?.kind === 'failed', 'failed');
      expect(r.statuses.at(-1)).toEqual({ kind: 'failed', error: '该坐席已在别处登录', replaced: true });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(connections).toBe(2);
      wire.close();
    } finally {
      await stop();
    }
  }, 15_000);

  it('a server that answers no heartbeat is left for a new socket', async () => {
    const { wss, url, stop } = await server();
    let connections = 0;
    const heartbeats: number[] = [];
    wss.on('connection', (ws) => {
      connections++;
      const mine = connections;
      ws.on('message', (raw) => {
        const request = JSON.parse(String(raw)) as { id: number; method: string };
        if (request.method === 'heartbeat') {
          heartbeats.push(mine);
          if (mine > 1) ws.send(JSON.stringify({ id: request.id, result: { statusCode: '00000', statusMsg: 'success' } }));
        }
      });
    });
    try {
      const r = recorder();
      const wire = wsOpen(config({ url, heartbeatMs: 100, requestTimeoutMs: 300 }), r.handlers);
      await until(() => connections === 2 && wire.open, 'a second socket', 5000);
      expect(r.statuses.find((s) => s.kind === 'retrying')).toEqual({ kind: 'retrying', attempt: 1, max: 10, error: 'CTI 服务器 heartbeat 请求 1 秒内没有回复' });
      const before = heartbeats.filter((c) => c === 2).length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      // The answering server keeps it: more heartbeats, no third socket.
      expect(heartbeats.filter((c) => c === 2).length).toBeGreaterThan(before + 3);
      expect(connections).toBe(2);
      wire.close();
    } finally {
      await stop();
    }
  }, 10_000);

  it('a refused connection is retried and given up; close() while connecting is quiet', async () => {
    const { url, stop } = await server();
    await stop(); // nothing listens there any more
    const r = recorder();
    const wire = wsOpen(config({ url, maxReconnect: 1 }), r.handlers);
    await until(() => r.statuses.at(-1)?.kind === 'failed', 'failed', 5000);
    expect(r.statuses).toEqual([
      { kind: 'connecting', attempt: 0, max: 1 },
      { kind: 'retrying', attempt: 1, max: 1, error: `无法连接 CTI 服务器 ${url}` },
      { kind: 'failed', error: `无法连接 CTI 服务器 ${url}` },
    ]);
    wire.close();
    const again = recorder();
    const connecting = wsOpen(config({ url: 'ws://192.0.2.1:9/cti' }), again.handlers);
    connecting.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(again.kinds()).toEqual(['connecting']);
  }, 10_000);
});
