/**
 * The ccpaas provider as the service worker runs it (the real wire over a `ws` WebSocket, the real
 * REST client over fetch) against the CC PaaS simulator: both sides were written from the document and
 * docs/providers/ccpaas-wire.md independently, so this is where they must agree.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CcpaasSimulator, DEFAULT_ACCOUNT, DEFAULT_APP_SID } from '../../../test/simulators/ccpaas/ccpaas-simulator.ts';
import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import type { ProviderSession } from '../provider.ts';
import { ccpaasSettingsSchema } from './ccpaas-info.ts';
import { createCcpaasProvider } from './index.ts';
import { createCtiWireOpener } from './ccpaas-wire.ts';

let sim: CcpaasSimulator;
const sessions: ProviderSession[] = [];
const provider = createCcpaasProvider(createCtiWireOpener(WebSocket as unknown as new (url: string) => globalThis.WebSocket), { requestTimeoutMs: 2000 });

beforeAll(async () => {
  sim = new CcpaasSimulator({ ringDelayMs: 50, answerDelayMs: 150, agentAnswerDelayMs: 100, wrapupSeconds: 1 });
  await sim.start();
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.logout().catch(() => undefined);
  sim.reset();
});
afterAll(async () => {
  await sim.close();
});

async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function toolbar(extra: Record<string, unknown> = {}, cursor?: unknown) {
  const settings = ccpaasSettingsSchema.parse({ mode: 'toolbar', ctiUrl: sim.ctiUrl, appSid: DEFAULT_APP_SID, agentNo: '8001', password: '123456', pauseCauses: '休息,培训', ...extra });
  const { ctx, state } = fakeContext(cursor);
  const session = provider.createSession(settings, ctx);
  sessions.push(session);
  return { session, state };
}

describe('toolbar mode against the simulator’s CTI server', () => {
  it('wrong password: the platform’s words', async () => {
    const { session } = toolbar({ password: 'nope' });
    const e = await failure(session.login());
    expect(e.code).toBe('auth');
    expect(e.message).toMatch(/^连接 CTI 服务器失败：.+（错误码 10002）$/);
  });

  it('a shift: login, pause with a reason, ready, dial → connected → hold → retrieve → hang up → 整理 → 就绪', async () => {
    const { session, state } = toolbar();
    await session.login();
    session.resume(new AbortController().signal);
    await eventually(() => state.agentState === 'ready', 'ready after login');
    await session.setAgentState('pause:休息');
    await eventually(() => state.agentState === 'pause:休息', 'paused with the reason');
    await session.setAgentState('ready');
    await eventually(() => state.agentState === 'ready', 'ready');
    await session.dial('13800138000');
    await eventually(() => state.call?.state === 'connected', 'connected');
    expect(state.call?.vendorCallId).toMatch(/\S/);
    await session.hold();
    expect(state.call?.state).toBe('held');
    await session.unhold();
    await session.hangup();
    await eventually(() => state.call?.state === 'ended', 'ended');
    await eventually(() => state.agentState === 'wrapup', '整理');
    expect(session.loggedInCapabilities?.()?.agentStates.find((a) => a.id === 'wrapup')?.countdownSeconds).toBe(1);
    await eventually(() => state.agentState === 'ready', 'ready again after 整理', 4000);
  });

  it('each failedCause reaches the card', async () => {
    const { session, state } = toolbar();
    await session.login();
    session.resume(new AbortController().signal);
    await eventually(() => state.agentState === 'ready', 'ready');
    sim.setPartyMode('busy');
    await session.dial('13800138000');
    await eventually(() => state.call?.state === 'ended', 'ended');
    expect(state.call?.cause).toBe('呼叫失败');
  });

  it('incoming on an auto-answer phone: 接听 is bridge, then connected', async () => {
    sim.addAgent({ ...sim.agent('8001').config, autoAnswer: true });
    const { session, state } = toolbar({ autoAnswer: true });
    await session.login();
    session.resume(new AbortController().signal);
    await eventually(() => state.agentState === 'ready', 'ready');
    sim.incoming({ userNumber: '13900000000', agentNo: '8001' });
    await eventually(() => state.call?.state === 'incoming', 'ringing');
    await new Promise((r) => setTimeout(r, 300));
    expect(state.call?.state).toBe('incoming');
    await session.answer();
    await eventually(() => state.call?.state === 'connected', 'bridged');
  });

  it('the socket dropped mid-call: the banner, then the call’s end arrives with the replay', async () => {
    const { session, state } = toolbar();
    await session.login();
    session.resume(new AbortController().signal);
    await eventually(() => state.agentState === 'ready', 'ready');
    await session.dial('13800138000');
    await eventually(() => state.call?.state === 'connected', 'connected');
    sim.refuseConnections(800);
    sim.drop('8001');
    await eventually(() => state.problem?.message.startsWith('与 CTI 服务器的连接已断开，正在重连') ?? false, 'the banner');
    sim.customerHangup();
    await eventually(() => state.call?.state === 'ended', 'the end replayed', 8000);
    await eventually(() => state.problem === null, 'the banner gone');
  });
});

describe('REST mode against the simulator’s ctc API', () => {
  function rest(extra: Record<string, unknown> = {}) {
    const settings = ccpaasSettingsSchema.parse({
      mode: 'rest',
      baseUrl: sim.baseUrl,
      softVersion: sim.softVersion,
      accountSid: DEFAULT_ACCOUNT.accountSid,
      accountToken: DEFAULT_ACCOUNT.accountToken,
      applicationSid: DEFAULT_APP_SID,
      caller: '13800000001',
      ...extra,
    });
    const { ctx, state } = fakeContext();
    return { session: provider.createSession(settings, ctx), state };
  }

  it('click2call accepted, then cancelled on the platform', async () => {
    const { session, state } = rest({ userData: 'crm42' });
    await session.login();
    await session.dial('13900000000');
    expect(state.call).toMatchObject({ state: 'ended', number: '13900000000' });
    const sid = state.call?.vendorCallId ?? '';
    expect(state.call?.cause).toContain(sid);
    type Conv = { conversationSid: string; state: string; caller: string; callee: string; userData: string };
    const onPlatform = () => (sim.state.conversations as Conv[]).find((c) => c.conversationSid === sid);
    expect(onPlatform()).toMatchObject({ caller: '13800000001', callee: '13900000000', userData: 'crm42' });
    expect(onPlatform()?.state).not.toBe('ended');
    await session.extraAction('cancelCall');
    expect(onPlatform()?.state).toBe('ended');
    expect(state.notes.at(-1)).toContain(sid);
    // Once cancelled there is nothing more to cancel.
    expect((await failure(session.extraAction('cancelCall'))).code).toBe('precondition');
  });

  it('a wrong token is refused in words', async () => {
    const { session } = rest({ accountToken: 'wrong' });
    const e = await failure(session.dial('13900000000'));
    expect(e.message).toMatch(/外呼失败/);
  });
});
