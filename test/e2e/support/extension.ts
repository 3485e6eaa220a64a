/**
 * Drives the built extension (dist/) in Debian's Chromium, headless, through
 * puppeteer-core. Real input only: clicks and keys go through CDP Input.*, which
 * the page sees as trusted events.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type CDPSession, type ElementHandle, type Frame, type JSHandle, type Page, type WebWorker } from 'puppeteer-core';
import { EXTENSION_ID } from '../../../manifest.config.ts';
import { startFixtureServer } from '../../support/fixture-server.ts';

export { EXTENSION_ID };
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST = join(ROOT, 'dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

/** Flags that keep Chromium quiet on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-domain-reliability',
  '--lang=zh-CN',
];

export interface ExtensionBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export interface LaunchOptions {
  headless?: boolean;
  args?: string[];
  /** UI language, hence the extension's locale (default zh_CN, or $LANGUAGE). */
  language?: 'zh_CN' | 'en_US';
  /** A profile that outlives this browser (an agent's PC restarting Chromium); kept on close. */
  userDataDir?: string;
  viewport?: { width: number; height: number };
  /** An X display (support/display.ts): Chromium runs with a window there, its own UI included. */
  display?: string;
  /** How long one CDP call may take (the benchmark's 100k-row pages need minutes). */
  protocolTimeout?: number;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error('dist/manifest.json is missing: run `npm run build` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`node scripts/ensure-system-deps.mjs chromium\``);
  const ownProfile = !options.userDataDir;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'callbar-profile-'));
  // Linux Chromium reads its UI language from LANGUAGE and ignores --lang (passed too, for other platforms).
  const language = options.language ?? (process.env.LANGUAGE === 'en_US' ? 'en_US' : 'zh_CN');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: options.display ? false : (options.headless ?? true),
    pipe: true,
    enableExtensions: [DIST],
    userDataDir,
    args: [
      ...CHROMIUM_ARGS.filter((a) => !a.startsWith('--lang=')),
      `--lang=${language.replace('_', '-')}`,
      // Extensions.triggerAction (the agent clicking CallBar's icon) needs it.
      '--enable-unsafe-extension-debugging',
      ...(options.display ? ['--window-size=1366,900', '--window-position=0,0'] : []),
      ...(options.args ?? []),
    ],
    env: { ...process.env, LANGUAGE: language, LC_ALL: '', LANG: `${language}.UTF-8`, ...(options.display ? { DISPLAY: options.display } : {}) },
    defaultViewport: options.display ? null : (options.viewport ?? { width: 1366, height: 860 }),
    ...(options.protocolTimeout ? { protocolTimeout: options.protocolTimeout } : {}),
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Replace an input's text the way a person does: scroll it into the middle of the view (a
 * person does not click a field half hidden under the popup's sticky 登录 bar), select all,
 * delete, type.
 */
export async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  if (value) await page.type(selector, value);
}

/**
 * Log in to the cmcc-softbar simulator through the popup, as an agent would; resolves once
 * the popup shows the agent. Returns the popup page (left open).
 */
export async function loginSoftbar(browser: Browser, barPort: number, extension: string, targetTabId?: number): Promise<Page> {
  const popup = await openPopup(browser, targetTabId);
  await fill(popup, '[data-testid="setting-baseUrl"]', `http://127.0.0.1:${barPort}`);
  await fill(popup, '[data-testid="setting-extension"]', extension);
  await popup.click('[data-testid="login"]');
  await waitForText(popup, '[data-testid="popup-agent"]', extension);
  return popup;
}

/**
 * A page of CallBar's own (the options page, in a background tab) to call extension APIs from:
 * storage, tabs, action, scripting. Tests use this rather than the service worker so as not to
 * attach DevTools to the worker: an attach in flight while the worker restarts leaves it paused
 * on start for good (puppeteer ignores the auto-attach of a target it is attaching to by hand,
 * and never resumes it; puppeteer#9995) — seen as a worker that never came back after a kill.
 */
