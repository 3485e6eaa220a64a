/**
 * The browser phone's microphone permission (docs/phone-microphone.md) in the built extension:
 * the popup's notice, the microphone page, the logged-in card and the options page's 话机设备,
 * against Chromium's fake devices (--use-fake-device-for-media-stream: "Fake Default Audio
 * Input", "Fake Audio Input 1/2", "Fake Default Audio Output", "Fake Audio Output 1/2").
 *
 * Two browsers. Asking goes through Chrome's real prompt, on an Xvfb display, answered with keys:
 * --use-fake-ui-for-media-stream (and --auto-accept-camera-and-microphone-capture) are no stand-in,
 * they let getUserMedia through without touching the permission, which stays 'prompt' (and pass
 * even a blocked one), so nothing would be granted for the offscreen phone. The other states are
 * set headless through CDP Browser.setPermission on the chrome-extension:// origin: the
 * descriptor is {name: 'microphone'} ('audioCapture' is refused as an invalid name), and every
 * document of the origin gets its PermissionStatus change event, as after a real answer.
 *
 * The logged-in card is seen on a real registrar (Kamailio, test/support/kamailio.ts).
 *
 * Screenshots: screens-output/mic-*.png (the popup at its real 360×600).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kamailio, sipPassword, startKamailio } from '../support/kamailio.ts';
import { type Display, startDisplay } from './support/display.ts';
import { eventually, EXTENSION_ORIGIN, type ExtensionBrowser, fill, gotoExtensionPage, launchWithExtension, openPopup, ROOT, testid, textOf, waitForText } from './support/extension.ts';

const SHOTS = join(ROOT, 'screens-output');
mkdirSync(SHOTS, { recursive: true });
const FAKE_DEVICES = '--use-fake-device-for-media-stream';
const MIC_PAGE = `${EXTENSION_ORIGIN}/src/microphone/index.html`;
const OPTIONS = `${EXTENSION_ORIGIN}/src/options/index.html`;
const SITE_SETTINGS = `chrome://settings/content/siteDetails?site=${encodeURIComponent(EXTENSION_ORIGIN)}`;

type Setting = 'granted' | 'prompt' | 'denied';

/**
 * What Chrome would store after the agent's answer (or a change in chrome://settings). The
 * session stays attached: Chrome drops a session's permission overrides when it detaches.
 */
async function setMicrophone(browser: Browser, setting: Setting): Promise<void> {
  let session = sessions.get(browser);
  if (!session) sessions.set(browser, (session = await browser.target().createCDPSession()));
  await session.send('Browser.setPermission', { origin: EXTENSION_ORIGIN, permission: { name: 'microphone' }, setting });
}
const sessions = new WeakMap<Browser, CDPSession>();

