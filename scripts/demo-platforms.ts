/**
 * The platforms `npm run demo` can run on: each starts its simulator, logs the agent in through
 * the popup like an agent would, makes the agent ready, and knows how to ring the agent and pick
 * up on its side. Adding a provider to the demo = one entry here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { SoftbarSimulator } from '../test/simulators/cmcc-softbar/softbar-simulator.ts';
import { DEFAULT_CLIENT, DEFAULT_USER, DscomSimulator } from '../test/simulators/dscom/dscom-simulator.ts';
import { DEFAULT_ACCOUNT, DEFAULT_PASSWORD, Ing800Simulator } from '../test/simulators/800ing/ing800-simulator.ts';
import { EXTENSION_ORIGIN, fill, ROOT, waitForPopupAgentState, waitForText } from '../test/e2e/support/extension.ts';
import { sipPassword, startKamailio } from '../test/support/kamailio.ts';
import { launchPeerBrowser, openPeer } from '../test/support/sip-peer.ts';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import { fakeMicrophoneArgs, writeToneWav } from '../test/support/tone.ts';

export interface DemoPlatform {
  /** What to print about the running simulator. */
  banner: string[];
  /** Fill the popup's form (screenshot comes next), then log in and make the agent ready. */
  fillLogin(popup: Page): Promise<void>;
  loginAndReady(popup: Page): Promise<void>;
  /** What the agent sees as ready. */
  readyLabel: string;
  /** Ring the agent with a customer call. */
  ringAgent(number: string): void;
  /** Answer it: from the popup when the platform can, else on the simulated phone. */
  answer(popup: Page): Promise<void>;
  /** Hints for a person using the demo with a display. */
  hints: string[];
  /** Extra Chromium flags for the agent's browser (the browser phone's fake microphone). */
  launchArgs?: string[];
  /** Once the agent's browser is up (grant the microphone …). */
  afterLaunch?(browser: Browser): Promise<void>;
  stop(): Promise<void>;
}

async function listenOn<T extends { start(): Promise<unknown> }>(make: (port: number) => T, port: number): Promise<T> {
  const sim = make(port);
  try {
    await sim.start();
    return sim;
  } catch {
    console.warn(`Port ${port} is taken; the simulator listens on a free port instead.`);
    const fallback = make(0);
    await fallback.start();
    return fallback;
  }
}

async function softbar(): Promise<DemoPlatform> {
  const sim = await listenOn((port) => new SoftbarSimulator({ extension: '8001', username: '张三', ringDelayMs: 1200, answerDelayMs: 2500, calleeMode: 'answer', port }), 8008);
  const base = `http://127.0.0.1:${sim.port}`;
  return {
    banner: [`Softphone-bar simulator: ${base}  (800 号码 8001)`],
    async fillLogin(popup) {
      await fill(popup, '[data-testid="setting-baseUrl"]', base);
      await fill(popup, '[data-testid="setting-extension"]', '8001');
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', '8001');
      await popup.click('[data-testid="agent-state-sipOnline"]');
      await waitForPopupAgentState(popup, '在线');
    },
    readyLabel: '在线',
    ringAgent: (number) => void sim.injectIncoming(number),
    answer: (popup) => popup.click('[data-testid="popup-answer"]'),
    hints: [
      `Simulate an incoming call:  curl -X POST ${base}/_sim/incoming -H 'Content-Type: application/json' -d '{"number":"13500001111"}'`,
      `Make the callee busy:       curl -X POST ${base}/_sim/callee -d '{"mode":"busy"}'`,
    ],
    stop: () => sim.stop(),
  };
}

async function dscom(): Promise<DemoPlatform> {
  const sim = await listenOn((port) => new DscomSimulator({ port, billingPort: port ? 8282 : 0, ringDelayMs: 1200, answerDelayMs: 2500, calleeMode: 'answer', wrapUpSeconds: 10 }), 8080);
  return {
    banner: [
      `dscom PBX simulator: ${sim.baseUrl}/dscom-api  (billing ${sim.billingUrl})`,
      `  client 4 / ${DEFAULT_CLIENT.secret}, user ${DEFAULT_USER.username} / ${DEFAULT_USER.password}, extension 8001, 工号 1011, queue 200`,
    ],
    async fillLogin(popup) {
      await popup.select('[data-testid="provider-select"]', 'dscom');
      await popup.waitForSelector('[data-testid="setting-clientId"]');
      const fields: Record<string, string> = {
        baseUrl: sim.baseUrl,
        billingUrl: sim.billingUrl,
        clientId: String(DEFAULT_CLIENT.id),
        clientSecret: DEFAULT_CLIENT.secret,
        username: DEFAULT_USER.username,
        password: DEFAULT_USER.password,
        extension: '8001',
        agentId: '1011',
        queues: '200',
        wrapUpSeconds: '10',
      };
      for (const [key, value] of Object.entries(fields)) await fill(popup, `[data-testid="setting-${key}"]`, value);
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', '8001');
      await popup.select('[data-testid="agent-state-select"]', 'ready');
      await waitForPopupAgentState(popup, '就绪');
    },
    readyLabel: '就绪',
    ringAgent: (number) => void sim.injectIncoming({ from: number, queue: '200' }),
    // dscom has no answer API: the agent picks up the desk phone (here: the simulated one).
    answer: async () => sim.agentAnswer('8001'),
    hints: [
      `Simulate a queue call:  curl -X POST ${sim.baseUrl}/_sim/incoming -H 'Content-Type: application/json' -d '{"from":"13500001111","queue":"200"}'`,
      `Pick it up on the phone: curl -X POST ${sim.baseUrl}/_sim/agent-answer -H 'Content-Type: application/json' -d '{"extension":"8001"}'`,
    ],
    stop: () => sim.stop(),
  };
}

