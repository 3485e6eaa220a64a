/**
 * Fault injection, CC PaaS click-to-call (REST mode): seeded shifts of an agent who dials through
 * `click2call` and sometimes 取消呼叫, while the worker is killed, storage writes are refused and the REST
 * requests meet HTTP faults (connection refused, a proxy's 500, the answer lost after the platform acted,
 * the answer cut in half). After each shift: every conversation the platform made is in 最近通话 exactly
 * once — by its conversationSid, or, when its answer was lost or unreadable, as the ended row of unknown
 * outcome that says the call may have gone out (this mode has no request that can tell, seed 003 lines
 * 423–494: progress goes only to a server's statusUrl); no row names a conversation the platform never
 * made; the shown call is ended; and a dial works.
 *
 * Not injected: a request heard twice (a proxy retrying a POST) — no client can see it and the platform
 * would ring twice; the outcome (talked or not) — this mode never learns it, rows say 已结束.
 *
 * FAULT_SHIFTS / FAULT_SEED as in ccpaas-shifts.test.ts. Report: RELIABILITY.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCcpaasProvider } from '../../src/providers/ccpaas/index.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { isActive } from '../../src/shared/call-state.ts';
import { CcpaasSimulator, DEFAULT_APP_SID } from '../simulators/ccpaas/ccpaas-simulator.ts';
import { DEFAULT_ACCOUNT } from '../simulators/ccpaas/defaults.ts';
import { compareWithPlatform, FaultWorld, reportTest, SHIFT_COUNT, seeded, shiftFailure, shiftSeeds, sleep, within } from './fault-world.ts';
import { FaultyFetch, type HttpFault } from './faulty-fetch.ts';

const FILE = 'test/faults/ccpaas-rest-shifts.test.ts';
const STEPS = 8;
const AGENT_PHONE = '13800000000';
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];
const REST_FAULTS: readonly HttpFault[] = ['unreachable', 'error-500', 'timeout', 'malformed'];

let sim: CcpaasSimulator;
const faults = new FaultyFetch();
const providers = { ...PROVIDERS, ccpaas: createCcpaasProvider(undefined, { fetch: faults.fetch, restTimeoutMs: 400 }) };
const report = { shifts: 0, kills: 0, refusedWrites: 0, httpFaults: {} as Record<string, number>, calls: 0, uncertainRows: 0, lost: 0, doubled: 0, stuck: 0 };

beforeAll(async () => {
  sim = new CcpaasSimulator({ ringDelayMs: 30, answerDelayMs: 80 });
  await sim.start();
});
afterAll(async () => {
  await sim?.close();
});

/** The conversations the platform made for this account, oldest first. */
const conversations = () => [...sim.ctc.conversations.values()].filter((c) => c.accountSid === DEFAULT_ACCOUNT.accountSid).sort((a, b) => a.createdAt - b.createdAt);

async function shift(seed: number): Promise<void> {
  sim.reset();
  faults.clear();
  const before = { ...faults.injected };
  const rnd = seeded(seed);
  sim.setPartyMode('answer', AGENT_PHONE);
  for (const number of CUSTOMERS) sim.setPartyMode(rnd.pick(['answer', 'answer', 'no-answer', 'busy']), number);
  const settings = { mode: 'rest', baseUrl: sim.baseUrl, softVersion: sim.softVersion, accountSid: DEFAULT_ACCOUNT.accountSid, accountToken: DEFAULT_ACCOUNT.accountToken, applicationSid: DEFAULT_APP_SID, caller: AGENT_PHONE };
  const world = new FaultWorld({ providers, providerId: 'ccpaas', settings });
  await world.login();
  const steps: string[] = [];
  const ctc = (url: string) => url.includes('/ctc/');
  try {
    for (let i = 0; i < STEPS; i++) {
      const live = conversations().find((c) => c.state === 'bridged');
      const shown = world.state().call;
      const options: Array<[string, () => Promise<unknown>]> = [
        ['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))],
        ['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))],
        ['worker killed', () => world.kill()],
        ['storage refuses the next write', async () => void (world.storage.failWrites = 1)],
      ];
      if (shown?.vendorCallId) options.push(['取消呼叫', () => world.engine.extraAction('cancelCall')]);
      if (live) options.push(['customer hangs up', async () => sim.customerHangup(live.callee)]);
      const fault = rnd.pick(REST_FAULTS);
      options.push([`next REST request: ${fault}`, async () => faults.inject(fault, ctc)]);
      const [name, run] = rnd.pick(options);
      steps.push(name);
      // A refused request is the agent's everyday (shown as an error): not a defect by itself.
      await run().catch(() => undefined);
      await sleep(rnd.int(20, 150));
    }

    // The faults end.
    faults.clear();
    world.storage.failWrites = 0;
    steps.push('— faults over —');
    // The agent puts the phone down: the platform's conversations end.
    for (const conv of conversations()) if (conv.state !== 'ended') sim.ctc.cancel(conv);
    await within(5000, 'the platform’s conversations to end', () => conversations().every((c) => c.state === 'ended'));
    const made = conversations();
    await within(5000, 'no call shown as live (this mode shows only ended cards)', () => !isActive(world.state().call));
    // Rows by id; the conversations whose answer never arrived are matched by the may-have-gone rows.
    const mayHaveGone = faults.injected.timeout - before.timeout + (faults.injected.malformed - before.malformed);
    const found = compareWithPlatform(
      world.history,
      made.map((c) => ({ id: c.conversationSid, talked: false, number: c.callee })),
      { mayHaveGone, outcomeUnknown: true },
    );
    report.calls += made.length;
    report.uncertainRows += world.history.filter((r) => r.vendorCallId === undefined).length;
    report.lost += found.lost.length;
    report.doubled += found.doubled.length;
    expect(found).toEqual({ lost: [], doubled: [], strangers: [], wrongOutcome: [], unwarranted: 0 });
    // Not stuck: a dial goes out and its card says the platform took it.
    await world.engine.dial('13600136000');
    await within(5000, 'the dial on the platform', () => conversations().some((c) => c.callee === '13600136000'));
    await within(5000, 'the dial’s card', () => world.state().call?.vendorCallId === conversations().at(-1)?.conversationSid);
    report.shifts++;
    report.kills += world.kills;
    report.refusedWrites += world.storage.writesRefused;
    for (const [kind, n] of Object.entries(faults.injected)) report.httpFaults[kind] = (report.httpFaults[kind] ?? 0) + n - before[kind as HttpFault];
  } catch (error) {
    report.stuck += /within/.test(String(error)) ? 1 : 0;
    throw shiftFailure(FILE, seed, error, steps, world);
  } finally {
    world.engine.halt();
  }
}

describe(`CC PaaS click-to-call: ${SHIFT_COUNT} seeded shifts with faults`, () => {
  for (const seed of shiftSeeds()) it(`shift ${seed}`, () => shift(seed), 60_000);
  reportTest('ccpaas-rest', report);
});
