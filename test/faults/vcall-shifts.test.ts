/**
 * Fault injection, v-call (agent session, SIP phone): seeded shifts of an agent against the simulator,
 * its events carried by a real RabbitMQ, while the worker is killed, the broker connections are cut, the
 * broker is restarted (every 7th shift: stop + start, durable queues kept), 座席控制 HTTP requests fail
 * (FaultyFetch: refused, 500 page, reply lost after the platform acted, reply cut) and storage writes are
 * refused at random points. Checked after each shift, with the faults over: every call the platform made
 * (its After events) is in 最近通话 exactly once with the platform's outcome, the engine shows the
 * platform's call and agent state within 5 s, and a dial works.
 *
 * 最近通话 outlives the shifts, as in the extension (IndexedDB, kept across logins): the durable queue may
 * still hold the previous shift's last events (the After of its closing test dial, its Logout) when the
 * next shift logs in, and they correct that shift's rows, not strangers in an empty list.
 *
 * FAULT_SHIFTS (20 in `npm test`, 100 in `npm run test:faults`) and FAULT_SEED (the first shift's seed)
 * choose the run; a failing shift prints the command that replays it alone. Report: RELIABILITY.md.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { WebSocket } from 'ws';
import { createVcallProvider } from '../../src/providers/vcall/index.ts';
import { openVcallStreamWith } from '../../src/providers/vcall/vcall-stomp.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { isActive } from '../../src/shared/call-state.ts';
import type { HistoryEntry } from '../../src/shared/call-history.ts';
import { DEFAULT_COMPANY, VcallSimulator } from '../simulators/vcall/vcall-simulator.ts';
import { startRabbit, type Rabbit } from '../support/rabbitmq.ts';
import { compareWithPlatform, FaultWorld, reportTest, SHIFT_COUNT, seeded, shiftFailure, shiftSeeds, sleep, within } from './fault-world.ts';
import { FaultyFetch, type HttpFault } from './faulty-fetch.ts';

const STEPS = 10;
/** Shifts whose seed is ≡ 3 (mod 7) restart the broker once (≈ 8 s each: 3 of the 20 in npm test). */
const RESTART_EVERY = 7;
const AGENT = '1001';
const MQ = { login: 'vcall-agent', passcode: 'vcall-agent-pw' };
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];
/** The HTTP faults a 座席控制 request meets here ('duplicate' is left out: see RELIABILITY.md). */
const CONTROL_FAULTS: readonly HttpFault[] = ['unreachable', 'error-500', 'timeout', 'malformed'];
const isControl = (url: string, method: string) => method === 'POST' && url.endsWith('/ccs/api/agent/control');

let mq: Rabbit;
let sim: VcallSimulator;
const faults = new FaultyFetch();
const provider = createVcallProvider(openVcallStreamWith(WebSocket as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket), {
  eventTimeoutMs: 3000,
  requestTimeoutMs: 1500,
  fetch: faults.fetch,
});
const providers = { ...PROVIDERS, vcall: provider };

beforeAll(async () => {
  mq = await startRabbit();
  await mq.addUser('/', MQ.login, MQ.passcode);
  sim = new VcallSimulator({
    stomp: { url: mq.platformUrl, login: mq.admin.login, passcode: mq.admin.passcode, vhost: '/' },
    agentAnswerDelayMs: 60,
    ringDelayMs: 40,
    answerDelayMs: 120,
    autoIdleSeconds: 0,
  });
  await sim.start();
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await mq?.stop();
});

interface PlatformAgent {
  agentNumber: string;
  nowState: string;
  loggedIn: boolean;
  call: { held: boolean } | null;
}
const platform = () => (sim.state.agents as PlatformAgent[]).find((a) => a.agentNumber === AGENT)!;
const settings = () => ({
  mode: 'agent',
  server: sim.baseUrl,
  companyId: DEFAULT_COMPANY.companyId,
  agentNumber: AGENT,
  password: '123456',
  loginType: '1',
  streamUrl: mq.stompUrl,
  connectAccount: MQ.login,
  connectPassword: MQ.passcode,
  subscribePath: `/queue/vcall.${DEFAULT_COMPANY.companyId}.${AGENT}`,
});
const afters = () => sim.eventsOf(AGENT).filter((e) => e.event === 'After').map((e) => e.data as { occCallId: string; answerTime: string });
/** The agent state the engine shows for the platform's nowState (vcall-mapper.ts NOW_STATES). */
const shownFor = (nowState: string, shown: string | null) =>
  nowState === 'Idle' ? shown === 'idle' : nowState === 'Busy' ? shown === 'busy' || !!shown?.startsWith('busy:') : nowState === 'After' ? shown === 'afterCall' : false;

const report = {
  shifts: 0,
  kills: 0,
  brokerCuts: 0,
  brokerRestarts: 0,
  http: { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0 } as Record<string, number>,
  refusedWrites: 0,
  calls: 0,
  lost: 0,
  doubled: 0,
  stuck: 0,
};
const rowsOf = (history: readonly HistoryEntry[], id: string) => history.filter((r) => r.vendorCallId === id).length;
/** 最近通话 as the extension keeps it across logins (IndexedDB). */
let recentCalls: HistoryEntry[] = [];

