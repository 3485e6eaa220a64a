/**
 * The agent's session: which provider is logged in, the agent state and the call.
 *
 * Built to be killed: everything that matters is written to chrome.storage.session
 * before anyone is told about it, and `wake()` — called at the top level of the
 * service worker, on every alarm, message and port — rebuilds the provider session
 * from stored settings and state and resumes its polling or sockets. All changes go
 * through one queue (`mutate`) so events and commands never interleave.
 */
import { applyEvents, type CallRecord, type ProviderEvent } from '../shared/call-events.ts';
import { type Call, isActive } from '../shared/call-state.ts';
import { CallbarError, type Problem } from '../shared/errors.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { SimpleCallAction } from '../shared/messages.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan, normalizeDialInput } from '../shared/phone/dial-plan.ts';
import type { ExtraAction, InputOption, PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';
import { internalErrorMessage } from '../providers/error-text.ts';
import { sameServers, serverOrigins } from '../shared/settings-file.ts';
import { ACTION_CAPABILITY, type CallAction, type PhoneLink, type Provider, type ProviderContext, type ProviderSession } from '../providers/provider.ts';
import { EMPTY_SESSION, readSession, type SessionStorageArea, type StoredSession, writeSession } from './session-store.ts';

export interface EngineDeps {
  providers: Readonly<Record<ProviderId, Provider<any>>>;
  storage: SessionStorageArea;
  loadSettings(providerId: ProviderId): Promise<unknown>;
  saveSettings(providerId: ProviderId, settings: unknown): Promise<void>;
  loadDialPlan(providerId: ProviderId): Promise<DialPlan>;
  saveDialPlan(providerId: ProviderId, plan: DialPlan): Promise<void>;
  /** Called after every change with the new public state. */
  publish(state: PublicState): void;
  /** Keep the worker alive / schedule wake-ups while logged in (no-ops in unit tests). */
  keepAlive(on: boolean): void;
  /**
   * The call changed (a new call, another state, ended), after it was persisted: history,
   * notifications and screen pop hang off this. Runs once per change, never for replays.
   */
  onCallChange?(previous: Call | null, current: Call | null, state: PublicState): void;
  /** The platform's record of a finished call arrived (after onCallChange of the same change). */
  onCallRecord?(record: CallRecord): void;
  now(): number;
  log?(message: string, detail?: unknown): void;
  /** The browser phone (background/phone-link.ts); absent in tests of providers without one. */
  phone?: PhoneLink;
}

interface Running {
  provider: Provider<any>;
  session: ProviderSession;
  abort: AbortController;
}

/** Where no browser phone exists (unit tests of providers that do not use it). */
const NO_PHONE: PhoneLink = {
  send: () => Promise.reject(new CallbarError('unsupported', t('phoneDocument', 'no phone'))),
  subscribe: () => () => undefined,
};

/** A failed session write is tried again after these pauses (the first try: 0). */
export const WRITE_RETRY_MS = [0, 50, 250] as const;

/** The session could not be written to chrome.storage.session (quota, a worker shutting down). */
export class SessionWriteError extends CallbarError {
  constructor(cause: unknown) {
    super('internal', t('sessionNotSaved'), cause instanceof Error ? cause.message.slice(0, 200) : String(cause).slice(0, 200));
  }
}

/** A proposed number waits this long for the agent's confirmation. */
export const PROPOSAL_TTL_MS = 30_000;

export class SessionEngine {
  private state: StoredSession = { ...EMPTY_SESSION };
  private loaded: Promise<void> | null = null;
  private running: Running | null = null;
  private starting: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private dialing = false;
  /** A number from page text (selection, context menu) waiting for the agent to confirm it. */
  private proposal: { dial: string; text: string; at: number } | null = null;
  private dialPlan: DialPlan = DEFAULT_DIAL_PLAN;
  /** Call records applied by the change in progress, handed to onCallRecord once it is persisted. */
  private records: CallRecord[] = [];
  /** Calls the change in progress ended and replaced (applyEvents `passed`), told to onCallChange once it is persisted. */
  private passed: Call[] = [];
  /** Since when writes of the session fail (null: the last one worked). */
  private unsavedSince: number | null = null;

  constructor(private readonly deps: EngineDeps) {}

  /** Load stored state and, if logged in, make sure the provider is running. Idempotent. */
  async wake(): Promise<void> {
    await this.load();
    if (this.state.status !== 'loggedIn' || this.running) return;
    this.starting ??= this.startFromStorage().finally(() => (this.starting = null));
    await this.starting;
  }

  publicState(): PublicState {
    const provider = this.state.providerId ? this.deps.providers[this.state.providerId] : null;
    const loggedIn = this.state.status === 'loggedIn';
    return {
      status: this.state.status,
      providerId: this.state.providerId,
      providerName: provider?.name ?? null,
      capabilities: loggedIn && provider ? (this.state.capabilities ?? provider.capabilities) : null,
      agent: this.state.agent,
      agentState: this.state.agentState,
      agentStateSince: this.state.agentStateSince,
      call: this.state.call,
      problem: this.state.problem,
      note: this.state.note,
      team: loggedIn ? this.state.team : null,
      dialing: this.dialing,
      dialPlan: this.dialPlan,
      pendingDial: this.proposal && this.deps.now() - this.proposal.at < PROPOSAL_TTL_MS ? { dial: this.proposal.dial, text: this.proposal.text } : null,
    };
  }

  /**
   * Text from a web page (the agent's selection, the context menu) is not dialled at once: a
   * page can choose what is selected. It is shown, normalized, in the toolbar or the popup and
   * dialled when the agent confirms it there (`confirmDial`).
   */
  async proposeDial(text: string): Promise<PublicState> {
    await this.requireRunning('dial');
    const result = normalizeDialInput(text, this.dialPlan);
    if (!result.ok) throw new CallbarError('invalid-input', result.error);
    this.proposal = { dial: result.dial, text: text.trim().slice(0, 60), at: this.deps.now() };
    this.publish();
    return this.publicState();
  }

  /** The agent confirmed (or cancelled) the proposed number. */
  async confirmDial(confirm: boolean): Promise<PublicState> {
    const proposal = this.proposal;
    this.proposal = null;
    this.publish();
    if (!confirm) return this.publicState();
    if (!proposal || this.deps.now() - proposal.at >= PROPOSAL_TTL_MS) throw new CallbarError('precondition', t('dialProposalExpired'));
    return this.dial(proposal.dial);
  }

  async setDialPlan(providerId: ProviderId, plan: DialPlan): Promise<PublicState> {
    await this.load();
    await this.deps.saveDialPlan(providerId, plan);
    // The plan in force is the active provider's; with none active, the one just saved.
    if (providerId === (this.state.providerId ?? providerId)) {
      this.dialPlan = plan;
      this.publish();
    }
    return this.publicState();
  }

  /** Dial text the agent typed, pasted or selected: normalized with the dial plan first. */
  async dialText(text: string): Promise<PublicState> {
    await this.load();
    const result = normalizeDialInput(text, this.dialPlan);
    if (!result.ok) throw new CallbarError('invalid-input', result.error);
    return this.dial(result.dial);
  }

  async login(providerId: ProviderId, rawSettings: unknown): Promise<PublicState> {
    await this.wake();
    const provider = this.deps.providers[providerId];
    if (!provider) throw new CallbarError('invalid-input', t('unknownProviderId', providerId));
    const parsed = provider.settingsSchema.safeParse(rawSettings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CallbarError('invalid-input', issue?.message ?? t('settingsInvalid'), issue?.path.join('.'));
    }
    if (isActive(this.state.call)) throw new CallbarError('precondition', t('noReloginInCall'));
    await this.deps.saveSettings(providerId, parsed.data);
    await this.stopRunning();
    // A fresh session: nothing of a previous provider's state carries over.
    const abort = new AbortController();
    this.dialPlan = await this.deps.loadDialPlan(providerId);
    await this.mutate(async () => {
      this.state = { ...EMPTY_SESSION, providerId };
    });
    const session = provider.createSession(parsed.data, this.context(abort.signal));
    const agent = await session.login();
    // What the platform said at login (v-call's busy reasons) wins over what the settings imply.
    const capabilities = session.loggedInCapabilities?.() ?? provider.capabilitiesFor?.(parsed.data) ?? null;
    const servers = serverOrigins(provider.settingsFields, parsed.data);
    await this.mutate(async () => {
      this.state = { ...this.state, status: 'loggedIn', providerId, agent, capabilities, problem: null, servers };
    });
    this.startRunning({ provider, session, abort });
    return this.publicState();
  }

  /**
   * Log out. With a call shown, only when the agent confirmed (`force`): the platform is asked to hang
   * up first (most refuse a logout during a call), then the call shown ends here whatever it said —
   * logging out is always possible.
   */
  async logout(force = false): Promise<PublicState> {
    // wake(), not load(): a wake already starting the provider must finish, so it can be stopped.
    await this.wake();
    if (isActive(this.state.call)) {
      if (!force) throw new CallbarError('precondition', t('noLogoutInCall'));
      const hangup = this.running && this.capabilities(this.running.provider).hangup ? this.running.session.hangup() : Promise.resolve();
      await hangup.catch((error: unknown) => this.deps.log?.('hangup before logout failed at the provider', error));
      if (isActive(this.state.call)) await this.mutate(() => this.applyEvents([{ type: 'call.ended', cause: t('callEndedByLogout') }]));
    }
    const running = this.running;
    await this.stopRunning();
    if (running) {
      try {
        await running.session.logout();
      } catch (error) {
        this.deps.log?.('logout failed at the provider; logging out locally anyway', error);
      }
    }
    await this.mutate(async () => {
      this.state = { ...EMPTY_SESSION, providerId: this.state.providerId };
    });
    return this.publicState();
  }

  /**
   * What the service worker's death does to this engine (the fault suite's kill): its provider session
   * stops — the session's signal aborts, closing its sockets and polls. Nothing is logged out; a new
   * engine over the same storage takes over, as a new worker does.
   */
  halt(): void {
    this.running?.abort.abort();
    this.running = null;
  }

  async setAgentState(stateId: string): Promise<PublicState> {
    const { provider, session } = await this.requireRunning();
    const option = this.capabilities(provider).agentStates.find((s) => s.id === stateId);
    if (!option) throw new CallbarError('invalid-input', t('providerNoSuchState', provider.name, stateId));
    if (option.selectable === false) throw new CallbarError('precondition', t('stateSetByPlatform', option.label));
    await session.setAgentState(stateId);
    return this.publicState();
  }

  async dial(number: string): Promise<PublicState> {
    const { session } = await this.requireRunning('dial');
    if (this.dialing) throw new CallbarError('precondition', t('dialInFlight'));
    if (isActive(this.state.call)) throw new CallbarError('precondition', t('alreadyInCallCannotDial'));
    this.dialing = true;
    this.publish();
    try {
      await session.dial(number);
    } finally {
      this.dialing = false;
      this.publish();
    }
    return this.publicState();
  }

  async callAction(action: SimpleCallAction): Promise<PublicState> {
    const { session } = await this.requireRunning(action);
    if (action === 'hangup') return this.hangup(session);
    await session[action]();
    return this.publicState();
  }

  /**
   * 挂断 always works for the agent: the platform is asked; when it refuses (its call is already over,
   * the end was missed), does not answer, or the session is gone, the call shown ends here with why — the
   * agent is never left with a call only CallBar believes in (and cannot dial, log out or dismiss it).
   */
  private async hangup(session: ProviderSession): Promise<PublicState> {
    const call = this.state.call;
    try {
      await session.hangup();
    } catch (error) {
      const e = error instanceof CallbarError ? error : new CallbarError('internal', internalErrorMessage(error));
      if (e.code === 'invalid-input' || e.code === 'forbidden') throw e;
      const now = this.state.call;
      // Ended meanwhile (the platform's own end arrived): nothing to do.
      if (!isActive(now) || now.id !== call?.id) return this.publicState();
      this.deps.log?.('hangup failed at the provider; the call ends here', error);
      await this.mutate(() => this.applyEvents([{ type: 'call.ended', cause: t('callEndedHere', e.message), here: true }]));
    }
    return this.publicState();
  }

  async transfer(target: string): Promise<PublicState> {
    const { session } = await this.requireRunning('transfer');
    await session.transfer(target);
    return this.publicState();
  }

  /** DTMF in the current call (digits checked by the router: 0-9 * # A-D and ',' pauses). */
  async dtmf(digits: string): Promise<PublicState> {
    const { session } = await this.requireRunning('dtmf');
    if (!isActive(this.state.call) || !['connected', 'held'].includes(this.state.call.state)) {
      throw new CallbarError('precondition', t('dtmfNeedsCall'));
    }
    if (!session.dtmf) throw new CallbarError('unsupported', t('providerUnsupported', this.running?.provider.name ?? ''));
    await session.dtmf(digits);
    return this.publicState();
  }

  async extraAction(actionId: string, input?: string, kind?: string): Promise<PublicState> {
    const { provider, session } = await this.requireRunning();
    const action = this.extraActionOf(provider, actionId, kind);
    if (!action.when.includes(this.state.call?.state ?? 'idle')) {
      throw new CallbarError('precondition', t('actionNotAvailableInCallState', action.label));
    }
    let value: string | undefined;
    if (action.input) {
      value = input?.trim();
      if (!value) throw new CallbarError('invalid-input', t('fillIn', action.input.label));
      if (action.input.free) {
        // A platform name or id (a skill group, an IVR): any printable text.
        if (/[\u0000-\u001f\u007f]/.test(value)) throw new CallbarError('invalid-input', t('notDialable', value.slice(0, 32)));
      } else {
        const compact = value.replace(/[\s\-().]/g, '');
        if (!/^\+?[0-9*#]{1,20}(,[0-9*#]{1,10})?$/.test(compact)) throw new CallbarError('invalid-input', t('notDialable', value.slice(0, 32)));
        value = compact;
      }
    }
    await session.extraAction(actionId, value, action.input?.kinds ? kind : undefined);
    return this.publicState();
  }

  /** The platform's choices for an extra action's input (idle agents, skill groups …). */
  async extraActionOptions(actionId: string, kind?: string): Promise<readonly InputOption[]> {
    const { provider, session } = await this.requireRunning();
    const action = this.extraActionOf(provider, actionId, kind);
    if (!action.input?.options || !session.inputOptions) return [];
    return session.inputOptions(actionId, action.input.kinds ? kind : undefined);
  }

  private extraActionOf(provider: Provider<any>, actionId: string, kind?: string): ExtraAction {
    const action = this.capabilities(provider).extraActions.find((a) => a.id === actionId);
    if (!action) throw new CallbarError('unsupported', t('providerNoSuchAction', provider.name, actionId));
    const kinds = action.input?.kinds;
    if (kinds?.length && !kinds.some((k) => k.id === kind)) throw new CallbarError('invalid-input', t('fillIn', action.input?.label ?? action.label));
    return action;
  }

  /** Dismiss an ended call (back to idle). */
  async dismissCall(): Promise<PublicState> {
    await this.load();
    if (this.state.call && !isActive(this.state.call)) {
      await this.mutate(async () => {
        this.state = { ...this.state, call: null };
      });
    }
    return this.publicState();
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private load(): Promise<void> {
    this.loaded ??= readSession(this.deps.storage).then(async (stored) => {
      this.state = stored;
      if (stored.providerId) this.dialPlan = await this.deps.loadDialPlan(stored.providerId);
    });
    return this.loaded;
  }

  private async startFromStorage(): Promise<void> {
    const providerId = this.state.providerId;
    const provider = providerId ? this.deps.providers[providerId] : undefined;
    const settings = providerId ? provider?.settingsSchema.safeParse(await this.deps.loadSettings(providerId)) : undefined;
    if (!provider || !settings?.success) {
      // Settings vanished or no longer valid: a logged-in session cannot be rebuilt.
      await this.mutate(async () => {
        this.state = {
          ...EMPTY_SESSION,
          providerId: providerId ?? null,
          problem: { code: 'not-logged-in', message: t('sessionLost'), since: this.deps.now() },
        };
      });
      return;
    }
    if (this.state.servers && !sameServers(this.state.servers, serverOrigins(provider.settingsFields, settings.data))) {
      // A server address changed since the login (options page, settings file, policy): the
      // session's tokens belong to the old server and are dropped with it.
      await this.mutate(async () => {
        this.state = { ...EMPTY_SESSION, providerId, problem: { code: 'not-logged-in', message: t('serverChangedRelogin'), since: this.deps.now() } };
      });
      return;
    }
    const abort = new AbortController();
    this.startRunning({ provider, session: provider.createSession(settings.data, this.context(abort.signal)), abort });
  }

  private startRunning(running: Running): void {
    this.running = running;
    this.deps.keepAlive(true);
    running.session.resume(running.abort.signal);
  }

  private async stopRunning(): Promise<void> {
    this.running?.abort.abort();
    this.running = null;
    this.deps.keepAlive(false);
  }

  private async requireRunning(action?: CallAction): Promise<Running> {
    await this.wake();
    if (this.state.status !== 'loggedIn' || !this.running) {
      throw new CallbarError('not-logged-in', t('notLoggedIn'));
    }
    if (action && !this.capabilities(this.running.provider)[ACTION_CAPABILITY[action]]) {
      throw new CallbarError('unsupported', t('providerUnsupported', this.running.provider.name));
    }
    return this.running;
  }

  private capabilities(provider: Provider<any>) {
    return this.state.capabilities ?? provider.capabilities;
  }

  private context(signal: AbortSignal): ProviderContext {
    return {
      emit: (events, options) =>
        signal.aborted
          ? Promise.resolve()
          : this.mutate(async () => {
              this.applyEvents(events);
              if (options) this.state = { ...this.state, cursor: options.cursor };
              this.refreshCapabilities();
            }),
      setProblem: (problem) => {
        if (signal.aborted) return;
        void this.mutate(async () => this.applyProblem(problem));
      },
      snapshot: () => ({ call: this.state.call, agentState: this.state.agentState }),
      endSession: (problem) => (signal.aborted ? Promise.resolve() : this.endSession(problem)),
      phone: this.deps.phone ?? NO_PHONE,
      loadCursor: <T>() => this.state.cursor as T | undefined,
      saveCursor: (value) =>
        this.mutate(async () => {
          this.state = { ...this.state, cursor: value };
        }),
    };
  }

  /**
   * The platform ended the agent's session (logged in elsewhere, the phone unregistered): a call still
   * shown ends with the reason (recent calls keep it), the session is logged out and the banner says why.
   */
  private async endSession(problem: Omit<Problem, 'since'>): Promise<void> {
    await this.stopRunning();
    await this.mutate(async () => {
      if (isActive(this.state.call)) this.applyEvents([{ type: 'call.ended', cause: problem.message }]);
      this.state = { ...EMPTY_SESSION, providerId: this.state.providerId, call: this.state.call, problem: { ...problem, since: this.deps.now() } };
    });
  }

  /**
   * What the platform said the agent may do can grow after login (v-call's 话后 countdown arrives with
   * the first After event): the session keeps the provider's latest answer.
   */
  private refreshCapabilities(): void {
    const session = this.running?.session;
    if (this.state.status !== 'loggedIn' || !session?.loggedInCapabilities) return;
    const latest = session.loggedInCapabilities();
    if (latest && JSON.stringify(latest) !== JSON.stringify(this.state.capabilities)) this.state = { ...this.state, capabilities: latest };
  }

  private applyEvents(events: readonly ProviderEvent[]): void {
    const result = applyEvents(this.state, events, this.deps.now());
    for (const reason of result.rejected) this.deps.log?.(`ignored ${reason}`);
    this.records.push(...result.records);
    this.passed.push(...result.passed);
    this.state = result.state;
  }


  private applyProblem(problem: Omit<Problem, 'since'> | null): boolean {
    const current = this.state.problem;
    if (!problem) {
      if (!current) return false;
      this.state = { ...this.state, problem: null };
      return true;
    }
    if (current && current.code === problem.code && current.message === problem.message) return false;
    const since = current && current.code === problem.code ? current.since : this.deps.now();
    this.state = { ...this.state, problem: { ...problem, since } };
    return true;
  }

  /**
   * Run `change` in the queue, then persist and publish if it changed anything. Persist, then publish:
   * the change is made to the state, written, and only then told to anyone. A write that fails (storage
   * full, the worker going away) after its retries leaves nothing half-applied — the state in memory goes
   * back to what storage has, the caller gets the error (a provider applies the events again: a
   * redelivery, a replay, the next poll) and the agent sees that the session could not be saved.
   */
  private mutate(change: () => Promise<unknown> | unknown): Promise<void> {
    const run = this.queue.then(async () => {
      await this.load();
      const before = this.state;
      this.records = [];
      this.passed = [];
      let records: CallRecord[];
      let passed: Call[];
      let changed: boolean;
      try {
        const result = await change();
        records = this.records;
        passed = this.passed;
        changed = this.state !== before && result !== false;
        if (changed) await this.persist(this.state);
      } catch (error) {
        this.state = before;
        this.records = [];
        this.passed = [];
        if (error instanceof SessionWriteError) this.showUnsaved(error);
        throw error;
      }
      this.records = [];
      this.passed = [];
      if (changed) {
        this.unsavedSince = null;
        this.publish();
        // A batch can end one call and begin the next (a poll after an outage brings both): each call
        // ended on the way is told as its own change, so recent calls keep it.
        let was = before.call;
        for (const call of passed) {
          const previous = was?.id === call.id ? was : null;
          if (previous?.state !== call.state) this.effect('call-change', () => this.deps.onCallChange?.(previous, call, this.publicState()));
          was = call;
        }
        const is = this.state.call;
        if (was?.id !== is?.id || was?.state !== is?.state) this.effect('call-change', () => this.deps.onCallChange?.(was, is, this.publicState()));
      }
      for (const record of records) this.effect('call-record', () => this.deps.onCallRecord?.(record));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** writeSession, tried again shortly when it fails (a write can fail while Chrome is busy). */
  private async persist(state: StoredSession): Promise<void> {
    let last: unknown;
    for (const wait of WRITE_RETRY_MS) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      try {
        return await writeSession(this.deps.storage, state);
      } catch (error) {
        last = error;
        this.deps.log?.('session write failed', error);
      }
    }
    throw new SessionWriteError(last);
  }

  /**
   * The agent sees what could not be saved (published, not stored: there is nothing to store it in);
   * the next change that is saved clears it.
   */
  private showUnsaved(error: SessionWriteError): void {
    this.unsavedSince ??= this.deps.now();
    const problem: Problem = { code: 'internal', message: t('sessionNotSaved'), hint: t('sessionNotSavedHint'), ...(error.detail ? { detail: error.detail } : {}), since: this.unsavedSince };
    this.effect('publish', () => this.deps.publish({ ...this.publicState(), problem }));
  }

  private publish(): void {
    this.deps.publish(this.publicState());
  }

  private effect(name: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.deps.log?.(`${name} effect failed`, error);
    }
  }
}
