/**
 * The fault suite's world: the real SessionEngine over a storage that outlives it (chrome.storage.session),
 * the recent-calls list as the service worker keeps it (call-effects.ts: a row when a call ends, a call
 * record corrects it), and the two faults every provider meets — the worker killed at any moment and a
 * storage write refused.
 *
 * A kill is what Chrome does to the worker: the engine's provider session stops (`halt()`), and whatever
 * the dead worker still had in flight can no longer write or tell anyone (its storage generation is over);
 * a new engine over the same storage wakes and takes over.
 */
import { expect, it } from 'vitest';
import { SessionEngine } from '../../src/background/session-engine.ts';
import type { SessionStorageArea } from '../../src/background/session-store.ts';
import type { Provider, PhoneLink } from '../../src/providers/provider.ts';
import { addRecordToHistory, addToHistory, historyEntry, type HistoryEntry } from '../../src/shared/call-history.ts';
import type { ProviderId } from '../../src/shared/ids.ts';
import { DEFAULT_DIAL_PLAN } from '../../src/shared/phone/dial-plan.ts';
import type { PublicState } from '../../src/shared/session-state.ts';

/** chrome.storage.session across worker lifetimes: a dead generation's writes fail. */
export class WorkerStorage {
  private readonly data = new Map<string, unknown>();
  generation = 0;
  /** The next this many writes fail (QUOTA_BYTES), whichever worker makes them. */
  failWrites = 0;
  writesRefused = 0;

  area(generation: number): SessionStorageArea {
    return {
      get: async (key) => (this.data.has(key) ? { [key]: structuredClone(this.data.get(key)) } : {}),
      set: async (items) => {
        if (generation !== this.generation) throw new Error('the worker is gone');
        if (this.failWrites > 0) {
          this.failWrites--;
          this.writesRefused++;
          throw new Error('QUOTA_BYTES quota exceeded');
        }
        for (const [key, value] of Object.entries(items)) this.data.set(key, structuredClone(value));
      },
    };
  }
}

export interface FaultWorldOptions {
  providers: Readonly<Record<ProviderId, Provider<any>>>;
  providerId: ProviderId;
  settings: unknown;
  phone?: PhoneLink;
}

export class FaultWorld {
  readonly storage = new WorkerStorage();
  /** 最近通话 as the worker keeps it, newest first. */
  history: HistoryEntry[] = [];
  /** Every state published by a live worker. */
  readonly published: PublicState[] = [];
  engine!: SessionEngine;
  kills = 0;
  private readonly logs: string[] = [];

  constructor(private readonly options: FaultWorldOptions) {
    this.boot();
  }

  private boot(): void {
    const generation = ++this.storage.generation;
    const alive = () => generation === this.storage.generation;
    this.engine = new SessionEngine({
      providers: this.options.providers,
      storage: this.storage.area(generation),
      loadSettings: async () => structuredClone(this.options.settings),
      saveSettings: async () => undefined,
      loadDialPlan: async () => DEFAULT_DIAL_PLAN,
      saveDialPlan: async () => undefined,
      publish: (state) => {
        if (alive()) this.published.push(state);
      },
      keepAlive: () => undefined,
      onCallChange: (previous, current) => {
        if (!alive() || current?.state !== 'ended' || (previous?.id === current.id && previous.state === 'ended')) return;
        this.history = addToHistory(this.history, historyEntry(current));
      },
      onCallRecord: (record) => {
        if (alive()) this.history = addRecordToHistory(this.history, record);
      },
      now: Date.now,
      log: (message) => this.logs.push(message),
      ...(this.options.phone ? { phone: this.options.phone } : {}),
    });
  }

  async login(): Promise<void> {
    await this.engine.login(this.options.providerId, this.options.settings);
  }

  /** The worker dies now; a new one wakes over the same storage. */
  async kill(): Promise<void> {
    this.engine.halt();
    this.kills++;
    this.boot();
    await this.engine.wake();
  }

  state(): PublicState {
    return this.engine.publicState();
  }

  /** The engine's log lines (refused moves, failed writes), for a failing seed's report. */
  log(): readonly string[] {
    return this.logs;
  }
}

/** A small seeded generator (mulberry32): a failing seed replays the same shift. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shown(value: unknown): string {
  if (value instanceof Error || typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Waits until `check` holds (polling), or throws with what was last seen (a `within` failure counts as stuck). */
