/**
 * Provider ccpaas (seed 003, toolbar mode) with the agent's PSTN phone and the WebPhone, end to end:
 * phoneType 2 (the platform rings the agent's simulated PSTN phone) and phoneType 3 (CallBar's browser
 * phone registered with initial's WebPhone account — `sip:<sipNumber>@<host of wsAddr>` — on a real
 * Kamailio whose domain is that host, 127.0.0.1, as a real PhoneKit's account would be). The CC PaaS
 * simulator's CTI server speaks the wire of docs/providers/ccpaas-wire.md; its `agentLeg` hook is the
 * platform's media server: a far-end JsSIP phone in a second Chromium that calls the agent's SIP URI
 * through Kamailio, sends a 1000 Hz tone and listens. The agent's microphone is Chromium's fake device
 * playing 440 Hz, so each side hearing the other's frequency proves two-way audio. Steps run in order
 * in one browser, as an agent's shift would.
 * Screenshots of the states only this file shows: test-output/ccpaas-phone-<step>.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentLegCall, CcpaasSimulator, DEFAULT_AGENTS, DEFAULT_APP_SID } from '../simulators/ccpaas/ccpaas-simulator.ts';
import { type Kamailio, sipPassword, startKamailio } from '../support/kamailio.ts';
import { launchPeerBrowser, openPeer, type SipPeer, waitForPeer, waitForTone } from '../support/sip-peer.ts';
import { fakeMicrophoneArgs, writeToneWav } from '../support/tone.ts';
import { waitAgentHears } from './support/agent-audio.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  ROOT,
  startCrmShift,
  testid as T,
  toolbarCallState,
  toolbarFrame,
  toolbarHas,
  waitForText,
  waitForToolbarAgentState,
  waitForToolbarCallState,
  waitForToolbarText,
} from './support/extension.ts';
import { microphonePermission, mediaServerLeg as platformMediaLeg, offscreenDocuments as offscreenDocumentCount, phoneStatus as browserPhoneStatus } from './support/platform-media.ts';

const AGENT_TONE = 440;
const PLATFORM_TONE = 1000;
const PSTN_AGENT = '8002';
const WEBPHONE_AGENT = '8003';
const PASSWORD = '123456';
/** The WebPhone's SIP account as initial gives it: a plain number, the domain being wsAddr's host. */
const WEBPHONE_SIP = '68003';
/** Kamailio's domain: the host of its ws:// address, so the plain sipNumber + wsAddr host is a real account there. */
const SIP_HOST = '127.0.0.1';
/** The platform's media server registers on Kamailio as this user. */
const MEDIA_SERVER = 'ccmedia';
const CUSTOMER = '13911113333';
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

let kam: Kamailio;
let sim: CcpaasSimulator;
let shift: CrmShift;
let media: SipPeer;
let workDir: string;
let peers: Awaited<ReturnType<typeof launchPeerBrowser>>;
/** The legs the platform placed to the browser phone, oldest first, with the media server's session id. */
const legs: Array<AgentLegCall & { session: string }> = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PlatformCall {
  direction: 'out' | 'in';
  userNumber: string;
  phase: string;
  held: boolean;
  phone: 'sip' | 'pstn' | 'webrtc';
  answerTime: number | null;
  outcome: { eventName: string; cause: string } | null;
}
interface PlatformAgent {
  agentNo: string;
  loggedIn: boolean;
  phoneType: number;
  workStatus: string;
  pauseCause: string;
  inWrapup: boolean;
  call: PlatformCall | null;
  history: PlatformCall[];
}

const agentOnPlatform = (agentNo: string) => (sim.state.agents as PlatformAgent[]).find((a) => a.agentNo === agentNo)!;
/** The params of the CTI requests `agentNo`'s toolbar sent for `method`, oldest first. */
const ctiRequests = (agentNo: string, method: string) =>
  sim.frames.flatMap(({ agentNo: sender, frame }) =>
    sender === agentNo && typeof frame === 'object' && frame !== null && (frame as { method?: unknown }).method === method ? [((frame as { params?: Record<string, unknown> }).params ?? {})] : [],
  );

