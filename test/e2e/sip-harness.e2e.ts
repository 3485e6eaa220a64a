/**
 * The SIP test harness proves itself: a real Kamailio (test/support/kamailio.ts) and three
 * far-end phones (test/fixtures/sip-peer, JsSIP in Chromium) register, call, hear each
 * other, hold, send DTMF both ways, transfer by REFER and survive a server restart.
 * No extension here: this is the ground the extension's WebRTC phone is tested on.
 *
 * alice stands in for the agent: she sends a fake microphone (a 440 Hz WAV, as the
 * extension's tests will), bob sends a 1000 Hz oscillator, carol 1500 Hz.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server.ts';
import { SIP_DOMAIN, sipPassword, startKamailio, type Kamailio } from '../support/kamailio.ts';
import {
  launchPeerBrowser,
  openPeer,
  type SipPeer,
  waitForCallState,
  waitForDtmf,
  waitForEvent,
  waitForPeer,
  waitForRegistered,
  waitForTone,
} from '../support/sip-peer.ts';
import { fakeMicrophoneArgs, writeToneWav } from '../support/tone.ts';

let sip: Kamailio;
let fixtures: FixtureServer;
let browser: Browser;
let wavDir: string;
let alice: SipPeer;
let bob: SipPeer;
let carol: SipPeer;

beforeAll(async () => {
  wavDir = mkdtempSync(join(tmpdir(), 'callbar-sip-harness-'));
  const wav = writeToneWav(join(wavDir, 'mic-440.wav'), 440, 5);
  [sip, fixtures, browser] = await Promise.all([startKamailio(), startFixtureServer(), launchPeerBrowser({ args: fakeMicrophoneArgs(wav) })]);
  [alice, bob, carol] = await Promise.all([
    openPeer(browser, fixtures.url, { name: 'alice', tone: 0 }),
    openPeer(browser, fixtures.url, { name: 'bob', tone: 1000 }),
    openPeer(browser, fixtures.url, { name: 'carol', tone: 1500 }),
  ]);
  await alice.useMicrophone(true);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await fixtures?.close().catch(() => undefined);
  await sip?.stop();
  if (wavDir) rmSync(wavDir, { recursive: true, force: true });
});

describe('SIP harness: Kamailio over WebSocket and JsSIP far-end phones', () => {
  it('registers users by the password rule and refuses a wrong password with a readable reason', async () => {
    expect(sip.wsUrl).toBe(`ws://127.0.0.1:${sip.port}`);
    expect(sip.domain).toBe(SIP_DOMAIN);
    expect(sipPassword('alice')).toBe('pw-alice');

    const wrong = await alice.tryRegister({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'alice', password: 'secret' });
    expect(wrong).toMatchObject({ ok: false, status: 403, cause: 'Rejected' });
    expect(wrong.reason).toMatch(/wrong password/i);
    await expect(alice.register({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'alice', password: 'pw-bob' })).rejects.toThrow(
      /alice: registration failed: 403 Wrong password/,
    );
    expect(await alice.registered()).toBe(false);

    await Promise.all([alice.registerOn(sip, 'alice'), bob.registerOn(sip, 'bob'), carol.registerOn(sip, 'carol')]);
    for (const p of [alice, bob, carol]) expect(await p.registered()).toBe(true);
  });

  it('answers a call to a user nobody registered with 404 and to one who left with 480', async () => {
    await alice.call('nobody');
    expect((await waitForCallState(alice, 'ended')).lastEnd).toMatchObject({ status: 404 });

    await carol.unregister();
    await alice.call('carol');
    expect((await waitForCallState(alice, 'ended')).lastEnd).toMatchObject({ status: 480 });
    await carol.registerOn(sip, 'carol');
  });

  it('connects alice to bob; each hears the other and not itself', async () => {
    await alice.call('bob');
    const ringing = await waitForCallState(bob, 'incoming');
    expect(ringing.remoteIdentity).toBe('alice');
    expect(await alice.callState()).toBe('ringing');

    await bob.answer();
    await waitForCallState(alice, 'connected');
    await waitForCallState(bob, 'connected');
    expect(await alice.remoteIdentity()).toBe('bob');

    await waitForTone(bob, 440, true);
    await waitForTone(alice, 1000, true);
    await waitForTone(alice, 440, false);
    await waitForTone(bob, 1000, false);
  });

  it('puts bob on hold: he stops hearing alice, and hears her again after unhold', async () => {
    await alice.hold();
    await waitForCallState(alice, 'held');
    await waitForCallState(bob, 'held');
    expect((await bob.snapshot()).sessions.at(-1)?.hold).toEqual({ local: false, remote: true });
    await waitForTone(bob, 440, false);
    await waitForTone(alice, 1000, false);

    await alice.unhold();
    await waitForCallState(bob, 'connected');
    await waitForTone(bob, 440, true);
    await waitForTone(alice, 1000, true);
  });

  it('carries DTMF as SIP INFO and as RFC 4733 telephone-events', async () => {
    await alice.sendDtmf('1#9');
    let s = await waitForDtmf(bob, '1#9');
    expect(s.dtmfInfo).toBe('1#9');
    expect(s.dtmfInband).toBe('');

    await bob.clearDtmf();
    await alice.sendDtmf('1#9', { transport: 'RFC2833' });
    s = await waitForDtmf(bob, '1#9');
    expect(s.dtmfInband).toBe('1#9');
    expect(s.dtmfInfo).toBe('');
  });

  it('transfers bob to carol when alice REFERs him (blind transfer)', async () => {
    await alice.transfer('carol');
    const ringing = await waitForCallState(carol, 'incoming');
    expect(ringing.remoteIdentity).toBe('bob');
    const b = await bob.snapshot();
    expect(b.referAccepted).toBe(1);
    expect(b.referTarget).toBe('carol');

    await carol.answer();
    // NOTIFY 200 reaches alice, who hangs up her leg.
    await waitForPeer(alice, (s) => s.callState === 'ended' && s.transferStatus === 200, 'transfer done and her leg hung up');
    await waitForCallState(bob, 'connected');
    expect(await bob.remoteIdentity()).toBe('carol');
    await waitForTone(carol, 1000, true);
    await waitForTone(bob, 1500, true);
    await waitForTone(bob, 440, false);
  });

  it('loses every registration in a server restart; the phones re-register by themselves and call again', async () => {
    await bob.hangup();
    await waitForCallState(carol, 'ended');
    const pidBefore = sip.pid;

    const restartedAt = Date.now();
    await sip.restart();
    expect(sip.pid).toBeDefined();
    expect(sip.pid).not.toBe(pidBefore);
    await Promise.all([alice, bob, carol].map((p) => waitForEvent(p, 'ua:disconnected', { since: restartedAt, timeout: 5000 })));
    await Promise.all([alice, bob, carol].map((p) => waitForEvent(p, 'ua:registered', { since: restartedAt, timeout: 15_000 })));
    await Promise.all([alice, bob, carol].map((p) => waitForRegistered(p)));

    await alice.setAutoAnswer(true);
    await bob.call('alice');
    await waitForCallState(alice, 'connected');
    await waitForCallState(bob, 'connected');
    expect(await alice.remoteIdentity()).toBe('bob');
    await waitForTone(alice, 1000, true);
    await waitForTone(bob, 440, true);
    await bob.hangup();
    await waitForCallState(alice, 'ended');
  });

  it('stops Kamailio for good', async () => {
    const port = sip.port;
    await sip.stop();
    expect(sip.pid).toBeUndefined();
    const { createConnection } = await import('node:net');
    const refused = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port });
      sock.once('connect', () => (sock.destroy(), resolve(false)));
      sock.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