export async function within<T>(ms: number, what: string, check: () => T | Promise<T>): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what} (last: ${shown(last)})`);
    await sleep(50);
  }
}

/** A call as the platform remembers it: its id (the row's vendorCallId) and whether the customer talked. */
export interface PlatformCall {
  id: string;
  talked: boolean;
  /** The number it called (matched against a row of a dial whose answer was lost, see below). */
  number?: string;
}

export interface CompareOptions {
  /**
   * Dial-only modes: a dial whose answer was lost or unreadable is kept as a row without the platform's
   * id that says the call may have gone out. Such a row stands for one platform call of its number that
   * no row names; it is not a stranger. `mayHaveGone` (how many answers were lost or cut) bounds them.
   */
  mayHaveGone?: number;
  /** The outcome cannot be known in this mode (the rows say 已结束): not compared. */
  outcomeUnknown?: boolean;
}

/**
 * 最近通话 against the platform's own history: every platform call once, with its outcome, and no row for
 * a call the platform never made. Empty lists when they agree.
 */
export function compareWithPlatform(history: readonly HistoryEntry[], truth: readonly PlatformCall[], options: CompareOptions = {}) {
  const rows = [...history].reverse();
  const uncertain = options.mayHaveGone === undefined ? [] : rows.filter((r) => r.vendorCallId === undefined);
  const unclaimed = [...uncertain];
  const lost = truth
    .filter((c) => !rows.some((r) => r.vendorCallId === c.id))
    .filter((c) => {
      const at = unclaimed.findIndex((r) => r.number === c.number);
      if (at < 0) return true;
      unclaimed.splice(at, 1);
      return false;
    })
    .map((c) => c.id);
  return {
    lost,
    doubled: truth.filter((c) => rows.filter((r) => r.vendorCallId === c.id).length > 1).map((c) => c.id),
    strangers: rows.filter((r) => !uncertain.includes(r) && !truth.some((c) => c.id === r.vendorCallId)).map((r) => `${r.number} ${r.result} ${r.vendorCallId ?? '(no id)'}`),
    wrongOutcome: options.outcomeUnknown ? [] : truth.filter((c) => rows.some((r) => r.vendorCallId === c.id && r.connected !== c.talked)).map((c) => c.id),
    // More may-have-gone rows than answers lost: a row that warns of a call without cause.
    ...(options.mayHaveGone === undefined ? {} : { unwarranted: Math.max(0, uncertain.length - options.mayHaveGone) }),
  };
}

/** What a failing shift prints: how to replay it alone, its steps, the engine's last words. */
export function shiftFailure(file: string, seed: number, error: unknown, steps: readonly string[], world: FaultWorld): Error {
  const replay = `FAULT_SEED=${seed} FAULT_SHIFTS=1 npx vitest run ${file}`;
  const rows = world.history.map((r) => `${r.vendorCallId ?? '(no id)'} ${r.number} ${r.connected ? 'talked' : 'not talked'} ${r.result}`);
  return new Error(`shift ${seed} failed: ${String((error as Error)?.message ?? error)}\nsteps: ${steps.join(' → ')}\nreplay: ${replay}\n最近通话 (newest first): ${rows.join(' | ')}\nengine log: ${world.log().slice(-8).join(' | ')}`);
}

/** How many shifts a run has: FAULT_SHIFTS (20 by default, as in npm test; 100 in npm run test:faults). */
export const SHIFT_COUNT = Number(process.env.FAULT_SHIFTS ?? 20);

/** The run's seeds: FAULT_SEED (1 by default) and the next ones — a failing seed replays alone. */
export function shiftSeeds(): number[] {
  const first = Number(process.env.FAULT_SEED ?? 1);
  return Array.from({ length: SHIFT_COUNT }, (_, i) => first + i);
}

/** The run's last test: prints `[faults] <name> {…}` (the figures RELIABILITY.md reports) and fails unless every shift passed. */
export function reportTest(name: string, report: { shifts: number }, title = 'report'): void {
  it(title, () => {
    console.log(`[faults] ${name} ${JSON.stringify(report)}`);
    expect(report.shifts).toBe(SHIFT_COUNT);
  });
}
