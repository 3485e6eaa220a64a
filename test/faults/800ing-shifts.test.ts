/**
 * Fault injection, 八百呼 (800ing), both modes: seeded shifts of an agent against the 八百呼 simulator — the
 * agent dials (cloud: callbackPhone; desktop: the client's type 0), customers call in, answers in CallBar
 * (sendMsg kind 6) or on the phone, the callee answering or busy, hang-ups from both sides, transfers
 * (desktop client type 2) — while the worker is killed, storage writes are refused, the network goes down
 * (the simulator's ports close; the platform goes on), the desktop client quits and comes back, and HTTP
 * requests (getLongWaterLine, recvMsg, callbackPhone, hangupExten, sendMsg, the client's commands) meet
 * refused connections, 500 pages, replies lost after the server acted, cut replies and duplicates.
 *
 * 八百呼 has no agent state (no busy/idle, no pauses) and no hold: nothing of that to change or check.
 * After each shift, with the faults over: every call the platform made (its per-agent call records: cdrId
 * and whether it was answered) is in 最近通话 exactly once with the platform's outcome; within 5 s the
 * toolbar shows no call once the platform has none, the agent still logged in and no banner left over;
 * the agent is not stuck (a dial goes out and can be ended).
 *
 * FAULT_SHIFTS (shifts per mode; 20 in `npm test`, 100 in `npm run test:faults`) and FAULT_SEED (the first
 * shift's seed) choose the run; a failing shift prints the command that replays it alone.
 * Report: RELIABILITY.md.
 */
import { describe, expect, it } from 'vitest';
import { Ing800Session, ing800 } from '../../src/providers/800ing/index.ts';
import type { Ing800Settings } from '../../src/providers/800ing/800ing-info.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { isActive } from '../../src/shared/call-state.ts';
import { DEFAULT_ACCOUNT, DEFAULT_PASSWORD, Ing800Simulator } from '../simulators/800ing/ing800-simulator.ts';
import { compareWithPlatform, FaultWorld, reportTest, SHIFT_COUNT, seeded, shiftFailure, shiftSeeds, sleep, within } from './fault-world.ts';
import { FaultyFetch, HTTP_FAULTS, type HttpFault, type RequestMatch } from './faulty-fetch.ts';

const FILE = 'test/faults/800ing-shifts.test.ts';
const STEPS = 10;
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];
/** Lost replies cost this long (the provider's own limits are 5 s, a dial 15 s, the client 10 s). */
const TIMEOUTS = { requestMs: 1500, dialMs: 1500, clientMs: 1500 };

type Mode = Ing800Settings['mode'];

/** The requests a fault can be aimed at: cloud methods by the form's `method`, the desktop client by its port. */
function target(sim: Ing800Simulator, name: string): RequestMatch {
  if (name === 'client') return (url) => url.startsWith(sim.clientUrl);
  return (url, _method, body) => url.startsWith(sim.baseUrl) && new URLSearchParams(body ?? '').get('method') === name;
}
const CLOUD_TARGETS = ['getLongWaterLine', 'recvMsg', 'callbackPhone', 'hangupExten', 'sendMsg'];
const DESKTOP_TARGETS = ['getLongWaterLine', 'recvMsg', 'client', 'sendMsg'];

interface Report {
  mode: Mode;
  shifts: number;
  kills: number;
  refusedWrites: number;
  networkDowns: number;
  clientRestarts: number;
  http: Record<HttpFault, number>;
  calls: number;
  talked: number;
  lost: number;
  doubled: number;
  stuck: number;
  failed: number;
}

