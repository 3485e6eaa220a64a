/**
 * Hostile pages (docs/security.md): a site the agent merely opens, and the CRM site itself (its
 * own scripts may be hostile or compromised), try every way found to make CallBar dial, to read
 * what it shows, or to steer the agent's own clicks and keys. Each attack runs for real in the
 * page's world (test/fixtures/hostile/attacks.js) and is checked two ways: the softphone bar
 * received nothing, and the page learned nothing. The positive controls: the agent's real click,
 * and Tab + Enter, still dial in every layout the page-feature tests use.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import {
  agentClick,
  agentClickHandle,
  clickToolbar,
  enableSiteWithSelector,
  eventually,
  type ExtensionBrowser,
  HOVER_MS,
  launchWithExtension,
  loginSoftbar,
  seedRules,
  tabIdOf,
  toolbarFrame,
  shadowText,
  waitForToast,
  waitForToolbarCallState,
} from './support/extension.ts';

const EXTENSION = '8001';
const CALLER = '13500009999';
const MOBILE = '#customer-table td.col-mobile';
const ATTACKS = readFileSync(new URL('../fixtures/hostile/attacks.js', import.meta.url), 'utf8');

let sim: SoftbarSimulator;
let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
let crm: Page;
let crmUrl: string;

/** What must never reach a page: who the agent is, the bar's secret, states, the live caller, banners. */
const SECRETS = ['张三', createHash('md5').update(EXTENSION).digest('hex'), '在线（示闲）', '离线（示忙）', '来电', CALLER, '无法连接本机电话条', 'chrome-extension://'];

/** Requests that would mean a page made CallBar act. */
const actions = () => sim.requests.filter((r) => /makeCall|answer|hangup|transfer|mute|sipOnline|sipOffline/.test(r.path));

async function arm(page: Page | Frame): Promise<void> {
  await page.evaluate(ATTACKS);
}

async function attack<T>(page: Page | Frame, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate((n, a) => (window as unknown as { __attacks: Record<string, (...x: unknown[]) => unknown> }).__attacks[n]!(...a), name, args) as Promise<T>;
}

interface Read {
  html: string;
  text: string;
  attributes: string[];
  shadowRoots: number;
  frameTexts: string[];
  frameErrors: number;
}

function expectNothingLearned(read: Read): void {
  const everything = [read.html, read.text, ...read.attributes, ...read.frameTexts].join('\n');
  for (const secret of SECRETS) expect(everything, `the page read “${secret}”`).not.toContain(secret);
  expect(read.shadowRoots).toBe(0);
  expect(read.frameTexts).toEqual([]);
  // What a call button shows the page is the CRM integrator contract: the number of its own cell.
  for (const attr of read.attributes) expect(attr).toMatch(/^(style|tabindex|role|data-callbar-number|data-callbar-masked|aria-label|aria-disabled|title)=/);
}

/** The agent's click at a point (pointer travels there, rests, clicks). */
async function agentClickAt(page: Page, x: number, y: number): Promise<void> {
  await page.mouse.move(x - 40, y + 30);
  await page.mouse.move(x, y, { steps: 8 });
  await new Promise((r) => setTimeout(r, HOVER_MS));
  await page.mouse.down();
  await page.mouse.up();
}