/** The toolbar (its frame on the CRM page) or the popup, as the agent sees it now. */
async function shot(name: string, what: 'toolbar' | 'popup'): Promise<void> {
  const path = join(ROOT, 'test-output', `ccpaas-phone-${name}.png`);
  // A tab in the background draws nothing: a screenshot of it would wait forever.
  await (what === 'popup' ? shift.popup : shift.crm).bringToFront();
  if (what === 'popup') return void (await shift.popup.screenshot({ path, fullPage: true }));
  const frame = await toolbarFrame(shift.crm);
  const element = await frame.frameElement();
  await element?.screenshot({ path });
}

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

/** The popup's settings form for the toolbar mode, filled as the agent does (not submitted). */
async function agentForm(popup: Page, agentNo: string, phoneType: '2' | '3'): Promise<void> {
  await popup.select(T('provider-select'), 'ccpaas');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), 'toolbar');
  await fill(popup, T('setting-ctiUrl'), sim.ctiUrl);
  await fill(popup, T('setting-appSid'), DEFAULT_APP_SID);
  await fill(popup, T('setting-agentNo'), agentNo);
  await fill(popup, T('setting-password'), PASSWORD);
  await popup.select(T('setting-phoneType'), phoneType);
  await popup.select(T('setting-workStatus'), '1');
}

/** The ended call's card goes (the toolbar's 关闭), when it is still there. */
async function dismiss(): Promise<void> {
  // A tab in the background gets no pointer input: the agent looks at the CRM page.
  await shift.crm.bringToFront();
  if (await toolbarHas(shift.crm, T('toolbar-dismiss'))) await clickToolbar(shift.crm, T('toolbar-dismiss'));
}

