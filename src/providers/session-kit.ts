/**
 * Small parts every polling provider session needs (used by dscom and 八百呼):
 * - `PollTimer`: wait for the next poll, or be woken early (after an action, poll at once);
 * - `ProblemSlots`: several sources of trouble (server, auth, desktop client, socket…), one banner —
 *   the most important present problem is shown, and a source clears only its own.
 * - `DialOnlyControls`: for a mode in which the platform carries the call out by itself (v-call's open
 *   call / callback, CC PaaS click-to-call): every call control and agent state refused, in its words.
 */
import { CallbarError, type Problem } from '../shared/errors.ts';
import type { ProviderContext } from './provider.ts';

export class PollTimer {
  private wake: (() => void) | null = null;
  private poked = false;

  /** Resolves after `ms`, when `signal` aborts, or at the next poke() — at once if one came meanwhile. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  /** Poll now instead of at the end of the current interval. */
  poke(): void {
    if (this.wake) this.wake();
    else this.poked = true;
  }
}

export type ProblemValue = Omit<Problem, 'since'>;

export class ProblemSlots<Slot extends string> {
  private readonly problems = new Map<Slot, ProblemValue>();
  private shown: string | undefined;

  /** `order`: most important first. `show` is called only when the banner changes. */
  constructor(
    private readonly order: readonly Slot[],
    private readonly show: (problem: ProblemValue | null) => void,
  ) {}

  set(slot: Slot, problem: ProblemValue | null): void {
    if (problem) this.problems.set(slot, problem);
    else this.problems.delete(slot);
    const top = this.order.map((s) => this.problems.get(s)).find((p) => p !== undefined) ?? null;
    const key = JSON.stringify(top);
    if (key === this.shown) return;
    this.shown = key;
    this.show(top);
  }

  has(slot: Slot): boolean {
    return this.problems.has(slot);
  }
}

/**
 * The controls of a session that can only dial: each refused with `noControl()` (the capabilities offer
 * none of them, so this is only reached by a stale page or a message sent by hand).
 */
export abstract class DialOnlyControls {
  /** Why nothing can be controlled, in the agent's words. */
  protected abstract noControl(): string;

  /**
   * Sends one dial request. When its answer is lost (timed out) or unreadable, the platform may well
   * have placed the call, and no later request can tell (these modes have no call query): the call is
   * shown ended, outcome unknown, with the error's words (请看您的电话是否振铃，不要重复拨打) and its row in
   * 最近通话 — not a passing error message, so the agent neither loses the call nor dials twice unaware.
   * Any other failure (refused, unreachable) placed nothing and is thrown as it is. Resolves with what
   * `send` resolved with, or undefined when the call was shown as possibly placed.
   */
  protected async dialOnce<T>(ctx: ProviderContext, number: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof CallbarError) || (error.code !== 'timeout' && error.code !== 'malformed-reply')) throw error;
      await ctx.emit([
        { type: 'call.dialing', number },
        { type: 'call.ended', cause: error.message, outcomeUnknown: true },
      ]);
      return undefined;
    }
  }

  private refuse(): Promise<never> {
    return Promise.reject(new CallbarError('unsupported', this.noControl()));
  }

  setAgentState(_stateId: string): Promise<void> {
    return this.refuse();
  }
  answer(): Promise<void> {
    return this.refuse();
  }
  hangup(): Promise<void> {
    return this.refuse();
  }
  hold(): Promise<void> {
    return this.refuse();
  }
  unhold(): Promise<void> {
    return this.refuse();
  }
  mute(): Promise<void> {
    return this.refuse();
  }
  unmute(): Promise<void> {
    return this.refuse();
  }
  transfer(_target: string): Promise<void> {
    return this.refuse();
  }
  dtmf(_digits: string): Promise<void> {
    return this.refuse();
  }
}