async function shift(seed: number): Promise<void> {
  const rnd = seeded(seed);
  const restartHere = seed % RESTART_EVERY === 3;
  const before = afters();
  const earlier = new Set(before.map((c) => c.occCallId));
  const world = new FaultWorld({ providers, providerId: 'vcall', settings: settings() });
  world.history = recentCalls;
  const steps: string[] = [];
  let cuts = 0;
  let restarts = 0;
  const http: Record<string, number> = { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0 };
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    steps.push(what);
    // A refused action is an agent's everyday (the call ended meanwhile, a request failed): shown, not a defect.
    await run().catch(() => undefined);
  };
  try {
    await world.login();
    await world.engine.setAgentState('idle').catch(() => undefined);
    const restartAt = restartHere ? rnd.int(0, STEPS - 1) : -1;
    for (let i = 0; i < STEPS; i++) {
      if (i === restartAt) {
        await attempt('broker restarted', async () => {
          restarts++;
          await mq.restart();
        });
        continue;
      }
      const agent = platform();
      const options: Array<[string, () => Promise<unknown>]> = [];
      if (!agent.call && agent.nowState === 'Idle') {
        options.push(['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))]);
        options.push(['customer calls', async () => void sim.incoming({ caller: rnd.pick(CUSTOMERS), agentNumber: AGENT })]);
      }
      if (agent.call) {
        options.push(['customer hangs up', async () => sim.customerHangup()]);
        options.push(['agent hangs up', () => world.engine.callAction('hangup')]);
        options.push([agent.call.held ? 'unhold' : 'hold', () => world.engine.callAction(agent.call?.held ? 'unhold' : 'hold')]);
      } else options.push([agent.nowState === 'Idle' ? 'busy' : 'idle', () => world.engine.setAgentState(agent.nowState === 'Idle' ? 'busy' : 'idle')]);
      options.push(['worker killed', () => world.kill()]);
      options.push(['broker connections cut', async () => void (cuts++, mq.dropConnections())]);
      options.push(['storage refuses the next write', async () => void (world.storage.failWrites = 1)]);
      const fault = rnd.pick(CONTROL_FAULTS);
      options.push([`next control request: ${fault}`, async () => faults.inject(fault, isControl)]);
      const [name, run] = rnd.pick(options);
      await attempt(name, run);
      await sleep(rnd.int(20, 250));
    }

    // The faults end: the platform finishes its call.
    for (const kind of CONTROL_FAULTS) http[kind] = faults.injected[kind];
    faults.clear();
    world.storage.failWrites = 0;
    steps.push('— faults over —');
    await within(5000, 'the platform’s call to end', async () => {
      if (platform().call) sim.customerHangup();
      return platform().call === null;
    });
    await sim.drained();
    const truth = afters()
      .slice(before.length)
      .map((c) => ({ id: c.occCallId, talked: c.answerTime !== '' }));
    // The toolbar shows the platform's state within 5 s.
    await within(5000, 'no call shown once the platform has none', () => !isActive(world.state().call));
    await within(5000, 'the agent state the platform has', () => {
      if (shownFor(platform().nowState, world.state().agentState)) return true;
      throw new Error(`platform ${platform().nowState}, shown ${world.state().agentState}`);
    });
    // Every call the platform made, once, with its outcome (rows of earlier shifts' calls are theirs).
    await within(5000, 'every platform call in 最近通话', () => truth.every((c) => world.history.some((r) => r.vendorCallId === c.id)));
    // Rows carried from earlier shifts were judged there (one failure is not counted again in every later shift).
    const carried = new Set(recentCalls.map((r) => r.id));
    const rows = world.history.filter((r) => !carried.has(r.id) && !(r.vendorCallId && earlier.has(r.vendorCallId)));
    const found = compareWithPlatform(rows, truth);
    // A row of an earlier shift's call doubled by what its late events did now.
    const doubledEarlier = [...earlier].filter((id) => rowsOf(world.history, id) > Math.max(1, rowsOf(recentCalls, id)));
    report.calls += truth.length;
    report.lost += found.lost.length;
    report.doubled += found.doubled.length + doubledEarlier.length;
    if (found.lost.length + found.doubled.length + found.strangers.length + found.wrongOutcome.length + doubledEarlier.length > 0) {
      const about = new Set([...found.doubled, ...found.wrongOutcome, ...doubledEarlier]);
      const shown = world.history.filter((r) => r.vendorCallId && about.has(r.vendorCallId)).map((r) => `${r.id} ${r.number} ${r.result} ${r.vendorCallId}`);
      throw new Error(`最近通话 disagrees with the platform: ${JSON.stringify({ ...found, doubledEarlier })}; rows: ${shown.join(' / ')}`);
    }
    // Not stuck: ready again, a dial goes out and can be ended.
    await world.engine.setAgentState('idle').catch(() => undefined);
    await within(5000, 'the agent idle', () => platform().nowState === 'Idle');
    await within(5000, 'a dial after the shift', async () => {
      await world.engine.dial('13600136000');
      return true;
    });
    await within(5000, 'the dial on the platform', () => platform().call !== null);
    await world.engine.callAction('hangup');
    await within(5000, 'the dial ended', () => !isActive(world.state().call) && platform().call === null);
    report.shifts++;
    report.kills += world.kills;
    report.brokerCuts += cuts;
    report.brokerRestarts += restarts;
    for (const [kind, n] of Object.entries(http)) report.http[kind]! += n;
    report.refusedWrites += world.storage.writesRefused;
  } catch (error) {
    report.stuck += /within/.test(String(error)) ? 1 : 0;
    throw shiftFailure('test/faults/vcall-shifts.test.ts', seed, error, steps, world);
  } finally {
    faults.clear();
    for (const kind of Object.keys(faults.injected) as HttpFault[]) faults.injected[kind] = 0;
    await world.engine.logout(true).catch(() => undefined);
    world.engine.halt();
    recentCalls = world.history;
  }
}

describe(`v-call: ${SHIFT_COUNT} seeded shifts with faults`, () => {
  for (const seed of shiftSeeds()) it(`shift ${seed}`, () => shift(seed), 60_000);
  reportTest('vcall', report);
});
