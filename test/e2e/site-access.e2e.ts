/**
 * Least privilege, with Chrome's own UI (docs/security.md): installed, CallBar has access to no
 * web site; the agent enables a CRM site from the popup opened by its toolbar icon, answers
 * Chrome's real permission prompt, and CallBar runs there — and only there — until the site is
 * disabled, when the access is given back. Rules kept from before ask for access once.
 *
 * Chromium runs with a window on an Xvfb display (the prompt is a native dialog, which headless
 * Chromium never shows); the agent's keys on it are xdotool's. The CRM is served as crm.test /
 * crm2.test (mapped to 127.0.0.1): not loopback names, so nothing is granted by the install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { type Display, startDisplay } from './support/display.ts';
import {
  clickActionIcon,
  clickInShadow,
  clickToolbar,
  DIST,
  eventually,
  type ExtensionBrowser,
  EXTENSION_ORIGIN,
  ROOT,
  fill,
  inShadow,
  launchWithExtension,
  extensionApis,
  toolbarFrame,
  waitForText,
  waitForToolbarText,
} from './support/extension.ts';

const MOBILE = '#customer-table td.col-mobile';

let display: Display;
let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
let sim: SoftbarSimulator;
let crmUrl: string;
let crm2Url: string;

/** What CallBar may reach and where its content script is registered (asked from the service worker). */
async function access(): Promise<{ origins: string[]; registered: string[] }> {
  const worker = await extensionApis(browser);
  return worker.evaluate(async () => ({
    origins: (await chrome.permissions.getAll()).origins ?? [],
    registered: (await chrome.scripting.getRegisteredContentScripts()).flatMap((s) => s.matches ?? []),
  }));
}

/** Answer Chrome's permission prompt: its focused button is 拒绝 (Deny); Tab reaches 允许 (Allow). */
async function answerPrompt(allow: boolean): Promise<void> {
  await new Promise((r) => setTimeout(r, 1200)); // the dialog opens and takes the focus
  display.screenshot(join(ROOT, 'test-output', 'site-access-prompt.png'));
  display.keys(...(allow ? ['Tab', 'Return'] : ['Return']));
}

async function openCrm(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector(MOBILE);
  return page;
}

beforeAll(async () => {
  display = await startDisplay();
  fixtures = await startFixtureServer();
  sim = new SoftbarSimulator({ port: 0, extension: '8001', ringDelayMs: 200, answerDelayMs: 300, calleeMode: 'manual' });
  await sim.start();
  ext = await launchWithExtension({ display: display.name, args: ['--host-resolver-rules=MAP crm.test 127.0.0.1, MAP crm2.test 127.0.0.1'] });
  browser = ext.browser;
  crmUrl = `http://crm.test:${fixtures.port}/crm/index.html`;
  crm2Url = `http://crm2.test:${fixtures.port}/crm/index.html`;
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
  await display?.stop();
});

