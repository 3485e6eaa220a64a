/**
 * The in-call keypad (DTMF) and call quality in the toolbar and the popup, in made-up states of a
 * browser-phone call (support/fake-state.ts: the real pages, a fake state port and backend): which
 * presses are sent and when, which typed keys count (the guard: never a page's focus, never a text
 * field), the echo, the quality indicator and the bad-network warning, the recent-calls badge. The
 * calls themselves, against a real SIP server, are the sip e2e tests'.
 * Screenshots: test-output/call-keypad-<case>.png.
 */
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClick, eventually, type ExtensionBrowser, launchWithExtension, ROOT, testid as T } from './support/extension.ts';
import {
  connectedCall,
  failDtmf,
  fitToolbar,
  GOOD_QUALITY,
  openFakePopup,
  openFakeToolbar,
  phoneState,
  POOR_QUALITY,
  pushState,
  sentRequests,
} from './support/fake-state.ts';

const OUT = join(ROOT, 'test-output');
/** What toolbar-layout.e2e.ts allows a call state. */
const CALL_MAX_HEIGHT = 210;

let ext: ExtensionBrowser;
let browser: Browser;

beforeAll(async () => {
  ext = await launchWithExtension();
  browser = ext.browser;
});

afterAll(async () => {
  await ext?.close();
});

const sentDigits = async (target: Page | Frame) =>
  (await sentRequests(target))
    .filter((r) => r.type === 'call/dtmf')
    .map((r) => r.payload.digits)
    .join('');