async function permissionOf(page: Page): Promise<string> {
  return page.evaluate(async () => (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state);
}

/** The popup with the browser phone chosen in its login form. */
async function popupWithPhone(browser: Browser): Promise<Page> {
  const popup = await openPopup(browser);
  await popup.select(testid('provider-select'), 'sip');
  return popup;
}

const notice = (state: 'prompt' | 'denied', id = 'mic-notice') => `${testid(id)}[data-state="${state}"]`;

async function micPageTarget(browser: Browser, from?: string) {
  return browser.waitForTarget((t) => t.url().startsWith(MIC_PAGE) && (!from || t.url().includes(`from=${from}`)), { timeout: 10_000 });
}

async function micResult(page: Page, result: string, timeout = 10_000): Promise<void> {
  await eventually(async () => (await page.$eval(testid('microphone'), (el) => el.getAttribute('data-result')).catch(() => null)) === result, `the microphone page to say ${result}`, timeout);
}

describe('asking for the microphone from the popup (Chrome’s real prompt)', () => {
  let display: Display;
  let ext: ExtensionBrowser;
  let browser: Browser;

  beforeAll(async () => {
    display = await startDisplay();
    ext = await launchWithExtension({ display: display.name, args: [FAKE_DEVICES] });
    browser = ext.browser;
  });
  afterAll(async () => {
    await ext?.close();
    await display?.stop();
  });

  it('the popup’s notice opens the microphone page, the agent allows in Chrome’s prompt, the page says so and closes, and the notice goes away', async () => {
    // A new profile: never asked. (No CDP override here: it would stand in front of the real answer.)
    const popup = await popupWithPhone(browser);
    expect(await permissionOf(popup)).toBe('prompt');
    await popup.waitForSelector(notice('prompt'), { visible: true });
    expect(await textOf(popup, testid('mic-notice'))).toContain('浏览器话机需要使用麦克风');
    // Registering needs no microphone: 登录 stays enabled, the notice says calls need it.
    expect(await popup.$eval(testid('login'), (b) => (b as HTMLButtonElement).disabled)).toBe(false);

    const opened = micPageTarget(browser, 'popup');
    await popup.click(testid('mic-allow'));
    const mic = (await (await opened).asPage())!;
    await mic.setViewport({ width: 900, height: 600 });
    await micResult(mic, 'asking');
    // Chrome 156's prompt: 在访问期间允许 / 仅此一次 / 一律不允许; two Tabs reach the first
    // (the lasting grant: 仅此一次 would end with this page, and the offscreen phone would lose it).
    await new Promise((r) => setTimeout(r, 1200));
    display.screenshot(join(ROOT, 'test-output', 'microphone-prompt.png'));
    display.keys('Tab', 'Tab', 'Return');

    await micResult(mic, 'granted');
    expect(await textOf(mic, testid('mic-result'))).toContain('已允许：现在可以关闭此页，回到弹出窗口登录');
    await mic.screenshot({ path: join(SHOTS, 'mic-page-granted.png') });
    expect(await permissionOf(mic)).toBe('granted');
    // Opened by the popup, it closes itself a few seconds later.
    await eventually(() => !browser.targets().some((t) => t.url().startsWith(MIC_PAGE)), 'the microphone page to close itself', 10_000);

    // The popup never reloaded: the permission's change event took the notice away.
    await popup.waitForSelector(testid('mic-notice'), { hidden: true, timeout: 5_000 });
    await popup.close();
    // A popup opened again reads it afresh: no notice.
    const again = await popupWithPhone(browser);
    await eventually(async () => (await permissionOf(again)) === 'granted', 'the permission to read granted');
    await new Promise((r) => setTimeout(r, 300));
    expect(await again.$(testid('mic-notice'))).toBeNull();
    await again.close();
  });
});

describe('the permission’s states (headless, set through CDP)', () => {
  let ext: ExtensionBrowser;
  let browser: Browser;
  let pbx: Kamailio;

  beforeAll(async () => {
    ext = await launchWithExtension({ args: [FAKE_DEVICES] });
    browser = ext.browser;
    pbx = await startKamailio();
  });
  afterAll(async () => {
    await ext?.close();
    await pbx?.stop();
  });

  it('blocked: the popup says how to unblock (its button opens CallBar’s site settings) and so does the microphone page; once allowed, both follow by themselves', async () => {
    await setMicrophone(browser, 'denied');
    const popup = await popupWithPhone(browser);
    await popup.waitForSelector(notice('denied'), { visible: true });
    const words = await textOf(popup, testid('mic-notice'));
    expect(words).toContain('麦克风已被禁止，浏览器话机无法通话');
    expect(words).toContain('把“麦克风”改为“允许”');
    expect(await textOf(popup, testid('mic-settings-address'))).toBe('chrome://settings/content/microphone');
    await popup.screenshot({ path: join(SHOTS, 'mic-popup-denied.png') });

    // A link cannot open chrome://settings from an extension page; chrome.tabs.create can.
    const settings = browser.waitForTarget((t) => t.url() === SITE_SETTINGS, { timeout: 10_000 });
    await popup.click(testid('mic-open-settings'));
    await (await (await settings).asPage())?.close();

    const mic = await browser.newPage();
    await mic.setViewport({ width: 900, height: 600 });
    await gotoExtensionPage(mic, MIC_PAGE);
    await micResult(mic, 'denied');
    const page = await textOf(mic, testid('mic-result'));
    expect(page).toContain('麦克风已被禁止');
    expect(page).toContain('chrome://settings/content/microphone');
    expect(page).toContain('打开权限设置');
    await mic.screenshot({ path: join(SHOTS, 'mic-page-denied.png') });

    // The agent allows it in chrome://settings: no reload anywhere.
    await setMicrophone(browser, 'granted');
    await popup.waitForSelector(testid('mic-notice'), { hidden: true, timeout: 5_000 });
    await micResult(mic, 'granted');
    await popup.close();
    await mic.close();
  });

  it('a provider without the browser phone shows no notice, whatever the permission', async () => {
    await setMicrophone(browser, 'denied');
    const popup = await openPopup(browser);
    await popup.select(testid('provider-select'), 'cmcc-softbar');
    await popup.select(testid('provider-select'), 'sip');
    await popup.waitForSelector(notice('denied'), { visible: true });
    await popup.select(testid('provider-select'), 'cmcc-softbar');
    await popup.waitForSelector(testid('mic-notice'), { hidden: true, timeout: 2_000 });
    await popup.close();
  });

  it('logged in to the browser phone without the permission: the session card says calls need it, until it is granted', async () => {
    await setMicrophone(browser, 'prompt');
    const popup = await popupWithPhone(browser);
    await popup.waitForSelector(notice('prompt'), { visible: true });
    // Taken here, headless: the window of the first browser draws classic scrollbars in the popup's 360 px.
    await popup.screenshot({ path: join(SHOTS, 'mic-popup-prompt.png') });
    // Registering needs no microphone: the login goes through without it.
    await fill(popup, testid('setting-wsUrl'), pbx.wsUrl);
    await fill(popup, testid('setting-user'), `1001@${pbx.domain}`);
    await fill(popup, testid('setting-password'), sipPassword('1001'));
    await popup.click(testid('login'));
    await waitForText(popup, testid('popup-agent'), '1001', 20_000);
    await popup.waitForSelector(notice('prompt', 'session-mic-notice'), { visible: true });
    await popup.screenshot({ path: join(SHOTS, 'mic-popup-session.png') });

    await setMicrophone(browser, 'granted');
    await popup.waitForSelector(testid('session-mic-notice'), { hidden: true, timeout: 5_000 });
    await popup.click(testid('logout'));
    await popup.waitForSelector(testid('login-form'));
    await popup.close();
  });

  it('options, 话机设备: asks for the permission first, then lists Chromium’s fake devices; a choice round-trips through settings/general-get, and an unplugged one stays as （未连接）', async () => {
    await setMicrophone(browser, 'prompt');
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800 });
    await gotoExtensionPage(page, OPTIONS);
    await page.waitForSelector(notice('prompt', 'devices-mic-notice'), { visible: true });
    expect(await page.$(testid('device-input'))).toBeNull();
    expect(await textOf(page, testid('devices'))).toContain('允许 CallBar 使用麦克风后，这里才会列出设备名称');

    // Granted while the page is open: the names come without a reload.
    await setMicrophone(browser, 'granted');
    await page.waitForSelector(testid('device-input'), { visible: true, timeout: 5_000 });
    const options = (id: string) => page.$$eval(`${testid(id)} option`, (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
    await eventually(async () => (await options('device-input')).length === 3, 'three microphones');
    const inputs = await options('device-input');
    const outputs = await options('device-output');
    expect(inputs.map((o) => o.label)).toEqual(['系统默认（Fake Default Audio Input）', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    expect(outputs.map((o) => o.label)).toEqual(['系统默认（Fake Default Audio Output）', 'Fake Audio Output 1', 'Fake Audio Output 2']);
    expect((await options('device-ring')).map((o) => o.label)).toEqual(outputs.map((o) => o.label));
    // The ids are the page's enumerateDevices ids (what the phone opens), not labels.
    const enumerated = await page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).map((d) => ({ id: d.deviceId, label: d.label })));
    const idOf = (label: string) => enumerated.find((d) => d.label === label)!.id;

    await page.select(testid('device-input'), idOf('Fake Audio Input 2'));
    await waitForText(page, testid('devices-message'), '已保存');
    await page.select(testid('device-ring'), idOf('Fake Audio Output 1'));
    await eventually(async () => (await generalDevices(page)).ring === idOf('Fake Audio Output 1'), 'the ring device to be saved');
    expect(await generalDevices(page)).toEqual({ input: idOf('Fake Audio Input 2'), output: '', ring: idOf('Fake Audio Output 1') });
    const card = await page.$(testid('devices'));
    await card!.screenshot({ path: join(SHOTS, 'mic-options-devices.png') });

    await page.reload();
    await page.waitForSelector(testid('device-input'), { visible: true });
    await eventually(async () => (await page.$eval(testid('device-input'), (s) => (s as HTMLSelectElement).value)) === idOf('Fake Audio Input 2'), 'the saved microphone after a reload');
    expect(await page.$eval(testid('device-ring'), (s) => (s as HTMLSelectElement).value)).toBe(idOf('Fake Audio Output 1'));
    expect(await page.$eval(testid('device-output'), (s) => (s as HTMLSelectElement).value)).toBe('');

    // A headset chosen on another day, not plugged in now: kept, and said so.
    await page.evaluate(() => chrome.runtime.sendMessage({ channel: 'callbar', type: 'settings/general-set', payload: { devices: { input: 'usb-headset-gone', output: '', ring: '' } } }));
    await page.reload();
    await page.waitForSelector(testid('device-input'), { visible: true });
    await eventually(
      async () => (await page.$eval(testid('device-input'), (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')) === '（未连接）usb-headset-gone',
      'the unplugged microphone to stay chosen',
    );
    expect(await textOf(page, testid('devices'))).toContain('所选设备没有连接');
    await page.close();
  });
});

async function generalDevices(page: Page): Promise<Record<string, string>> {
  const reply = (await page.evaluate(() => chrome.runtime.sendMessage({ channel: 'callbar', type: 'settings/general-get', payload: {} }))) as { ok: boolean; value: { devices: Record<string, string> } };
  expect(reply.ok).toBe(true);
  return reply.value.devices;
}
