import { describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n.ts';
import type { PhoneCall } from '../../shared/softphone.ts';
import { FakePhone } from '../../../test/support/fake-phone.ts';
import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { SipSession } from './index.ts';
import { sipSettingsSchema } from './sip-info.ts';

const SETTINGS = sipSettingsSchema.parse({ wsUrl: 'wss://pbx.example.com:8089/ws', user: '1001@pbx.example.com', password: 'pw', displayName: '张三' });
const call = (over: Partial<PhoneCall> = {}): PhoneCall => ({ id: 'p1', direction: 'outbound', remote: '13800138000', state: 'dialing', muted: false, startedAt: 1, digits: '', ...over });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const phone = new FakePhone();
  const { ctx, state } = fakeContext(undefined, phone);
  const session = new SipSession(SETTINGS, ctx);
  const abort = new AbortController();
  return { phone, state, session, abort };
}

describe('sip session', () => {
  it('logs in by registering the phone, and says who the agent is', async () => {
    const { phone, state, session } = setup();
    await expect(session.login()).resolves.toEqual({ name: '张三', extension: '1001' });
    expect(phone.commands[0]).toMatchObject({ type: 'register', account: { wsUrl: SETTINGS.wsUrl, uri: 'sip:1001@pbx.example.com', password: 'pw' }, dnd: false });
    expect(state.agentState).toBe('ready');
  });

  it('a wrong password is refused in words that name the server', async () => {
    const { phone, session } = setup();
    phone.failures.set('register', { code: 'registration', message: 'Registration failed', cause: 'auth' });
    const error = await failure(session.login());
    expect(error.code).toBe('auth');
    expect(error.message).toBe(t('phoneRegAuth', SETTINGS.wsUrl));
  });

  it('follows the phone: an incoming call, answered, hung up by the far end', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    await settle();
    phone.push({ call: call({ direction: 'inbound', state: 'incoming', remote: '8002' }) });
    await settle();
    expect(state.call).toMatchObject({ state: 'incoming', number: '8002', vendorCallId: 'p1' });
    await session.answer();
    expect(phone.commands.at(-1)).toEqual({ type: 'answer', callId: 'p1' });
    phone.push({ call: call({ direction: 'inbound', state: 'connected', remote: '8002', connectedAt: 2 }) });
    phone.push({ call: call({ direction: 'inbound', state: 'ended', remote: '8002', connectedAt: 2, cause: 'remote-hangup' }) });
    await settle();
    expect(state.call).toMatchObject({ state: 'ended', cause: '对方挂断' });
    expect(state.cursor).toEqual({ callId: 'p1' });
  });

  it('rejecting an incoming call is a reject, not a hang-up', async () => {
    const { phone, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    phone.push({ call: call({ direction: 'inbound', state: 'incoming' }) });
    await settle();
    await session.hangup();
    expect(phone.commands.at(-1)).toEqual({ type: 'reject', callId: 'p1' });
  });

  it('after a worker restart, a phone that lost its registration is registered again, keeping do-not-disturb', async () => {
    const { phone, state, session, abort } = setup();
    state.agentState = 'dnd';
    session.resume(abort.signal);
    await settle();
    await settle();
    expect(phone.types()).toEqual(['status', 'register']);
    expect(phone.commands[1]).toMatchObject({ type: 'register', dnd: true });
  });

  it('the phone’s document closed while the worker ran (a new one answers, without the account): the call shown ends and the phone is registered again, keeping do-not-disturb', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    await settle();
    await session.setAgentState('dnd');
    phone.push({ call: call({ state: 'connected', connectedAt: 2 }) });
    await settle();
    phone.commands.length = 0;
    // What the link hands on after the document is gone (phone-link.ts documentClosed): a new document's status.
    phone.status = { ...phone.status, instance: 'fake-2', account: null, registration: 'unregistered', dnd: false, call: null };
    phone.push({});
    for (let i = 0; i < 5; i++) await settle();
    expect(state.call).toMatchObject({ state: 'ended', cause: t('phoneCallGone') });
    expect(phone.types()).toEqual(['status', 'register']);
    expect(phone.commands[1]).toMatchObject({ type: 'register', dnd: true });
    expect(state.agentState).toBe('dnd');
  });

  it('after a worker restart, a phone still registered is only asked for its status, and its call shows', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    phone.status = { ...phone.status, call: call({ state: 'connected', connectedAt: 5 }) };
    phone.commands.length = 0;
    session.resume(abort.signal);
    await settle();
    await settle();
    expect(phone.types()).toEqual(['status']);
    expect(state.call).toMatchObject({ state: 'connected', vendorCallId: 'p1' });
  });

  it('hanging up a call the phone no longer has ends it here instead of failing', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    phone.push({ call: call({ state: 'connected', connectedAt: 2 }) });
    await settle();
    phone.status = { ...phone.status, call: null };
    phone.failures.set('hangup', { code: 'no-call', message: 'No call p1' });
    await session.hangup();
    expect(state.call).toMatchObject({ state: 'ended', cause: t('phoneCallGone') });
  });

  it('a dial is sent once, never retried, and a microphone refusal is said plainly', async () => {
    const { phone, session } = setup();
    await session.login();
    phone.failures.set('call', { code: 'microphone', message: 'x', cause: 'denied' });
    const error = await failure(session.dial('13800138000'));
    expect(error.message).toBe(t('phoneMicDenied'));
    expect(phone.types().filter((type) => type === 'call')).toHaveLength(1);
  });

  it('do not disturb is the phone\'s', async () => {
    const { phone, state, session } = setup();
    await session.login();
    await session.setAgentState('dnd');
    expect(phone.commands.at(-1)).toEqual({ type: 'dnd', on: true });
    expect(state.agentState).toBe('dnd');
  });

  it('a socket drop shows the banner and the unregistered state; re-registration clears both', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    phone.push({ registration: 'reconnecting', retries: 2 });
    await settle();
    expect(state.agentState).toBe('unregistered');
    expect(state.problem?.message).toBe(t('phoneReconnecting', t('phoneRegUnreachable', SETTINGS.wsUrl), '2'));
    phone.push({ registration: 'registered', retries: 0 });
    await settle();
    expect(state.agentState).toBe('ready');
    expect(state.problem).toBeNull();
  });

  it('a call the phone answers by itself shows once it is up, never as ringing', async () => {
    const { phone, state, session, abort } = setup();
    await session.login();
    session.resume(abort.signal);
    phone.push({ call: call({ direction: 'inbound', state: 'incoming', autoAnswered: true }) });
    await settle();
    expect(state.call).toBeNull();
    phone.push({ call: call({ direction: 'inbound', state: 'connected', autoAnswered: true, connectedAt: 2 }) });
    await settle();
    expect(state.call).toMatchObject({ state: 'connected', vendorCallId: 'p1' });
  });
});
