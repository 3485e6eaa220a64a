/**
 * Fault injection, v-call 双向回呼 (mode c: one HTTP request per dial with the company token): seeded
 * shifts of dials while the platform revokes its tokens (403 → CallBar asks for a new one), the token API
 * fails (FaultyFetch: refused, 500 page, reply lost after the platform issued a token, reply cut), the dial
 * API is refused, answers a 500 page, or its reply is lost or cut after the platform placed the call, the
 * worker is killed and storage writes are refused. Checked after each shift, with the faults over: every
 * callback the platform placed is in 最近通话 exactly once — by its callId, or, when the dial's reply (the only
 * place the callId is given, seed 5225-5300) was lost or cut, as the row that says the call may have gone
 * out (mode (c) has no events to learn more from) — none that it did not place, and a dial works.
 *
 * FAULT_SHIFTS / FAULT_SEED as in vcall-shifts.test.ts; a failing shift prints the command that replays it.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createVcallProvider } from '../../src/providers/vcall/index.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { DEFAULT_COMPANY, VcallSimulator } from '../simulators/vcall/vcall-simulator.ts';
import { compareWithPlatform, FaultWorld, reportTest, SHIFT_COUNT, seeded, shiftFailure, shiftSeeds, sleep, within } from './fault-world.ts';
import { FaultyFetch, type HttpFault } from './faulty-fetch.ts';

const STEPS = 8;
const CUSTOMERS = ['13800138001', '13800138002', '13900139003', '13700137004'];
const TOKEN_FAULTS: readonly HttpFault[] = ['unreachable', 'error-500', 'timeout', 'malformed'];
const DIAL_FAULTS: readonly HttpFault[] = ['unreachable', 'error-500', 'timeout', 'malformed'];
const isToken = (url: string) => url.endsWith('/api/token');
const isDial = (url: string) => url.endsWith('/api/sip/makecall');

let sim: VcallSimulator;
/** Two injectors in a row, so that each counts its own: the token API's faults, then the dial API's. */
const tokenFaults = new FaultyFetch();
const dialFaults = new FaultyFetch(tokenFaults.fetch);
const providers = { ...PROVIDERS, vcall: createVcallProvider(undefined, { requestTimeoutMs: 1500, fetch: dialFaults.fetch }) };

beforeAll(async () => {
  sim = new VcallSimulator({ ringDelayMs: 40, answerDelayMs: 120 });
  await sim.start();
});
afterAll(async () => {
  await sim?.close();
});

const settings = () => ({
  mode: 'callback',
  server: sim.baseUrl,
  companyId: DEFAULT_COMPANY.companyId,
  accessKeyId: DEFAULT_COMPANY.accessKeyId,
  accessKeySecret: DEFAULT_COMPANY.accessKeySecret,
  callerPhone: '13500135000',
});
const report = {
  shifts: 0,
  kills: 0,
  tokensRevoked: 0,
  token: { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0 } as Record<string, number>,
  dial: { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0 } as Record<string, number>,
  refusedWrites: 0,
  calls: 0,
  lost: 0,
  doubled: 0,
  stuck: 0,
};

async function shift(seed: number): Promise<void> {
  sim.reset();
  const rnd = seeded(seed);
  const world = new FaultWorld({ providers, providerId: 'vcall', settings: settings() });
  const steps: string[] = [];
  let revoked = 0;
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    steps.push(what);
    await run().catch(() => undefined);
  };
  try {
    await world.login();
    for (let i = 0; i < STEPS; i++) {
      const tokenFault = rnd.pick(TOKEN_FAULTS);
      const dialFault = rnd.pick(DIAL_FAULTS);
      const options: Array<[string, () => Promise<unknown>]> = [
        ['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))],
        ['dial', () => world.engine.dial(rnd.pick(CUSTOMERS))],
        ['the platform revokes its tokens', async () => void (revoked++, sim.expireTokens())],
        ['worker killed', () => world.kill()],
        ['storage refuses the next write', async () => void (world.storage.failWrites = 1)],
        [`next token request: ${tokenFault}`, async () => tokenFaults.inject(tokenFault, isToken)],
        [`next dial request: ${dialFault}`, async () => dialFaults.inject(dialFault, isDial)],
      ];
      const [name, run] = rnd.pick(options);
      await attempt(name, run);
      await sleep(rnd.int(10, 80));
    }

    tokenFaults.clear();
    dialFaults.clear();
    world.storage.failWrites = 0;
    steps.push('— faults over —');
    const truth = sim.callbacks.map((c) => ({ id: c.callId, talked: false, number: c.telB }));
    // Mode (c) learns nothing of the call after the platform accepted it: the row's outcome is unknown.
    const mayHaveGone = dialFaults.injected.timeout + dialFaults.injected.malformed;
    await within(5000, 'every platform call in 最近通话', () => compareWithPlatform(world.history, truth, { mayHaveGone, outcomeUnknown: true }).lost.length === 0);
    const found = compareWithPlatform(world.history, truth, { mayHaveGone, outcomeUnknown: true });
    report.calls += truth.length;
    report.lost += found.lost.length;
    report.doubled += found.doubled.length;
    if (found.lost.length + found.doubled.length + found.strangers.length + (found.unwarranted ?? 0) > 0) throw new Error(`最近通话 disagrees with the platform: ${JSON.stringify(found)}`);
    // Not stuck: a dial goes out (with a token from before or a new one) and is listed.
    await world.engine.dial('13600136000');
    await within(5000, 'the dial in 最近通话', () => sim.callbacks.length === truth.length + 1 && world.history.some((r) => r.vendorCallId === sim.callbacks.at(-1)!.callId));
    report.shifts++;
    report.kills += world.kills;
    report.tokensRevoked += revoked;
    // The faults a request actually met (one injected but never taken is not counted).
    for (const kind of TOKEN_FAULTS) report.token[kind]! += tokenFaults.injected[kind];
    for (const kind of DIAL_FAULTS) report.dial[kind]! += dialFaults.injected[kind];
    report.refusedWrites += world.storage.writesRefused;
  } catch (error) {
    report.stuck += /within/.test(String(error)) ? 1 : 0;
    throw shiftFailure('test/faults/vcall-direct-shifts.test.ts', seed, error, steps, world);
  } finally {
    for (const faults of [tokenFaults, dialFaults]) {
      faults.clear();
      for (const kind of Object.keys(faults.injected) as HttpFault[]) faults.injected[kind] = 0;
    }
    await world.engine.logout(true).catch(() => undefined);
    world.engine.halt();
  }
}

describe(`v-call callback mode: ${SHIFT_COUNT} seeded shifts with token and dial faults`, () => {
  for (const seed of shiftSeeds()) it(`shift ${seed}`, () => shift(seed), 60_000);
  reportTest('vcall-callback', report);
});