function suite(mode: Mode): void {
  const report: Report = {
    mode,
    shifts: 0,
    kills: 0,
    refusedWrites: 0,
    networkDowns: 0,
    clientRestarts: 0,
    http: { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0, duplicate: 0 },
    calls: 0,
    talked: 0,
    lost: 0,
    doubled: 0,
    stuck: 0,
    failed: 0,
  };

  async function shift(seed: number): Promise<void> {
    // A platform of its own (free ports): shifts run side by side, each against its own 八百呼.
    const sim = new Ing800Simulator({ agentAnswerDelayMs: 40, ringDelayMs: 40, answerDelayMs: 120, noAnswerTimeoutMs: 2500, calleeMode: 'manual' });
    await sim.start();
    const rnd = seeded(seed);
    const faults = new FaultyFetch();
    const providerLog: string[] = [];
    const provider = {
      ...ing800,
      createSession: (settings: Ing800Settings, ctx: Parameters<typeof ing800.createSession>[1]) =>
        new Ing800Session(settings, ctx, { fetch: faults.fetch, timeouts: TIMEOUTS, log: (m) => providerLog.push(m) }),
    };
    const settings = { mode, server: sim.baseUrl, account: DEFAULT_ACCOUNT, password: DEFAULT_PASSWORD, clientType: '1', clientPort: sim.clientPort, disablePop: true };
    const world = new FaultWorld({ providers: { ...PROVIDERS, '800ing': provider }, providerId: '800ing', settings });
    await world.login();
    const steps: string[] = [];
    const attempt = async (what: string, run: () => Promise<unknown>) => {
      steps.push(what);
      // A refused action is an agent's everyday (the call ended meanwhile, the server down): shown, not a defect.
      await run().catch(() => undefined);
    };
    let networkDown = false;
    let clientDown = false;
    let networkDowns = 0;
    let clientRestarts = 0;
    try {
      for (let i = 0; i < STEPS; i++) {
        const call = sim.state.call;
        const options: Array<[string, () => Promise<unknown>]> = [];
        if (!call) {
          options.push(['agent dials', () => world.engine.dial(rnd.pick(CUSTOMERS))]);
          options.push(['customer calls', async () => sim.injectIncoming(rnd.pick(CUSTOMERS))]);
          // The write that carries the call's messages (and the water line past them) is refused, retries too.
          options.push([
            'customer calls while storage is full',
            async () => {
              world.storage.failWrites = 3;
              sim.injectIncoming(rnd.pick(CUSTOMERS));
            },
          ]);
        } else if (call.phase === 'talking') {
          options.push(['customer hangs up', async () => sim.remoteHangup()]);
          options.push(['agent hangs up', () => world.engine.callAction('hangup')]);
          if (mode === 'desktop') options.push(['agent transfers', () => world.engine.transfer('8002')]);
        } else if (call.kind === 2) {
          options.push(['agent answers in CallBar', () => world.engine.callAction('answer')]);
          options.push(['agent picks up on the phone', async () => sim.agentAnswer()]);
          options.push(['caller gives up', async () => sim.remoteHangup()]);
          options.push(['agent rejects', () => world.engine.callAction('hangup')]);
        } else {
          options.push(['callee answers', async () => sim.calleeAnswer()]);
          options.push(['callee busy', async () => sim.calleeBusy()]);
          options.push(['agent hangs up early', () => world.engine.callAction('hangup')]);
        }
        options.push(['worker killed', () => world.kill()]);
        options.push(['storage refuses writes', async () => void (world.storage.failWrites = rnd.pick([1, 3]))]);
        // HTTP faults twice as likely as the others: many wait for a request that never comes in the shift.
        for (let n = 0; n < 2; n++) {
          const kind = rnd.pick(HTTP_FAULTS);
          const aim = rnd.pick(mode === 'cloud' ? CLOUD_TARGETS : DESKTOP_TARGETS);
          options.push([`${kind} on ${aim}`, async () => faults.inject(kind, target(sim, aim))]);
        }
        if (networkDown) options.push(['network back', async () => void ((networkDown = false), await sim.start())]);
        else options.push(['network down', async () => void ((networkDown = true), networkDowns++, await sim.stop())]);
        if (mode === 'desktop') {
          if (clientDown) options.push(['desktop client started again', async () => void ((clientDown = false), await sim.setClientRunning(true))]);
          else options.push(['desktop client quits', async () => void ((clientDown = true), clientRestarts++, await sim.setClientRunning(false))]);
        }
        const [name, run] = rnd.pick(options);
        await attempt(name, run);
        await sleep(rnd.int(20, 250));
      }

      // The faults end: the network and the client are back; the platform finishes its call.
      faults.clear();
      world.storage.failWrites = 0;
      if (networkDown) await sim.start();
      if (clientDown) await sim.setClientRunning(true);
      steps.push('— faults over —');
      await within(5000, 'the platform’s call to end', async () => {
        const call = sim.state.call;
        if (call?.kind === 1 && call.phase !== 'talking') sim.calleeBusy();
        else if (call) sim.remoteHangup();
        return sim.state.call === null;
      });
      const truth = sim.state.calls.map((c) => ({ id: String(c.cdrId), talked: c.answeredAt !== null }));
      // The toolbar shows the platform's state within 5 s.
      await within(5000, 'no call shown once the platform has none', () => !isActive(world.state().call));
      await within(5000, 'still logged in, no banner left', () => world.state().status === 'loggedIn' && world.state().problem === null);
      // Every call the platform made, once, with its outcome (within 5 s too: the last messages are polled).
      const agrees = (f: ReturnType<typeof compareWithPlatform>) => f.lost.length + f.doubled.length + f.strangers.length + f.wrongOutcome.length === 0;
      await within(5000, '最近通话 as the platform has it', () => agrees(compareWithPlatform(world.history, truth))).catch(() => undefined);
      const found = compareWithPlatform(world.history, truth);
      report.calls += truth.length;
      report.talked += truth.filter((c) => c.talked).length;
      report.lost += found.lost.length;
      report.doubled += found.doubled.length;
      expect(found).toEqual({ lost: [], doubled: [], strangers: [], wrongOutcome: [] });
      // Not stuck: a dial goes out and can be ended.
      await within(5000, 'a dial after the shift', async () => {
        await world.engine.dial('13600136000');
        return true;
      });
      await within(5000, 'the dial on the platform', () => sim.state.call !== null);
      await world.engine.callAction('hangup');
      await within(5000, 'the dial ended', () => !isActive(world.state().call) && sim.state.call === null);
      report.shifts++;
      report.kills += world.kills;
      report.refusedWrites += world.storage.writesRefused;
      report.networkDowns += networkDowns;
      report.clientRestarts += clientRestarts;
      for (const k of HTTP_FAULTS) report.http[k] += faults.injected[k];
    } catch (error) {
      report.failed++;
      report.stuck += /within/.test(String(error)) ? 1 : 0;
      const failure = shiftFailure(`${FILE} -t "${mode}"`, seed, error, steps, world);
      failure.message += `\nprovider log: ${providerLog.slice(-8).join(' | ')}\nplatform calls: ${JSON.stringify(sim.state.calls.map((c) => [c.cdrId, c.kind, c.phase, c.answeredAt !== null, c.endReason]))}\n最近通话: ${JSON.stringify(world.history.map((h) => [h.vendorCallId, h.result, h.connected]))}`;
      throw failure;
    } finally {
      world.engine.halt();
      faults.clear();
      await sim.stop();
    }
  }

  // Mostly waiting (polls, timers): five shifts at a time keep 20 within the npm test budget.
  describe.concurrent(`八百呼 ${mode}: ${SHIFT_COUNT} seeded shifts with faults`, () => {
    for (const seed of shiftSeeds()) it(`${mode} shift ${seed}`, () => shift(seed), 60_000);
  });
  describe(`八百呼 ${mode}: the report`, () => {
    reportTest(`800ing-${mode}`, report, `${mode} report`);
  });
}

suite('cloud');
suite('desktop');
