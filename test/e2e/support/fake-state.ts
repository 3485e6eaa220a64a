/**
 * The toolbar and the popup in made-up states, without a provider or a simulator: the built
 * extension's own pages, with chrome.runtime.connect (the state port) and
 * chrome.runtime.sendMessage replaced before their scripts run (CDP's script-on-new-document,
 * which the pages' CSP does not govern). The state is pushed the way the service worker pushes it
 * (`{type: 'state', state}` on the port); a small fake backend answers call/dtmf (the digits are
 * appended to the call), call/action (hold, mute), history/get and state/get, and records every
 * request. Everything else goes to the real service worker.
 *
 * The toolbar page draws only when framed by a page (main.tsx reads location.ancestorOrigins), so
 * it is framed by another extension page here — in the same process, so the script reaches it.
 */
import type { Browser, Frame, Page } from 'puppeteer-core';
import { EXTENSION_ORIGIN, eventually, gotoExtensionPage } from './extension.ts';

const FAKE_BACKEND = String.raw`
(() => {
  const path = location.pathname;
  if (path !== '/src/toolbar/index.html' && path !== '/src/popup/index.html') return;
  const listeners = [];
  let current = null;
  const push = (state) => { current = state; for (const l of listeners) l({ type: 'state', state }); };
  window.__callbarPush = push;
  window.__callbarHistory = [];
  window.__callbarSent = [];
  window.__callbarFail = null;
  const realSend = chrome.runtime.sendMessage.bind(chrome.runtime);
  chrome.runtime.connect = (info) => ({
    name: info && info.name,
    onMessage: { addListener: (fn) => { listeners.push(fn); if (current) setTimeout(() => fn({ type: 'state', state: current })); }, removeListener() {} },
    onDisconnect: { addListener() {}, removeListener() {} },
    postMessage() {},
    disconnect() {},
  });
  const later = (change) => setTimeout(() => push(change(current)), 60);
  const answer = (msg) => {
    if (!msg || msg.channel !== 'callbar') return null;
    const ok = (value) => ({ ok: true, value });
    switch (msg.type) {
      case 'state/get': return ok(current);
      case 'history/get': return ok(window.__callbarHistory);
      case 'call/dtmf':
        window.__callbarSent.push(msg);
        if (window.__callbarFail) return { ok: false, error: { code: 'precondition', message: window.__callbarFail } };
        later((s) => ({ ...s, call: { ...s.call, digits: (s.call.digits || '') + msg.payload.digits } }));
        return ok(current);
      case 'call/action': {
        window.__callbarSent.push(msg);
        const a = msg.payload.action;
        later((s) => {
          const call = { ...s.call };
          if (a === 'hold' || a === 'unhold') call.state = a === 'hold' ? 'held' : 'connected';
          if (a === 'mute' || a === 'unmute') call.muted = a === 'mute';
          return { ...s, call };
        });
        return ok(current);
      }
      default: return null;
    }
  };
  chrome.runtime.sendMessage = (...args) => {
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    const reply = answer(args[0]);
    if (!reply) return callback ? realSend(...args, callback) : realSend(...args);
    if (callback) { setTimeout(() => callback(reply), 30); return; }
    return new Promise((resolve) => setTimeout(() => resolve(reply), 30));
  };
})();
`;

export type Language = 'zh_CN' | 'en_US';

const AGENT_STATES = {
  zh_CN: { ready: '空闲', dnd: '免打扰', unregistered: '未注册', provider: '网页电话（SIP）' },
  en_US: { ready: 'Ready', dnd: 'Do not disturb', unregistered: 'Not registered', provider: 'Browser phone (SIP)' },
};

/** A logged-in browser-phone (sip) agent's PublicState with `call`; `capabilities` overrides some. */
export function phoneState(call: Record<string, unknown> | null, options: { language?: Language; capabilities?: Record<string, unknown> } = {}) {
  const words = AGENT_STATES[options.language ?? 'zh_CN'];
  return {
    status: 'loggedIn',
    providerId: 'sip',
    providerName: words.provider,
    capabilities: {
      dial: true, answer: true, hangup: true, hold: true, mute: true, transfer: true, dtmf: true,
      agentStates: [
        { id: 'ready', label: words.ready, kind: 'ready' },
        { id: 'dnd', label: words.dnd, kind: 'notReady' },
        { id: 'unregistered', label: words.unregistered, kind: 'offline', selectable: false },
      ],
      extraActions: [],
      ...options.capabilities,
    },
    agent: { name: '王小明', extension: '1001' },
    agentState: 'ready',
    agentStateSince: Date.now() - 95_000,
    call,
    problem: null,
    note: null,
    dialing: false,
    dialPlan: { outsideLinePrefix: '', internationalPrefix: '00', extension: 'drop' },
    pendingDial: null,
  };
}

