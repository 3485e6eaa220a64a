/**
 * The softphone-bar session's polling against a scripted bar (fetch stubbed): the bar hands each event
 * out once, so nothing it handed out may be lost to a failure elsewhere in the same poll.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeContext } from '../../../test/support/provider-context.ts';
import { cmccSoftbar } from './index.ts';

afterEach(() => vi.unstubAllGlobals());

type Queue = 'getOnline' | 'getCallState';
/** A bar whose event queues hand out what the test puts in them, once; a queue can be made to fail. */
function scriptedBar() {
  const queues: Record<Queue, unknown[]> = { getOnline: [], getCallState: [] };
  const failing = new Set<Queue>();
  const silent = new Set<Queue>();
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const queue = new URL(url).pathname.split('/').pop() as Queue;
    asked.push(queue);
    if (silent.has(queue)) return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    if (failing.has(queue)) return new Response('<html>500</html>', { status: 500 });
    if (!(queue in queues)) return Response.json({ errcode: 0, errmsg: 'ok', data: { result: 1 } });
    const data = queues[queue].splice(0);
    return Response.json({ errcode: 0, errmsg: 'ok', data });
  });
  return { queues, failing, silent, asked };
}

const settled = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('softphone bar polling', () => {
  it('getCallState failing does not lose the getOnline events fetched in the same poll', async () => {
    const bar = scriptedBar();
    bar.queues.getOnline.push({ eventName: 'sipOnline', eventTime: '2026-12-04 10:00:00' });
    bar.failing.add('getCallState');
    const { ctx, state } = fakeContext();
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    await settled(100);
    stop.abort();
    expect(state.agentState).toBe('sipOnline');
    expect(state.problem?.code).toBe('refused');
  });

  it('events whose write failed are applied on the next poll, before anything newer', async () => {
    const bar = scriptedBar();
    bar.queues.getOnline.push({ eventName: 'sipOnline' });
    const { ctx, state } = fakeContext();
    state.failEmits = 1;
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    await settled(50);
    // The write failed once; the bar will not hand sipOnline out again, yet it is applied.
    await vi.waitFor(() => expect(state.agentState).toBe('sipOnline'), { timeout: 3000 });
    stop.abort();
  });

  it('a dial whose write failed is not remembered: the bar’s makeCall for it shows the call, even after an earlier call to that number (it is not taken for a dial CallBar ended)', async () => {
    const bar = scriptedBar();
    bar.queues.getOnline.push({ eventName: 'sipOnline' });
    const { ctx, state } = fakeContext();
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    await vi.waitFor(() => expect(state.agentState).toBe('sipOnline'), { timeout: 3000 });
    // An earlier call to the same number, over.
    await session.dial('13912345678');
    bar.queues.getCallState.push({ eventName: 'makeCall', otherParty: '13912345678' }, { eventName: 'hangup', otherParty: '13912345678', reserve: 'cause-busy' });
    await vi.waitFor(() => expect(state.call).toMatchObject({ state: 'ended', number: '13912345678' }), { timeout: 3000 });
    const earlier = state.call!.id;
    state.failEmits = 1;
    await expect(session.dial('13912345678')).rejects.toThrow('storage write failed');
    expect(state.call?.id).toBe(earlier);
    // The bar placed the call all the same: its events show it, and it ends with its row.
    bar.queues.getCallState.push({ eventName: 'makeCall', otherParty: '13912345678' }, { eventName: 'hangup', otherParty: '13912345678', reserve: 'cause-busy' });
    await vi.waitFor(() => expect(state.call?.id).not.toBe(earlier), { timeout: 3000 });
    await vi.waitFor(() => expect(state.call).toMatchObject({ state: 'ended', number: '13912345678' }), { timeout: 3000 });
    stop.abort();
  });

  it('an earlier call the bar still holds (its queue was failing) is applied before the agent’s dial is shown, not after it — which ended the dial as a missed end and listed it twice', async () => {
    const bar = scriptedBar();
    bar.queues.getOnline.push({ eventName: 'sipOnline' });
    const { ctx, state } = fakeContext();
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    await vi.waitFor(() => expect(state.agentState).toBe('sipOnline'), { timeout: 3000 });
    // A customer called and gave up while the bar's call queue was failing: CallBar has not seen it.
    bar.failing.add('getCallState');
    await settled(50);
    bar.queues.getCallState.push({ eventName: 'incomingCall', otherParty: '13800138001' }, { eventName: 'hangup', otherParty: '13800138001', reserve: 'cause-remoteHangup' });
    bar.failing.delete('getCallState');
    await session.dial('13700137004');
    expect(state.call).toMatchObject({ state: 'dialing', number: '13700137004', direction: 'outbound' });
    bar.queues.getCallState.push({ eventName: 'makeCall', otherParty: '13700137004' }, { eventName: 'ringing', otherParty: '13700137004' });
    await vi.waitFor(() => expect(state.call).toMatchObject({ state: 'ringing', number: '13700137004' }), { timeout: 3000 });
    stop.abort();
    // The customer's call came and went before the dial; the dial was never ended.
    const ends = state.events.filter((e) => e.type === 'call.ended');
    expect(ends).toHaveLength(1);
    expect(state.events.findIndex((e) => e.type === 'call.incoming')).toBeLessThan(state.events.findIndex((e) => e.type === 'call.dialing' && e.number === '13700137004'));
  });

  it('a poll holding a whole call and the next one’s start writes the first call’s end on its own (最近通话 gets a row per write that ends a call)', async () => {
    const bar = scriptedBar();
    const call = (eventName: string, otherParty: string, reserve = '') => ({ eventName, otherParty, reserve });
    bar.queues.getCallState.push(
      call('makeCall', '13900000001'),
      call('ringing', '13900000001'),
      call('hangup', '13900000001', 'cause-busy'),
      call('incomingCall', '13700000002'),
      call('hangup', '13700000002', 'cause-remoteHangup'),
    );
    const { ctx, state } = fakeContext();
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    await vi.waitFor(() => expect(state.call).toMatchObject({ number: '13700000002', state: 'ended' }), { timeout: 3000 });
    stop.abort();
    // Replay the writes: each call's end is the last call event of a write of its own.
    const endedByWrite = state.writes.map((w) => w.events.filter((e) => e.type === 'call.ended').length).filter((n) => n > 0);
    expect(endedByWrite).toEqual([1, 1]);
  });

  it('a silent bar costs a poll 1.5 s, not the 5 s HTTP timeout', async () => {
    const bar = scriptedBar();
    bar.silent.add('getOnline');
    const { ctx, state } = fakeContext();
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    const stop = new AbortController();
    session.resume(stop.signal);
    // Given up on well before the HTTP timeout (5 s) would.
    await vi.waitFor(() => expect(state.problem?.code).toBe('timeout'), { timeout: 4000, interval: 50 });
    stop.abort();
  });
});

