import { describe, expect, it } from 'vitest';
import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { type CcpaasSettings, ccpaasInfo, ccpaasSettingsSchema } from './ccpaas-info.ts';
import { CcpaasRestSession } from './ccpaas-direct.ts';
import type { FetchLike } from './ccpaas-rest.ts';

const SETTINGS = ccpaasSettingsSchema.parse({
  mode: 'rest',
  baseUrl: 'https://api.example.com',
  softVersion: '2016-01-01',
  accountSid: 'AC123',
  accountToken: 'tok456',
  applicationSid: 'APP1',
  caller: '13800000000',
  maxDuration: '600',
  userData: 'crm42',
});

const BASE = 'https://api.example.com/2016-01-01/Accounts/AC123/Applications/APP1/ctc/Conversations';

/** The platform: click2call answers with CA1, CA2 …; cancelCall with `cancelReply`. */
class FakePlatform {
  requests: { url: string; body: Record<string, unknown> }[] = [];
  sids = 0;
  cancelReply: unknown = { statusCode: '00000', statusMsg: 'success' };
  dialReply: (() => Promise<Response>) | null = null;
  fetch: FetchLike = async (url, init) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    this.requests.push({ url, body });
    if (body.action === 'click2call') {
      if (this.dialReply) return this.dialReply();
      return Response.json({ conversationSid: `CA${++this.sids}`, statusCode: '00000', statusMsg: 'success' });
    }
    return Response.json(this.cancelReply);
  };
}

function setup(cursor?: unknown, settings: CcpaasSettings = SETTINGS) {
  const platform = new FakePlatform();
  const { ctx, state } = fakeContext(cursor);
  const session = new CcpaasRestSession(settings, ctx, { fetch: platform.fetch, now: () => 1_700_000_000_000 });
  return { platform, state, session };
}

