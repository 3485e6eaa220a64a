/**
 * For e2e files whose platform calls the agent's browser phone (v-call loginType 3, CC PaaS WebPhone):
 * the platform's media server — a far-end JsSIP phone (test/support/sip-peer.ts) that plays the
 * simulators' `agentLeg` hook — and what the test asks of the extension's phone.
 */
import type { Browser, CDPSession } from 'puppeteer-core';
import type { PhoneStatus } from '../../../src/shared/softphone.ts';
import type { SipPeer } from '../../support/sip-peer.ts';
import { EXTENSION_ORIGIN, serviceWorker } from './extension.ts';

/** What both simulators hand their `agentLeg` hook (test/simulators/{vcall,ccpaas}/platform.ts). */
export interface AgentLeg {
  sipUri: string;
  signal: AbortSignal;
  hungUp(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The `agentLeg` hook, played by `media`: call the agent's browser phone through Kamailio and resolve
 * once it answers (reject if it refuses); hang up when the platform is done with the leg; tell the
 * platform when the browser phone hangs up first. Each leg is added to `legs` with the media server's
 * session id.
 */
export function mediaServerLeg<L extends AgentLeg>(media: () => SipPeer, legs: Array<L & { session: string }>) {
  const state = async (id: string) => (await media().snapshot()).sessions.find((s) => s.id === id)?.state;
  return async (_agent: unknown, leg: L): Promise<void> => {
    const session = await media().call(leg.sipUri);
    legs.push({ ...leg, session });
    leg.signal.addEventListener('abort', () => void media().hangup().catch(() => undefined), { once: true });
    for (;;) {
      const now = await state(session);
      if (now === 'connected') break;
      if (now === 'ended' || now === undefined || leg.signal.aborted) throw new Error(`the browser phone did not answer (${now ?? 'no session'})`);
      await sleep(100);
    }
    void (async () => {
      while (!leg.signal.aborted) {
        const now = await state(session).catch(() => 'ended');
        if (now === 'ended' || now === undefined) return leg.hungUp();
        await sleep(250);
      }
    })();
  };
}

/** The browser phone's own status, asked of the offscreen document as the service worker does. */
export async function phoneStatus(browser: Browser): Promise<PhoneStatus> {
  const worker = await serviceWorker(browser);
  const reply = (await worker.evaluate(() => chrome.runtime.sendMessage({ channel: 'callbar-phone', command: { type: 'status' } }))) as { status: PhoneStatus } | undefined;
  if (!reply?.status) throw new Error('the browser phone did not answer: no offscreen document');
  return reply.status;
}

/** How many offscreen documents the extension has open (the phone's, or none). */
export async function offscreenDocuments(browser: Browser): Promise<number> {
  const worker = await serviceWorker(browser);
  return worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] })).length);
}

/**
 * The extension's microphone permission as the agent's answer to Chrome's prompt leaves it. One CDP
 * session per browser, kept attached (Chrome drops the override on detach); `detach()` at the end.
 */
export function microphonePermission(browser: () => Browser) {
  let session: CDPSession | undefined;
  return {
    async set(setting: 'granted' | 'prompt'): Promise<void> {
      session ??= await browser().target().createCDPSession();
      await session.send('Browser.setPermission', { origin: EXTENSION_ORIGIN, permission: { name: 'microphone' }, setting });
    },
    async detach(): Promise<void> {
      await session?.detach().catch(() => undefined);
    },
  };
}