describe('answering', () => {
  it('the bar accepting 接听 shows the call up, even when its answer event is lost (a worker killed after the bar handed it out)', async () => {
    scriptedBar();
    const { ctx, state } = fakeContext();
    await ctx.emit([{ type: 'call.incoming', number: '13500001111' }]);
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    // No poll runs: the bar's events never arrive.
    await session.answer();
    expect(state.call?.state).toBe('connected');
    expect(state.agentState).toBe('inCall');
  });
});

describe('hanging up', () => {
  it('a 挂断 that met a 500 (or a bar restarting) is tried once more, so the bar’s call does not go on unseen', async () => {
    const asked: string[] = [];
    let fail = 1;
    vi.stubGlobal('fetch', async (url: string) => {
      const action = new URL(url).pathname.split('/').pop() ?? '';
      asked.push(action);
      if (action === 'hangup' && fail-- > 0) return new Response('<html>500</html>', { status: 500 });
      return Response.json({ errcode: 0, errmsg: 'ok', data: { result: 1 } });
    });
    const { ctx } = fakeContext();
    await ctx.emit([{ type: 'call.dialing', number: '13500001111' }]);
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    await session.hangup();
    expect(asked).toEqual(['hangup', 'hangup']);
  });

  it('not when the bar said no (result 0: it has no call) — the engine then ends the call here', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(new URL(url).pathname.split('/').pop() ?? '');
      return Response.json({ errcode: 0, errmsg: 'ok', data: { result: 0 } });
    });
    const { ctx } = fakeContext();
    await ctx.emit([{ type: 'call.dialing', number: '13500001111' }]);
    const session = cmccSoftbar.createSession({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, ctx);
    await expect(session.hangup()).rejects.toMatchObject({ code: 'refused' });
    expect(asked).toEqual(['hangup']);
  });
});
