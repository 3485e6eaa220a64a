/**
 * A stand-in for the session engine's ProviderContext in providers' unit tests: events are
 * applied with the engine's own `applyEvents`, the cursor is saved with them in one write when
 * given, and everything is recorded for the test to look at.
 */
import type { PhoneLink, ProviderContext } from '../../src/providers/provider.ts';
import { applyEvents, type CallRecord, type EventState, type ProviderEvent } from '../../src/shared/call-events.ts';
import { CallbarError, type Problem } from '../../src/shared/errors.ts';

const NO_PHONE: PhoneLink = {
  send: () => Promise.reject(new Error('this provider has no phone')),
  subscribe: () => () => undefined,
};

export interface ContextWrite {
  events: readonly ProviderEvent[];
  cursor?: unknown;
}

export interface FakeState extends EventState {
  /** Every note's text, in order. */
  notes: string[];
  problem: Omit<Problem, 'since'> | null;
  /** Every setProblem() call. */
  problems: (Omit<Problem, 'since'> | null)[];
  records: CallRecord[];
  events: ProviderEvent[];
  /** Every emit(), as written. */
  writes: ContextWrite[];
  cursor: unknown;
  /** Make the next n emits fail before anything is written (a storage failure). */
  failEmits: number;
  /** Set when the provider ended the session from the platform's side (ctx.endSession), with why. */
  ended: Omit<Problem, 'since'> | null;
}

export function fakeContext(cursor?: unknown, phone: PhoneLink = NO_PHONE): { ctx: ProviderContext; state: FakeState } {
  const state: FakeState = {
    call: null,
    agentState: null,
    agentStateSince: null,
    note: null,
    notes: [],
    problem: null,
    problems: [],
    records: [],
    events: [],
    writes: [],
    cursor,
    failEmits: 0,
    ended: null,
  };
  const ctx: ProviderContext = {
    emit: async (events, options) => {
      if (state.failEmits > 0) {
        state.failEmits--;
        throw new Error('storage write failed');
      }
      const result = applyEvents(state, events, Date.now());
      // The engine logs and ignores an impossible move; in a provider's test it is a bug.
      if (result.rejected.length) throw new Error(`rejected ${result.rejected.join('; ')}`);
      Object.assign(state, { call: result.state.call, agentState: result.state.agentState, agentStateSince: result.state.agentStateSince, note: result.state.note });
      for (const event of events) if (event.type === 'note') state.notes.push(event.text);
      state.records.push(...result.records);
      state.events.push(...events);
      state.writes.push({ events, ...(options ? { cursor: options.cursor } : {}) });
      if (options) state.cursor = JSON.parse(JSON.stringify(options.cursor)) as unknown;
    },
    setProblem: (problem) => {
      state.problem = problem;
      state.problems.push(problem);
    },
    snapshot: () => ({ call: state.call, agentState: state.agentState }),
    endSession: async (problem) => {
      // As the engine does: a call still shown ends with the reason.
      const result = applyEvents(state, [{ type: 'call.ended', cause: problem.message }], Date.now());
      state.call = result.state.call;
      state.ended = problem;
    },
    phone,
    loadCursor: <T,>() => state.cursor as T | undefined,
    saveCursor: async (value) => {
      state.cursor = JSON.parse(JSON.stringify(value)) as unknown;
    },
  };
  return { ctx, state };
}

/** The CallbarError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<CallbarError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof CallbarError)) throw new Error(`expected a CallbarError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a CallbarError, but it succeeded');
}
