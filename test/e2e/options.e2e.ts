/**
 * The options page in the built extension: the settings file round-trips through import and
 * export, a bad file changes nothing, and a value pushed by enterprise policy — written as a
 * real Chromium policy file under /etc/chromium/policies/managed/ before the browser starts —
 * is shown locked, wins over the value the agent saved, and is the one a login uses.
 *
 * One Chromium profile for the whole file, as one agent's PC: first without a policy (import,
 * export, save a value of our own), then the administrator's policy appears and the browser
 * starts again. Needs root for /etc (CI runs as root); CALLBAR_POLICY_DIR overrides the
 * directory (Google Chrome: /etc/opt/chrome/policies/managed). Screenshot:
 * test-output/options-locked.png, options-locked-dark.png, popup-locked.png.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { EXTENSION_ID, EXTENSION_ORIGIN, eventually, fill, gotoExtensionPage, launchWithExtension, openPopup, ROOT, extensionApis, waitForText } from './support/extension.ts';

const POLICY_DIR = process.env.CALLBAR_POLICY_DIR ?? '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'callbar-e2e-options.json');
const OPTIONS_URL = `${EXTENSION_ORIGIN}/src/options/index.html`;
const OUT = join(ROOT, 'test-output');
const ID = 'cmcc-softbar';
const $ = (testid: string) => `[data-testid="${testid}"]`;

const work = mkdtempSync(join(tmpdir(), 'callbar-options-e2e-'));
const profile = join(work, 'profile');
let browser: Browser | null = null;
let sim: SoftbarSimulator;
/** The agent's own setting, saved before any policy: a port nothing listens on. */
const LOCAL_BASE_URL = 'http://127.0.0.1:9';

/** On a profile that outlives the browser (the agent's PC restarts Chromium). */
async function launch(): Promise<Browser> {
  return (await launchWithExtension({ userDataDir: profile, viewport: { width: 1100, height: 900 } })).browser;
}

async function openOptions(b: Browser): Promise<Page> {
  const page = await b.newPage();
  await gotoExtensionPage(page, OPTIONS_URL);
  await page.waitForSelector($('options'));
  return page;
}

