/**
 * The browser phone as a platform's agent device (v-call WebRTC, CC PaaS WebPhone): kept registered
 * also when its document closed while the worker ran (a new document answers, without the account).
 */
import { describe, expect, it } from 'vitest';
import { FakePhone } from '../../test/support/fake-phone.ts';
import { fakeContext } from '../../test/support/provider-context.ts';
import type { PhoneAccount } from '../shared/softphone.ts';
import { PlatformPhone } from './platform-phone.ts';

const ACCOUNT: PhoneAccount = { wsUrl: 'wss://sip.example.com/ws', uri: 'sip:8001@sip.example.com', password: 'pw', iceServers: [], dtmfMode: 'rfc4733' };
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('platform phone', () => {
  it('the phone’s document closed while the worker ran: the new document gets the platform’s account again, once', async () => {
    const phone = new FakePhone();
    const { ctx } = fakeContext(undefined, phone);
    const platform = new PlatformPhone(ctx, { account: () => ACCOUNT, setProblem: () => undefined, running: () => true, log: () => undefined });
    await platform.register();
    platform.listen();
    phone.push({ retries: 0 });
    phone.commands.length = 0;
    phone.status = { ...phone.status, instance: 'fake-2', account: null, registration: 'unregistered', call: null };
    phone.push({});
    phone.push({ mic: 'ok' });
    await settle();
    expect(phone.types()).toEqual(['status', 'register']);
    expect(phone.commands[1]).toMatchObject({ type: 'register', account: ACCOUNT });
  });

  it('a status of the same document without the account (the agent logged out) registers nothing', async () => {
    const phone = new FakePhone();
    const { ctx } = fakeContext(undefined, phone);
    const platform = new PlatformPhone(ctx, { account: () => ACCOUNT, setProblem: () => undefined, running: () => true, log: () => undefined });
    await platform.register();
    platform.listen();
    phone.commands.length = 0;
    phone.push({ account: null, registration: 'unregistered' });
    await settle();
    expect(phone.types()).toEqual([]);
  });
});
