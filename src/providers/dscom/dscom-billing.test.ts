import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, WebSocket as WsWebSocket } from 'ws';
import type { Problem } from '../../shared/errors.ts';
import { BillingSocket, MAX_FAST_ATTEMPTS, OPEN_TIMEOUT_MS, reconnectDelay, reconnectHint, type SocketFactory, type SocketLike } from './dscom-billing.ts';

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
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /** The server went away (or refused the connection): error, then close. */
  fail(): void {
    this.onerror?.({});
    this.onclose?.({ code: 1006 });
  }
}

const latest = () => FakeSocket.all.at(-1)!;

function setup(url: () => Promise<string> = async () => `wss://pbx:8282/?user_id=billing&token=t${FakeSocket.all.length + 1}`) {
  const rows: unknown[][] = [];
  const problems: (Omit<Problem, 'since'> | null)[] = [];
  const abort = new AbortController();
  const socket = new BillingSocket({
    url: vi.fn(url),
    where: 'wss://pbx:8282',
    WebSocket: FakeSocket as unknown as SocketFactory,
    onRows: (r) => rows.push(r),
    onProblem: (p) => problems.push(p),
  });
  socket.start(abort.signal);
  return { rows, problems, abort, socket };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('reconnect schedule', () => {
  it('1 s doubling to 30 s for ten attempts, then every 60 s', () => {
    expect(Array.from({ length: 13 }, (_, i) => reconnectDelay(i + 1) / 1000)).toEqual([1, 2, 4, 8, 16, 30, 30, 30, 30, 30, 60, 60, 60]);
  });

  it('the hint counts attempts out of ten, then says it keeps trying every 60 s', () => {
    expect(reconnectHint(3)).toContain('正在重连（第 3/10 次）');
    expect(reconnectHint(10)).toContain('正在重连（第 10/10 次）');
    expect(reconnectHint(11)).toContain('每 60 秒重试一次');
    expect(reconnectHint(11)).not.toContain('/10');
  });
});

describe('BillingSocket with a fake socket', () => {
  it('connects to the URL with a current token and passes on billing rows', async () => {
    const { rows, problems } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(latest().url).toBe('wss://pbx:8282/?user_id=billing&token=t1');
    latest().open();
    expect(problems).toEqual([null]);
    latest().push({ type: 'billing', data: [{ uniqueid: 'a' }, { uniqueid: 'b' }] });
    latest().push({ type: 'billing', data: { uniqueid: 'c' } });
    latest().push({ type: 'ping' });
    latest().push('not json');
    latest().push({ type: 'billing' });
    expect(rows).toEqual([[{ uniqueid: 'a' }, { uniqueid: 'b' }], [{ uniqueid: 'c' }]]);
  });

  it('binary frames with JSON are read too', async () => {
    const { rows } = setup();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    latest().onmessage?.({ data: new TextEncoder().encode(JSON.stringify({ type: 'billing', data: [{ uniqueid: 'x' }] })) });
    expect(rows).toEqual([[{ uniqueid: 'x' }]]);
  });

  it('reconnects with backoff, saying which attempt, a new token each time; after ten, every 60 s', async () => {
    const { problems } = setup();
    await vi.advanceTimersByTimeAsync(0);
    const delays = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30, 60, 60];
    for (const [i, seconds] of delays.entries()) {
      const before = FakeSocket.all.length;
      latest().fail();
      const attempt = i + 1;
      expect(problems.at(-1)).toEqual({
        code: 'unreachable',
        message: '话单推送连接已断开（wss://pbx:8282）',
        hint: reconnectHint(attempt),
      });
      if (attempt <= MAX_FAST_ATTEMPTS) expect(problems.at(-1)?.hint).toContain(`第 ${attempt}/10 次`);
      await vi.advanceTimersByTimeAsync(seconds * 1000 - 1);
      expect(FakeSocket.all.length, `attempt ${attempt} not before ${seconds} s`).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeSocket.all.length, `attempt ${attempt} after ${seconds} s`).toBe(before + 1);
    }
    expect(new Set(FakeSocket.all.map((s) => s.url)).size).toBe(FakeSocket.all.length);
  });

  it('connected again: the problem clears and the next drop starts from 1 s', async () => {
    const { problems } = setup();
    await vi.advanceTimersByTimeAsync(0);
    latest().fail();
    await vi.advanceTimersByTimeAsync(1000);
    latest().fail();
    await vi.advanceTimersByTimeAsync(2000);
    latest().open();
    expect(problems.at(-1)).toBeNull();
    await vi.advanceTimersByTimeAsync(60_000); // stayed up a minute
    const before = FakeSocket.all.length;
    latest().fail();
    expect(problems.at(-1)?.hint).toContain('第 1/10 次');
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all.length).toBe(before + 1);
  });

  it('a connection that opens and drops at once (e.g. a refused token) keeps counting', async () => {
    const { problems } = setup();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    latest().fail();
    expect(problems.at(-1)?.hint).toContain('第 1/10 次');
    await vi.advanceTimersByTimeAsync(1000);
    latest().open();
    latest().fail();
    expect(problems.at(-1)?.hint).toContain('第 2/10 次');
  });

  it('a socket that never opens is given up after the open timeout', async () => {
    const { problems } = setup();
    await vi.advanceTimersByTimeAsync(OPEN_TIMEOUT_MS - 1);
    expect(problems).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all[0]!.closed).toBe(true);
    expect(problems.at(-1)?.hint).toContain('第 1/10 次');
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('no token (the login is lost): counted as a failed attempt, retried later', async () => {
    let calls = 0;
    const { problems } = setup(async () => {
      calls++;
      if (calls === 1) throw new Error('登录已过期');
      return 'wss://pbx:8282/?user_id=billing&token=ok';
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all).toHaveLength(0);
    expect(problems.at(-1)?.hint).toContain('第 1/10 次');
    await vi.advanceTimersByTimeAsync(1000);
    expect(latest().url).toContain('token=ok');
  });

  it('abort closes the socket and stops reconnecting', async () => {
    const { abort } = setup();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    const socket = latest();
    abort.abort();
    expect(socket.closed).toBe(true);
    socket.fail();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('abort during a reconnect wait: no new socket', async () => {
    const { abort } = setup();
    await vi.advanceTimersByTimeAsync(0);
    latest().fail();
    abort.abort();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('BillingSocket with the ws package against a real server', () => {
  it('sends user_id and token in the query and receives pushed rows', async () => {
    vi.useRealTimers();
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const seen: URL[] = [];
    server.on('connection', (ws, request) => {
      seen.push(new URL(request.url ?? '/', 'ws://x'));
      ws.send(JSON.stringify({ type: 'billing', data: [{ uniqueid: 'hwd-1750324435.57', channel: 'PJSIP/8001-00000026' }] }));
    });
    const rows: unknown[][] = [];
    const abort = new AbortController();
    try {
      await new Promise<void>((resolve) => {
        new BillingSocket({
          url: async () => `ws://127.0.0.1:${port}/?user_id=billing&token=${encodeURIComponent('eyJ0eXAi.a+b/c')}`,
          where: `ws://127.0.0.1:${port}`,
          WebSocket: WsWebSocket as unknown as SocketFactory,
          onRows: (r) => {
            rows.push(r);
            resolve();
          },
          onProblem: () => undefined,
        }).start(abort.signal);
      });
      expect(seen[0]?.searchParams.get('user_id')).toBe('billing');
      expect(seen[0]?.searchParams.get('token')).toBe('eyJ0eXAi.a+b/c');
      expect(rows).toEqual([[{ uniqueid: 'hwd-1750324435.57', channel: 'PJSIP/8001-00000026' }]]);
    } finally {
      abort.abort();
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