export async function extensionApis(browser: Browser): Promise<Page> {
  const open = apiPages.get(browser);
  if (open && !open.isClosed()) return open;
  const page = await browser.newPage({ background: true });
  await gotoExtensionPage(page, `${EXTENSION_ORIGIN}/src/options/index.html`);
  await page.waitForFunction(() => typeof chrome !== 'undefined' && !!chrome.storage);
  apiPages.set(browser, page);
  return page;
}
const apiPages = new WeakMap<Browser, Page>();

/**
 * The extension's service worker itself (waits for it to be running), for a test about the
 * worker's own globals. This attaches DevTools to it: use `extensionApis` for extension APIs.
 */
export async function serviceWorker(browser: Browser, timeout = 15_000): Promise<WebWorker> {
  // A worker that was just stopped may still be listed, and one still starting has no extension
  // APIs yet: look the target up again until its worker answers.
  try {
    return await eventually(
      async () => {
        const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`${EXTENSION_ORIGIN}/`), { timeout });
        const worker = await target.worker();
        if (!worker) return null;
        const ready = await worker.evaluate(() => typeof chrome !== 'undefined' && !!chrome.storage).catch(() => false);
        return ready ? worker : null;
      },
      'a running service worker with extension APIs',
      timeout,
    );
  } catch (error) {
    const targets = browser.targets().map((t) => `${t.type()} ${t.url().slice(0, 90)}`);
    throw new Error(`${(error as Error).message}; targets: ${targets.join(' | ')}`);
  }
}

/**
 * Stop the service worker the way Chrome does when it decides to: Target.closeTarget, as
 * puppeteer's worker.close() does, but without attaching to the worker first (see
 * `extensionApis`). A worker the test did attach to (serviceWorker()) is stopped through that
 * session (close() closes the target and detaches, or the session would keep it alive). Does not
 * wait: an open port (the toolbar's) wakes a new worker at once, under the same target id.
 */
export async function killServiceWorker(browser: Browser, attached?: WebWorker): Promise<void> {
  if (attached) return attached.close();
  const session = await browser.target().createCDPSession();
  try {
    const isOurs = (t: { type: string; url: string }) => t.type === 'service_worker' && t.url.startsWith(`${EXTENSION_ORIGIN}/`);
    const running = await eventually(async () => (await session.send('Target.getTargets')).targetInfos.find(isOurs), 'a running service worker to stop', 15_000);
    await session.send('Target.closeTarget', { targetId: running.targetId });
  } finally {
    await session.detach().catch(() => {});
  }
}

/** Wait until the service worker runs again (without attaching to it). */
export async function serviceWorkerStarted(browser: Browser): Promise<void> {
  await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`${EXTENSION_ORIGIN}/`), { timeout: 15_000 });
}

/**
 * Click CallBar's toolbar icon for `page`'s tab, as the agent does: the real popup opens (and
 * Chrome grants activeTab for that tab). Returns the popup. Needs a window (`display`).
 */
export async function clickActionIcon(browser: Browser, page: Page): Promise<Page> {
  const session = await browser.target().createCDPSession();
  const { targetInfos } = await session.send('Target.getTargets', { filter: [{ type: 'tab' }] });
  const tab = targetInfos.find((t) => t.url === page.url());
  if (!tab) throw new Error(`no tab target for ${page.url()}`);
  await page.bringToFront();
  await session.send('Extensions.triggerAction', { id: EXTENSION_ID, targetId: tab.targetId });
  const target = await browser.waitForTarget((t) => t.url().startsWith(`${EXTENSION_ORIGIN}/src/popup/index.html`), { timeout: 10_000 });
  const popup = (await target.asPage())!;
  await popup.waitForSelector('main:not(.loading)');
  await popup.waitForSelector('[data-testid="site-status"], [data-testid="page-tools-unavailable"]');
  return popup;
}

/**
 * Open one of CallBar's own pages. Right after a launch on a profile that already holds the
 * extension, Chromium reinstalls it from dist/ and, for a moment, refuses its pages with
 * net::ERR_BLOCKED_BY_CLIENT (seen in CI with a policy file present): try again until it is back.
 */