const attr = (target: Page | Frame, selector: string, name: string) => target.$eval(selector, (el, n) => el.getAttribute(n), name);
const text = (target: Page | Frame, selector: string) => target.$eval(selector, (el) => (el.textContent ?? '').trim());
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the toolbar in a browser-phone call', () => {
  it('按键 is there while the call is up on a platform that sends key tones — not while it rings, not without dtmf', async () => {
    const ringing = connectedCall({ state: 'ringing', connectedAt: undefined });
    const { page, frame } = await openFakeToolbar(browser, phoneState(ringing));
    expect(await frame.$(T('toolbar-keypad-toggle'))).toBeNull();
    await pushState(frame, phoneState(connectedCall()));
    await frame.waitForSelector(T('toolbar-keypad-toggle'));
    await pushState(frame, phoneState(connectedCall({ state: 'held' })));
    await frame.waitForSelector(`${T('toolbar-call-state')}[data-state="held"]`);
    expect(await frame.$(T('toolbar-keypad-toggle'))).not.toBeNull();
    await pushState(frame, phoneState(connectedCall(), { capabilities: { dtmf: false } }));
    await frame.waitForSelector(T('toolbar-keypad-toggle'), { hidden: true });
    await page.close();
  });

  it('each key goes at once, in order, and is echoed; typed keys too — but only where the agent put the focus, never in a field', async () => {
    const { page, frame } = await openFakeToolbar(browser, phoneState(connectedCall({ quality: GOOD_QUALITY })));
    await agentClick(frame, T('toolbar-keypad-toggle'));
    await frame.waitForSelector(T('toolbar-dtmf'));
    expect(await attr(frame, T('toolbar-keypad-toggle'), 'aria-expanded')).toBe('true');
    expect(await text(frame, T('toolbar-dtmf-echo'))).toContain('按下即发送');

    for (const key of ['1', 'hash', 'star']) await agentClick(frame, T(`toolbar-dtmf-key-${key}`));
    await frame.waitForSelector(`${T('toolbar-dtmf-echo')}[data-digits="1#*"]`);
    expect(await text(frame, T('toolbar-dtmf-echo'))).toBe('已按键：1#*');
    expect(await sentDigits(frame)).toBe('1#*');

    // The focus is on the * key the agent clicked: typed keys are presses.
    await page.keyboard.type('90');
    await frame.waitForSelector(`${T('toolbar-dtmf-echo')}[data-digits="1#*90"]`);

    // A click on the keypad between the keys (here: on the echo) is a place where typed keys count.
    await agentClick(frame, T('toolbar-dtmf-echo'));
    await page.keyboard.type('4');
    await frame.waitForSelector(`${T('toolbar-dtmf-echo')}[data-digits="1#*904"]`);

    // On the bare frame (where a page's focus() on the frame leaves it): nothing is sent.
    await frame.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.type('5');
    // On a control the focus was put on by script, not by the agent: refused, and the agent is told.
    await frame.evaluate(() => document.querySelector<HTMLElement>('[data-testid="toolbar-keypad-toggle"]')!.focus());
    await page.keyboard.type('6');
    await frame.waitForSelector(T('toolbar-refused'));
    expect(await frame.evaluate(() => document.documentElement.dataset.refused)).toBe('keydown:unfocused');

    // In a text field (the transfer target) digits are text.
    await agentClick(frame, T('toolbar-transfer-open'));
    await frame.waitForSelector(T('toolbar-transfer-input'));
    await agentClick(frame, T('toolbar-transfer-input'));
    await page.keyboard.type('7');
    expect(await frame.$eval(T('toolbar-transfer-input'), (el) => (el as HTMLInputElement).value)).toBe('7');
    await pause(300);
    expect(await sentDigits(frame)).toBe('1#*904');

    await fitToolbar(page, frame);
    await page.screenshot({ path: join(OUT, 'call-keypad-toolbar.png') });
    await page.close();
  });

  it('a key the platform refuses shows its error where call actions’ errors show', async () => {
    const { page, frame } = await openFakeToolbar(browser, phoneState(connectedCall()));
    await agentClick(frame, T('toolbar-keypad-toggle'));
    await failDtmf(frame, '接通后才能按键');
    await agentClick(frame, T('toolbar-dtmf-key-2'));
    await frame.waitForSelector(T('toolbar-error'));
    expect(await text(frame, T('toolbar-error'))).toBe('接通后才能按键');
    await page.close();
  });

  it('quality: bars and MOS beside the timer, the figures in its title and, on a click, on a line', async () => {
    const { page, frame } = await openFakeToolbar(browser, phoneState(connectedCall({ quality: GOOD_QUALITY })));
    const q = T('toolbar-quality');
    expect(await attr(frame, q, 'data-mos')).toBe('4.4');
    expect(await attr(frame, q, 'data-poor')).toBe('false');
    expect(await attr(frame, q, 'data-level')).toBe('good');
    expect(await text(frame, q)).toBe('4.4');
    expect(await attr(frame, q, 'title')).toBe('通话质量良好：MOS 4.4（满分 4.5）\n往返 38 ms · 抖动 3 ms · 丢包 0%');
    expect(await frame.$$eval(`${q} .bars i.on`, (bars) => bars.length)).toBe(3);
    await agentClick(frame, q);
    await frame.waitForSelector(T('toolbar-quality-figures'));
    expect(await text(frame, T('toolbar-quality-figures'))).toBe('往返 38 ms · 抖动 3 ms · 丢包 0%');
    // Not after the call: recent calls keep its summary.
    await pushState(frame, phoneState(connectedCall({ quality: GOOD_QUALITY, state: 'ended', endedAt: Date.now() })));
    await frame.waitForSelector(q, { hidden: true });
    await page.close();
  });

  it('a bad network: the warning takes the state switch’s place (the toolbar is no taller) and goes a few seconds after the figures recover', async () => {
    const { page, frame } = await openFakeToolbar(browser, phoneState(connectedCall({ quality: GOOD_QUALITY })));
    const before = await fitToolbar(page, frame);
    await pushState(frame, phoneState(connectedCall({ quality: POOR_QUALITY })));
    await frame.waitForSelector(T('toolbar-network-warning'));
    expect(await text(frame, T('toolbar-network-warning'))).toBe('网络较差：对方可能听不清');
    expect(await attr(frame, T('toolbar-network-warning'), 'role')).toBe('status');
    expect(await attr(frame, T('toolbar-quality'), 'data-poor')).toBe('true');
    expect(await frame.$(T('toolbar-agent-states'))).toBeNull();
    const poor = await fitToolbar(page, frame);
    expect(poor.height).toBe(before.height);
    expect(poor.height).toBeLessThanOrEqual(CALL_MAX_HEIGHT);
    await page.screenshot({ path: join(OUT, 'call-keypad-toolbar-poor.png') });

    await pushState(frame, phoneState(connectedCall({ quality: GOOD_QUALITY })));
    await pause(1500);
    expect(await frame.$(T('toolbar-network-warning')), 'it stays a moment (no blinking at the threshold)').not.toBeNull();
    await eventually(async () => (await frame.$(T('toolbar-network-warning'))) === null, 'the warning to go', 8000);
    await frame.waitForSelector(T('toolbar-agent-states'));
    await page.close();
  });
});