async function ing800(): Promise<DemoPlatform> {
  const sim = await listenOn((port) => new Ing800Simulator({ port, clientPort: port ? 10800 : 0, ringDelayMs: 1200, answerDelayMs: 2500, calleeMode: 'answer' }), 8090);
  return {
    banner: [`八百呼 simulator: cloud API ${sim.baseUrl}/voip/api/jsondata.html, desktop client ${sim.clientUrl}`, `  account ${DEFAULT_ACCOUNT} / ${DEFAULT_PASSWORD} (cloud API mode)`],
    async fillLogin(popup) {
      await popup.select('[data-testid="provider-select"]', '800ing');
      await popup.waitForSelector('[data-testid="setting-mode"]');
      await popup.select('[data-testid="setting-mode"]', 'cloud');
      await fill(popup, '[data-testid="setting-server"]', sim.baseUrl);
      await fill(popup, '[data-testid="setting-account"]', DEFAULT_ACCOUNT);
      await fill(popup, '[data-testid="setting-password"]', DEFAULT_PASSWORD);
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', '8001');
    },
    // 八百呼's API has no agent state: logged in is ready.
    readyLabel: '已登录',
    ringAgent: (number) => void sim.injectIncoming(number),
    answer: (popup) => popup.click('[data-testid="popup-answer"]'),
    hints: [`Simulate an incoming call:  curl -X POST ${sim.baseUrl}/_sim/incoming -H 'Content-Type: application/json' -d '{"from":"13500001111"}'`],
    stop: () => sim.stop(),
  };
}

/**
 * The browser phone (provider sip) on a real SIP server: Kamailio over WebSocket, and the
 * customers as JsSIP phones in a second headless Chromium — one answers every number of the
 * demo CRM (Kamailio's catch-all), one rings the agent. The agent's microphone is Chromium's fake
 * device playing a 440 Hz tone.
 */
async function sip(): Promise<DemoPlatform> {
  // The customers' phone page is a test fixture (npm run build:fixtures builds it with the rest).
  if (!existsSync(join(ROOT, 'test/fixtures/sip-peer/dist/index.html'))) {
    const built = spawnSync('npx', ['vite', 'build', '--config', 'test/fixtures/sip-peer/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('could not build the SIP phone page (test/fixtures/sip-peer)');
  }
  const work = mkdtempSync(join(tmpdir(), 'callbar-demo-sip-'));
  const wav = writeToneWav(join(work, 'agent.wav'), 440, 60);
  const kam = await startKamailio({ catchAll: 'customers' });
  const fixtures = await startFixtureServer();
  const peers = await launchPeerBrowser();
  const customers = await openPeer(peers, fixtures.url, { tone: 1000, autoAnswer: true });
  await customers.registerOn(kam, 'customers');
  const caller = await openPeer(peers, fixtures.url, { tone: 700 });
  let permissions: CDPSession | undefined;
  return {
    banner: [`SIP server (Kamailio): ${kam.wsUrl}  domain ${kam.domain}`, `  agent 1001 / ${sipPassword('1001')}; every CRM number answers after a ring (a JsSIP phone)`],
    // No --use-fake-ui-for-media-stream: the grant is the extension's, as the microphone page leaves it.
    launchArgs: fakeMicrophoneArgs(wav).filter((a) => a !== '--use-fake-ui-for-media-stream'),
    async afterLaunch(browser) {
      permissions = await browser.target().createCDPSession();
      await permissions.send('Browser.setPermission', { origin: EXTENSION_ORIGIN, permission: { name: 'microphone' }, setting: 'granted' });
    },
    async fillLogin(popup) {
      await popup.select('[data-testid="provider-select"]', 'sip');
      await popup.waitForSelector('[data-testid="setting-wsUrl"]');
      await fill(popup, '[data-testid="setting-wsUrl"]', kam.wsUrl);
      await fill(popup, '[data-testid="setting-user"]', `1001@${kam.domain}`);
      await fill(popup, '[data-testid="setting-displayName"]', '张三');
      await fill(popup, '[data-testid="setting-password"]', sipPassword('1001'));
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', '1001', 20_000);
      await waitForPopupAgentState(popup, '示闲');
    },
    readyLabel: '示闲',
    ringAgent: (number) =>
      void caller
        .registerOn(kam, number)
        .then(() => caller.call('1001'))
        .catch((error: unknown) => console.error('the demo caller could not ring the agent:', error)),
    answer: (popup) => popup.click('[data-testid="popup-answer"]'),
    hints: [`The customers are JsSIP phones: any number answers. Ring the agent by hand: npm run sim:sip (another server), or register a JsSIP phone on ${kam.wsUrl} and call 1001.`],
    async stop() {
      await permissions?.detach().catch(() => undefined);
      await peers.close().catch(() => undefined);
      await fixtures.close();
      await kam.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export const DEMO_PLATFORMS: Readonly<Record<string, () => Promise<DemoPlatform>>> = { 'cmcc-softbar': softbar, dscom, '800ing': ing800, sip };
