/**
 * Fault injection, CC PaaS (toolbar mode, SIP phone): seeded shifts of an agent — dials, customers calling,
 * hold, hang-ups from both sides, pauses — against the simulator's CTI server, while the worker is killed,
 * the CTI socket is cut and storage writes are refused at random points. After each shift, with the faults
 * over: every call the platform made is in 最近通话 exactly once with the platform's outcome, the engine shows
 * the platform's state within 5 s, and the agent is not stuck (no call only CallBar believes in; a dial works).
 *
 * FAULT_SHIFTS (20 in `npm test`, 100 in `npm run test:faults`) and FAULT_SEED (the first shift's seed)
 * choose the run; a failing shift prints the command that replays it alone. Report: RELIABILITY.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCcpaasProvider } from '../../src/providers/ccpaas/index.ts';
import { createCtiWireOpener } from '../../src/providers/ccpaas/ccpaas-wire.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { isActive } from '../../src/shared/call-state.ts';
import { CcpaasSimulator, DEFAULT_APP_SID } from '../simulators/ccpaas/ccpaas-simulator.ts';
import { compareWithPlatform, FaultWorld, reportTest, SHIFT_COUNT, seeded, shiftFailure, shiftSeeds, sleep, within } from './fault-world.ts';

const STEPS = 10;
const AGENT = '8001';
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];

let sim: CcpaasSimulator;
const provider = createCcpaasProvider(createCtiWireOpener(WebSocket as unknown as new (url: string) => globalThis.WebSocket), { requestTimeoutMs: 1500, heartbeatMs: 60_000 });
const providers = { ...PROVIDERS, ccpaas: provider };

beforeAll(async () => {
  sim = new CcpaasSimulator({ agentAnswerDelayMs: 60, ringDelayMs: 40, answerDelayMs: 120, wrapupSeconds: 0 });
  await sim.start();
});
afterAll(async () => {
  await sim?.close();
});

const platform = () => sim.agent(AGENT);
const report = { shifts: 0, kills: 0, drops: 0, outages: 0, refusedWrites: 0, calls: 0, lost: 0, doubled: 0, stuck: 0 };

async function shift(seed: number): Promise<void> {
  sim.reset();
  const rnd = seeded(seed);
  const world = new FaultWorld({ providers, providerId: 'ccpaas', settings: { mode: 'toolbar', ctiUrl: sim.ctiUrl, appSid: DEFAULT_APP_SID, agentNo: AGENT, password: '123456', phoneType: '1', pauseCauses: '休息' } });
  await world.login();
  const steps: string[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    steps.push(what);
    // A refused action is an agent's everyday (the call ended meanwhile, a socket reconnecting): shown, not a defect.
    await run().catch(() => undefined);
  };
  let drops = 0;
  let outages = 0;
  try {
    for (let i = 0; i < STEPS; i++) {
      const agent = platform();
      const call = agent.call;
      const options: Array<[string, () => Promise<unknown>]> = [];
      if (!call && agent.workStatus === 'ready') {
        options.push(['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))]);
        options.push(['customer calls', async () => sim.incoming({ userNumber: rnd.pick(CUSTOMERS), agentNo: AGENT })]);
      }
      if (call?.phase === 'connected') {
        options.push(['customer hangs up', async () => sim.customerHangup()]);
        options.push(['agent hangs up', () => world.engine.callAction('hangup')]);
        options.push([call.held ? 'retrieve' : 'hold', () => world.engine.callAction(call.held ? 'unhold' : 'hold')]);
      }
      if (call && call.phase !== 'connected') options.push(['agent hangs up early', () => world.engine.callAction('hangup')]);
      if (!call) options.push([agent.workStatus === 'ready' ? 'pause' : 'ready', () => world.engine.setAgentState(agent.workStatus === 'ready' ? 'pause:休息' : 'ready')]);
      options.push(['worker killed', () => world.kill()]);
      options.push(['CTI socket cut', async () => void ((drops += sim.drop(AGENT).dropped))]);
      options.push([
        'CTI server down a while (socket cut, reconnections refused)',
        async () => {
          sim.refuseConnections(rnd.int(300, 2500));
          drops += sim.drop(AGENT).dropped;
          outages++;
        },
      ]);
      options.push(['storage refuses the next write', async () => void (world.storage.failWrites = 1)]);
      const [name, run] = rnd.pick(options);
      await attempt(name, run);
      await sleep(rnd.int(20, 250));
    }

    // The faults end: the platform finishes its call; the agent is ready.
    world.storage.failWrites = 0;
    sim.refuseConnections(0);
    steps.push('— faults over —');
    await within(5000, 'the platform’s call to end', async () => {
      if (platform().call?.phase === 'connected') sim.customerHangup();
      return platform().call === null;
    });
    const truth = platform().history;
    // The toolbar shows the platform's state within 5 s.
    // The CTI connection is back (no banner): what the platform said meanwhile has been replayed.
    await within(5000, 'the CTI connection back, no banner', () => world.state().problem === null);
    await within(5000, 'no call shown once the platform has none', () => !isActive(world.state().call));
    await within(5000, 'the agent state the platform has', () => {
      const shown = world.state().agentState;
      const p = platform();
      return p.workStatus === 'ready' ? shown === 'ready' : shown === 'pause' || shown?.startsWith('pause:') || shown === 'wrapup';
    });
    // Every call the platform made, once, with its outcome.
    await within(5000, 'every platform call in 最近通话', () => world.history.length >= truth.length);
    const found = compareWithPlatform(world.history, truth.map((c) => ({ id: c.conversationSid, talked: c.talked })));
    report.calls += truth.length;
    report.lost += found.lost.length;
    report.doubled += found.doubled.length;
    expect(found).toEqual({ lost: [], doubled: [], strangers: [], wrongOutcome: [] });
    // Not stuck: a dial goes out and can be ended.
    await within(5000, 'a dial after the shift', async () => {
      await world.engine.dial('13600136000');
      return true;
    });
    await within(5000, 'the dial on the platform', () => platform().call !== null);
    await world.engine.callAction('hangup');
    await within(5000, 'the dial ended', () => !isActive(world.state().call));
    report.shifts++;
    report.kills += world.kills;
    report.drops += drops;
    report.outages += outages;
    report.refusedWrites += world.storage.writesRefused;
  } catch (error) {
    report.stuck += /within/.test(String(error)) ? 1 : 0;
    throw shiftFailure('test/faults/ccpaas-shifts.test.ts', seed, error, steps, world);
  } finally {
    world.engine.halt();
  }
}

describe(`CC PaaS: ${SHIFT_COUNT} seeded shifts with faults`, () => {
  for (const seed of shiftSeeds()) it(`shift ${seed}`, () => shift(seed), 60_000);
  reportTest('ccpaas', report);
});
