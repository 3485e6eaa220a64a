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
import { startRabbit } from '../test/support/rabbitmq.ts';
import { DEFAULT_COMPANY, VcallSimulator } from '../test/simulators/vcall/vcall-simulator.ts';
import { CcpaasSimulator, DEFAULT_APP_SID as CCPAAS_APP_SID } from '../test/simulators/ccpaas/ccpaas-simulator.ts';
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

async function listenOn<T extends { start(): Promise<unknown>; close?(): Promise<void> }>(make: (port: number) => T, port: number): Promise<T> {
  const sim = make(port);
  try {
    await sim.start();
    return sim;
  } catch {
    // A simulator that holds more than its port (v-call's broker connection) lets go of it.
    await sim.close?.().catch(() => undefined);
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

/**
 * v-call (seed 001) in agent mode: the platform simulator's HTTP APIs and a real RabbitMQ carrying
 * the agent's events over STOMP. loginType 1: the agent's SIP phone is the platform's, simulated —
 * it rings first on every call and picks up by itself; the customer answers a couple of seconds later.
 */
async function vcall(): Promise<DemoPlatform> {
  const AGENT = '1001';
  const PASSWORD = '123456';
  const MQ = { login: 'vcall-agent', passcode: 'vcall-agent-pw' };
  const company = DEFAULT_COMPANY.companyId;
  const subscribePath = `/queue/vcall.${company}.${AGENT}`;
  const mq = await startRabbit();
  let sim: VcallSimulator;
  try {
    // RabbitMQ's default vhost '/': what an empty 虚拟主机 setting means.
    await mq.addUser('/', MQ.login, MQ.passcode);
    sim = await listenOn(
      (port) =>
        new VcallSimulator({
          port,
          stomp: { url: mq.platformUrl, login: mq.admin.login, passcode: mq.admin.passcode, vhost: '/' },
          // The agent's phone rings long enough to be seen (toolbar and popup), then answers itself.
          agentAnswerDelayMs: 3500,
          ringDelayMs: 1000,
          answerDelayMs: 2500,
          // 话后 counts down 5 s, then the platform makes the agent 示闲 again.
          autoIdleSeconds: 5,
        }),
      8095,
    );
  } catch (error) {
    await mq.stop();
    throw error;
  }
  const base = sim.baseUrl;
  const nowState = () => (sim.state.agents as { agentNumber: string; nowState: string }[]).find((a) => a.agentNumber === AGENT)?.nowState;
  return {
    banner: [
      `v-call platform simulator: ${base}  (events: RabbitMQ web-STOMP ${mq.stompUrl})`,
      `  方式 座席登录, companyId ${company}, 工号 ${AGENT} / ${PASSWORD}, 登录方式 SIP 话机 (the platform's simulated phone answers by itself)`,
      `  事件推送 ${mq.stompUrl}, account ${MQ.login} / ${MQ.passcode}, 虚拟主机 empty (= '/'), 订阅路径 ${subscribePath}`,
      `  modes openCall / callback: accessKeyId ${DEFAULT_COMPANY.accessKeyId}  accessKeySecret ${DEFAULT_COMPANY.accessKeySecret}`,
    ],
    async fillLogin(popup) {
      await popup.select('[data-testid="provider-select"]', 'vcall');
      await popup.waitForSelector('[data-testid="setting-mode"]');
      await popup.select('[data-testid="setting-mode"]', 'agent');
      await popup.waitForSelector('[data-testid="setting-companyId"]');
      const fields: Record<string, string> = {
        server: base,
        companyId: company,
        agentNumber: AGENT,
        password: PASSWORD,
        streamUrl: mq.stompUrl,
        connectAccount: MQ.login,
        connectPassword: MQ.passcode,
        subscribePath,
      };
      for (const [key, value] of Object.entries(fields)) await fill(popup, `[data-testid="setting-${key}"]`, value);
      await popup.select('[data-testid="setting-loginType"]', '1');
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', AGENT, 20_000);
      await popup.select('[data-testid="agent-state-select"]', 'idle');
      await waitForPopupAgentState(popup, '示闲');
    },
    readyLabel: '示闲',
    // An incoming call reaches an idle agent only: after 话后 the platform makes the agent idle first.
    ringAgent: (number) =>
      void (async () => {
        const until = Date.now() + 15_000;
        while (nowState() !== 'Idle' && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
        sim.incoming({ caller: number, agentNumber: AGENT });
      })().catch((error: unknown) => console.error('the demo could not ring the agent:', error)),
    // A SIP phone is answered on the phone: the simulated one picks up by itself.
    answer: async () => undefined,
    hints: [
      `Ring the agent (示闲 first):  curl -X POST ${base}/_sim/incoming -H 'Content-Type: application/json' -d '{"caller":"13500001111","agentNumber":"${AGENT}"}'`,
      `Make the customer busy:      curl -X POST ${base}/_sim/party-mode -H 'Content-Type: application/json' -d '{"mode":"busy"}'`,
      `Everything the platform has: ${base}/_sim/state  (test/simulators/vcall/README.md lists the /_sim/ routes)`,
    ],
    async stop() {
      await sim.close();
      await mq.stop();
    },
  };
}

/**
 * CC PaaS (seed 003) in toolbar mode: the simulator's CTI server over WebSocket (PhoneKit's methods and
 * callbacks, docs/providers/ccpaas-wire.md). phoneType 1: the agent's SIP phone is the platform's,
 * simulated — it rings first on every call and picks up by itself; the customer answers a couple of
 * seconds later; 整理 counts down 5 s after each call, then the platform makes the agent 就绪.
 */
async function ccpaas(): Promise<DemoPlatform> {
  const AGENT = '8001';
  const PASSWORD = '123456';
  const sim = await listenOn((port) => new CcpaasSimulator({ port, agentAnswerDelayMs: 3000, ringDelayMs: 1000, answerDelayMs: 2500, wrapupSeconds: 5 }), 8096);
  const base = sim.baseUrl;
  const agent = () => (sim.state.agents as { agentNo: string; workStatus: string; inWrapup: boolean; call: unknown }[]).find((a) => a.agentNo === AGENT);
  return {
    banner: [
      `CC PaaS platform simulator: ${base}`,
      `  接入方式 座席电话条, CTI 服务器 ${sim.ctiUrl}, appSid ${CCPAAS_APP_SID}, 座席号 ${AGENT} / ${PASSWORD}, 接听设备 SIP 话机 (the platform's simulated phone answers by itself)`,
      `  点击呼叫 (REST): ${base}, SoftVersion ${sim.softVersion} — the account is in test/simulators/ccpaas/defaults.ts`,
    ],
    async fillLogin(popup) {
      await popup.select('[data-testid="provider-select"]', 'ccpaas');
      await popup.waitForSelector('[data-testid="setting-mode"]');
      await popup.select('[data-testid="setting-mode"]', 'toolbar');
      await popup.waitForSelector('[data-testid="setting-ctiUrl"]');
      const fields: Record<string, string> = { ctiUrl: sim.ctiUrl, appSid: CCPAAS_APP_SID, agentNo: AGENT, password: PASSWORD, pauseCauses: '休息,培训' };
      for (const [key, value] of Object.entries(fields)) await fill(popup, `[data-testid="setting-${key}"]`, value);
      await popup.select('[data-testid="setting-phoneType"]', '1');
    },
    async loginAndReady(popup) {
      await popup.click('[data-testid="login"]');
      await waitForText(popup, '[data-testid="popup-agent"]', AGENT, 20_000);
      await waitForPopupAgentState(popup, '就绪');
    },
    readyLabel: '就绪',
    // The platform offers a call to a ready agent only: after 整理 it makes the agent 就绪 first.
    ringAgent: (number) =>
      void (async () => {
        const until = Date.now() + 15_000;
        while ((agent()?.workStatus !== 'ready' || agent()?.inWrapup || agent()?.call) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
        sim.incoming({ userNumber: number, agentNo: AGENT });
      })().catch((error: unknown) => console.error('the demo could not ring the agent:', error)),
    // A SIP phone is answered on the phone: the simulated one picks up by itself.
    answer: async () => undefined,
    hints: [
      `Ring the agent (就绪 first):  curl -X POST ${base}/_sim/incoming -H 'Content-Type: application/json' -d '{"userNumber":"13500001111","agentNo":"${AGENT}"}'`,
      `Make the customer busy:      curl -X POST ${base}/_sim/customer-outcome -H 'Content-Type: application/json' -d '{"mode":"busy"}'`,
      `Drop the CTI connection:     curl -X POST ${base}/_sim/drop -H 'Content-Type: application/json' -d '{}'`,
      `Everything the platform has: ${base}/_sim/state  (test/simulators/ccpaas/README.md lists the /_sim/ routes)`,
    ],
    async stop() {
      await sim.close();
    },
  };
}

export const DEMO_PLATFORMS: Readonly<Record<string, () => Promise<DemoPlatform>>> = { 'cmcc-softbar': softbar, dscom, '800ing': ing800, sip, vcall, ccpaas };