/** A connected outbound call, 74 s into the talk. */
export function connectedCall(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return { id: 'c1', number: '13912345678', direction: 'outbound', state: 'connected', startedAt: now - 80_000, connectedAt: now - 74_000, muted: false, ...extra };
}

export const GOOD_QUALITY = { mos: 4.4, rttMs: 38, jitterMs: 3, lossPct: 0, poor: false, worstMos: 4.3, meanMos: 4.4, samples: 40 };
export const FAIR_QUALITY = { mos: 3.8, rttMs: 180, jitterMs: 22, lossPct: 1.2, poor: false, worstMos: 3.4, meanMos: 3.9, samples: 40 };
export const POOR_QUALITY = { mos: 2.6, rttMs: 420, jitterMs: 46, lossPct: 8.4, poor: true, worstMos: 2.6, meanMos: 3.6, samples: 40 };

/** Push a state to the toolbar frame or the popup, as the state port does. */
export async function pushState(target: Page | Frame, state: unknown): Promise<void> {
  await target.evaluate((s) => (window as unknown as { __callbarPush(s: unknown): void }).__callbarPush(s), state);
}

/** The requests the fake backend answered (call/dtmf, call/action), in order. */
export async function sentRequests(target: Page | Frame): Promise<Array<{ type: string; payload: Record<string, string> }>> {
  return target.evaluate(() => (window as unknown as { __callbarSent: Array<{ type: string; payload: Record<string, string> }> }).__callbarSent);
}

/** Make the fake backend refuse call/dtmf with `message` (null: accept again). */
export async function failDtmf(target: Page | Frame, message: string | null): Promise<void> {
  await target.evaluate((m) => ((window as unknown as { __callbarFail: string | null }).__callbarFail = m), message);
}

/**
 * The toolbar page framed by an extension page (a grey stand-in for the site), showing `state`.
 * The frame is sized to the bar, as the content script does. Toolbar prefs (collapsed) are cleared.
 */
export async function openFakeToolbar(browser: Browser, state: unknown): Promise<{ page: Page; frame: Frame }> {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(FAKE_BACKEND);
  await gotoExtensionPage(page, `${EXTENSION_ORIGIN}/src/options/index.html`);
  await page.evaluate(async () => {
    await chrome.storage.local.clear();
    document.body.innerHTML = '';
    document.body.style.cssText = 'margin:0;background:#eef0f4';
    const frame = document.createElement('iframe');
    frame.src = '/src/toolbar/index.html';
    frame.style.cssText = 'position:absolute;left:20px;top:20px;width:282px;height:400px;border:0;border-radius:12px;box-shadow:0 6px 24px rgba(15,23,42,.18)';
    document.body.append(frame);
  });
  const frame = await eventually(() => page.frames().find((f) => f.url().endsWith('/src/toolbar/index.html')) ?? null, 'the toolbar frame');
  await frame.waitForFunction(() => typeof (window as unknown as { __callbarPush?: unknown }).__callbarPush === 'function');
  await pushState(frame, state);
  await frame.waitForSelector('[data-testid="toolbar"]');
  await fitToolbar(page, frame);
  return { page, frame };
}

/** Size the frame to the bar (what the content script does on the bar's size messages); the bar's size. */
export async function fitToolbar(page: Page, frame: Frame): Promise<{ width: number; height: number }> {
  let last = { width: -1, height: -1 };
  for (let i = 0; i < 30; i++) {
    const size = await frame.$eval('[data-testid="toolbar"]', (el) => {
      const r = el.getBoundingClientRect();
      return { width: Math.ceil(r.width), height: Math.ceil(r.height) };
    });
    await page.evaluate((s) => {
      const f = document.querySelector('iframe')!;
      f.style.width = `${s.width}px`;
      f.style.height = `${s.height}px`;
    }, size);
    if (size.width === last.width && size.height === last.height) return size;
    last = size;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** The popup page (as a tab, 360 px wide) showing `state`, with `history` as its recent calls. */
export async function openFakePopup(browser: Browser, state: unknown, history: unknown[] = []): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 360, height: 600 });
  await page.evaluateOnNewDocument(FAKE_BACKEND);
  await gotoExtensionPage(page, `${EXTENSION_ORIGIN}/src/popup/index.html`);
  await page.waitForFunction(() => typeof (window as unknown as { __callbarPush?: unknown }).__callbarPush === 'function');
  await page.evaluate((h) => ((window as unknown as { __callbarHistory: unknown[] }).__callbarHistory = h), history);
  await pushState(page, state);
  await page.waitForSelector('[data-testid="popup-call"]');
  return page;
}
