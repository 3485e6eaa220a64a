/**
 * The browser phone's benchmarks (`npm run bench -- phone`): the extension's WebRTC phone
 * (JsSIP in the offscreen document, docs/phone.md) side by side with a bare JsSIP page — the
 * far-end peer page of the e2e tests (test/fixtures/sip-peer) — on the same Kamailio, the same
 * machine, in the same run. Figures are differences and ratios to that baseline, never timed
 * assertions.
 *
 * - dial: the agent's click on a CRM call button → the far end sees the INVITE ('session:new'),
 *   vs the bare page's call() → the same far end sees its INVITE; with where the time goes;
 * - audio: the far end answers → the first moment the caller's side receives the far end's tone,
 *   in the offscreen document vs in the bare page (the same detector in both);
 * - memory: the offscreen document's JS heap, registered and idle, vs the bare page's;
 * - CPU: main-thread task and script time over a connected call of CALLBAR_BENCH_CALL_SECONDS
 *   (default 60), the offscreen document vs the bare page in an equal call at the same time.
 *
 * Browsers: the agent's Chromium with the built extension and a fake microphone (a 440 Hz WAV),
 * the baseline caller's own headless Chromium (one page: its renderer holds nothing else), and
 * one for the far ends. All on one machine: Date.now() in every process reads the same clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession } from 'puppeteer-core';
import { type Kamailio, sipPassword, startKamailio } from '../test/support/kamailio.ts';
import { launchPeerBrowser, openPeer, type SipPeer, waitForCallState, waitForEvent } from '../test/support/sip-peer.ts';
import { fakeMicrophoneArgs, writeToneWav } from '../test/support/tone.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  EXTENSION_ORIGIN,
  eventually,
  fill,
  openPopup,
  startCrmShift,
  testid,
  toolbarCallState,
  toolbarFrameOf,
  toolbarHas,
  waitForText,
  waitForToolbarAgentState,
  waitForToolbarCallState,
} from '../test/e2e/support/extension.ts';

/** A row of the results table (bench/run.ts prints and writes them). */
export interface PhoneRow {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target: string;
  met?: boolean;
}

export interface PhoneResults {
  when: string;
  calls: number;
  callSeconds: number;
  /** Wall time of the whole phone bench, setup included (s). */
  runSeconds: number;
  rows: PhoneRow[];
  /** Every sample, for reading: ms unless named otherwise. */
  samples: Record<string, number[]>;
  /**
   * Traced dials: between the agent's click and the INVITE with credentials leaving the offscreen
   * document, the busy time of each thread that works for the dial, split by the page it worked for
   * (median ms over the traced dials).
   */
  traced: { calls: number; windowMs: number; busy: Array<{ thread: string; work: string; ms: number; parts: Array<{ what: string; ms: number }> }> };
  /** Where the time goes: median ms of each step, extension and baseline (null: no such step). */
  breakdown: Array<{ part: string; step: string; extension: number | null; baseline: number | null }>;
  notes: string[];
}

const AGENT = 'agent1';
const AGENT_TONE = 440;
const FAR_TONE = 1000;
const BASELINE_USER = 'alice';
const CPU_FAR_END = '8004';
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;
const OFFSCREEN_URL = `${EXTENSION_ORIGIN}/src/offscreen/index.html`;
/** Dials made under a Chromium trace (not counted in the latency figures: tracing slows everything). */
const TRACED_CALLS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (values: number[], q: number): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};
const median = (values: number[]) => quantile(values, 0.5);

/**
 * 90 % interval of median(a) − median(b), by resampling each list with replacement (4,000 times,
 * a fixed seed: the same samples give the same interval).
 */
