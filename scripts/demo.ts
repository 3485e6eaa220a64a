/**
 * `npm run demo`: the product on its built-in default — the 移动云 softphone-bar
 * simulator, the demo CRM page and Chromium with the built extension, logged in
 * and with the phone column picked.
 *
 * With a display it leaves the browser open for you to use. Without one (or with
 * --headless) it walks through a call headless and saves a screenshot per step in
 * demo-output/<provider>/.
 *
 *   npm run demo [-- --headless] [-- --provider cmcc-softbar|dscom|800ing|sip|vcall|ccpaas]
 *
 * Platforms: scripts/demo-platforms.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import {
  agentClick,
  clickInShadow,
  clickToolbar,
  eventually,
  inShadow,
  launchWithExtension,
  openPopup,
  ROOT,
  tabIdOf,
  toolbarCallState,
  waitForText,
  waitForToolbarCallState,
} from '../test/e2e/support/extension.ts';
import { DEMO_PLATFORMS } from './demo-platforms.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

const PROVIDERS = Object.keys(DEMO_PLATFORMS);
const provider = option('provider', 'cmcc-softbar');
if (!PROVIDERS.includes(provider)) {
  console.error(`Unknown provider "${provider}". Available: ${PROVIDERS.join(', ')}`);
  process.exit(2);
}
const headless = flag('headless') || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
// One folder per provider: a demo of one platform leaves the others' screenshots alone.
const OUT = join(ROOT, 'demo-output', provider);
const MOBILE = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let step = 0;
async function shot(page: Page, name: string, what: string) {
  if (!headless) return;
  step++;
  const file = join(OUT, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  ${String(step).padStart(2, '0')}. ${what}\n      ${file}`);
}

async function main() {
  const platform = await DEMO_PLATFORMS[provider]!();
  const fixtures = await startFixtureServer();
  const crmUrl = `${fixtures.url}/crm/index.html`;
  for (const line of platform.banner) console.log(line);
  console.log(`Demo CRM: ${crmUrl}`);
  const ext = await launchWithExtension({ headless, ...(platform.launchArgs ? { args: platform.launchArgs } : {}) });
  const browser: Browser = ext.browser;
  await platform.afterLaunch?.(browser);
  const stop = async () => {
    await ext.close();
    await fixtures.close();
    await platform.stop();
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  if (headless) {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    console.log('\nNo display: walking through a call headless. Screenshots:');
  }

  const crm = await browser.newPage();
  await crm.goto(crmUrl);
  await crm.waitForSelector(MOBILE(1));
  const popup = await openPopup(browser, await tabIdOf(browser, crmUrl));

  // Configure and log in, as an agent would in the popup.
  await platform.fillLogin(popup);
  await shot(popup, 'popup-settings', 'Popup: provider settings');
  await platform.loginAndReady(popup);
  await shot(popup, 'popup-logged-in', `Popup: logged in and ready (${platform.readyLabel})`);

  // Pick the phone column: this enables CallBar on the demo CRM (a loopback site: no prompt).
  await popup.click('[data-testid="start-picker"]');
  await popup.waitForSelector('[data-testid="page-tools-info"]');
  await crm.bringToFront();
  await inShadow(crm, 'callbar-picker', '[data-testid="picker-bar"]');
  await crm.hover(MOBILE(2));
  await shot(crm, 'picker-hover', 'Element picker: hovering the phone column');
  await crm.click(MOBILE(2));
  await inShadow(crm, 'callbar-picker', '[data-testid="picker-count"]');
  await shot(crm, 'picker-confirm', 'Element picker: "将在 20 个单元格插入拨号按钮"');
  await clickInShadow(crm, 'callbar-picker', '[data-testid="picker-confirm"]');
  await eventually(async () => (await crm.$$('callbarcall')).length > 0, 'call buttons');
  await pause(300);
  await shot(crm, 'buttons', 'CRM page with a call button in every phone cell');

  if (!headless) {
    console.log(`
CallBar is running in the Chromium window.
  • Click a blue phone button in the 手机号码 column to dial (the simulated callee answers after 2.5 s).
${platform.hints.map((h) => `  • ${h}`).join('\n')}
Press Ctrl+C (or close the browser) to stop.`);
    await new Promise<void>((resolve) => browser.on('disconnected', () => resolve()));
    await stop();
    return;
  }

  // Headless walk-through of a call (the agent's clicks: the pointer moves there and rests a moment).
  await agentClick(crm, `${MOBILE(2)} callbarcall`);
  await eventually(async () => ['dialing', 'ringing'].includes((await toolbarCallState(crm)) ?? ''), 'the call going out');
  await shot(crm, 'ringing', 'Dialled with one click: the toolbar shows the call going out');
  await waitForToolbarCallState(crm, 'connected', 15_000);
  await pause(2200);
  await shot(crm, 'connected', 'The call is up: 通话中 (dscom: 外呼中 until its call record says the customer answered) with a running timer');
  await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
  await waitForToolbarCallState(crm, 'ended');
  await shot(crm, 'ended', 'Hung up from the toolbar: result shown');
  await clickToolbar(crm, '[data-testid="toolbar-dismiss"]');
  platform.ringAgent('13500001111');
  await waitForToolbarCallState(crm, 'incoming');
  await shot(crm, 'incoming', 'Incoming call on the toolbar');
  await popup.bringToFront();
  await waitForText(popup, '[data-testid="popup-call-state"]', '来电');
  await shot(popup, 'popup-incoming', 'Incoming call in the popup');
  await platform.answer(popup);
  await crm.bringToFront();
  await waitForToolbarCallState(crm, 'connected');
  await pause(1200);
  await shot(crm, 'incoming-answered', 'Answered');
  await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
  await waitForToolbarCallState(crm, 'ended');
  await pause(600);
  await shot(crm, 'after-call', 'After the call: result, 复制号码 / 重拨, and the agent state');
  console.log(`\nDone: ${step} screenshots in ${OUT}`);
  await stop();
}

main().catch((error) => {
  console.error(`Demo failed: ${(error as Error).message}`);
  process.exit(1);
});
