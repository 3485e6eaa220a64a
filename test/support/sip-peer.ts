/**
 * Puppeteer helpers for the far-end SIP phone page (test/fixtures/sip-peer, built by
 * `npm run build:fixtures`): open one per user in any Chromium, drive it through typed
 * methods, wait for what it sees and hears.
 *
 *   const browser = await launchPeerBrowser();
 *   const bob = await openPeer(browser, fixtures.url, { name: 'bob', tone: 1000 });
 *   await bob.registerOn(sip, 'bob');                  // sip = await startKamailio()
 *   await waitForCallState(bob, 'incoming');
 *   await bob.answer();
 *   await waitForTone(bob, 440, true);                 // hears the extension's fake microphone
 *
 * A peer's audio is an oscillator (setTone), not a microphone; toneLevel(hz) is the dB by
 * which the received audio at hz stands above the median of its spectrum.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support/extension.ts';
import type {
  CallState,
  DtmfOptions,
  PeerEvent,
  PeerSnapshot,
  RegisterOptions,
  RegisterResult,
  TransferOptions,
} from '../fixtures/sip-peer/api.ts';
import { sipPassword, type Kamailio } from './kamailio.ts';

export type { CallState, PeerEvent, PeerSnapshot, RegisterResult } from '../fixtures/sip-peer/api.ts';

const PEER_DIST = fileURLToPath(new URL('../fixtures/sip-peer/dist/index.html', import.meta.url));

/** Path of the peer page under the fixture server's root (test/fixtures). */
export const PEER_PATH = '/sip-peer/dist/index.html';

/** Level (dB above the spectrum's median) from which a tone counts as heard. */
export const TONE_PRESENT_DB = 25;
/** Level below which a tone counts as not heard. */
export const TONE_ABSENT_DB = 10;

/**
 * Flags a Chromium needs to host peers (the extension's browser needs them too when it talks to one):
 * - autoplay without a gesture, or the peer's AudioContext stays suspended (no tone, no ears);
 * - no mDNS host candidates: a page without a getUserMedia grant hides its IPs behind
 *   <uuid>.local names, which nothing resolves here, and ICE never connects;
 * - no throttling of background tabs (three peers are three tabs, only one is in front).
 */
export const PEER_CHROMIUM_ARGS = [
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** A headless Chromium (no extension) for peers. */
export async function launchPeerBrowser(options: { args?: string[]; headless?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`node scripts/ensure-system-deps.mjs chromium\``);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    pipe: true,
    args: [...CHROMIUM_ARGS, ...PEER_CHROMIUM_ARGS, ...(options.args ?? [])],
    defaultViewport: { width: 900, height: 600 },
  });
}

export interface OpenPeerOptions {
  /** Label for error messages (default: the user it registers as). */
  name?: string;
  /** Frequency it sends (default 1000 Hz). */
  tone?: number;
  autoAnswer?: boolean;
}

export class SipPeer {
  /** Page errors and console errors of the peer page, newest last. */
  readonly errors: string[] = [];