describe('the popup in a browser-phone call', () => {
  it('按键 opens the keypad: presses go at once and are echoed; quality and the warning beside the call', async () => {
    const popup = await openFakePopup(browser, phoneState(connectedCall({ quality: POOR_QUALITY, digits: '1' })));
    expect(await attr(popup, T('popup-quality'), 'data-mos')).toBe('2.6');
    expect(await attr(popup, T('popup-quality'), 'data-poor')).toBe('true');
    expect(await text(popup, T('popup-network-warning'))).toBe('网络较差：对方可能听不清');
    await popup.click(T('popup-quality'));
    expect(await text(popup, T('popup-quality-figures'))).toBe('往返 420 ms · 抖动 46 ms · 丢包 8.4%');

    await popup.click(T('popup-keypad-toggle'));
    await popup.waitForSelector(T('popup-dtmf'));
    expect(await text(popup, T('popup-dtmf-echo'))).toBe('已按键：1');
    await popup.click(T('popup-dtmf-key-hash'));
    await popup.keyboard.type('23');
    await popup.waitForSelector(`${T('popup-dtmf-echo')}[data-digits="1#23"]`);
    // The transfer field: digits typed there are the number, not tones.
    await popup.click(T('transfer-input'));
    await popup.keyboard.type('8');
    await pause(300);
    expect(await sentDigits(popup)).toBe('#23');
    await popup.screenshot({ path: join(OUT, 'call-keypad-popup.png') });
    await popup.close();
  });

  it('recent calls: a call the phone measured shows its mean MOS (and its worst, when much lower); the figures in the title', async () => {
    const now = Date.now();
    const row = { direction: 'outbound', durationSec: 100, connected: true, result: '已接通 · 对方挂断' };
    const history = [
      { ...row, id: 'h1', number: '13912345678', startedAt: now - 600_000, endedAt: now - 500_000, quality: { meanMos: 4.3, worstMos: 4.1, rttMs: 40, jitterMs: 4, lossPct: 0 } },
      { ...row, id: 'h2', number: '02162345678', startedAt: now - 900_000, endedAt: now - 800_000, quality: { meanMos: 3.9, worstMos: 2.7, rttMs: 310, jitterMs: 38, lossPct: 6.2 } },
      { ...row, id: 'h3', number: '13800138000', startedAt: now - 990_000, endedAt: now - 980_000 },
    ];
    const popup = await openFakePopup(browser, phoneState(null), history);
    await popup.waitForSelector(T('history-quality'));
    const badges = await popup.$$eval(T('history-row'), (rows) =>
      rows.map((r) => {
        const badge = r.querySelector('[data-testid="history-quality"]');
        return badge && { text: badge.textContent, mos: badge.getAttribute('data-mos'), worst: badge.getAttribute('data-worst'), title: badge.getAttribute('title') };
      }),
    );
    expect(badges).toEqual([
      { text: '通话质量 4.3', mos: '4.3', worst: '4.1', title: '通话质量：平均 4.3，最低 4.1（MOS，满分 4.5）。挂断前：往返 40 ms · 抖动 4 ms · 丢包 0%' },
      { text: '通话质量 3.9 · 最低 2.7', mos: '3.9', worst: '2.7', title: '通话质量：平均 3.9，最低 2.7（MOS，满分 4.5）。挂断前：往返 310 ms · 抖动 38 ms · 丢包 6.2%' },
      null,
    ]);
    await popup.close();
  });
});