export async function gotoExtensionPage(page: Page, url: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await page.goto(url);
      return;
    } catch (error) {
      if (!String(error).includes('ERR_BLOCKED_BY_CLIENT') || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Open the popup page in a tab; page tools then act on `targetTabId`. */
export async function openPopup(browser: Browser, targetTabId?: number): Promise<Page> {
  const page = await browser.newPage();
  // What Chrome gives a popup at most: 800 x 600; CallBar's is 360 wide.
  await page.setViewport({ width: 360, height: 600 });
  await gotoExtensionPage(page, `${EXTENSION_ORIGIN}/src/popup/index.html${targetTabId ? `?tab=${targetTabId}` : ''}`);
  await page.waitForSelector('main:not(.loading)');
  // The page tools know where the tab is (and whether CallBar runs there) a moment later.
  if (targetTabId) await page.waitForSelector('[data-testid="site-status"], [data-testid="page-tools-unavailable"]');
  return page;
}

/**
 * The agent state the popup shows, as the agent reads it: the pressed state button, the state
 * the platform set (通话中, 整理 … shown beside the buttons) or the list's chosen entry.
 */
export async function waitForPopupAgentState(popup: Page, expected: string | RegExp, timeout = 10_000): Promise<string> {
  let last = '';
  await eventually(
    async () => {
      last = (
        await popup
          .evaluate(() => {
            const block = document.querySelector('[data-testid="agent-state"]');
            if (!block) return '';
            const platform = block.querySelector('[data-testid="agent-state-platform"]');
            if (platform) return platform.textContent ?? '';
            const pressed = block.querySelector('[aria-checked="true"]');
            if (pressed) return pressed.textContent ?? '';
            return block.querySelector<HTMLSelectElement>('select')?.selectedOptions[0]?.textContent ?? '';
          })
          .catch(() => '')
      ).trim();
      return typeof expected === 'string' ? last.includes(expected) : expected.test(last);
    },
    `the popup to show the agent state ${String(expected)} (last: "${last}")`,
    timeout,
  );
  return last;
}

/** How many dialable numbers the content script tells the popup the tab showing `url` has (its badge count). */
export async function pageCount(browser: Browser, url: string): Promise<number> {
  const worker = await extensionApis(browser);
  const tabId = await tabIdOf(browser, url);
  const reply = (await worker.evaluate((id) => chrome.tabs.sendMessage(id, { channel: 'callbar-tab', type: 'page/count', payload: {} }), tabId)) as { value?: { buttons: number } } | undefined;
  if (!reply?.value) throw new Error(`no page count from the tab showing ${url}`);
  return reply.value.buttons;
}

/** The chrome.tabs id of the tab showing `url`. */
export async function tabIdOf(browser: Browser, url: string): Promise<number> {
  const worker = await extensionApis(browser);
  const id = await worker.evaluate(async (u: string) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id ?? null;
  }, url);
  if (!id) throw new Error(`no tab shows ${url}`);
  return id;
}

/** Text of an element (waits until it is visible). */
export async function textOf(page: Page | Frame, selector: string): Promise<string> {
  const handle = await page.waitForSelector(selector, { timeout: 10_000, visible: true });
  if (!handle) throw new Error(`no element ${selector}`);
  return (await handle.evaluate((el) => el.textContent ?? '')).trim();
}

export async function waitForText(page: Page | Frame, selector: string, expected: string | RegExp, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    const handle = await page.$(selector);
    last = handle ? ((await handle.evaluate((el) => el.textContent ?? '')) ?? '').trim() : '';
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`"${selector}" never showed ${String(expected)}; last text: "${last}"`);
}

/** Poll `check` until it returns a truthy value. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeout = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

// ── the agent's own input ───────────────────────────────────────────────────

/** How long a person's pointer rests on a control before clicking it (agent-intent.ts REST_MS + margin). */
export const HOVER_MS = 550;

/**
 * Click `selector` the way a person does: the pointer travels onto it (several moves, so the
 * page sees it arrive by its own motion), rests there a moment, then clicks. CallBar refuses
 * clicks on controls that appeared or moved less than half a second ago
 * (src/shared/agent-intent.ts), as a person reading the screen would not click them that fast;
 * `rest: false` clicks at once (to test exactly that).
 */