function bootstrapInterval(a: number[], b: number[]): [number, number] {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (list: number[]) => list.map(() => list[Math.floor(random() * list.length)]!);
  const differences: number[] = [];
  for (let i = 0; i < 4000; i++) differences.push(median(pick(a)) - median(pick(b)));
  return [quantile(differences, 0.05), quantile(differences, 0.95)];
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Installed once, the same text, in the offscreen document and in the baseline page (through the
 * DevTools protocol, which CSP does not stop). It changes nothing the page does; it notes when things
 * happen (Date.now(), the clock the far end's events use) in `window.__cbBench.marks`:
 * - getUserMedia asked / opened; the RTCPeerConnection's offer, local description, ICE gathering;
 * - SIP on the WebSocket: every INVITE / ACK / BYE sent, every response to an INVITE received;
 * - in the offscreen document, the service worker's `call` command arriving;
 * and it carries the ears (suspended but from just before the far end answers): a ScriptProcessorNode on the stream a media element is given (the
 * offscreen document's remote <audio>, the peer page's player of the remote track). Once armed,
 * the first 256-sample buffer where `hz` carries most of the signal is noted as `heardAt`. A
 * ScriptProcessorNode, not a timer: the offscreen document is a hidden page, whose timers Chrome
 * may throttle; audio callbacks it does not.
 */
function instrumentation(hz: number): string {
  return `(() => {
  if (window.__cbBench) return 'again';
  const B = (window.__cbBench = { marks: [], armed: false, heardAt: 0, heardAmp: 0, streams: 0, buffers: 0 });
  const mark = (name, extra) => {
    B.marks.push(Object.assign({ name, at: Date.now() }, extra || {}));
    performance.mark('cb:' + name); // for a trace (bench/phone.ts traceDials)
  };
  B.mark = mark;
  B.clear = () => { B.marks = []; };

  const gum = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = function (constraints) {
    mark('gum:start');
    return gum.call(this, constraints).then((s) => (mark('gum:done'), s), (e) => { mark('gum:failed'); throw e; });
  };

  const seen = new WeakSet();
  const watchPc = (pc) => {
    if (seen.has(pc)) return;
    seen.add(pc);
    pc.addEventListener('icecandidate', (e) => mark(e.candidate ? 'ice:candidate' : 'ice:end', e.candidate ? { detail: e.candidate.candidate.split(' ').slice(2, 8).join(' ') } : undefined));
    pc.addEventListener('icegatheringstatechange', () => mark('ice:gathering:' + pc.iceGatheringState));
    pc.addEventListener('iceconnectionstatechange', () => mark('ice:connection:' + pc.iceConnectionState));
    pc.addEventListener('connectionstatechange', () => mark('pc:' + pc.connectionState));
    pc.addEventListener('track', () => mark('pc:track'));
  };
  const P = RTCPeerConnection.prototype;
  for (const name of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
    const original = P[name];
    P[name] = function (...args) {
      watchPc(this);
      mark('pc:' + name);
      const result = original.apply(this, args);
      if (result && typeof result.then === 'function') result.then(() => mark('pc:' + name + ':done'), () => mark('pc:' + name + ':failed'));
      return result;
    };
  }

  const send = WebSocket.prototype.send;
  const heard = new WeakSet();
  WebSocket.prototype.send = function (data) {
    if (!heard.has(this)) {
      heard.add(this);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const line = e.data.slice(0, e.data.indexOf('\\r\\n'));
        const status = /^SIP\\/2\\.0 (\\d+)/.exec(line);
        const cseq = /\\r\\nCSeq:\\s*\\d+\\s+(\\w+)/i.exec(e.data);
        if (status && cseq && cseq[1] === 'INVITE') mark('sip:in ' + status[1]);
        else if (!status && /^(INVITE|ACK|BYE|CANCEL) /.test(line)) mark('sip:in ' + line.split(' ')[0]);
      });
    }
    if (typeof data === 'string') {
      const method = /^(INVITE|ACK|BYE|CANCEL) /.exec(data);
      if (method) mark('sip:out ' + method[1]);
      else if (/^SIP\\/2\\.0 /.test(data) && /\\r\\nCSeq:\\s*\\d+\\s+INVITE/i.test(data)) mark('sip:out ' + data.slice(8, 11));
    }
    return send.call(this, data);
  };

  if (typeof chrome !== 'undefined' && chrome.runtime && chrome.runtime.onMessage) {
    chrome.runtime.onMessage.addListener((message) => {
      if (message && message.command && message.command.type) mark('command:' + message.command.type);
      return undefined;
    });
  }

  // The ears.
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  void ctx.suspend(); // quiet until armed
  const N = 256;
  const processor = ctx.createScriptProcessor(N, 1, 1);
  const quiet = ctx.createGain();
  quiet.gain.value = 0;
  processor.connect(quiet).connect(ctx.destination);
  const hann = new Float32Array(N).map((_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1)));
  const coeff = 2 * Math.cos((2 * Math.PI * ${hz}) / ctx.sampleRate);
  processor.onaudioprocess = (event) => {
    if (!B.armed) return;
    // The first buffers after a resume may still hold audio from before the suspend (the last call's).
    if (B.skip > 0) { B.skip--; return; }
    B.buffers++;
    const x = event.inputBuffer.getChannelData(0);
    let s1 = 0, s2 = 0, energy = 0;
    for (let n = 0; n < N; n++) {
      const v = x[n];
      energy += v * v;
      const s0 = v * hann[n] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const amp = (4 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2))) / N;
    const rms2 = energy / N;
    // The tone (0.3 full scale at the far end) is there, and carries most of the signal.
    if (amp > 0.03 && (amp * amp) / 2 > 0.3 * rms2) {
      B.heardAt = Date.now();
      B.heardAmp = amp;
      B.armed = false;
      mark('heard');
    }
  };
  let source = null;
  const desc = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      desc.set.call(this, value);
      if (value && typeof value.getAudioTracks === 'function' && value.getAudioTracks().length) {
        B.streams++;
        mark('media:srcObject');
        try { if (source) source.disconnect(); } catch (e) { /* gone */ }
        source = ctx.createMediaStreamSource(value);
        source.connect(processor);
      }
    },
  });
  B.arm = async () => { B.heardAt = 0; B.heardAmp = 0; B.buffers = 0; B.skip = 8; await ctx.resume(); B.armed = true; return ctx.state; };
  B.rest = async () => { B.armed = false; try { if (source) source.disconnect(); } catch (e) { /* gone */ } source = null; await ctx.suspend(); return ctx.state; };
  return 'installed';
})()`;
}

/**
 * The service worker's side of a dial, noted the same way (Date.now(), and a performance mark for a
 * trace): the content script's `call/dial` arriving (noted after the worker's own listener began
 * with it), its `chrome.runtime.getContexts` (ensureOffscreen, before every command), and the `call`
 * command leaving for the offscreen document. Nothing the worker does changes.
 */
const SW_INSTRUMENTATION = `(() => {
  if (globalThis.__cbBench) return 'again';
  const B = (globalThis.__cbBench = { marks: [] });
  const mark = (name) => { B.marks.push({ name, at: Date.now() }); performance.mark('cb:' + name); };
  B.clear = () => { B.marks = []; };
  chrome.runtime.onMessage.addListener((message) => {
    if (message && message.channel === 'callbar' && message.type === 'call/dial') mark('sw:dial');
    return undefined;
  });
  const runtime = chrome.runtime;
  const getContexts = runtime.getContexts;
  runtime.getContexts = function (...args) {
    mark('sw:getContexts');
    const result = getContexts.apply(this, args);
    Promise.resolve(result).then(() => mark('sw:getContexts:done'), () => undefined);
    return result;
  };
  const sendMessage = runtime.sendMessage;
  runtime.sendMessage = function (...args) {
    const message = args[0];
    if (message && message.command && message.command.type === 'call') mark('sw:send call');
    return sendMessage.apply(this, args);
  };
  return runtime.getContexts !== getContexts && runtime.sendMessage !== sendMessage ? 'installed' : 'not wrapped';
})()`;

interface Mark {
  name: string;
  at: number;
  detail?: string;
}

/** A document reached through its own DevTools session (the offscreen document, the baseline page). */
class Doc {
  constructor(
    readonly session: CDPSession,
    readonly label: string,
  ) {}

  async eval<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(`${this.label}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  marks(): Promise<Mark[]> {
    return this.eval<Mark[]>('window.__cbBench.marks');
  }

  /** JS heap after a full GC (bytes), and Blink's managed heap beside it. */
  async heap(): Promise<{ js: number; embedder: number }> {
    await this.session.send('HeapProfiler.collectGarbage');
    await sleep(200);
    await this.session.send('HeapProfiler.collectGarbage');
    const usage = (await this.session.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
    return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize ?? 0 };
  }

  /** Performance.getMetrics, in ms for durations. */
  async metrics(): Promise<Record<string, number>> {
    const { metrics } = await this.session.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.name.endsWith('Duration') || m.name.endsWith('Time') ? m.value * 1000 : m.value]));
  }

  /** Until the ears heard the far end's tone; its time (epoch ms). */
  async heard(timeout = 10_000): Promise<number> {
    return eventually(async () => (await this.eval<number>('window.__cbBench.heardAt')) || null, `${this.label} to hear ${FAR_TONE} Hz`, timeout);
  }
}

/** One call's figures: t0 (click or call()), invite (the far end's session:new), answered, heard. */
interface CallSample {
  t0: number;
  invite: number;
  answer: number;
  heard: number;
  marks: Mark[];
  /** The service worker's marks (extension calls made while it was instrumented). */
  sw?: Mark[];
}

export async function benchPhone(options: { calls?: number; callSeconds?: number; log?: (line: string) => void } = {}): Promise<PhoneResults> {
  const started = Date.now();
  const calls = options.calls ?? Number(process.env.CALLBAR_BENCH_PHONE_CALLS ?? 20);
  const callSeconds = options.callSeconds ?? Number(process.env.CALLBAR_BENCH_CALL_SECONDS ?? 60);
  const log = options.log ?? ((line: string) => console.log(line));
  const notes: string[] = [`load average at the start ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`];
  const workDir = mkdtempSync(join(tmpdir(), 'callbar-bench-phone-'));
  let kam: Kamailio | undefined;
  let shift: CrmShift | undefined;
  let farBrowser: Browser | undefined;
  let baseBrowser: Browser | undefined;
  let permissions: CDPSession | undefined;
  try {
    const wav = writeToneWav(join(workDir, 'agent-440.wav'), AGENT_TONE, 30);
    kam = await startKamailio();
    // As test/e2e/phone.e2e.ts: the fake microphone without the fake-UI flag (which would grant it
    // everywhere); the grant is the extension origin's, set by DevTools on a session kept open.
    const micArgs = fakeMicrophoneArgs(wav).filter((a) => a !== '--use-fake-ui-for-media-stream');
    shift = await startCrmShift({ args: [...micArgs, '--autoplay-policy=no-user-gesture-required'] });
    const { crm, browser } = shift;
    permissions = await browser.target().createCDPSession();
    await permissions.send('Browser.setPermission', { origin: EXTENSION_ORIGIN, permission: { name: 'microphone' }, setting: 'granted' });
    await shift.popup.close();
    const farNumber = (await crm.$eval(`${MOBILE_CELL(1)} callbarcall`, (h) => h.getAttribute('data-callbar-number')))!;

    // The agent logs in through the popup (provider sip), as in the e2e test.
    const popup = await openPopup(browser);
    await popup.select('[data-testid="provider-select"]', 'sip');
    await fill(popup, '[data-testid="setting-wsUrl"]', kam.wsUrl);
    await fill(popup, '[data-testid="setting-user"]', `${AGENT}@${kam.domain}`);
    await fill(popup, '[data-testid="setting-displayName"]', '张三');
    await fill(popup, '[data-testid="setting-password"]', sipPassword(AGENT));
    await popup.click('[data-testid="login"]');
    await waitForText(popup, testid('popup-agent'), AGENT, 20_000);
    await popup.close();
    await crm.bringToFront();
    await waitForToolbarAgentState(crm, '示闲', 15_000);

    const offTarget = await browser.waitForTarget((t) => t.url() === OFFSCREEN_URL, { timeout: 10_000 });
    const ext = new Doc(await offTarget.createCDPSession(), 'the offscreen document');
    // The service worker, for the dials of the main series only (an attached DevTools session keeps
    // it alive; it is let go before the long call, where it may stop as it would for an agent).
    const swTarget = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`${EXTENSION_ORIGIN}/`), { timeout: 10_000 });
    let sw: Doc | null = new Doc(await swTarget.createCDPSession(), 'the service worker');
    const swInstalled = await sw.eval<string>(SW_INSTRUMENTATION).catch((e: Error) => `failed: ${e.message}`);
    if (swInstalled !== 'installed') notes.push(`service worker marks: ${swInstalled}`);
    const swMarks = async (): Promise<Mark[] | undefined> => {
      if (!sw) return undefined;
      return sw.eval<Mark[]>('(() => { const m = globalThis.__cbBench ? globalThis.__cbBench.marks : []; if (globalThis.__cbBench) globalThis.__cbBench.clear(); return m; })()').catch(() => undefined);
    };

    // The far ends, in a Chromium of their own; the baseline caller alone in another.
    farBrowser = await launchPeerBrowser();
    const far = await openPeer(farBrowser, shift.fixtures.url, { tone: FAR_TONE, name: 'far end' });
    await far.registerOn(kam, farNumber);
    const cpuFar = await openPeer(farBrowser, shift.fixtures.url, { tone: FAR_TONE, name: 'far end (baseline, CPU call)' });
    await cpuFar.registerOn(kam, CPU_FAR_END);
    baseBrowser = await launchPeerBrowser();
    const basePeer = await openBaselinePeer(baseBrowser, shift.fixtures.url);
    await basePeer.registerOn(kam, BASELINE_USER);
    const base = new Doc(await basePeer.page.createCDPSession(), 'the bare JsSIP page');
    // ── 3. memory, registered and idle, before any call ───────────────────────
    const quietExtension = async () => {
      // The toolbar is an extension page framed into the CRM: it shares the offscreen document's
      // renderer and V8 heap. Away from the CRM, the offscreen document is the extension's only page.
      await crm.goto('about:blank');
      // (The options page the e2e helpers keep in a background tab for extension APIs, too.)
      for (const page of await browser.pages()) if (page.url().startsWith(EXTENSION_ORIGIN)) await page.close();
      const others = browser.targets().map((t) => t.url()).filter((u) => u.startsWith(EXTENSION_ORIGIN) && u !== OFFSCREEN_URL && !u.endsWith('.js'));
      if (others.length) notes.push(`extension pages open beside the offscreen document while measuring: ${others.join(', ')}`);
      await sleep(1000);
    };
    const backToCrm = async () => {
      await crm.goto(shift!.crmUrl);
      await crm.waitForSelector(`${MOBILE_CELL(1)} callbarcall`);
      await waitForToolbarAgentState(crm, '示闲', 15_000);
      await sleep(600); // the buttons' rest time (agent-intent.ts REST_MS)
    };
    log('phone: memory, registered and idle…');
    await quietExtension();
    const heapIdle = await heapPair(ext, base);
    await backToCrm();
    for (const doc of [ext, base]) {
      await doc.session.send('Performance.enable');
      await doc.eval(instrumentation(FAR_TONE));
    }

    // ── 1. and 2.: calls, alternating ─────────────────────────────────────────
    const clickClock = () =>
      crm.evaluate(() => {
        const w = window as unknown as { __cbClicks?: number[] };
        if (w.__cbClicks) return;
        w.__cbClicks = [];
        // Capture phase at the window, as the content script listens: the mouse-up of the agent's click.
        window.addEventListener(
          'pointerup',
          (e) => {
            if (!e.isTrusted) return;
            w.__cbClicks!.push(Date.now());
            performance.mark('cb:click');
          },
          true,
        );
      });
    /** One dial from the CRM; with the toolbar shown, the agent dismisses the ended call on it, as in the e2e test. */
    const extensionCall = async (): Promise<CallSample> => {
      const toolbar = toolbarFrameOf(crm) !== null;
      await clickClock();
      await ext.eval('window.__cbBench.clear()');
      await swMarks();
      const before = Date.now();
      await agentClick(crm, `${MOBILE_CELL(1)} callbarcall`);
      const seen = await waitForEvent(far, 'session:new', { since: before });
      const t0 = await crm.evaluate(() => (window as unknown as { __cbClicks: number[] }).__cbClicks.at(-1) ?? 0);
      await waitForCallState(far, 'incoming');
      // The ears listen from just before the answer (quiet while dialling: no audio callbacks then).
      await ext.eval('window.__cbBench.arm()');
      const answer = await answerNow(far);
      const heard = await ext.heard();
      await ext.eval('window.__cbBench.rest()');
      await sleep(100); // the marks that follow the first sound (ICE, DTLS states) are in
      const marks = await ext.marks();
      const swSeen = await swMarks();
      await far.hangup();
      await waitForCallState(far, ['ended', 'idle']);
      if (toolbar) {
        await waitForToolbarCallState(crm, 'ended');
        if (await toolbarHas(crm, testid('toolbar-dismiss'))) await clickToolbar(crm, testid('toolbar-dismiss'));
        await eventually(async () => (await toolbarCallState(crm)) === null || null, 'the toolbar to be free of the call', 10_000);
      } else {
        await eventually(async () => (await ext.eval<string | null>('window.__cbBench.marks.some((m) => m.name === "sip:in BYE") || null')) ?? null, 'the phone to hear the BYE', 10_000);
        await sleep(500);
      }
      return { t0, invite: seen.at, answer, heard, marks, ...(swSeen ? { sw: swSeen } : {}) };
    };
    const baselineCall = async (target: string, farEnd: SipPeer): Promise<CallSample> => {
      await base.eval('window.__cbBench.clear()');
      const before = Date.now();
      const t0 = await base.eval<number>(`(() => { const at = Date.now(); window.__cbBench.mark('call'); window.peer.call(${JSON.stringify(target)}); return at; })()`);
      const seen = await waitForEvent(farEnd, 'session:new', { since: before });
      await waitForCallState(farEnd, 'incoming');
      await base.eval('window.__cbBench.arm()');
      const answer = await answerNow(farEnd);
      const heard = await base.heard();
      await base.eval('window.__cbBench.rest()');
      await sleep(100);
      const marks = await base.marks();
      await farEnd.hangup();
      await waitForCallState(farEnd, ['ended', 'idle']);
      await waitForCallState(basePeer, ['ended', 'idle']);
      return { t0, invite: seen.at, answer, heard, marks };
    };

    log('phone: a first call each (not counted: cold code, the first microphone open)…');
    const warm = { extension: await extensionCall(), baseline: await baselineCall(farNumber, far) };
    await sleep(500);
    const extCalls: CallSample[] = [];
    const baseCalls: CallSample[] = [];
    for (let i = 0; i < calls; i++) {
      extCalls.push(await extensionCall());
      await sleep(300);
      baseCalls.push(await baselineCall(farNumber, far));
      await sleep(300);
      const e = extCalls.at(-1)!;
      const b = baseCalls.at(-1)!;
      log(`phone: call ${i + 1}/${calls}: dial ${e.invite - e.t0} vs ${b.invite - b.t0} ms, audio ${e.heard - e.answer} vs ${b.heard - b.answer} ms`);
    }

    // Where the extension's dial time goes inside Chromium: a few more calls under a trace.
    log(`phone: ${TRACED_CALLS} more dials under a trace (the renderers' main threads)…`);
    const traced = await traceDials(browser, TRACED_CALLS, extensionCall);

    // The toolbar frame shares the extension renderer's main thread with the offscreen document: the
    // same calls with the toolbar hidden (its × ; the frame leaves the page), alternating again.
    const hiddenCalls = Math.max(2, Math.round(calls / 2));
    log(`phone: ${hiddenCalls} more pairs of calls with the toolbar hidden…`);
    await clickToolbar(crm, testid('toolbar-hide'));
    await eventually(() => toolbarFrameOf(crm) === null || null, 'the toolbar to leave the page', 10_000);
    await sleep(1000);
    const extHidden: CallSample[] = [];
    const baseHidden: CallSample[] = [];
    for (let i = 0; i < hiddenCalls; i++) {
      extHidden.push(await extensionCall());
      await sleep(300);
      baseHidden.push(await baselineCall(farNumber, far));
      await sleep(300);
      const e = extHidden.at(-1)!;
      const b = baseHidden.at(-1)!;
      log(`phone: toolbar hidden, call ${i + 1}/${hiddenCalls}: dial ${e.invite - e.t0} vs ${b.invite - b.t0} ms, audio ${e.heard - e.answer} vs ${b.heard - b.answer} ms`);
    }

    await sw?.session.detach().catch(() => undefined);
    sw = null;

    // ── 4. CPU over a connected call, both at once ────────────────────────────
    log(`phone: CPU over a ${callSeconds} s call, the extension and the bare page at once…`);
    await agentClick(crm, `${MOBILE_CELL(1)} callbarcall`);
    await base.eval(`window.peer.call(${JSON.stringify(CPU_FAR_END)})`);
    await waitForCallState(far, 'incoming');
    await waitForCallState(cpuFar, 'incoming');
    await ext.eval('window.__cbBench.arm()');
    await base.eval('window.__cbBench.arm()');
    await answerNow(far);
    await answerNow(cpuFar);
    await ext.heard();
    await base.heard();
    // The ears go quiet (their AudioContexts suspended) for the measurement.
    await ext.eval('window.__cbBench.rest()');
    await base.eval('window.__cbBench.rest()');
    await quietExtension();
    await sleep(2000);
    const [e0, b0] = [await ext.metrics(), await base.metrics()];
    const wall0 = Date.now();
    await sleep(callSeconds * 1000);
    const [e1, b1] = [await ext.metrics(), await base.metrics()];
    const wall = Date.now() - wall0;
    const stillUp = (await far.callState()) === 'connected' && (await cpuFar.callState()) === 'connected';
    if (!stillUp) notes.push('a call of the CPU measurement ended before its time');
    await far.hangup();
    await cpuFar.hangup();
    await waitForCallState(basePeer, ['ended', 'idle']);
    await sleep(1000);

    // ── 3b. memory again, after every call ────────────────────────────────────
    const heapAfter = await heapPair(ext, base);

    // ── figures ───────────────────────────────────────────────────────────────
    const dialExt = extCalls.map((c) => c.invite - c.t0);
    const dialBase = baseCalls.map((c) => c.invite - c.t0);
    // Heard before the answer cannot be the far end's audio (it would be a stale buffer): not counted.
    const audio = (list: CallSample[]) => list.filter((c) => c.heard > c.answer).map((c) => c.heard - c.answer);
    const audioExt = audio(extCalls);
    const audioBase = audio(baseCalls);
    const dropped = [...extCalls, ...baseCalls, ...extHidden, ...baseHidden].filter((c) => c.heard <= c.answer).length;
    if (dropped) notes.push(`${dropped} calls' audio time not counted (the tone "heard" before the answer: a stale buffer)`);
    const rows: PhoneRow[] = [];
    const latencyRows = (what: string, target: string, ours: number[], theirs: number[]) => {
      const added = median(ours) - median(theirs);
      rows.push({ metric: `${what}: extension, median of ${ours.length} (baseline: the bare JsSIP page's median)`, value: median(ours), unit: 'ms', baseline: median(theirs), ratio: median(ours) / median(theirs), target: 'reported' });
      rows.push({ metric: `${what}: extension, p90 (baseline: the bare JsSIP page's p90)`, value: quantile(ours, 0.9), unit: 'ms', baseline: quantile(theirs, 0.9), ratio: quantile(ours, 0.9) / quantile(theirs, 0.9), target: 'reported' });
      const [lo, hi] = bootstrapInterval(ours, theirs);
      rows.push({ metric: `${what}: added by the extension at the median (extension − baseline; 90 % bootstrap interval ${round(lo)} to ${round(hi)} ms)`, value: added, unit: 'ms', baseline: median(theirs), target, met: added < 20 });
    };
    latencyRows('dial click → the far end sees the INVITE', '< 20 ms', dialExt, dialBase);
    latencyRows('far end answers → the caller receives its audio', '< 20 ms', audioExt, audioBase);
    const hiddenDial = median(extHidden.map((c) => c.invite - c.t0)) - median(baseHidden.map((c) => c.invite - c.t0));
    const hiddenAudio = median(audio(extHidden)) - median(audio(baseHidden));
    rows.push({ metric: `dial click → INVITE with the toolbar hidden (the agent's ×): added by the extension at the median, ${extHidden.length} calls each (diagnosis: the toolbar frame shares the offscreen document's main thread)`, value: hiddenDial, unit: 'ms', baseline: median(baseHidden.map((c) => c.invite - c.t0)), target: 'reported' });
    rows.push({ metric: `far end answers → audio with the toolbar hidden: added by the extension at the median, ${extHidden.length} calls each`, value: hiddenAudio, unit: 'ms', baseline: median(audio(baseHidden)), target: 'reported' });
    const kb = (bytes: number) => bytes / 1024 / 1024;
    rows.push({ metric: 'JS heap, registered and idle (after a full GC): the offscreen document (baseline: the bare JsSIP page, registered and idle)', value: kb(heapIdle.extension.js), unit: 'MB', baseline: kb(heapIdle.baseline.js), ratio: heapIdle.extension.js / heapIdle.baseline.js, target: 'reported' });
    rows.push({ metric: `JS heap, idle again after every call: the offscreen document (baseline: the bare JsSIP page after as many)`, value: kb(heapAfter.extension.js), unit: 'MB', baseline: kb(heapAfter.baseline.js), ratio: heapAfter.extension.js / heapAfter.baseline.js, target: 'reported' });
    const pct = (a: Record<string, number>, b: Record<string, number>, key: string) => ((b[key]! - a[key]!) / wall) * 100;
    const cpu = {
      extTask: pct(e0, e1, 'TaskDuration'),
      baseTask: pct(b0, b1, 'TaskDuration'),
      extScript: pct(e0, e1, 'ScriptDuration'),
      baseScript: pct(b0, b1, 'ScriptDuration'),
      extProcess: e0.ProcessTime !== undefined ? pct(e0, e1, 'ProcessTime') : Number.NaN,
      baseProcess: b0.ProcessTime !== undefined ? pct(b0, b1, 'ProcessTime') : Number.NaN,
    };
    const secs = Math.round(wall / 1000);
    rows.push({ metric: `main-thread task time in a connected ${secs} s call, % of one core: the offscreen document (baseline: the bare JsSIP page in an equal call at the same time)`, value: cpu.extTask, unit: '%', baseline: cpu.baseTask, ratio: cpu.extTask / cpu.baseTask, target: 'reported' });
    rows.push({ metric: `script time in the same call, % of one core: the offscreen document (baseline: the bare JsSIP page)`, value: cpu.extScript, unit: '%', baseline: cpu.baseScript, ratio: cpu.baseScript > 0 ? cpu.extScript / cpu.baseScript : undefined, target: 'reported' });
    if (Number.isFinite(cpu.extProcess)) {
      rows.push({ metric: `whole renderer process CPU in the same call (every thread: WebRTC's, audio's), % of one core: the extension's renderer, holding the offscreen document and the service worker, no other extension page (baseline: the bare JsSIP page's renderer)`, value: cpu.extProcess, unit: '%', baseline: cpu.baseProcess, ratio: cpu.extProcess / cpu.baseProcess, target: 'reported' });
    }

    notes.push(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
    const breakdown = [...timeBreakdown(extCalls, baseCalls), ...timeBreakdown(extHidden, baseHidden).map((b) => ({ ...b, part: `${b.part}, toolbar hidden` }))];
    const runSeconds = (Date.now() - started) / 1000;
    return {
      when: new Date(started).toISOString(),
      calls,
      callSeconds,
      runSeconds,
      rows,
      samples: {
        dialExtension: dialExt,
        dialBaseline: dialBase,
        audioExtension: audioExt,
        audioBaseline: audioBase,
        dialExtensionToolbarHidden: extHidden.map((c) => c.invite - c.t0),
        dialBaselineToolbarHidden: baseHidden.map((c) => c.invite - c.t0),
        audioExtensionToolbarHidden: audio(extHidden),
        audioBaselineToolbarHidden: audio(baseHidden),
        warmDial: [warm.extension.invite - warm.extension.t0, warm.baseline.invite - warm.baseline.t0],
        warmAudio: [warm.extension.heard - warm.extension.answer, warm.baseline.heard - warm.baseline.answer],
        heapIdleBytes: [heapIdle.extension.js, heapIdle.baseline.js],
        heapIdleEmbedderBytes: [heapIdle.extension.embedder, heapIdle.baseline.embedder],
        heapAfterBytes: [heapAfter.extension.js, heapAfter.baseline.js],
        cpuPercent: [cpu.extTask, cpu.baseTask, cpu.extScript, cpu.baseScript, cpu.extProcess, cpu.baseProcess],
        mainThreadCpuPercent: [pct(e0, e1, 'ThreadTime'), pct(b0, b1, 'ThreadTime')],
        cpuWallMs: [wall],
      },
      breakdown,
      traced,
      notes,
    };
  } finally {
    await permissions?.detach().catch(() => undefined);
    await baseBrowser?.close().catch(() => undefined);
    await farBrowser?.close().catch(() => undefined);
    await shift?.close().catch(() => undefined);
    await kam?.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The baseline caller: the peer page with its test instruments off (its 10 ms DTMF detector and its
 * 250 ms level meter are intervals a bare JsSIP page would not have), so what is left is JsSIP, the
 * call and an oscillator as its microphone.
 */
async function openBaselinePeer(browser: Browser, fixturesUrl: string): Promise<SipPeer> {
  const peer = await openPeer(browser, fixturesUrl, { tone: FAR_TONE, name: 'baseline caller' });
  await peer.page.evaluateOnNewDocument(`{
    const setInterval = window.setInterval;
    window.setInterval = (handler, ms, ...args) => (ms === 10 || ms === 250 ? 0 : setInterval(handler, ms, ...args));
  }`);
  await peer.page.reload({ waitUntil: 'load' });
  await peer.page.waitForFunction(() => document.body.dataset.ready === 'true' && !!window.peer, { timeout: 10_000 });
  await peer.setTone(FAR_TONE);
  return peer;
}

async function answerNow(peer: SipPeer): Promise<number> {
  return peer.page.evaluate(() => {
    const at = Date.now();
    void window.peer.answer();
    return at;
  });
}

async function heapPair(ext: Doc, base: Doc): Promise<{ extension: { js: number; embedder: number }; baseline: { js: number; embedder: number } }> {
  const e: Array<{ js: number; embedder: number }> = [];
  const b: Array<{ js: number; embedder: number }> = [];
  for (let i = 0; i < 3; i++) {
    e.push(await ext.heap());
    b.push(await base.heap());
  }
  const mid = (list: Array<{ js: number; embedder: number }>) => ({ js: median(list.map((x) => x.js)), embedder: median(list.map((x) => x.embedder)) });
  return { extension: mid(e), baseline: mid(b) };
}

/**
 * Where the time goes, step by step, from the marks each side noted (median over the calls).
 * Dial, the extension: click → (content script, service worker, session engine, sip provider,
 * message to the offscreen document) → `call` command → getUserMedia → JsSIP's offer → ICE
 * gathering complete (JsSIP sends no INVITE before) → first INVITE → Kamailio's 407 and the INVITE
 * with credentials → the far end's session:new. The baseline starts at call() and has no command
 * or microphone step. Audio, as times since the far end's answer(): its 200 OK handled by the
 * caller, remote description set, ICE connected, DTLS done (connectionState 'connected'), the tone heard.
 * (Received SIP is noted after JsSIP handled it: JsSIP's own handler runs first.)
 */
function timeBreakdown(extCalls: CallSample[], baseCalls: CallSample[]): PhoneResults['breakdown'] {
  const at = (c: CallSample, name: string, nth = 0) => [...c.marks, ...(c.sw ?? [])].filter((m) => m.name === name)[nth]?.at;
  // The phone's listener runs before the bench's: it may ask for the microphone before the command is noted.
  const received = (c: CallSample) => {
    const both = [at(c, 'command:call'), at(c, 'gum:start')].filter((v): v is number => v !== undefined);
    return both.length ? Math.min(...both) : undefined;
  };
  const swAfter = (c: CallSample, name: string, from: number | undefined) => (from === undefined ? undefined : (c.sw ?? []).find((m) => m.name === name && m.at >= from)?.at);
  const asked = (c: CallSample) => swAfter(c, 'sw:getContexts', at(c, 'sw:dial'));
  const answered = (c: CallSample) => swAfter(c, 'sw:getContexts:done', asked(c));
  const sent = (c: CallSample) => swAfter(c, 'sw:send call', at(c, 'sw:dial'));
  const candidate = (c: CallSample, protocol: string, which: 'first' | 'last') => {
    const list = c.marks.filter((m) => m.name === 'ice:candidate' && m.detail?.split(' ')[0]?.toLowerCase() === protocol);
    return (which === 'first' ? list[0] : list.at(-1))?.at;
  };
  const gathered = (c: CallSample) => at(c, 'ice:gathering:complete') ?? at(c, 'ice:end');
  type Step = ['dial' | 'audio', string, (c: CallSample) => [number | undefined, number | undefined]];
  const steps: Step[] = [
    ['dial', 'click → the call command reaches the offscreen document (content script, service worker, provider, messaging)', (c) => [c.t0, received(c)]],
    ['dial', '  of which: click → the service worker has the dial (content script, message)', (c) => [c.t0, at(c, 'sw:dial')]],
    ['dial', '  of which: the service worker, dial → getContexts asked (router, site check: storage and permission reads, session engine, provider)', (c) => [at(c, 'sw:dial'), asked(c)]],
    ['dial', '  of which: getContexts (ensureOffscreen, before every command)', (c) => [asked(c), answered(c)]],
    ['dial', '  of which: getContexts answered → the call command sent', (c) => [answered(c), sent(c)]],
    ['dial', '  of which: command sent → the offscreen document has it', (c) => [sent(c), received(c)]],
    ['dial', 'command → getUserMedia asked', (c) => [received(c), at(c, 'gum:start')]],
    ['dial', 'getUserMedia: the microphone opened', (c) => [at(c, 'gum:start'), at(c, 'gum:done')]],
    ['dial', 'start (microphone open / call()) → createOffer', (c) => [at(c, 'gum:done') ?? c.t0, at(c, 'pc:createOffer')]],
    ['dial', 'createOffer → setLocalDescription done', (c) => [at(c, 'pc:createOffer'), at(c, 'pc:setLocalDescription:done')]],
    ['dial', 'setLocalDescription done → ICE gathering complete', (c) => [at(c, 'pc:setLocalDescription:done'), gathered(c)]],
    ['dial', '  of which: → the UDP host candidates', (c) => [at(c, 'pc:setLocalDescription:done'), candidate(c, 'udp', 'last')]],
    ['dial', '  of which: UDP candidates → the TCP host candidates (Chrome gathers TCP a step later)', (c) => [candidate(c, 'udp', 'last'), candidate(c, 'tcp', 'last')]],
    ['dial', 'ICE gathering complete → first INVITE on the socket', (c) => [gathered(c), at(c, 'sip:out INVITE')]],
    ['dial', 'first INVITE → INVITE with credentials (Kamailio’s 407 challenge)', (c) => [at(c, 'sip:out INVITE'), at(c, 'sip:out INVITE', 1)]],
    ['dial', 'INVITE with credentials → the far end sees it (Kamailio, the far end’s JsSIP)', (c) => [at(c, 'sip:out INVITE', 1), c.invite]],
    ['dial', 'total: start → the far end sees the INVITE', (c) => [c.t0, c.invite]],
    // From the answer on, milestones rather than steps: ICE may connect before the remote description's promise resolves.
    ['audio', 'answer → the 200 OK handled by the caller', (c) => [c.answer, at(c, 'sip:in 200')]],
    ['audio', 'answer → remote description set', (c) => [c.answer, at(c, 'pc:setRemoteDescription:done')]],
    ['audio', 'answer → ICE connected', (c) => [c.answer, at(c, 'ice:connection:connected')]],
    ['audio', 'answer → DTLS done (connectionState connected)', (c) => [c.answer, at(c, 'pc:connected')]],
    ['audio', 'answer → the far end’s tone heard', (c) => [c.answer, c.heard]],
  ];
  const of = (all: CallSample[], span: Step[2], part: string) => {
    const list = part === 'audio' ? all.filter((c) => c.heard > c.answer) : all;
    const values = list.map(span).filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined).map(([a, b]) => b - a);
    return values.length ? round(median(values), 1) : null;
  };
  return steps.map(([part, step, span]) => ({ part, step, extension: of(extCalls, span, part), baseline: of(baseCalls, span, part) }));
}

interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  ph: string;
  name: string;
  cat: string;
  args?: Record<string, any>;
}

/**
 * `count` extension dials under a browser-wide Chromium trace; for each, the window from the click
 * (the CRM page's `cb:click` mark) to the INVITE with credentials (the offscreen document's second
 * `cb:sip:out INVITE` mark), and in it the busy time of: the extension renderer's main thread (the
 * offscreen document shares it with every other extension page, the toolbar frame in the CRM
 * included), split by the frame each task worked for; the service worker's thread; the CRM page's
 * main thread (the content script).
 */
async function traceDials(browser: Browser, count: number, dial: () => Promise<unknown>): Promise<PhoneResults['traced']> {
  const cdp = await browser.target().createCDPSession();
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: TraceEvent[] }) => void events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', '__metadata'], excludedCategories: ['*'] },
  });
  // A document's frame id in the trace is its target's id (pages, the offscreen document, frames out
  // of process such as the toolbar): the URLs of the frames the tasks worked for.
  const frames = new Map<string, string>();
  const noteTargets = async () => {
    for (const t of (await cdp.send('Target.getTargets')).targetInfos) frames.set(t.targetId, t.url);
  };
  try {
    for (let i = 0; i < count; i++) {
      await dial();
      await noteTargets();
      await sleep(300);
    }
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => undefined);
  }
  // For a look in chrome://tracing or Perfetto: CALLBAR_BENCH_TRACE_FILE=bench/tmp/phone-trace.json
  if (process.env.CALLBAR_BENCH_TRACE_FILE) writeFileSync(process.env.CALLBAR_BENCH_TRACE_FILE, JSON.stringify({ traceEvents: events }));
  return analyseTrace(events, frames);
}

