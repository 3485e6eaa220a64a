/**
 * The browser phone as a platform's agent device (v-call's loginType 3, CC PaaS's WebPhone): the
 * platform gives the SIP account at login, calls the phone for the agent's own dials (the phone answers
 * that call by itself, `expect-call`) and for customers (answered with 接听). What both sessions do with
 * ctx.phone, in one place: register and keep registered, the phone's banner, the current call's id,
 * and the expectation of the platform's call — withdrawn when the dial is over without it, or the next
 * customer's call within the minute would be answered without the agent.
 */
import { isActive } from '../shared/call-state.ts';
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';
import { phoneAccountKey, type PhoneAccount, type PhoneStatus } from '../shared/softphone.ts';
import { internalErrorMessage } from './error-text.ts';
import { phoneProblem } from './phone-text.ts';
import type { ProviderContext } from './provider.ts';
import type { ProblemValue } from './session-kit.ts';

/** How long after the agent's dial the platform's call is answered by the phone itself. */
export const EXPECT_CALL_MS = 60_000;

export interface PlatformPhoneOptions {
  /** The account the platform gave; throws a CallbarError in words when it gave none. */
  account(): PhoneAccount;
  /** The phone's banner (null: all is well). */
  setProblem(problem: ProblemValue | null): void;
  /** False once the session stopped: the phone's reports are no longer shown. */
  running(): boolean;
  log(message: string, detail?: unknown): void;
}

export class PlatformPhone {
  private applied: { instance: string; seq: number } | null = null;
  private expecting = false;
  private unsubscribe: (() => void) | null = null;
  /** The phone document whose reports arrive (a new one replaced a closed one: it has no account). */
  private instance: string | null = null;
  private keeping: Promise<void> | null = null;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly options: PlatformPhoneOptions,
  ) {}

  async register(): Promise<void> {
    this.onStatus(await this.ctx.phone.send({ type: 'register', account: this.options.account(), dnd: false }));
  }

  /** After a wake or a reconnect: register again when the phone no longer has our account. */
  keepRegistered(): Promise<void> {
    this.keeping ??= this.registerAgain().finally(() => (this.keeping = null));
    return this.keeping;
  }

  private async registerAgain(): Promise<void> {
    try {
      const account = this.options.account();
      const status = await this.ctx.phone.send({ type: 'status' });
      if (status.account === phoneAccountKey(account) && status.registration !== 'failed') return this.onStatus(status);
      await this.register();
    } catch (error) {
      const e = error instanceof CallbarError ? error : new CallbarError('internal', internalErrorMessage(error));
      this.options.setProblem({ code: e.code, message: t('phoneReregisterFailed', e.message) });
    }
  }

  /** Follow the phone's reports (idempotent); stop() ends it. */
  listen(): void {
    this.unsubscribe ??= this.ctx.phone.subscribe((status) => this.onStatus(status));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  async unregister(): Promise<void> {
    await this.ctx.phone.send({ type: 'unregister' }).catch(() => undefined);
  }

  /** A report of the phone: its banner, newest only (a report older than one applied is dropped). */
  onStatus(status: PhoneStatus): void {
    if (!this.options.running()) return;
    // A new phone document without an account: the old one closed with the registration in it.
    const replaced = this.instance !== null && status.instance !== this.instance;
    this.instance = status.instance;
    if (replaced && status.account === null) void this.keepRegistered();
    if (this.applied && this.applied.instance === status.instance && status.seq <= this.applied.seq) return;
    this.applied = { instance: status.instance, seq: status.seq };
    this.options.setProblem(phoneProblem(status, this.server()));
  }

  private server(): string {
    try {
      return this.options.account().wsUrl;
    } catch {
      return '';
    }
  }

  /** The phone's current call, for 接听, keys, mute. */
  async callId(): Promise<string> {
    const call = (await this.ctx.phone.send({ type: 'status' })).call;
    if (!call || call.state === 'ended') throw new CallbarError('precondition', t('phoneNoCall'));
    return call.id;
  }

  async command(type: 'answer' | 'mute' | 'unmute'): Promise<void> {
    const callId = await this.callId();
    this.onStatus(await this.ctx.phone.send({ type, callId }));
  }

  async dtmf(digits: string): Promise<void> {
    const callId = await this.callId();
    this.onStatus(await this.ctx.phone.send({ type: 'dtmf', callId, digits }));
  }

  /** Before the agent's own dial: the platform's call to the phone is answered by the phone itself. */
  async expectCall(): Promise<void> {
    await this.ctx.phone.send({ type: 'expect-call', withinMs: EXPECT_CALL_MS });
  }

  /**
   * The dial request is done (accepted or refused): from now on the expectation is withdrawn as soon as
   * no call is shown. Not before — an event applied while the request is on its way must not withdraw it.
   */
  dialDone(): void {
    this.expecting = true;
  }

  /**
   * The dial is over (refused, failed, ended) while the phone may still wait for the platform's call:
   * the expectation goes (`expect-call` 0). Called after the dial and after every event.
   */
  async withdrawExpectation(): Promise<void> {
    if (!this.expecting || isActive(this.ctx.snapshot().call)) return;
    this.expecting = false;
    await this.ctx.phone.send({ type: 'expect-call', withinMs: 0 }).catch((error: unknown) => this.options.log('the phone’s expectation was not withdrawn', error));
  }
}