export async function agentClick(target: Page | Frame, selector: string, options: { rest?: boolean; timeout?: number } = {}): Promise<void> {
  const handle = await target.waitForSelector(selector, { visible: true, timeout: options.timeout ?? 10_000 });
  if (!handle) throw new Error(`no element ${selector}`);
  await agentClickHandle(target, handle, options);
}

export async function agentClickHandle(target: Page | Frame, handle: ElementHandle, options: { rest?: boolean } = {}): Promise<void> {
  const page = 'page' in target && typeof target.page === 'function' ? target.page() : (target as Page);
  // As a person does: scroll only when it is not on screen (scrolling moves virtual-scroll rows).
  if (!(await handle.isIntersectingViewport({ threshold: 0.75 }))) await handle.scrollIntoView();
  const box = await handle.boundingBox();
  if (!box) throw new Error('the element has no box (not displayed)');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  // From a little below, straight up (not across column borders, which some tables react to).
  await page.mouse.move(x, y + 24);
  await page.mouse.move(x, y, { steps: 6 });
  if (options.rest ?? true) await new Promise((r) => setTimeout(r, HOVER_MS));
  await page.mouse.down();
  await page.mouse.up();
}

// ── the toolbar frame ──────────────────────────────────────────────────────────

const isToolbarFrame = (frame: Frame) => /^chrome-extension:\/\/[^/]+\/src\/toolbar\/index\.html/.test(frame.url());

/** The toolbar (an extension page framed into the site) on `page`, or null when it is not there. */
export function toolbarFrameOf(page: Page): Frame | null {
  return page.frames().find(isToolbarFrame) ?? null;
}

/** The toolbar frame on `page`, once it is there and drawn. */
export async function toolbarFrame(page: Page, timeout = 10_000): Promise<Frame> {
  return eventually(
    async () => {
      const frame = toolbarFrameOf(page);
      if (!frame) return null;
      return (await frame.$('[data-testid="toolbar"]').catch(() => null)) ? frame : null;
    },
    'the toolbar frame',
    timeout,
  );
}

/** `[data-testid="…"]` */
export const testid = (id: string) => `[data-testid="${id}"]`;

/** Text of an element in the toolbar frame (waits for it). */
export async function toolbarText(page: Page, selector: string): Promise<string> {
  return textOf(await toolbarFrame(page), selector);
}

export async function waitForToolbarText(page: Page, selector: string, expected: string | RegExp, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    const frame = toolbarFrameOf(page);
    const handle = frame ? await frame.$(selector).catch(() => null) : null;
    last = handle ? ((await handle.evaluate((el) => el.textContent ?? '').catch(() => '')) ?? '').trim() : '';
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the toolbar's "${selector}" never showed ${String(expected)}; last text: "${last}"`);
}

/**
 * The agent state the toolbar on `page` shows now ('' without a toolbar): the header says it while
 * collapsed, and a state the platform set beside a row of state buttons; otherwise the state switch does
 * (the pressed state or the list's chosen entry).
 */
export async function toolbarAgentState(page: Page): Promise<string> {
  const frame = toolbarFrameOf(page);
  if (!frame) return '';
  const shown = await frame
    .evaluate(() => {
      const head = document.querySelector('[data-testid="toolbar-agent-state"]');
      if (head) return head.textContent ?? '';
      const pressed = document.querySelector('[data-testid="toolbar-agent-states"] button[aria-pressed="true"]');
      if (pressed) return pressed.textContent ?? '';
      const select = document.querySelector<HTMLSelectElement>('[data-testid="toolbar-agent-select"]');
      return select?.selectedOptions[0]?.textContent ?? '';
    })
    .catch(() => '');
  return shown.trim();
}

/** Waits until the toolbar shows the agent state `expected` (toolbarAgentState). */
export async function waitForToolbarAgentState(page: Page, expected: string | RegExp, timeout = 10_000): Promise<string> {
  let last = '';
  await eventually(
    async () => {
      last = await toolbarAgentState(page);
      return typeof expected === 'string' ? last.includes(expected) : expected.test(last);
    },
    `the toolbar to show the agent state ${String(expected)} (last: "${last}")`,
    timeout,
  );
  return last;
}