export function analyseTrace(events: TraceEvent[], frames: Map<string, string>): PhoneResults['traced'] {
  const key = (e: { pid: number; tid: number }) => `${e.pid}:${e.tid}`;
  const threadName = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadName.set(key(e), String(e.args?.name ?? ''));
    for (const f of (e.args?.data?.frames as Array<{ frame: string; url: string }> | undefined) ?? []) frames.set(f.frame, f.url);
    const data = e.args?.data as { frame?: string; url?: string } | undefined;
    if ((e.name === 'FrameCommittedInBrowser' || e.name === 'CommitLoad') && data?.frame && data.url) frames.set(data.frame, data.url);
  }
  const marks = (name: string) => events.filter((e) => e.cat.includes('user_timing') && e.name === name).sort((a, b) => a.ts - b.ts);
  const clicks = marks('cb:click');
  const invites = marks('cb:sip:out INVITE');
  const commands = marks('cb:command:call');
  const extPid = commands[0]?.pid;
  const crmPid = clicks[0]?.pid;
  if (extPid === undefined || crmPid === undefined || !clicks.length) return { calls: 0, windowMs: Number.NaN, busy: [] };
  const tidOf = (pid: number, test: (name: string) => boolean) => [...threadName].filter(([k, name]) => k.startsWith(`${pid}:`) && test(name)).map(([k]) => Number(k.split(':')[1]));
  const extMain = tidOf(extPid, (n) => n === 'CrRendererMain')[0];
  const crmMain = tidOf(crmPid, (n) => n === 'CrRendererMain')[0];
  const swThreads = tidOf(extPid, (n) => /service ?worker/i.test(n));
  const kind = (url: string | undefined) => {
    if (!url) return 'no page named (IPC, WebRTC and audio plumbing, GC)';
    if (/^https?:/.test(url)) return 'the CRM page (its content script included)';
    if (url.includes('/src/offscreen/')) return 'the offscreen document';
    if (url.includes('/src/toolbar/')) return 'the toolbar frame';
    if (url.startsWith(EXTENSION_ORIGIN)) return `an extension page (${url.replace(EXTENSION_ORIGIN, '')})`;
    return url;
  };
  const frameOf = (e: TraceEvent): string | undefined => {
    const a = e.args ?? {};
    return a.data?.frame ?? a.beginData?.frame ?? a.data?.frameId ?? a.frame;
  };
  /** What a trace event's own time (without the events inside it) was spent on. */
  const groupOf = (name: string): string => {
    if (/^(FunctionCall|EvaluateScript|TimerFire|EventDispatch|FireAnimationFrame|RunMicrotasks|V8\.Execute|v8\.callFunction|v8\.run|V8\.CompileCode|v8\.compile)/.test(name)) return 'script';
    if (/^(UpdateLayoutTree|Layout|RecalcStyle|ScheduleStyleRecalculation)/.test(name)) return 'style and layout';
    if (/^(PrePaint|Paint|Layerize|Commit|UpdateLayer|PaintImage|CompositeLayers)/.test(name)) return 'paint';
    if (/IntersectionObserver|^HitTest/.test(name)) return 'visibility checks (IntersectionObserver, hit tests)';
    if (/GC|^BlinkGC/i.test(name)) return 'garbage collection';
    return 'other (IPC, scheduling)';
  };
  /** Outermost tasks of a thread, each with the frame its nested work was mostly for, and its own time by kind of work. */
  const tasksOf = (pid: number, tid: number | undefined) => {
    if (tid === undefined) return [];
    const own = events
      .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number')
      .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const tasks: Array<{ ts: number; end: number; work: Map<string, number>; inner: TraceEvent[] }> = [];
    for (const e of own) {
      const last = tasks.at(-1);
      // The scheduler's own task events (devtools.timeline's RunTask wraps each with the tracing's cost).
      const isTask = e.name === 'ThreadControllerImpl::RunTask';
      if (last && e.ts < last.end) {
        const frame = frameOf(e);
        if (frame) last.work.set(frame, (last.work.get(frame) ?? 0) + (e.dur ?? 0));
        last.inner.push(e);
        continue;
      }
      if (isTask) tasks.push({ ts: e.ts, end: e.ts + e.dur!, work: new Map(), inner: [] });
    }
    return tasks.map((t) => {
      const top = [...t.work].sort((a, b) => b[1] - a[1])[0]?.[0];
      // Self times: each event's duration minus its direct children's.
      const parts = new Map<string, number>();
      const stack: Array<{ end: number; group: string; self: number }> = [{ end: t.end, group: 'other (IPC, scheduling)', self: t.end - t.ts }];
      const close = (until: number) => {
        while (stack.length > 1 && stack.at(-1)!.end <= until) {
          const done = stack.pop()!;
          parts.set(done.group, (parts.get(done.group) ?? 0) + done.self);
        }
      };
      for (const e of t.inner) {
        close(e.ts);
        const end = Math.min(e.ts + e.dur!, stack.at(-1)!.end);
        stack.at(-1)!.self -= end - e.ts;
        stack.push({ end, group: groupOf(e.name), self: end - e.ts });
      }
      close(Number.POSITIVE_INFINITY);
      parts.set(stack[0]!.group, (parts.get(stack[0]!.group) ?? 0) + stack[0]!.self);
      return { ts: t.ts, end: t.end, work: kind(top ? frames.get(top) : undefined), parts };
    });
  };
  const extTasks = tasksOf(extPid, extMain);
  const crmTasks = tasksOf(crmPid, crmMain);
  const swTasks = swThreads.flatMap((tid) => tasksOf(extPid, tid).map((t) => ({ ...t, work: 'the service worker' })));
  const windows: Array<[number, number]> = [];
  for (const click of clicks) {
    const end = invites.filter((m) => m.pid === extPid && m.ts > click.ts)[1];
    if (end) windows.push([click.ts, end.ts]);
  }
  const perCall = new Map<string, number[]>();
  for (const [from, to] of windows) {
    const sums = new Map<string, number>();
    const add = (thread: string, list: Array<{ ts: number; end: number; work: string; parts: Map<string, number> }>) => {
      for (const t of list) {
        const overlap = Math.min(t.end, to) - Math.max(t.ts, from);
        if (overlap <= 0) continue;
        const k = `${thread}\u0000${t.work}`;
        sums.set(k, (sums.get(k) ?? 0) + overlap / 1000);
        // A task cut by the window's edge counts its parts in proportion.
        const share = overlap / (t.end - t.ts);
        for (const [group, us] of t.parts) sums.set(`${k}\u0000${group}`, (sums.get(`${k}\u0000${group}`) ?? 0) + (us * share) / 1000);
      }
    };
    add('extension renderer, main thread', extTasks);
    add('extension renderer, service worker thread', swTasks);
    add('CRM page renderer, main thread', crmTasks);
    for (const k of new Set([...perCall.keys(), ...sums.keys()])) {
      const list = perCall.get(k) ?? [];
      list.push(sums.get(k) ?? 0);
      perCall.set(k, list);
    }
  }
  // Keys first seen in a later window missed the earlier ones: pad with zeros.
  for (const list of perCall.values()) while (list.length < windows.length) list.unshift(0);
  const busy = [...perCall]
    .filter(([k]) => k.split('\u0000').length === 2)
    .map(([k, list]) => {
      const [thread, work] = k.split('\u0000') as [string, string];
      const parts = [...perCall]
        .filter(([p]) => p.startsWith(`${k}\u0000`))
        .map(([p, values]) => ({ what: p.split('\u0000')[2]!, ms: round(median(values), 1) }))
        .filter((p) => p.ms >= 0.1)
        .sort((a, b) => b.ms - a.ms);
      return { thread, work, ms: round(median(list), 1), parts };
    })
    .sort((a, b) => a.thread.localeCompare(b.thread) || b.ms - a.ms);
  return { calls: windows.length, windowMs: round(median(windows.map(([a, b]) => (b - a) / 1000)), 1), busy };
}