describe('CC PaaS click-to-call session', () => {
  it('login checks the settings only and says whose phone rings first; logout and resume send nothing', async () => {
    const { platform, session } = setup();
    expect(await session.login()).toEqual({ name: '点击呼叫 13800000000', extension: '13800000000' });
    session.resume(new AbortController().signal);
    await session.logout();
    expect(platform.requests).toEqual([]);
    const missing = setup(undefined, { ...SETTINGS, accountToken: '' });
    expect(await failure(missing.session.login())).toMatchObject({ code: 'invalid-input', message: '请填写账号令牌（AccountToken）' });
    expect(await failure(missing.session.dial('15800000000'))).toMatchObject({ code: 'invalid-input' });
    expect(missing.platform.requests).toEqual([]);
  });

  it('dial: one click2call; the card shows the accepted request with its conversationSid and keeps it for 取消呼叫', async () => {
    const { platform, state, session } = setup();
    await session.login();
    await session.dial('15800000000');
    expect(platform.requests).toEqual([{ url: BASE, body: { action: 'click2call', caller: '13800000000', callee: '15800000000', userData: 'crm42', maxDuration: 600 } }]);
    expect(state.events).toEqual([
      { type: 'call.dialing', number: '15800000000', vendorCallId: 'CA1' },
      { type: 'call.ended', cause: '平台已受理：先呼叫您的电话 13800000000，您接听后再呼叫客户（呼叫标识 CA1）', outcomeUnknown: true },
    ]);
    expect(state.call).toMatchObject({ state: 'ended', number: '15800000000', vendorCallId: 'CA1' });
    // The events and the sid are written together.
    expect(state.writes.at(-1)?.cursor).toEqual({ v: 1, conversationSid: 'CA1', acceptedAt: 1_700_000_000_000 });
    // 取消呼叫 is the one action offered, on the ended card.
    expect(ccpaasInfo.capabilitiesFor?.(SETTINGS).extraActions).toMatchObject([{ id: 'cancelCall', when: ['ended'] }]);
  });

  it('a number that is not a dial string is refused before any request', async () => {
    const { platform, session } = setup();
    for (const number of ['12', '1'.repeat(33), '158-0000-0000', '158 0000', '*86#', '++86158', '', '１５８００']) {
      expect(await failure(session.dial(number))).toMatchObject({ code: 'invalid-input', message: '点击呼叫的号码只能是 3–32 位数字，可以 + 开头' });
    }
    expect(platform.requests).toEqual([]);
    await session.dial('+8615800000000');
    expect(platform.requests[0]?.body.callee).toBe('+8615800000000');
  });

  it('a timed-out or unreadable dial is never sent again: shown as a call that may have gone out, with its row', async () => {
    const { platform, state, session } = setup();
    platform.dialReply = () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError'));
    await session.dial('15800000000');
    expect(platform.requests).toHaveLength(1);
    expect(state.events).toEqual([
      { type: 'call.dialing', number: '15800000000' },
      { type: 'call.ended', cause: 'CC PaaS 平台 api.example.com 响应超时，平台可能仍在呼叫：请看您的电话 13800000000 是否振铃，不要重复拨打', outcomeUnknown: true },
    ]);
    expect(state.call).toMatchObject({ state: 'ended', number: '15800000000', answerUnknown: true });
    platform.dialReply = async () => new Response('{"statusCode":"000', { status: 200 });
    await session.dial('15900000000');
    expect(platform.requests).toHaveLength(2);
    expect(state.events.slice(2)).toEqual([
      { type: 'call.dialing', number: '15900000000' },
      { type: 'call.ended', cause: 'CC PaaS 平台 api.example.com 的回复无法识别，呼叫可能已经发出：请看您的电话是否振铃，不要重复拨打', outcomeUnknown: true },
    ]);
    // Nothing to cancel: the platform's id never arrived.
    expect(state.writes.at(-1)?.cursor).toBeUndefined();
  });

  it('a refused dial shows the platform’s words; nothing is shown as a call', async () => {
    const { platform, state, session } = setup();
    platform.dialReply = async () => Response.json({ statusCode: '10005', statusMsg: '余额不足' });
    expect((await failure(session.dial('15800000000'))).message).toBe('外呼失败：余额不足（错误码 10005）');
    platform.dialReply = async () => new Response('', { status: 401 });
    expect(await failure(session.dial('15800000000'))).toMatchObject({ code: 'auth' });
    expect(state.events).toEqual([]);
    expect(platform.requests).toHaveLength(2);
  });

  it('accepted without a conversationSid: the card says so and there is nothing to cancel', async () => {
    const { platform, state, session } = setup();
    platform.dialReply = async () => Response.json({ statusCode: '00000', statusMsg: 'success' });
    await session.dial('15800000000');
    expect(state.events).toEqual([
      { type: 'call.dialing', number: '15800000000' },
      { type: 'call.ended', cause: '平台已受理：先呼叫您的电话 13800000000，您接听后再呼叫客户；平台没有返回呼叫标识，无法取消', outcomeUnknown: true },
    ]);
    expect(await failure(session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition', message: '没有可取消的呼叫' });
    expect(platform.requests).toHaveLength(1);
  });

  it('取消呼叫 cancels the call on the card once, with a note; a second cancel has nothing to cancel', async () => {
    const { platform, state, session } = setup();
    await session.dial('15800000000');
    await session.extraAction('cancelCall');
    expect(platform.requests[1]).toEqual({ url: `${BASE}/CA1`, body: { action: 'cancelCall' } });
    expect(state.notes).toEqual(['平台已取消呼叫 CA1']);
    expect(state.cursor).toEqual({ v: 1, conversationSid: null });
    expect(await failure(session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition', message: '没有可取消的呼叫' });
    expect(platform.requests).toHaveLength(2);
  });

  it('取消呼叫 acts on the latest call only, and only while its card is shown', async () => {
    const { platform, state, session } = setup();
    await session.dial('15800000000');
    await session.dial('15800000001');
    await session.extraAction('cancelCall');
    expect(platform.requests.at(-1)?.url).toBe(`${BASE}/CA2`);
    // The card dismissed (no call shown), or a card of another call: nothing to cancel, nothing sent.
    const other = setup();
    await other.session.dial('15800000000');
    const card = other.state.call;
    other.state.call = null;
    expect(await failure(other.session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition' });
    // A saved sid that is not the shown card's call (CA1's card, CA9 saved).
    const foreign = setup({ v: 1, conversationSid: 'CA9' });
    foreign.state.call = card;
    expect(await failure(foreign.session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition' });
    // The shown call is not an ended card (e.g. another provider's live call left over).
    const live = setup({ v: 1, conversationSid: 'CA1' });
    live.state.call = card && { ...card, state: 'dialing' };
    expect(await failure(live.session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition' });
    expect(live.platform.requests).toEqual([]);
    expect([...other.platform.requests, ...foreign.platform.requests].map((r) => r.body.action)).toEqual(['click2call']);
    expect(state.notes).toEqual(['平台已取消呼叫 CA2']);
  });

  it('the platform refusing the cancel (the call already finished) says why, and the cancel may be tried again', async () => {
    const { platform, state, session } = setup();
    await session.dial('15800000000');
    platform.cancelReply = { statusCode: '10404', statusMsg: '呼叫已结束' };
    expect(await failure(session.extraAction('cancelCall'))).toMatchObject({ code: 'refused', message: '取消呼叫失败：呼叫已结束（错误码 10404）' });
    expect(state.notes).toEqual([]);
    expect(state.cursor).toMatchObject({ conversationSid: 'CA1' });
    platform.cancelReply = { statusCode: '00000', statusMsg: 'success' };
    await session.extraAction('cancelCall');
    expect(state.notes).toEqual(['平台已取消呼叫 CA1']);
  });

  it('取消呼叫 works after a service-worker restart (the sid is in the cursor)', async () => {
    const first = setup();
    await first.session.dial('15800000000');
    // A new worker: a new session over the saved cursor and the call card still shown.
    const again = setup(first.state.cursor);
    again.state.call = first.state.call;
    await again.session.extraAction('cancelCall');
    expect(again.platform.requests).toEqual([{ url: `${BASE}/CA1`, body: { action: 'cancelCall' } }]);
    expect(again.state.notes).toEqual(['平台已取消呼叫 CA1']);
    // A cursor that is not ours (or broken) is nothing to cancel.
    for (const cursor of [null, 'CA1', { conversationSid: 42 }, { conversationSid: '' }]) {
      const broken = setup(cursor);
      broken.state.call = first.state.call;
      expect(await failure(broken.session.extraAction('cancelCall'))).toMatchObject({ code: 'precondition' });
    }
  });

  it('everything else is refused: the platform carries out the call', async () => {
    const { platform, session } = setup();
    const attempts = [
      session.setAgentState('ready'),
      session.answer(),
      session.hangup(),
      session.hold(),
      session.unhold(),
      session.mute(),
      session.unmute(),
      session.transfer('8002'),
      session.dtmf('1'),
      session.extraAction('consult'),
    ];
    for (const attempt of attempts) {
      expect(await failure(attempt)).toMatchObject({ code: 'unsupported', message: '点击呼叫方式下通话由平台完成，CallBar 无法控制' });
    }
    expect(platform.requests).toEqual([]);
  });
});