/**
 * Click a control of the toolbar as the agent would (pointer moves onto it and rests a moment).
 * Fails when the toolbar refused the click (src/toolbar/input-guard.ts says why on the frame's root).
 */
export async function clickToolbar(page: Page, selector: string): Promise<void> {
  const frame = await toolbarFrame(page);
  await frame.evaluate(() => delete document.documentElement.dataset.refused);
  await agentClick(frame, selector, { rest: true });
  await new Promise((r) => setTimeout(r, 30));
  let refused: string | null = null;
  try {
    refused = await frame.evaluate(() => document.documentElement.dataset.refused ?? null);
  } catch {
    // The click took the toolbar away (× hides it): nothing was refused.
  }
  if (refused) throw new Error(`the toolbar refused the click on ${selector}: ${refused}`);
}

/** Replace the text of a toolbar field as the agent does: click it, select all, type. */
export async function fillToolbar(page: Page, selector: string, value: string): Promise<void> {
  await clickToolbar(page, selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  if (value) await page.keyboard.type(value);
}

/** Is `selector` in the toolbar right now (false when there is no toolbar)? */
export async function toolbarHas(page: Page, selector: string): Promise<boolean> {
  const frame = toolbarFrameOf(page);
  return !!frame && !!(await frame.$(selector).catch(() => null));
}

/** The state of the call the toolbar shows on `page` (data-state of its call card), or null. */
export async function toolbarCallState(page: Page): Promise<string | null> {
  const frame = toolbarFrameOf(page);
  if (!frame) return null;
  return frame
    .evaluate(() => document.querySelector('[data-testid="toolbar-call-state"]')?.getAttribute('data-state') ?? null)
    .catch(() => null);
}

export async function waitForToolbarCallState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await eventually(async () => (await toolbarCallState(page)) === state, `the toolbar to show the call ${state}`, timeout);
}

// ── CallBar's UI in closed shadow roots (picker, toast) ──────────────────────────

/**
 * The closed shadow root of CallBar's `hostTag` element in `frame` (page scripts cannot reach it;
 * the test reaches it through the DevTools protocol, which sees closed roots).
 */
export async function closedShadowRoot(frame: Page | Frame, hostTag: string): Promise<JSHandle<ShadowRoot> | null> {
  const target = 'mainFrame' in frame ? frame.mainFrame() : frame;
  const host = await target.$(hostTag);
  if (!host) return null;
  const client = (target as unknown as { client: CDPSession }).client;
  const { node } = await client.send('DOM.describeNode', { objectId: host.remoteObject().objectId!, depth: 1, pierce: true });
  const root = node.shadowRoots?.[0];
  if (!root) return null;
  const realm = (target as unknown as { mainRealm(): { adoptBackendNode(id: number): Promise<JSHandle> } }).mainRealm();
  return (await realm.adoptBackendNode(root.backendNodeId)) as JSHandle<ShadowRoot>;
}

/** An element inside CallBar's closed shadow root `hostTag` (waits for it). */
export async function inShadow(frame: Page | Frame, hostTag: string, selector: string, timeout = 10_000): Promise<ElementHandle> {
  return eventually(
    async () => {
      const root = await closedShadowRoot(frame, hostTag);
      if (!root) return null;
      const el = (await root.evaluateHandle((r, sel) => r.querySelector(sel), selector)).asElement() as ElementHandle | null;
      if (!el) return null;
      const shown = await el.evaluate((e) => (e as HTMLElement).getClientRects().length > 0);
      return shown ? el : null;
    },
    `${selector} in <${hostTag}>`,
    timeout,
  );
}

export async function shadowText(frame: Page | Frame, hostTag: string, selector: string): Promise<string> {
  const el = await inShadow(frame, hostTag, selector);
  return (await el.evaluate((e) => e.textContent ?? '')).trim();
}