/** A settings file exactly as the page writes one (2-space JSON, fields in schema order, final newline). */
function settingsText(extension: string | null, baseUrl = 'http://127.0.0.1:8010'): string {
  const file = {
    format: 'callbar-settings',
    version: 1,
    activeProvider: ID,
    providers: { [ID]: { baseUrl, ...(extension ? { extension } : {}) } },
    dialPlans: { [ID]: { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' } },
    rules: {
      format: 'callbar-rules',
      version: 1,
      rules: [{ id: 'rimport1', origin: 'https://crm.example.com', pathPattern: '/customers/*', selector: 'td.col-mobile', source: 'import', label: '手机号码', createdAt: 1700000000000 }],
      sites: { 'https://crm.example.com': { autoDetect: true } },
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function writeFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** Import through the real file chooser. */
async function importFile(page: Page, path: string): Promise<string> {
  const [chooser] = await Promise.all([page.waitForFileChooser({ timeout: 10_000 }), page.click($('import-settings'))]);
  await chooser.accept([path]);
  await page.waitForFunction((sel) => !!document.querySelector(sel)?.textContent?.trim(), {}, $('transfer-message'));
  return (await page.$eval($('transfer-message'), (el) => el.textContent ?? '')).trim();
}

/** Export through the real download: the file the browser saved. */
async function exportFile(page: Page, includeSecrets: boolean): Promise<string> {
  const dir = mkdtempSync(join(work, 'download-'));
  const session = await page.browser().target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  const box = await page.$(`${$('export-secrets')}`);
  if ((await box!.evaluate((el) => (el as HTMLInputElement).checked)) !== includeSecrets) await box!.click();
  await page.click($('export-settings'));
  const file = await eventually(() => readdirSync(dir).find((f) => f.endsWith('.json') && !f.endsWith('.crdownload')), 'the exported file');
  expect(file).toBe('callbar-settings.json');
  await waitForText(page, $('transfer-message'), '已导出 callbar-settings.json');
  await session.detach();
  return readFileSync(join(dir, file), 'utf8');
}

const valueOf = (page: Page, testid: string) => page.$eval($(testid), (el) => (el as HTMLInputElement).value);
const disabled = (page: Page, testid: string) => page.$eval($(testid), (el) => (el as HTMLInputElement).disabled);

/** Set a text field as an agent does: select all, type. */
/** Type into the field with this test id (select all, delete, type). */
const fillId = (page: Page, testid: string, value: string) => fill(page, $(testid), value);

/** The agent's own saved settings, straight from the extension's IndexedDB (what settings-store.ts wrote). */
function savedSettings(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('callbar');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('settings').objectStore('settings').get('provider:cmcc-softbar');
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  sim = new SoftbarSimulator({ port: 0, extension: '8001' });
  await sim.start();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  rmSync(POLICY_FILE, { force: true });
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('options page: the settings file', () => {
  let page: Page;
  beforeAll(async () => {
    rmSync(POLICY_FILE, { force: true });
    browser = await launch();
    page = await openOptions(browser);
  });

  it('shows every settings field of the provider, from the catalog, and no lock without a policy', async () => {
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe('http://127.0.0.1:8008');
    expect(await valueOf(page, `setting-${ID}-extension`)).toBe('');
    expect(await page.$($('policy-banner'))).toBeNull();
    expect(await page.$(`[data-testid^="locked-"]`)).toBeNull();
  });

  it('a file that moves a server says so first; cancelled, nothing changes', async () => {
    const before = await exportFile(page, true);
    expect(await importFile(page, writeFile('moved.json', settingsText('8001')))).toBe('“moved.json”会更改服务器地址：请先确认');
    expect(await page.$$eval($('import-server-change'), (items) => items.map((i) => i.textContent))).toEqual([
      '移动云坐席软电话（本机电话条） · 电话条地址：http://127.0.0.1:8008 → http://127.0.0.1:8010',
    ]);
    await page.click($('import-cancel'));
    await waitForText(page, $('transfer-message'), '没有导入“moved.json”，什么都没有更改');
    expect(await exportFile(page, true)).toBe(before);
  });

  it('imports a file (file chooser), confirmed, then exports exactly the same file (download)', async () => {
    const text = settingsText('8001');
    expect(await importFile(page, writeFile('team.json', text))).toBe('“team.json”会更改服务器地址：请先确认');
    await page.click($('import-confirm'));
    const message = await waitForText(page, $('transfer-message'), '已导入');
    expect(message).toBe('已导入 team.json：移动云坐席软电话（本机电话条）的设置和拨号规则；拨号按钮规则（新增 1 条，更新 0 条）');
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe('http://127.0.0.1:8010');
    expect(await valueOf(page, `setting-${ID}-extension`)).toBe('8001');
    expect(await valueOf(page, `dialplan-${ID}-outsideLinePrefix`)).toBe('9');
    expect(await valueOf(page, `dialplan-${ID}-extension`)).toBe('dtmf');
    expect(await exportFile(page, true)).toBe(text);
  });

  it('export → import → export is identical; without secrets the 800 number stays out', async () => {
    const exported = await exportFile(page, false);
    expect(exported).toBe(settingsText(null));
    expect(await importFile(page, writeFile('exported.json', exported))).toMatch(/^已导入 exported\.json：.*更新 1 条/);
    expect(await exportFile(page, false)).toBe(exported);
    // The import had no 800 number: the one saved before stays.
    expect(await valueOf(page, `setting-${ID}-extension`)).toBe('8001');
  });

  it('an invalid file gets a specific message and changes nothing', async () => {
    const before = await exportFile(page, true);
    const bad = settingsText('80a1', 'http://127.0.0.1:8020');
    expect(await importFile(page, writeFile('bad.json', bad))).toBe('导入 bad.json 失败，没有修改任何设置：providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成');
    expect(await page.$eval($('transfer-message'), (el) => el.getAttribute('role'))).toBe('alert');
    expect(await importFile(page, writeFile('notes.json', '{"format": "callbar-settings", '))).toBe('导入 notes.json 失败，没有修改任何设置：文件不是有效的 JSON');
    expect(await importFile(page, writeFile('rules.json', JSON.stringify({ format: 'callbar-rules', version: 1, rules: [] })))).toBe(
      '导入 rules.json 失败，没有修改任何设置：不是 CallBar 设置文件（format 应为 "callbar-settings"）',
    );
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe('http://127.0.0.1:8010');
    expect(await exportFile(page, true)).toBe(before);
  });

  it('the form refuses a bad value with the provider’s own message, and saves a good one', async () => {
    await fillId(page, `setting-${ID}-extension`, '80a1');
    await page.click($(`save-${ID}`));
    await waitForText(page, $(`error-${ID}-extension`), '800 号码只能由 3–20 位数字组成');
    await waitForText(page, $(`save-message-${ID}`), '没有保存');
    // The agent's own address, saved before the administrator steps in.
    await fillId(page, `setting-${ID}-baseUrl`, LOCAL_BASE_URL);
    await fillId(page, `setting-${ID}-extension`, '8001');
    await page.click($(`save-${ID}`));
    await waitForText(page, $(`save-message-${ID}`), '已保存');
    await page.reload();
    await page.waitForSelector($('options'));
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe(LOCAL_BASE_URL);
    expect(await savedSettings(page)).toEqual({ baseUrl: LOCAL_BASE_URL, extension: '8001' });
  });

  afterAll(async () => {
    await browser?.close();
    browser = null;
  });
});

describe('options page: enterprise policy', () => {
  let page: Page;
  let policyBaseUrl: string;

  beforeAll(async () => {
    policyBaseUrl = `http://127.0.0.1:${sim.port}`;
    // What an administrator deploys (docs/settings.md), written before the browser starts.
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: { providers: { [ID]: { baseUrl: policyBaseUrl } }, dialPlans: { [ID]: { outsideLinePrefix: '0' } } } } } }),
    );
    browser = await launch();
    page = await openOptions(browser);
  });

  afterAll(() => {
    rmSync(POLICY_FILE, { force: true });
  });

  it('Chromium hands the policy to the extension (chrome.storage.managed)', async () => {
    const worker = await extensionApis(browser!);
    const managed = await eventually(() => worker.evaluate(() => chrome.storage.managed.get()).then((m) => (Object.keys(m).length ? m : null)), 'the managed policy', 20_000);
    expect(managed).toEqual({ providers: { [ID]: { baseUrl: policyBaseUrl } }, dialPlans: { [ID]: { outsideLinePrefix: '0' } } });
  });

  it('shows the pushed values locked (🔒 由管理员设置) and in force over the saved one', async () => {
    // The page was open before Chromium delivered the policy: it follows storage.onChanged.
    await page.waitForSelector($(`locked-${ID}-baseUrl`), { timeout: 20_000 });
    expect(await page.$eval($(`locked-${ID}-baseUrl`), (el) => el.textContent?.trim())).toBe('由管理员设置');
    expect(await disabled(page, `setting-${ID}-baseUrl`)).toBe(true);
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe(policyBaseUrl);
    expect(await disabled(page, `dialplan-${ID}-outsideLinePrefix`)).toBe(true);
    expect(await valueOf(page, `dialplan-${ID}-outsideLinePrefix`)).toBe('0');
    expect(await page.$($(`locked-dialplan-${ID}-outsideLinePrefix`))).not.toBeNull();
    // Not pushed: the agent's own, editable.
    expect(await disabled(page, `setting-${ID}-extension`)).toBe(false);
    expect(await valueOf(page, `setting-${ID}-extension`)).toBe('8001');
    expect(await page.$($(`locked-${ID}-extension`))).toBeNull();
    await waitForText(page, $('policy-banner'), '由管理员通过企业策略统一设置');
    // The agent's own value is still saved underneath; the background answers with the pushed one.
    expect(await savedSettings(page)).toEqual({ baseUrl: LOCAL_BASE_URL, extension: '8001' });
    const reply = await page.evaluate((id) => chrome.runtime.sendMessage({ channel: 'callbar', type: 'settings/get', payload: { providerId: id } }), ID);
    expect(reply).toMatchObject({ ok: true, value: { settings: { baseUrl: policyBaseUrl, extension: '8001' } } });
    await page.screenshot({ path: join(OUT, 'options-locked.png'), fullPage: true });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.screenshot({ path: join(OUT, 'options-locked-dark.png'), fullPage: true });
    await page.emulateMediaFeatures([]);
  });

  it('the background refuses a change to a locked value, whoever sends it', async () => {
    const reply = await page.evaluate(
      (id) => chrome.runtime.sendMessage({ channel: 'callbar', type: 'settings/save', payload: { providers: { [id]: { baseUrl: 'http://127.0.0.1:8008' } } } }),
      ID,
    );
    expect(reply).toEqual({ ok: false, error: { code: 'forbidden', message: '“电话条地址”由管理员设置，不能修改（providers.cmcc-softbar.baseUrl）' } });
  });

  it('saving the form keeps the pushed value and saves the rest', async () => {
    await fillId(page, `setting-${ID}-extension`, '8001');
    await page.select($(`dialplan-${ID}-extension`), 'drop');
    await page.click($(`save-${ID}`));
    await waitForText(page, $(`save-message-${ID}`), '已保存');
    expect(await savedSettings(page)).toEqual({ baseUrl: LOCAL_BASE_URL, extension: '8001' });
  });

  it('an import leaves locked values alone and says so', async () => {
    const message = await importFile(page, writeFile('other-team.json', settingsText('8001', 'http://127.0.0.1:8030')));
    expect(message).toMatch(/^已导入 other-team\.json：.*以下由管理员设置，未导入：电话条地址、外线前缀$/);
    expect(await valueOf(page, `setting-${ID}-baseUrl`)).toBe(policyBaseUrl);
    expect(await valueOf(page, `dialplan-${ID}-outsideLinePrefix`)).toBe('0');
    expect(await valueOf(page, `dialplan-${ID}-internationalPrefix`)).toBe('+');
  });

  it('the popup shows the pushed value locked, and logging in uses it (the bar answers there)', async () => {
    const popup = await openPopup(browser!);
    await popup.waitForSelector($('locked-baseUrl'), { timeout: 10_000 });
    expect(await disabled(popup, 'setting-baseUrl')).toBe(true);
    expect(await valueOf(popup, 'setting-baseUrl')).toBe(policyBaseUrl);
    await popup.screenshot({ path: join(OUT, 'popup-locked.png') });
    await popup.click($('login'));
    await waitForText(popup, $('popup-agent'), '8001', 15_000);
    expect(sim.requestsTo('getUserInfo').length).toBeGreaterThan(0);
  });
});
