/**
 * Provider vcall (seed 001) with the agent's other two phones, end to end: loginType 2 (the agent's
 * mobile, rung by the platform) and loginType 3 (CallBar's browser phone registered with the Login
 * event's WebRTC account on a real Kamailio). The v-call simulator's events travel over a real
 * RabbitMQ; its `agentLeg` hook is the platform's media server: a far-end JsSIP phone that calls the
 * agent's SIP URI through Kamailio, sends a 1000 Hz tone and listens. The agent's microphone is
 * Chromium's fake device playing 440 Hz, so each side hearing the other's frequency proves two-way
 * audio. Steps run in order in one browser, as an agent's shift would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS, DEFAULT_COMPANY, VcallSimulator, type AgentLegCall } from '../simulators/vcall/vcall-simulator.ts';
import { type Kamailio, sipPassword, startKamailio } from '../support/kamailio.ts';
import { startRabbit, type Rabbit } from '../support/rabbitmq.ts';
import { launchPeerBrowser, openPeer, type SipPeer, waitForPeer, waitForTone } from '../support/sip-peer.ts';
import { fakeMicrophoneArgs, writeToneWav } from '../support/tone.ts';
import { waitAgentHears } from './support/agent-audio.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  startCrmShift,
  testid as T,
  toolbarHas,
  waitForText,
  waitForToolbarAgentState,
  waitForToolbarCallState,
  waitForToolbarText,
} from './support/extension.ts';
import { microphonePermission, mediaServerLeg as platformMediaLeg, offscreenDocuments as offscreenDocumentCount, phoneStatus as browserPhoneStatus } from './support/platform-media.ts';

const AGENT_TONE = 440;
const PLATFORM_TONE = 1000;
const WEBRTC_AGENT = '1001';
const MOBILE_AGENT = '1002';
const PASSWORD = '123456';
const VHOST = '/';
const MQ = { login: 'vcall-agent', passcode: 'vcall-agent-pw' };
/** The platform's media server registers on Kamailio as this user. */
const MEDIA_SERVER = 'vcallmedia';
const CUSTOMER = '13911112222';
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;
/** The agent's WebRTC account on the platform (Kamailio's password rule: "pw-" + user). */
const webrtcId = (agentNumber: string) => `w${agentNumber}`;

let kam: Kamailio;
let mq: Rabbit;
let sim: VcallSimulator;
let shift: CrmShift;
let media: SipPeer;
let workDir: string;
let peers: Awaited<ReturnType<typeof launchPeerBrowser>>;
/** The legs the platform placed to the browser phone, oldest first, with the media server's session id. */
const legs: Array<AgentLegCall & { session: string }> = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const agentOnPlatform = (number: string) =>
  (sim.state.agents as { agentNumber: string; nowState: string; loggedIn: boolean; call: { phone: string | null; phase: string } | null }[]).find((a) => a.agentNumber === number)!;
const controlBodies = (request: string) =>
  sim.requestsTo('control').flatMap((r) => (typeof r.body === 'object' && r.body && (r.body as { request?: string }).request === request ? [r.body as Record<string, unknown>] : []));

/** The state of one of the media server's calls. */
async function mediaCall(id: string): Promise<string | undefined> {
  return (await media.snapshot()).sessions.find((s) => s.id === id)?.state;
}

/** The simulator's `agentLeg` hook, played by the media server (support/platform-media.ts). */
const mediaServerLeg = platformMediaLeg(() => media, legs);
const phoneStatus = () => browserPhoneStatus(shift.browser);
const offscreenDocuments = () => offscreenDocumentCount(shift.browser);
const microphone = microphonePermission(() => shift.browser);
const setMicrophone = (setting: 'granted' | 'prompt') => microphone.set(setting);

/** The popup's settings form for an agent session, filled as the agent does (not submitted). */
async function agentForm(popup: Page, agent: string, loginType: '2' | '3'): Promise<void> {
  await popup.select(T('provider-select'), 'vcall');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), 'agent');
  await fill(popup, T('setting-server'), sim.baseUrl);
  await fill(popup, T('setting-companyId'), DEFAULT_COMPANY.companyId);
  await fill(popup, T('setting-agentNumber'), agent);
  await fill(popup, T('setting-password'), PASSWORD);
  await popup.select(T('setting-loginType'), loginType);
  if (loginType === '3') await fill(popup, T('setting-phoneWsUrl'), kam.wsUrl);
  await fill(popup, T('setting-streamUrl'), mq.stompUrl);
  await fill(popup, T('setting-connectAccount'), MQ.login);
  await fill(popup, T('setting-connectPassword'), MQ.passcode);
  await fill(popup, T('setting-subscribePath'), `/queue/vcall.${DEFAULT_COMPANY.companyId}.${agent}`);
}

/** The ended call's card goes (the toolbar's 关闭), when it is still there. */
async function dismiss(): Promise<void> {
  if (await toolbarHas(shift.crm, T('toolbar-dismiss'))) await clickToolbar(shift.crm, T('toolbar-dismiss'));
}