  constructor(
    readonly page: Page,
    public name: string,
  ) {
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${String(err)}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console: ${msg.text()}`);
    });
  }

  /** Register; resolves with the registrar's answer, failure included. */
  tryRegister(options: RegisterOptions): Promise<RegisterResult> {
    if (!this.name) this.name = options.user;
    return this.page.evaluate((o) => window.peer.register(o), options);
  }

  /** Register or throw with the registrar's status and reason. */
  async register(options: RegisterOptions): Promise<void> {
    const r = await this.tryRegister(options);
    if (!r.ok) throw new Error(`${options.user}: registration failed: ${[r.status, r.reason, r.cause && `(${r.cause})`].filter(Boolean).join(' ')}`);
  }

  /** Register user on a startKamailio() server with the password rule's password. */
  registerOn(sip: Pick<Kamailio, 'wsUrl' | 'domain'>, user: string, extra: Partial<RegisterOptions> = {}): Promise<void> {
    return this.register({ wsUrl: sip.wsUrl, domain: sip.domain, user, password: sipPassword(user), ...extra });
  }

  unregister(): Promise<void> {
    return this.page.evaluate(() => window.peer.unregister());
  }
  /** 'bob' (a user of the domain) or a full sip: URI; returns the session id. */
  call(target: string): Promise<string> {
    return this.page.evaluate((t) => window.peer.call(t), target);
  }
  answer(): Promise<void> {
    return this.page.evaluate(() => window.peer.answer());
  }
  reject(status?: number): Promise<void> {
    return this.page.evaluate((s) => window.peer.reject(s), status);
  }
  hangup(): Promise<void> {
    return this.page.evaluate(() => window.peer.hangup());
  }
  hold(): Promise<void> {
    return this.page.evaluate(() => window.peer.hold());
  }
  unhold(): Promise<void> {
    return this.page.evaluate(() => window.peer.unhold());
  }
  mute(): Promise<void> {
    return this.page.evaluate(() => window.peer.mute());
  }
  unmute(): Promise<void> {
    return this.page.evaluate(() => window.peer.unmute());
  }
  /** Send digits (INFO by default; { transport: 'RFC2833' } for RTP events); resolves when all are out. */
  sendDtmf(digits: string, options: DtmfOptions = {}): Promise<void> {
    return this.page.evaluate((d, o) => window.peer.sendDtmf(d, o), digits, options);
  }
  /** Blind transfer of the other side to target (REFER); hangs up on NOTIFY 2xx unless told not to. */
  transfer(target: string, options: TransferOptions = {}): Promise<void> {
    return this.page.evaluate((t, o) => window.peer.transfer(t, o), target, options);
  }
  setAutoAnswer(on: boolean): Promise<void> {
    return this.page.evaluate((v) => window.peer.setAutoAnswer(v), on);
  }
  setReferPolicy(policy: 'accept' | 'reject'): Promise<void> {
    return this.page.evaluate((p) => window.peer.setReferPolicy(p), policy);
  }
  /** Send the (fake) microphone instead of the oscillator; true = Chromium's default processing. */
  useMicrophone(constraints: MediaTrackConstraints | boolean = true): Promise<void> {
    return this.page.evaluate((c) => window.peer.useMicrophone(c), constraints);
  }
  setTone(hz: number): Promise<void> {
    return this.page.evaluate((v) => window.peer.setTone(v), hz);
  }
  toneLevel(hz: number): Promise<number> {
    return this.page.evaluate((v) => window.peer.toneLevel(v), hz);
  }
  clearDtmf(): Promise<void> {
    return this.page.evaluate(() => window.peer.clearDtmf());
  }
  snapshot(): Promise<PeerSnapshot> {
    return this.page.evaluate(() => window.peer.snapshot());
  }
  events(): Promise<PeerEvent[]> {
    return this.page.evaluate(() => window.peer.events);
  }
  async callState(): Promise<CallState> {
    return (await this.snapshot()).callState;
  }
  async registered(): Promise<boolean> {
    return (await this.snapshot()).registered;
  }
  async dtmfReceived(): Promise<string> {
    return (await this.snapshot()).dtmfReceived;
  }
  async remoteIdentity(): Promise<string> {
    return (await this.snapshot()).remoteIdentity;
  }
  /** Its state and last events, for failure messages. */
  async describe(lastEvents = 15): Promise<string> {
    try {
      const s = await this.snapshot();
      const ev = await this.events();
      const { sessions, ...rest } = s;
      return [
        `${this.name}: ${JSON.stringify(rest)}`,
        `  sessions: ${JSON.stringify(sessions)}`,
        ...ev.slice(-lastEvents).map((e) => `  ${new Date(e.at).toISOString().slice(11, 23)} ${e.type} ${e.detail ? JSON.stringify(e.detail).slice(0, 240) : ''}`),
        ...this.errors.slice(-5).map((e) => `  ${e}`),
      ].join('\n');
    } catch (err) {
      return `${this.name}: (page unreachable: ${String(err)})`;
    }
  }
  close(): Promise<void> {
    return this.page.close().catch(() => undefined);
  }
}

/** Open a peer page in browser, served by the fixture server at baseUrl (startFixtureServer().url). */
export async function openPeer(browser: Browser, baseUrl: string, options: OpenPeerOptions = {}): Promise<SipPeer> {
  if (!existsSync(PEER_DIST)) throw new Error(`${PEER_DIST} is missing: run \`npm run build:fixtures\``);
  const page = await browser.newPage();
  const peer = new SipPeer(page, options.name ?? '');
  await page.goto(`${baseUrl.replace(/\/$/, '')}${PEER_PATH}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.peer, { timeout: 10_000 });
  if (options.tone !== undefined) await peer.setTone(options.tone);
  if (options.autoAnswer) await peer.setAutoAnswer(true);
  return peer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll the peer's snapshot until check passes; the error tells what the peer saw. */
export async function waitForPeer(peer: SipPeer, check: (s: PeerSnapshot) => boolean, what: string, timeout = 10_000): Promise<PeerSnapshot> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await peer.snapshot();
    if (check(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${peer.name}: ${what}\n${await peer.describe()}`);
    await sleep(100);
  }
}

export function waitForCallState(peer: SipPeer, state: CallState | CallState[], timeout = 10_000): Promise<PeerSnapshot> {
  const wanted = Array.isArray(state) ? state : [state];
  return waitForPeer(peer, (s) => wanted.includes(s.callState), `call state ${wanted.join('|')}`, timeout);
}

export function waitForRegistered(peer: SipPeer, registered = true, timeout = 10_000): Promise<PeerSnapshot> {
  return waitForPeer(peer, (s) => s.registered === registered, registered ? 'registered' : 'not registered', timeout);
}

/** Until dtmfReceived is exactly digits (or, with exact false, ends with them). */
export function waitForDtmf(peer: SipPeer, digits: string, { timeout = 10_000, exact = true } = {}): Promise<PeerSnapshot> {
  return waitForPeer(peer, (s) => (exact ? s.dtmfReceived === digits : s.dtmfReceived.endsWith(digits)), `DTMF "${digits}"`, timeout);
}

/** Until an event of type is logged at or after since (Date.now() in the page, default 0). */
export async function waitForEvent(peer: SipPeer, type: string, { since = 0, timeout = 10_000 } = {}): Promise<PeerEvent> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const ev = (await peer.events()).find((e) => e.type === type && e.at >= since);
    if (ev) return ev;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${peer.name} event ${type}\n${await peer.describe()}`);
    await sleep(100);
  }
}

/**
 * Until the peer hears hz (level ≥ TONE_PRESENT_DB twice in a row) or does not
 * (level < TONE_ABSENT_DB five times in a row, half a second). Returns the last level.
 */
export async function waitForTone(peer: SipPeer, hz: number, present: boolean, timeout = 10_000): Promise<number> {
  const deadline = Date.now() + timeout;
  const need = present ? 2 : 5;
  let streak = 0;
  const levels: number[] = [];
  for (;;) {
    const level = await peer.toneLevel(hz);
    levels.push(level);
    streak = (present ? level >= TONE_PRESENT_DB : level < TONE_ABSENT_DB) ? streak + 1 : 0;
    if (streak >= need) return level;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeout} ms waiting for ${peer.name} ${present ? 'to hear' : 'not to hear'} ${hz} Hz; levels (dB): ${levels.slice(-12).join(', ')}\n${await peer.describe()}`,
      );
    }
    await sleep(100);
  }
}
