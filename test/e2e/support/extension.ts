/**
 * Drives the built extension (dist/) in Debian's Chromium, headless, through
 * puppeteer-core. Real input only: clicks and keys go through CDP Input.*, which
 * the page sees as trusted events.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
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
    headless: options.headless ?? true,
    pipe: true,
    enableExtensions: [DIST],
    userDataDir,
    args: [...CHROMIUM_ARGS.filter((a) => !a.startsWith('--lang=')), `--lang=${language.replace('_', '-')}`, ...(options.args ?? [])],
    env: { ...process.env, LANGUAGE: language, LC_ALL: '', LANG: `${language}.UTF-8` },
    defaultViewport: options.viewport ?? { width: 1366, height: 860 },
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Replace an input's text the way a person does: select all, delete, type. */
export async function fill(page: Page, selector: string, value: string): Promise<void> {
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

/** The extension's service worker (waits for it to be running). */
export async function serviceWorker(browser: Browser, timeout = 15_000): Promise<WebWorker> {
  // A worker that was just stopped may still be listed, and one still starting has no extension
  // APIs yet: look the target up again until its worker answers.
  return eventually(
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
}

/** Stop the service worker the way Chrome does when it decides to (puppeteer worker.close()). */
export async function killServiceWorker(browser: Browser): Promise<void> {
  const worker = await serviceWorker(browser);
  await worker.close();
}

/** Open the popup page in a tab; page tools then act on `targetTabId`. */
export async function openPopup(browser: Browser, targetTabId?: number): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 380, height: 720 });
  await page.goto(`${EXTENSION_ORIGIN}/src/popup/index.html${targetTabId ? `?tab=${targetTabId}` : ''}`);
  await page.waitForSelector('main:not(.loading)');
  return page;
}

/** The chrome.tabs id of the tab showing `url` (asked from the service worker). */
export async function tabIdOf(browser: Browser, url: string): Promise<number> {
  const worker = await serviceWorker(browser);
  const id = await worker.evaluate(async (u: string) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id ?? null;
  }, url);
  if (!id) throw new Error(`no tab shows ${url}`);
  return id;
}

/** Text of an element inside the page's CallBar UI (shadow DOM pierced with >>>). */
export async function textOf(page: Page, selector: string): Promise<string> {
  const handle = await page.waitForSelector(selector, { timeout: 10_000, visible: true });
  if (!handle) throw new Error(`no element ${selector}`);
  return (await handle.evaluate((el) => el.textContent ?? '')).trim();
}

export async function waitForText(page: Page, selector: string, expected: string | RegExp, timeout = 10_000): Promise<string> {
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

/** The state of the call the toolbar shows on `page` (data-state of its call card), or null. */
export async function toolbarCallState(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('callbar-toolbar')?.shadowRoot?.querySelector('[data-testid="toolbar-call-state"]')?.getAttribute('data-state') ?? null);
}

export async function waitForToolbarCallState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await eventually(async () => (await toolbarCallState(page)) === state, `the toolbar to show the call ${state}`, timeout);
}

/**
 * Store button rules the way the popup does (setup for tests whose subject is not the picker):
 * by default the demo CRM's phone column on `origin`.
 */
export async function setButtonRules(browser: Browser, origin: string, selector = '#customer-table td.col-mobile'): Promise<void> {
  const worker = await serviceWorker(browser);
  await worker.evaluate(
    async (rule) => void (await chrome.storage.local.set({ 'callbar:rules': [rule], 'callbar:sites': {} })),
    { id: 'm', origin, pathPattern: '/*', selector, source: 'selector', createdAt: 0 },
  );
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
 * The setting of a provider's shift test: the fixture server, Chromium with the extension, a
 * selector rule for the demo CRM's phone column (the picker itself is covered by
 * softbar.e2e.ts), the CRM page with its buttons, and the popup.
 */
export async function startCrmShift(): Promise<CrmShift> {
  const fixtures = await startFixtureServer();
  const ext = await launchWithExtension();
  const browser = ext.browser;
  const crmUrl = `${fixtures.url}/crm/index.html`;
  await setButtonRules(browser, fixtures.url);
  const crm = await browser.newPage();
  await crm.goto(crmUrl);
  await crm.waitForSelector('#customer-table td.col-mobile callbar-call');
  const popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
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
}