async function goIdle(popup: Page, agent: string): Promise<void> {
  await popup.select(T('agent-state-select'), 'idle');
  await eventually(() => agentOnPlatform(agent).nowState === 'Idle', `${agent} idle on the platform`);
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'callbar-vcall-phone-'));
  const wav = writeToneWav(join(workDir, 'agent-440.wav'), AGENT_TONE, 60);
  [kam, mq] = await Promise.all([startKamailio(), startRabbit()]);
  await mq.addUser(VHOST, MQ.login, MQ.passcode);
  sim = new VcallSimulator({
    stomp: { url: mq.platformUrl, login: mq.admin.login, passcode: mq.admin.passcode, vhost: VHOST },
    // Each agent's WebRTC account lives on the test's Kamailio.
    agents: DEFAULT_AGENTS.map((a) => ({ ...a, webrtcSipId: webrtcId(a.agentNumber), webrtcSipPassword: sipPassword(webrtcId(a.agentNumber)), webrtcDomain: kam.domain })),
    agentLeg: mediaServerLeg,
    // The mobile (loginType 2) answers by itself after a second.
    agentAnswerDelayMs: 1000,
    ringDelayMs: 200,
    answerDelayMs: 800,
    autoIdleSeconds: 2,
  });
  await sim.start();
  // No --use-fake-ui-for-media-stream: the grant is the extension origin's, set below per step.
  const micArgs = fakeMicrophoneArgs(wav).filter((a) => a !== '--use-fake-ui-for-media-stream');
  shift = await startCrmShift({ args: [...micArgs, '--autoplay-policy=no-user-gesture-required'] });
  await setMicrophone('prompt');
  peers = await launchPeerBrowser();
  media = await openPeer(peers, shift.fixtures.url, { name: 'media server', tone: PLATFORM_TONE });
  await media.registerOn(kam, MEDIA_SERVER);
}, 120_000);