export async function waitForShadowText(frame: Page | Frame, hostTag: string, selector: string, expected: string | RegExp, timeout = 10_000): Promise<string> {
  let last = '';
  return eventually(
    async () => {
      const root = await closedShadowRoot(frame, hostTag);
      last = root ? await root.evaluate((r, sel) => r.querySelector(sel)?.textContent?.trim() ?? '', selector) : '';
      return (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) ? last : null;
    },
    `<${hostTag}> ${selector} to show ${String(expected)} (last: "${last}")`,
    timeout,
  );
}

/** The toast CallBar shows on the page (closed shadow root). */
export async function waitForToast(page: Page, expected: string | RegExp, timeout = 10_000): Promise<string> {
  return waitForShadowText(page, 'callbar-toast', '[data-testid="callbar-toast"]', expected, timeout);
}

export async function clickInShadow(frame: Page | Frame, hostTag: string, selector: string): Promise<void> {
  await agentClickHandle(frame, await inShadow(frame, hostTag, selector));
}

// ── sites ────────────────────────────────────────────────────────────────────

/**
 * Store rules and site switches directly (setup for tests whose subject is what the page does
 * with them, not how they were made), then wait until the service worker has registered the
 * content script for every site they enable — pages opened after this get it.
 */
export async function seedRules(browser: Browser, rules: unknown[], sites: Record<string, unknown> = {}): Promise<void> {
  const worker = await serviceWorker(browser);
  await worker.evaluate(async (r, s) => void (await chrome.storage.local.set({ 'callbar:rules': r, 'callbar:sites': s })), rules, sites);
  const origins = [...new Set([...(rules as Array<{ origin: string }>).map((r) => r.origin), ...Object.keys(sites)])];
  await eventually(
    async () => {
      const registered = await (await extensionApis(browser)).evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []));
      return origins.every((o) => registered.includes(`${o}/*`));
    },
    `the content script registered for ${origins.join(', ') || 'no site'}`,
  );
}

/**
 * Enable CallBar on the site of `page` the way an agent does: the popup (for that tab), 根据路径插入
 * with `selector`. Loopback sites need no prompt (the extension has access to 127.0.0.1 from the
 * install); the prompt itself is covered by test/e2e/site-access.e2e.ts. Returns the popup (left open).
 */
export async function enableSiteWithSelector(browser: Browser, page: Page, selector: string, popup?: Page): Promise<Page> {
  const tools = popup ?? (await openPopup(browser, await tabIdOf(browser, page.url())));
  await tools.waitForSelector('[data-testid="selector-input"]');
  await fill(tools, '[data-testid="selector-input"]', selector);
  await tools.click('[data-testid="add-selector"]');
  await waitForText(tools, '[data-testid="page-tools-info"]', /匹配|match/i);
  return tools;
}

export interface CrmShift {
  fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  ext: ExtensionBrowser;
  browser: Browser;
  crmUrl: string;
  /** The demo CRM, with a call button in every phone cell. */
  crm: Page;
  /** The popup, opened as if from the CRM tab. */
  popup: Page;
  close(): Promise<void>;
}

/**
 * The setting of a provider's shift test: the fixture server, Chromium with the extension, the
 * demo CRM enabled through the popup with a selector rule for its phone column (the picker
 * itself is covered by softbar.e2e.ts), the CRM page with its buttons, and the popup.
 */
export async function startCrmShift(options: Pick<LaunchOptions, 'language' | 'args'> = {}): Promise<CrmShift> {
  const fixtures = await startFixtureServer();
  const ext = await launchWithExtension(options);
  try {
    const browser = ext.browser;
    const crmUrl = `${fixtures.url}/crm/index.html`;
    const crm = await browser.newPage();
    await crm.goto(crmUrl);
    await crm.waitForSelector('#customer-table td.col-mobile');
    // The site is enabled as an agent does it, through the popup (根据路径插入).
    const popup = await enableSiteWithSelector(browser, crm, '#customer-table td.col-mobile');
    await crm.waitForSelector('#customer-table td.col-mobile callbarcall');
    return {
      fixtures,
      ext,
      browser,
      crmUrl,
      crm,
      popup,
      close: async () => {
        await ext.close();
        await fixtures.close();
      },
    };
  } catch (error) {
    await ext.close();
    await fixtures.close();
    throw error;
  }
}