/** Where a toolbar control is on the page (the agent's eyes: the frame is drawn there). */
async function toolbarPoint(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = (await (await (await toolbarFrame(page)).waitForSelector(selector, { visible: true }))!.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function quietFor(ms = 1200): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

beforeAll(async () => {
  sim = new SoftbarSimulator({ port: 0, extension: EXTENSION, ringDelayMs: 200, answerDelayMs: 300, calleeMode: 'manual' });
  await sim.start();
  fixtures = await startFixtureServer();
  ext = await launchWithExtension();
  browser = ext.browser;
  crmUrl = `${fixtures.url}/crm/index.html`;
  crm = await browser.newPage();
  await crm.goto(crmUrl);
  const popup = await loginSoftbar(browser, sim.port, EXTENSION, await tabIdOf(browser, crmUrl));
  await enableSiteWithSelector(browser, crm, MOBILE, popup);
  await popup.click('[data-testid="agent-state-sipOnline"]');
  await eventually(() => sim.state.online, 'the bar online');
  await popup.close();
  await crm.bringToFront();
  await crm.waitForSelector(`${MOBILE} callbarcall`);
  await toolbarFrame(crm);
  await arm(crm);
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

describe('a site with no rules', () => {
  let page: Page;

  beforeAll(async () => {
    page = await browser.newPage();
    await page.goto(`http://localhost:${fixtures.port}/hostile/plain.html`);
    await arm(page);
  });

  it('finds nothing of CallBar to attack, and makes it do nothing', async () => {
    sim.clearRequests();
    expect(await attack<number>(page, 'synthesize')).toBe(0);
    expect(await attack<string[]>(page, 'driveToolbar')).toEqual([]);
    expect(await attack<number>(page, 'spoofMessages')).toBe(4);
    await quietFor();
    expect(actions()).toEqual([]);
    const read = await attack<Read>(page, 'read');
    expectNothingLearned(read);
    expect(read.html).not.toContain('callbar');
  });
});

describe('the CRM site itself, its own scripts hostile', () => {
  beforeAll(async () => {
    await crm.bringToFront(); // a background tab is not rendered (nor are its frames)
  });

  it('cannot read the agent, the state, the live caller or the banners', async () => {
    sim.injectIncoming(CALLER);
    await waitForToolbarCallState(crm, 'incoming');
    const read = await attack<Read>(crm, 'read');
    expectNothingLearned(read);
    // It did look: the toolbar's host is there, but its frame is inside a closed shadow root —
    // not even in window.frames — and so are the buttons.
    expect(read.html).toContain('<callbar-toolbar');
    expect(read.frameErrors + read.frameTexts.length).toBe(0);
    expect(read.attributes.filter((a) => a.startsWith('data-callbar-number='))).toHaveLength(20);
  });

  it('synthetic clicks, pointer and key events on the buttons, focus() and composed Enter: nothing happens', async () => {
    sim.clearRequests();
    expect(await attack<number>(crm, 'synthesize')).toBe(20);
    expect(await attack<string[]>(crm, 'driveToolbar')).toContain('host');
    await quietFor();
    expect(actions()).toEqual([]);
    expect(await (await toolbarFrame(crm)).$eval('[data-testid="toolbar-call-state"]', (e) => e.getAttribute('data-state'))).toBe('incoming');
  });

  it('spoofed postMessage to the page and the toolbar frame changes nothing', async () => {
    const before = await crm.$eval('callbar-toolbar', (h) => JSON.stringify(h.getBoundingClientRect()));
    sim.clearRequests();
    // The page reaches only its own window: the toolbar frame is not in window.frames.
    expect(await attack<number>(crm, 'spoofMessages')).toBe(4);
    await quietFor();
    expect(actions()).toEqual([]);
    expect(await crm.$eval('callbar-toolbar', (h) => JSON.stringify(h.getBoundingClientRect()))).toBe(before);
  });

  for (const how of ['opacity', 'transform', 'cover'] as const) {
    it(`the toolbar made invisible over a decoy (${how}): the agent’s click on it answers nothing`, async () => {
      const answer = await toolbarPoint(crm, '[data-testid="toolbar-answer"]');
      sim.clearRequests();
      expect(await attack(crm, 'hideToolbar', how)).toBe(how);
      await quietFor(400); // the page had it all set up before the agent came
      await agentClickAt(crm, answer.x, answer.y);
      await quietFor();
      expect(actions()).toEqual([]);
      await attack(crm, 'restoreToolbar');
    });
  }

  it('the same click on the visible toolbar answers (control)', async () => {
    sim.clearRequests();
    await clickToolbar(crm, '[data-testid="toolbar-answer"]');
    await eventually(() => sim.requestsTo('answer').length === 1, 'answer at the bar');
    await waitForToolbarCallState(crm, 'connected');
  });

  it('keys the agent types into the toolbar never reach the page, and the page cannot move the focus into it', async () => {
    await attack(crm, 'listen');
    await clickToolbar(crm, '[data-testid="toolbar-transfer-open"]');
    await clickToolbar(crm, '[data-testid="toolbar-transfer-input"]');
    await crm.keyboard.type('800');
    expect(await attack<string[]>(crm, 'log')).toEqual([]);
    // The agent clicks back into the page; the page tries to send the focus back to the toolbar.
    await crm.click('h1.page-title');
    expect(await attack<number>(crm, 'focusToolbarFrame')).toBe(0);
    sim.clearRequests();
    await crm.keyboard.type('2');
    await crm.keyboard.press('Enter');
    await quietFor();
    // Those keys went to the page, where the focus is (the page's own input): no transfer.
    expect(sim.requestsTo('transfer')).toEqual([]);
    expect(await attack<string[]>(crm, 'log')).toContain('keydown:2');
    // Hang up the answered call from the toolbar (agent), for the next tests.
    await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
    await waitForToolbarCallState(crm, 'ended');
    await clickToolbar(crm, '[data-testid="toolbar-dismiss"]');
  });

  it('a call button focused by the page: the agent’s next Space or Enter dials nothing', async () => {
    sim.clearRequests();
    expect(await attack<boolean>(crm, 'focusButton')).toBe(true);
    await crm.keyboard.press('Space');
    await crm.keyboard.press('Enter');
    await waitForToast(crm, '请用鼠标点击拨号按钮');
    expect(actions()).toEqual([]);
  });

  it('a call button blown up over the page, almost transparent: a click anywhere dials nothing', async () => {
    await attack(crm, 'blowUpButton');
    sim.clearRequests();
    const title = (await (await crm.$('h1.page-title'))!.boundingBox())!;
    await agentClickAt(crm, title.x + 20, title.y + title.height / 2);
    await quietFor();
    expect(actions()).toEqual([]);
    await attack(crm, 'cleanUpButtons');
  });

  const coverings = {
    transparentButton: 'made transparent',
    coverButton: 'covered by a decoy',
    coverButtonProbeMoved: 'covered by a decoy, its visibility probe moved off it',
  } as const;
  for (const [how, what] of Object.entries(coverings) as Array<[keyof typeof coverings, string]>) {
    it(`a call button ${what}: the agent’s click on it dials nothing`, async () => {
      await quietFor(600);
      await attack(crm, how);
      await quietFor(300);
      sim.clearRequests();
      await agentClick(crm, `${MOBILE} callbarcall`);
      await quietFor();
      expect(actions()).toEqual([]);
      await attack(crm, 'cleanUpButtons');
    });
  }

  it('a call button moved under the resting pointer just before the click dials nothing', async () => {
    await quietFor(600);
    await attack(crm, 'moveButtonUnderPointerOn', '#customer-table tbody tr:nth-child(5) td:nth-child(3)');
    sim.clearRequests();
    const cell = (await (await crm.$('#customer-table tbody tr:nth-child(5) td:nth-child(3)'))!.boundingBox())!;
    const x = cell.x + 10;
    const y = cell.y + cell.height / 2;
    await crm.mouse.move(x - 30, y, { steps: 5 });
    await crm.mouse.move(x, y, { steps: 3 });
    await quietFor(200); // the button arrives under the still pointer
    await crm.mouse.down();
    await crm.mouse.up();
    await quietFor();
    expect(actions()).toEqual([]);
    await attack(crm, 'cleanUpButtons');
  });

  it('the CRM framed by another site at opacity 0.01 under a decoy: the agent’s click dials nothing', async () => {
    const button = (await (await crm.$(`${MOBILE} callbarcall`))!.boundingBox())!;
    const x = Math.round(button.x + button.width / 2);
    const y = Math.round(button.y + button.height / 2);
    const framer = await browser.newPage();
    await framer.goto(`http://localhost:${fixtures.port}/hostile/framer.html?src=${encodeURIComponent(crmUrl)}&x=${x}&y=${y}`);
    const victim = await eventually(async () => {
      const frame = framer.frames().find((f) => f.url() === crmUrl);
      return frame && (await frame.$(MOBILE)) ? frame : null;
    }, 'the framed CRM');
    await quietFor(1000);
    sim.clearRequests();
    await agentClickAt(framer, x, y);
    await quietFor();
    expect(actions()).toEqual([]);
    // Under another site the CRM's rules do not apply at all: no buttons to click.
    expect(await victim.$$('callbarcall')).toHaveLength(0);
    await framer.close();
    await crm.bringToFront();
  });

  it('a real click on a visible call button still dials (control)', async () => {
    // The tab is in front again (the framing site's tab was closed): its buttons are seen as visible.
    await crm.waitForFunction(() => document.visibilityState === 'visible');
    await quietFor(600);
    sim.clearRequests();
    await agentClick(crm, `${MOBILE} callbarcall`);
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall').catch(async (error: Error) => {
      // Refused clicks say why in a toast: put it in the failure.
      const said = await shadowText(crm, 'callbar-toast', '[data-testid="callbar-toast"]').catch(() => 'no toast');
      throw new Error(`${error.message}; the page said: ${said}`);
    });
    expect(makeCall.body).toMatchObject({ callUri: '13800138000' });
    sim.remoteHangup();
    await waitForToolbarCallState(crm, 'ended');
  });
});

describe('positive controls: the agent’s click and Tab + Enter dial in every layout', () => {
  const ui = (page: string) => `${fixtures.url}/ui/dist/${page}`;
  const layouts: Array<{ name: string; page: string; selector: string; inFrame?: boolean; shadowHost?: string }> = [
    { name: 'element-plus table', page: 'element-plus.html', selector: '#customer-table .el-table__body td.col-mobile' },
    { name: 'antd table', page: 'antd.html', selector: '#customer-table td.col-mobile' },
    { name: 'vxe virtual scroll', page: 'vxe-virtual.html', selector: '#customer-grid .vxe-table--body-wrapper td.col-mobile' },
    { name: 'div grid', page: '../../crm/grid.html', selector: '#grid .grid-body .grid-row > .grid-cell:nth-child(2)' },
    { name: 'iframe of the same site', page: 'iframe.html', selector: '#customer-table .el-table__body td.col-mobile', inFrame: true },
    { name: 'open shadow root', page: 'shadow.html', selector: 'td.col-mobile', shadowHost: 'crm-list' },
  ];

  for (const layout of layouts) {
    it(layout.name, async () => {
      const rule = { id: 'p', origin: fixtures.url, pathPattern: '/*', source: 'selector', createdAt: 0, selector: layout.selector };
      await seedRules(browser, [rule]);
      const page = await browser.newPage();
      await page.goto(ui(layout.page));
      const frame: Page | Frame = layout.inFrame
        ? await eventually(async () => page.frames().find((f) => f.url().endsWith('/element-plus.html') && f !== page.mainFrame()) ?? null, 'the CRM frame')
        : page;
      const buttonsSelector = layout.shadowHost ? `${layout.shadowHost} >>> ${layout.selector} callbarcall` : `${layout.selector} callbarcall`;
      const buttons = await eventually(async () => {
        const list = await frame.$$(buttonsSelector);
        return list.length >= 4 ? list : null;
      }, `buttons in the ${layout.name}`);
      const [first, second] = [buttons[2]!, buttons[3]!];
      const number = (h: typeof first) => h.evaluate((e) => e.getAttribute('data-callbar-number'));

      // A click.
      sim.clearRequests();
      await agentClickHandle(frame, first);
      const byClick = await eventually(() => sim.requestsTo('makeCall')[0], `makeCall by click (${layout.name})`);
      expect(byClick.body).toMatchObject({ callUri: await number(first) });
      sim.remoteHangup();
      await waitForToolbarCallState(page, 'ended');

      // Tab to the button from the control before it (where a keyboard user comes from), then Enter.
      sim.clearRequests();
      await second.evaluate((b) => {
        const root = b.getRootNode() as Document | ShadowRoot;
        const focusable = [...root.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')].filter((e) => e.tabIndex >= 0 && !e.hasAttribute('disabled'));
        const before = focusable[focusable.indexOf(b as HTMLElement) - 1];
        if (before) before.focus();
        else (document.activeElement as HTMLElement | null)?.blur();
      });
      await page.keyboard.press('Tab');
      expect(await second.evaluate((b) => (b.getRootNode() as Document | ShadowRoot).activeElement === b)).toBe(true);
      await page.keyboard.press('Enter');
      const byKey = await eventually(() => sim.requestsTo('makeCall')[0], `makeCall by Tab + Enter (${layout.name})`);
      expect(byKey.body).toMatchObject({ callUri: await number(second) });
      sim.remoteHangup();
      await waitForToolbarCallState(page, 'ended');
      await page.close();
    });
  }
});