/** The rows of 最近通话 in the popup that name `number`, once the popup shows them. */
async function historyRowsWith(number: string): Promise<string[]> {
  const { popup } = shift;
  await popup.bringToFront();
  return eventually(async () => {
    const rows = await popup.$$eval(T('history-row'), (all) => all.map((r) => r.textContent ?? ''));
    const mine = rows.filter((row) => row.includes(number));
    return mine.length > 0 ? mine : null;
  }, `最近通话 to list ${number}`);
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'callbar-ccpaas-phone-'));
  const wav = writeToneWav(join(workDir, 'agent-440.wav'), AGENT_TONE, 60);
  kam = await startKamailio({ domain: SIP_HOST });
  sim = new CcpaasSimulator({
    // 8003's WebPhone account lives on the test's Kamailio (its password rule: "pw-" + user).
    agents: DEFAULT_AGENTS.map((a) =>
      a.agentNo === WEBPHONE_AGENT ? { ...a, wsAddr: kam.wsUrl, sipNumber: WEBPHONE_SIP, sipPwd: sipPassword(WEBPHONE_SIP), sipDomain: SIP_HOST } : a,
    ),
    agentLeg: mediaServerLeg,
    // The PSTN phone (phoneType 2) answers by itself after half a second.
    agentAnswerDelayMs: 500,
    ringDelayMs: 200,
    answerDelayMs: 800,
    wrapupSeconds: 1,
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
  await kam?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('ccpaas: phoneType 2, the agent’s PSTN phone', () => {
  it('logs in without the browser phone, dials from the CRM: the platform rings the PSTN phone, then the customer; connected, hung up from the toolbar', async () => {
    const { popup } = shift;
    await popup.bringToFront();
    await agentForm(popup, PSTN_AGENT, '3');
    // The WebPhone would need the microphone: the form says so…
    await popup.waitForSelector(`${T('mic-notice')}[data-state="prompt"]`);
    await shot('popup-webphone-mic', 'popup');
    // …and not for the PSTN phone.
    await popup.select(T('setting-phoneType'), '2');
    await eventually(async () => (await popup.$(T('mic-notice'))) === null || null, 'no microphone notice for a PSTN login');
    await popup.click(T('login'));
    await waitForText(popup, T('popup-agent'), PSTN_AGENT);
    expect(ctiRequests(PSTN_AGENT, 'login').at(-1)).toMatchObject({ phoneType: 2, workStatus: 1 });
    expect(agentOnPlatform(PSTN_AGENT)).toMatchObject({ loggedIn: true, phoneType: 2, workStatus: 'ready' });
    expect(await popup.$(T('mic-notice'))).toBeNull();

    await shift.crm.bringToFront();
    await waitForToolbarAgentState(shift.crm, '就绪');
    const cell = `${MOBILE_CELL(2)} callbarcall`;
    const number = await shift.crm.$eval(cell, (h) => h.getAttribute('data-callbar-number'));
    expect(number).toMatch(/^1\d{10}$/);
    await agentClick(shift.crm, cell);
    // The PSTN phone picks up by itself, then the customer rings.
    await waitForToolbarCallState(shift.crm, 'ringing');
    expect(ctiRequests(PSTN_AGENT, 'callOut').at(-1)).toMatchObject({ userNumber: number });
    expect(agentOnPlatform(PSTN_AGENT).call).toMatchObject({ direction: 'out', userNumber: number, phone: 'pstn' });
    await waitForToolbarCallState(shift.crm, 'connected');
    await waitForToolbarText(shift.crm, T('toolbar-call-number'), number!);
    // PhoneKit has no mute or keys: only the browser phone could.
    expect(await toolbarHas(shift.crm, T('toolbar-mute'))).toBe(false);
    expect(await toolbarHas(shift.crm, T('toolbar-keypad-toggle'))).toBe(false);
    await shot('pstn-connected', 'toolbar');

    await clickToolbar(shift.crm, T('toolbar-hangup'));
    await waitForToolbarCallState(shift.crm, 'ended');
    expect(ctiRequests(PSTN_AGENT, 'hangup')).toHaveLength(1);
    // The platform's record: the call talked and the agent ended it.
    const record = agentOnPlatform(PSTN_AGENT).history.at(-1)!;
    expect(record).toMatchObject({ direction: 'out', userNumber: number, phone: 'pstn', outcome: { eventName: 'completed', cause: '' } });
    expect(record.answerTime).not.toBeNull();
    // CallBar never started its phone: no offscreen document, no call placed to a browser phone.
    expect(await offscreenDocuments()).toBe(0);
    expect(legs).toHaveLength(0);
    // 整理 (1 s) then 就绪 by itself.
    await waitForToolbarAgentState(shift.crm, '就绪', 10_000);
    await eventually(() => agentOnPlatform(PSTN_AGENT).workStatus === 'ready' && !agentOnPlatform(PSTN_AGENT).inWrapup, 'the PSTN agent ready again on the platform');
    await dismiss();

    await popup.bringToFront();
    await popup.click(T('logout'));
    await popup.waitForSelector(T('login'));
    // The platform is told (PhoneKit.logout): otherwise it keeps a 就绪 agent nobody is behind, and
    // refuses the agent's next login with 10004 坐席已登录.
    await eventually(
      () => !agentOnPlatform(PSTN_AGENT).loggedIn,
      `the PSTN agent logged out on the platform (logout requests CallBar sent: ${ctiRequests(PSTN_AGENT, 'logout').length})`,
      5000,
    );
    expect(ctiRequests(PSTN_AGENT, 'logout')).toHaveLength(1);
  });
});

describe('ccpaas: phoneType 3, the WebPhone with Kamailio', () => {
  it('logs in: the browser phone registers with initial’s account at initial’s address, no banner', async () => {
    await setMicrophone('granted');
    const { popup } = shift;
    await agentForm(popup, WEBPHONE_AGENT, '3');
    // Granted: nothing to ask.
    expect(await popup.$(`${T('mic-notice')}[data-state="prompt"]`)).toBeNull();
    await popup.click(T('login'));
    await waitForText(popup, T('popup-agent'), WEBPHONE_AGENT, 20_000);
    expect(ctiRequests(WEBPHONE_AGENT, 'login').at(-1)).toMatchObject({ phoneType: 3, workStatus: 1 });
    expect(agentOnPlatform(WEBPHONE_AGENT)).toMatchObject({ loggedIn: true, phoneType: 3, workStatus: 'ready' });
    const status = await eventually(async () => {
      const s = await phoneStatus();
      return s.registration === 'registered' ? s : null;
    }, 'the browser phone to register');
    // sipNumber has no domain: the host of wsAddr is the domain.
    expect(status.account).toContain(kam.wsUrl);
    expect(status.account).toContain(`sip:${WEBPHONE_SIP}@${SIP_HOST}`);
    expect(await popup.$(T('popup-problem'))).toBeNull();
    expect(await popup.$(T('mic-notice'))).toBeNull();
    await shift.crm.bringToFront();
    await waitForToolbarAgentState(shift.crm, '就绪');
    expect(await toolbarHas(shift.crm, T('toolbar-problem'))).toBe(false);
  });

  it('dials from a CRM button: the platform’s call to the browser phone is answered by itself, the customer answers, both hear each other; hold and 取回; 挂断; 整理 then 就绪', async () => {
    const cell = `${MOBILE_CELL(3)} callbarcall`;
    const number = await shift.crm.$eval(cell, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(shift.crm, cell);
    await eventually(() => legs.length === 1 || null, 'the platform to call the browser phone');
    expect(legs[0]!.sipUri).toBe(`sip:${WEBPHONE_SIP}@${SIP_HOST}`);
    // Nobody clicked anything: the phone took the platform's call because the agent dialled.
    await waitForPeer(media, (s) => s.sessions.some((x) => x.id === legs[0]!.session && x.state === 'connected'), 'the browser phone to answer the platform');
    await waitForToolbarCallState(shift.crm, 'connected');
    expect(ctiRequests(WEBPHONE_AGENT, 'callOut').at(-1)).toMatchObject({ userNumber: number });
    expect(agentOnPlatform(WEBPHONE_AGENT).call).toMatchObject({ direction: 'out', userNumber: number, phone: 'webrtc', phase: 'connected' });
    await waitForTone(media, AGENT_TONE, true);
    await waitAgentHears(shift.browser, PLATFORM_TONE, true);
    // The browser phone's own controls are offered.
    expect(await toolbarHas(shift.crm, T('toolbar-mute'))).toBe(true);
    await shot('webphone-connected', 'toolbar');

    await clickToolbar(shift.crm, T('toolbar-hold'));
    await waitForToolbarCallState(shift.crm, 'held');
    expect(ctiRequests(WEBPHONE_AGENT, 'holdCall')).toHaveLength(1);
    expect(agentOnPlatform(WEBPHONE_AGENT).call?.held).toBe(true);
    await waitForToolbarText(shift.crm, T('toolbar-hold'), '恢复');
    await shot('webphone-held', 'toolbar');
    await clickToolbar(shift.crm, T('toolbar-hold'));
    await waitForToolbarCallState(shift.crm, 'connected');
    expect(ctiRequests(WEBPHONE_AGENT, 'retrieveCall')).toHaveLength(1);
    expect(agentOnPlatform(WEBPHONE_AGENT).call?.held).toBe(false);
    // Still one call, still both ways.
    expect(await mediaCall(legs[0]!.session)).toBe('connected');
    await waitAgentHears(shift.browser, PLATFORM_TONE, true);

    await clickToolbar(shift.crm, T('toolbar-hangup'));
    await waitForToolbarCallState(shift.crm, 'ended');
    expect(ctiRequests(WEBPHONE_AGENT, 'hangup')).toHaveLength(1);
    expect(agentOnPlatform(WEBPHONE_AGENT).history.at(-1)).toMatchObject({ userNumber: number, phone: 'webrtc', outcome: { eventName: 'completed', cause: '' } });
    // The platform ends its SIP call to the browser phone, and the phone's call ends with it.
    await eventually(async () => (await mediaCall(legs[0]!.session)) === 'ended' || null, 'the SIP call to end at the platform');
    await eventually(async () => (await phoneStatus()).call?.state === 'ended' || null, 'the browser phone’s call to end');
    await waitAgentHears(shift.browser, PLATFORM_TONE, false);
    // 整理 with its countdown, then 就绪 by itself.
    await waitForToolbarAgentState(shift.crm, '整理', 5000);
    await waitForToolbarAgentState(shift.crm, '就绪', 10_000);
    await eventually(() => agentOnPlatform(WEBPHONE_AGENT).workStatus === 'ready' && !agentOnPlatform(WEBPHONE_AGENT).inWrapup, 'ready again on the platform');
    await dismiss();
  });

  it('a customer’s call rings on the browser phone, 接听 in the toolbar answers it, both hear each other; the customer hangs up and the call ends once', async () => {
    await waitForToolbarAgentState(shift.crm, '就绪', 10_000);
    sim.incoming({ userNumber: CUSTOMER, agentNo: WEBPHONE_AGENT });
    await waitForToolbarCallState(shift.crm, 'incoming');
    await waitForToolbarText(shift.crm, T('toolbar-call-number'), CUSTOMER);
    await eventually(() => legs.length === 2 || null, 'the platform to call the browser phone');
    await eventually(async () => (await phoneStatus()).call?.state === 'incoming' || null, 'the browser phone to ring');
    // It keeps ringing until the agent answers: this is not the agent's own dial.
    await sleep(1500);
    expect(await mediaCall(legs[1]!.session)).toBe('ringing');
    expect(agentOnPlatform(WEBPHONE_AGENT).call).toMatchObject({ direction: 'in', phase: 'agentRinging' });
    expect(await toolbarHas(shift.crm, T('toolbar-answer'))).toBe(true);
    await waitForToolbarText(shift.crm, T('toolbar-call-state'), '来电');
    await shot('webphone-incoming', 'toolbar');

    await clickToolbar(shift.crm, T('toolbar-answer'));
    await waitForToolbarCallState(shift.crm, 'connected');
    expect(await mediaCall(legs[1]!.session)).toBe('connected');
    expect(agentOnPlatform(WEBPHONE_AGENT).call).toMatchObject({ direction: 'in', phase: 'connected', phone: 'webrtc' });
    // The browser phone answered: the platform was asked for no bridge.
    expect(ctiRequests(WEBPHONE_AGENT, 'bridge')).toHaveLength(0);
    await waitForTone(media, AGENT_TONE, true);
    await waitAgentHears(shift.browser, PLATFORM_TONE, true);

    sim.customerHangup(CUSTOMER);
    await waitForToolbarCallState(shift.crm, 'ended');
    expect(agentOnPlatform(WEBPHONE_AGENT).history.at(-1)).toMatchObject({ direction: 'in', userNumber: CUSTOMER, outcome: { eventName: 'completed', cause: '' } });
    await eventually(async () => (await mediaCall(legs[1]!.session)) === 'ended' || null, 'the SIP call to end at the platform');
    await eventually(async () => (await phoneStatus()).call?.state === 'ended' || null, 'the browser phone’s call to end');
    // Once: the phone's own end after the platform's changes nothing, no second call appears.
    await sleep(1000);
    expect(await toolbarCallState(shift.crm)).toBe('ended');
    expect(ctiRequests(WEBPHONE_AGENT, 'hangup')).toHaveLength(1);
    expect(legs).toHaveLength(2);
    expect(await historyRowsWith(CUSTOMER)).toHaveLength(1);
    await dismiss();
  });
});
