/**
 * Fault injection, v-call (agent session, SIP phone): seeded shifts of an agent against the simulator,
 * its events carried by a real RabbitMQ, while the worker is killed, the broker connections are cut and
 * storage writes are refused at random points. Checked after each shift, with the faults over: every call
 * the platform made (its After events) is in 最近通话 exactly once with the platform's outcome, the engine
 * shows the platform's state within 5 s, and a dial works. FAULT_SHIFTS / FAULT_SEED as in
 * ccpaas-shifts.test.ts; RELIABILITY.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createVcallProvider } from '../../src/providers/vcall/index.ts';
import { openVcallStreamWith } from '../../src/providers/vcall/vcall-stomp.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { isActive } from '../../src/shared/call-state.ts';
import { DEFAULT_COMPANY, VcallSimulator } from '../simulators/vcall/vcall-simulator.ts';
import { startRabbit, type Rabbit } from '../support/rabbitmq.ts';
import { FaultWorld, seeded, sleep, within } from './fault-world.ts';

const SHIFTS = Number(process.env.FAULT_SHIFTS ?? 20);
const FIRST_SEED = Number(process.env.FAULT_SEED ?? 1);
const STEPS = 10;
const AGENT = '1001';
const MQ = { login: 'vcall-agent', passcode: 'vcall-agent-pw' };
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];

let mq: Rabbit;
let sim: VcallSimulator;
const provider = createVcallProvider(openVcallStreamWith(WebSocket as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket), { eventTimeoutMs: 3000 });
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
const report = { shifts: 0, kills: 0, brokerCuts: 0, refusedWrites: 0, calls: 0, lost: 0, doubled: 0, stuck: 0 };

async function shift(seed: number): Promise<void> {
  const rnd = seeded(seed);
  const afterBefore = sim.eventsOf(AGENT).filter((e) => e.event === 'After').length;
  const world = new FaultWorld({ providers, providerId: 'vcall', settings: settings() });
  await world.login();
  const steps: string[] = [];
  let cuts = 0;
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    steps.push(what);
    await run().catch(() => undefined);
  };
  try {
    await world.engine.setAgentState('idle').catch(() => undefined);
    for (let i = 0; i < STEPS; i++) {
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
      const [name, run] = rnd.pick(options);
      await attempt(name, run);
      await sleep(rnd.int(20, 250));
    }

    world.storage.failWrites = 0;
    steps.push('— faults over —');
    await within(5000, 'the platform’s call to end', async () => {
      if (platform().call) sim.customerHangup();
      return platform().call === null;
    });
    await sim.drained();
    const truth = sim
      .eventsOf(AGENT)
      .filter((e) => e.event === 'After')
      .slice(afterBefore)
      .map((e) => e.data as { occCallId: string; answerTime: string });
    await within(5000, 'no call shown once the platform has none', () => !isActive(world.state().call));
    await within(5000, 'every platform call in 最近通话', () => truth.every((c) => world.history.some((r) => r.vendorCallId === c.occCallId)));
    const rows = world.history;
    const lost = truth.filter((c) => !rows.some((r) => r.vendorCallId === c.occCallId));
    const doubled = truth.filter((c) => rows.filter((r) => r.vendorCallId === c.occCallId).length > 1);
    const strangers = rows.filter((r) => !truth.some((c) => c.occCallId === r.vendorCallId));
    const wrongOutcome = truth.filter((c) => rows.some((r) => r.vendorCallId === c.occCallId && r.connected !== (c.answerTime !== '')));
    report.calls += truth.length;
    report.lost += lost.length;
    report.doubled += doubled.length;
    expect({ lost: lost.map((c) => c.occCallId), doubled: doubled.map((c) => c.occCallId), strangers: strangers.map((r) => `${r.number} ${r.result}`), wrongOutcome: wrongOutcome.map((c) => c.occCallId) }).toEqual({ lost: [], doubled: [], strangers: [], wrongOutcome: [] });
    // Not stuck: ready again, a dial goes out and can be ended.
    await world.engine.setAgentState('idle').catch(() => undefined);
    await within(5000, 'the agent idle', () => platform().nowState === 'Idle');
    await world.engine.dial('13600136000');
    await within(5000, 'the dial on the platform', () => platform().call !== null);
    await world.engine.callAction('hangup');
    await within(5000, 'the dial ended', () => !isActive(world.state().call) && platform().call === null);
    report.shifts++;
    report.kills += world.kills;
    report.brokerCuts += cuts;
    report.refusedWrites += world.storage.writesRefused;
  } catch (error) {
    report.stuck += /within/.test(String(error)) ? 1 : 0;
    const replay = `FAULT_SEED=${seed} FAULT_SHIFTS=1 npx vitest run test/faults/vcall-shifts.test.ts`;
    throw new Error(`shift ${seed} failed: ${String((error as Error).message)}\nsteps: ${steps.join(' → ')}\nreplay: ${replay}\nengine log: ${world.log().slice(-8).join(' | ')}`);
  } finally {
    await world.engine.logout(true).catch(() => undefined);
    world.engine.halt();
  }
}

describe(`v-call: ${SHIFTS} seeded shifts with faults`, () => {
  for (let i = 0; i < SHIFTS; i++) {
    const seed = FIRST_SEED + i;
    it(`shift ${seed}`, () => shift(seed), 60_000);
  }
  it('report', () => {
    console.log(`[faults] vcall ${JSON.stringify(report)}`);
    expect(report.shifts).toBe(SHIFTS);
  });
});