afterAll(async () => {
  await microphone.detach();
  await peers?.close().catch(() => undefined);
  await shift?.close();
  await sim?.close();
  await mq?.stop();
  await kam?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('vcall: loginType 2, the agent’s mobile', () => {
  it('logs in without the browser phone, dials from the CRM: the platform rings the mobile, connected, hung up from the toolbar', async () => {
    const { popup } = shift;
    await popup.bringToFront();
    await agentForm(popup, MOBILE_AGENT, '3');
    // The browser phone would need the microphone: the form says so for a WebRTC login…
    await popup.waitForSelector(`${T('mic-notice')}[data-state="prompt"]`);
    // …and not for the mobile.
    await popup.select(T('setting-loginType'), '2');
    await eventually(async () => (await popup.$(T('mic-notice'))) === null || null, 'no microphone notice for a mobile login');
    await popup.click(T('login'));
    await waitForText(popup, T('popup-agent'), MOBILE_AGENT);
    expect(controlBodies('login').at(-1)).toMatchObject({ agentNumber: MOBILE_AGENT, request: 'login', loginType: '2' });
    expect(await popup.$(T('mic-notice'))).toBeNull();
    await goIdle(popup, MOBILE_AGENT);

    await shift.crm.bringToFront();
    const number = await shift.crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(shift.crm, `${MOBILE_CELL(2)} callbarcall`);
    await waitForToolbarCallState(shift.crm, 'ringing');
    expect(controlBodies('makeCall').at(-1)).toMatchObject({ agentNumber: MOBILE_AGENT, called: number });
    expect(agentOnPlatform(MOBILE_AGENT).call?.phone).toBe('mobile');
    await waitForToolbarCallState(shift.crm, 'connected');
    await clickToolbar(shift.crm, T('toolbar-hangup'));
    await waitForToolbarCallState(shift.crm, 'ended');
    expect(controlBodies('cancelCall').at(-1)).toMatchObject({ agentNumber: MOBILE_AGENT });
    // CallBar never started its phone: no offscreen document, no call placed to a browser phone.
    expect(await offscreenDocuments()).toBe(0);
    expect(legs).toHaveLength(0);
    await dismiss();

    await popup.bringToFront();
    await popup.click(T('logout'));
    await eventually(() => !agentOnPlatform(MOBILE_AGENT).loggedIn, 'the mobile agent logged out on the platform');
    await popup.waitForSelector(T('login'));
  });
});

describe('vcall: loginType 3, the browser phone with Kamailio', () => {
  it('logs in: the phone registers with the Login event’s WebRTC account at the phone address, no banner', async () => {
    await setMicrophone('granted');
    const { popup } = shift;
    await agentForm(popup, WEBRTC_AGENT, '3');
    await popup.click(T('login'));
    await waitForText(popup, T('popup-agent'), WEBRTC_AGENT, 20_000);
    expect(controlBodies('login').at(-1)).toMatchObject({ agentNumber: WEBRTC_AGENT, request: 'login', loginType: '3' });
    const status = await phoneStatus();
    expect(status.registration).toBe('registered');
    expect(status.account).toContain(kam.wsUrl);
    expect(status.account).toContain(`sip:${webrtcId(WEBRTC_AGENT)}@${kam.domain}`);
    expect(await popup.$(T('popup-problem'))).toBeNull();
    expect(await popup.$(T('mic-notice'))).toBeNull();
    await goIdle(popup, WEBRTC_AGENT);
    await shift.crm.bringToFront();
    await waitForToolbarAgentState(shift.crm, '示闲');
    expect(await toolbarHas(shift.crm, T('toolbar-problem'))).toBe(false);
  });

  it('dials from a CRM button: the platform’s call to the browser phone is answered by itself, the customer answers, both hear each other; 挂断 ends the SIP call too', async () => {
    await agentClick(shift.crm, `${MOBILE_CELL(3)} callbarcall`);
    await eventually(() => legs.length === 1 || null, 'the platform to call the browser phone');
    expect(legs[0]!.sipUri).toBe(`sip:${webrtcId(WEBRTC_AGENT)}@${kam.domain}`);
    // Nobody clicked anything: the phone took the platform's call because the agent dialled.
    await waitForPeer(media, (s) => s.sessions.some((x) => x.id === legs[0]!.session && x.state === 'connected'), 'the browser phone to answer the platform');
    await waitForToolbarCallState(shift.crm, 'connected');
    expect(agentOnPlatform(WEBRTC_AGENT).call?.phone).toBe('webrtc');
    await waitForTone(media, AGENT_TONE, true);
    await waitAgentHears(shift.browser, PLATFORM_TONE, true);
    await waitForTone(media, PLATFORM_TONE, false);

    await clickToolbar(shift.crm, T('toolbar-hangup'));
    await waitForToolbarCallState(shift.crm, 'ended');
    expect(controlBodies('cancelCall').at(-1)).toMatchObject({ agentNumber: WEBRTC_AGENT });
    await eventually(async () => (await mediaCall(legs[0]!.session)) === 'ended' || null, 'the SIP call to end at the platform');
    await eventually(async () => (await phoneStatus()).call?.state === 'ended' || null, 'the browser phone’s call to end');
    await waitAgentHears(shift.browser, PLATFORM_TONE, false);
    await dismiss();
  });

  it('a customer’s call rings on the browser phone, 接听 in the toolbar answers it, both hear each other; the customer hangs up', async () => {
    await waitForToolbarAgentState(shift.crm, '示闲', 10_000);
    sim.incoming({ caller: CUSTOMER, agentNumber: WEBRTC_AGENT });
    await waitForToolbarCallState(shift.crm, 'incoming');
    await eventually(() => legs.length === 2 || null, 'the platform to call the browser phone');
    await eventually(async () => (await phoneStatus()).call?.state === 'incoming' || null, 'the browser phone to ring');
    // It keeps ringing until the agent answers: no call of the agent's own to expect.
    await sleep(1500);
    expect(await mediaCall(legs[1]!.session)).toBe('ringing');
    expect(agentOnPlatform(WEBRTC_AGENT).call?.phase).toBe('agentRinging');

    await clickToolbar(shift.crm, T('toolbar-answer'));
    await waitForToolbarCallState(shift.crm, 'connected');
    expect(await mediaCall(legs[1]!.session)).toBe('connected');
    await waitForTone(media, AGENT_TONE, true);
    await waitAgentHears(shift.browser, PLATFORM_TONE, true);

    sim.customerHangup(CUSTOMER);
    await waitForToolbarCallState(shift.crm, 'ended');
    await waitForToolbarText(shift.crm, T('toolbar-call'), /挂机|挂断/);
    await eventually(async () => (await phoneStatus()).call?.state === 'ended' || null, 'the browser phone’s call to end');
    await dismiss();
  });

  it('a dial the platform refuses leaves no call to be answered by itself: the next customer’s call rings until the agent acts', async () => {
    await waitForToolbarAgentState(shift.crm, '示闲', 10_000);
    sim.failNextMakeCall('座席电话未注册');
    await agentClick(shift.crm, `${MOBILE_CELL(4)} callbarcall`);
    await waitForToolbarCallState(shift.crm, 'ended');
    await waitForToolbarText(shift.crm, T('toolbar-call'), /座席电话未注册/);
    await dismiss();
    expect(legs).toHaveLength(2);

    sim.incoming({ caller: CUSTOMER, agentNumber: WEBRTC_AGENT });
    await waitForToolbarCallState(shift.crm, 'incoming');
    await eventually(() => legs.length === 3 || null, 'the platform to call the browser phone');
    await sleep(1500);
    expect(await mediaCall(legs[2]!.session)).toBe('ringing');
    expect(agentOnPlatform(WEBRTC_AGENT).call?.phase).toBe('agentRinging');
    // The agent declines it: the platform's call to the browser phone ends.
    await clickToolbar(shift.crm, T('toolbar-hangup'));
    await waitForToolbarCallState(shift.crm, 'ended');
    await eventually(async () => (await mediaCall(legs[2]!.session)) === 'ended' || null, 'the SIP call to end at the platform');
    await dismiss();
  });
});