describe('CallBar runs only where the agent enabled it', () => {
  it('installing asks for no access to any web site: no content script, no all-sites host', async () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.content_scripts).toBeUndefined();
    expect(manifest.host_permissions).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(manifest.web_accessible_resources).toEqual([{ matches: ['http://*/*', 'https://*/*'], resources: ['src/toolbar/index.html'], use_dynamic_url: true }]);
    expect(await access()).toEqual({ origins: ['http://127.0.0.1/*', 'http://localhost/*'], registered: [] });
  });

  it('an ordinary site sees nothing of CallBar, and cannot tell it is installed', async () => {
    const page = await openCrm(crmUrl);
    await new Promise((r) => setTimeout(r, 800));
    expect(await page.$$('callbarcall, callbar-toolbar, callbar-toast, callbar-picker')).toHaveLength(0);
    // Probing CallBar's files at their fixed addresses fails: the only web-accessible page has a per-session URL.
    const probes = await page.evaluate(async (origin) => {
      const results: string[] = [];
      for (const path of ['/src/toolbar/index.html', '/src/content/main.js', '/manifest.json', '/icons/icon-16.png']) {
        try {
          const r = await fetch(`${origin}${path}`);
          results.push(`${path}: ${r.status}`);
        } catch {
          results.push(`${path}: blocked`);
        }
      }
      return results;
    }, EXTENSION_ORIGIN);
    expect(probes.every((p) => p.endsWith('blocked'))).toBe(true);
    await page.close();
  });

  it('选择号码列 in the popup asks Chrome for the site; allowed, the picker starts and the column gets buttons', async () => {
    const page = await openCrm(crmUrl);
    const popup = await clickActionIcon(browser, page);
    expect(await popup.$eval('[data-testid="site-status"]', (e) => e.textContent)).toContain('还没有在 crm.test');
    await popup.click('[data-testid="start-picker"]');
    await answerPrompt(true);
    // The prompt closed the popup; the service worker finished: access, registration, the picker.
    await eventually(async () => (await access()).origins.includes(`http://crm.test:${fixtures.port}/*`), 'access to crm.test');
    await inShadow(page, 'callbar-picker', '[data-testid="picker-bar"]');
    await page.hover(`${MOBILE}:not(:empty)`);
    await page.click(MOBILE);
    await clickInShadow(page, 'callbar-picker', '[data-testid="picker-confirm"]');
    await eventually(async () => (await page.$$(`${MOBILE} callbarcall`)).length === 20, '20 call buttons');
    expect((await access()).registered).toEqual([`http://crm.test:${fixtures.port}/*`]);
    // Registered for the site: after a reload the buttons come back by themselves.
    await page.reload();
    await eventually(async () => (await page.$$(`${MOBILE} callbarcall`)).length === 20, 'buttons after a reload');
    await page.close();
  });

  it('denied: nothing is registered, the site stays untouched', async () => {
    const page = await openCrm(crm2Url);
    const popup = await clickActionIcon(browser, page);
    await popup.click('[data-testid="start-picker"]');
    await answerPrompt(false);
    await new Promise((r) => setTimeout(r, 1500));
    const now = await access();
    expect(now.origins).not.toContain(`http://crm2.test:${fixtures.port}/*`);
    expect(now.registered).toEqual([`http://crm.test:${fixtures.port}/*`]);
    expect(await page.$$('callbarcall, callbar-picker')).toHaveLength(0);
    await page.close();
  });

  it('a selection is dialled only after the agent confirms it in the toolbar (Alt+Shift+D)', async () => {
    const page = await openCrm(crmUrl);
    const login = await clickActionIcon(browser, page);
    await fill(login, '[data-testid="setting-baseUrl"]', `http://127.0.0.1:${sim.port}`);
    await fill(login, '[data-testid="setting-extension"]', '8001');
    await login.click('[data-testid="login"]');
    await waitForText(login, '[data-testid="popup-agent"]', '8001');
    await login.click('[data-testid="agent-state-sipOnline"]');
    await eventually(() => sim.state.online, 'the bar online');
    await login.close().catch(() => undefined);
    await toolbarFrame(page);
    // A script of the page selects a number of its choosing; the agent presses the shortcut.
    await page.bringToFront();
    await page.evaluate(() => {
      const node = document.createElement('span');
      node.textContent = '0900 555 0123';
      document.body.append(node);
      getSelection()!.selectAllChildren(node);
    });
    sim.clearRequests();
    await page.click('h1.page-title'); // the window has the agent's focus
    await page.evaluate(() => {
      const node = [...document.querySelectorAll('span')].find((s) => s.textContent === '0900 555 0123')!;
      getSelection()!.selectAllChildren(node);
    });
    display.keys('alt+shift+d');
    await waitForToolbarText(page, '[data-testid="toolbar-confirm-number"]', '09005550123');
    await new Promise((r) => setTimeout(r, 800));
    expect(sim.requestsTo('makeCall')).toHaveLength(0);
    await clickToolbar(page, '[data-testid="toolbar-confirm-yes"]');
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall after the confirmation');
    expect(makeCall.body).toMatchObject({ callUri: '09005550123' });
    sim.remoteHangup();
    await page.close();
  });

  it('停用本站 removes the buttons and gives the site access back', async () => {
    const page = await openCrm(crmUrl);
    await eventually(async () => (await page.$$(`${MOBILE} callbarcall`)).length === 20, 'buttons');
    const popup = await clickActionIcon(browser, page);
    await popup.click('[data-testid="disable-site"]');
    await eventually(async () => !(await access()).origins.includes(`http://crm.test:${fixtures.port}/*`), 'the access released');
    expect((await access()).registered).toEqual([]);
    await eventually(async () => (await page.$$('callbarcall, callbar-toolbar')).length === 0, 'CallBar gone from the page');
    await page.reload();
    await new Promise((r) => setTimeout(r, 800));
    expect(await page.$$('callbarcall')).toHaveLength(0);
    await popup.close().catch(() => undefined);
    await page.close();
  });

  it('rules kept from before (an update) ask for their sites once, in one prompt', async () => {
    const worker = await extensionApis(browser);
    const origin = `http://crm2.test:${fixtures.port}`;
    await worker.evaluate(
      async (rule) => void (await chrome.storage.local.set({ 'callbar:rules': [rule], 'callbar:sites': {} })),
      { id: 'old', origin, pathPattern: '/*', selector: MOBILE, source: 'picker', createdAt: 0 },
    );
    const page = await openCrm(crm2Url);
    const popup = await clickActionIcon(browser, page);
    await waitForText(popup, '[data-testid="sites-awaiting"]', `1 个网站的拨号按钮需要你再授权一次：crm2.test:${fixtures.port}`);
    await popup.click('[data-testid="grant-awaiting"]');
    await answerPrompt(true);
    await eventually(async () => (await access()).registered.includes(`${origin}/*`), 'the old rule’s site registered');
    await page.reload();
    await eventually(async () => (await page.$$(`${MOBILE} callbarcall`)).length === 20, 'the old rule’s buttons');
    await page.close();
  });
});
