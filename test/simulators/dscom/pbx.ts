/**
 * The PBX behind the API: extensions and their device state, channels, calls, the parking
 * lot, CDR rows, and the timed progression of calls. It knows nothing about HTTP.
 *
 * Every entry point runs inside act(), which afterwards offers waiting queue callers to
 * free members and recomputes device and agent states (and since when they hold).
 * The operations are built on the building blocks below: calls.ts (dial, hangup, hold,
 * agent/*, incoming calls and the other control operations) and features.ts (transfer,
 * park, pickup, redirect, supervision).
 */
import { buildCdr, type CdrRecord } from './cdr.ts';
import type { Call, CdrDraft, Channel, ExtensionState, ParkedCall, Spy } from './model.ts';
import { QueueBook, type AgentConfig, type PbxView } from './queues.ts';
import type { CalleeMode, DeviceState, Disposition } from './rules.ts';
import { Timers } from './timers.ts';

export interface ExtensionConfig {
  number: string;
  /** Default true. An unregistered extension is "Unavailable". */
  registered?: boolean;
  ip?: string;
  port?: number | string;
}

export interface PbxConfig {
  extensions: readonly ExtensionConfig[];
  agents: readonly AgentConfig[];
  queues: readonly string[];
  trunkName: string;
  /** The agent's phone answers API-originated calls by itself (intercom auto-answer). */
  agentAutoAnswer: boolean;
  agentAnswerDelayMs: number;
  ringDelayMs: number;
  answerDelayMs: number;
  noAnswerTimeoutMs: number;
  agentRingTimeoutMs: number;
  wrapUpSeconds: number;
  parkingTimeoutMs: number;
  calleeMode: CalleeMode;
}

const DIAL_OPTIONS = 'Ttb(set-features^s^1)';

export class Pbx implements PbxView {
  readonly config: PbxConfig;
  readonly queues: QueueBook;
  readonly timers = new Timers();
  readonly extensions = new Map<string, ExtensionState>();
  readonly channels = new Set<Channel>();
  readonly calls = new Set<Call>();
  readonly parked: ParkedCall[] = [];
  readonly cdrs: CdrRecord[] = [];
  calleeMode: CalleeMode;

  private readonly onCdr: (record: CdrRecord) => void;
  /** Channel/uniqueid, call and CDR counters: never reset, so uniqueids never repeat. */
  private channelSeq = 0;
  private callSeq = 0;
  private cdrSeq = 0;
  private depth = 0;

  constructor(config: PbxConfig, onCdr: (record: CdrRecord) => void) {
    this.config = config;
    this.onCdr = onCdr;
    this.calleeMode = config.calleeMode;
    this.queues = new QueueBook(config.queues, config.agents, this);
    this.buildExtensions();
  }

  private buildExtensions(): void {
    const now = Date.now();
    this.config.extensions.forEach((cfg, i) => {
      const registered = cfg.registered ?? true;
      this.extensions.set(cfg.number, {
        number: cfg.number,
        registered,
        ip: cfg.ip ?? `192.168.7.${139 + i}`,
        port: String(cfg.port ?? 49322 + i * 11),
        state: registered ? 'Not in use' : 'Unavailable',
        stateSince: now,
        wrapUp: false,
        wrapTimer: null,
        lastCallEnd: 0,
      });
    });
  }

  /** Back to the configured state: no calls, nothing parked, no CDRs, nobody logged in. */
  reset(): void {
    this.timers.clearAll();
    this.channels.clear();
    this.calls.clear();
    this.parked.length = 0;
    this.cdrs.length = 0;
    this.extensions.clear();
    this.buildExtensions();
    this.queues.reset();
    this.calleeMode = this.config.calleeMode;
  }

  // ---------------------------------------------------------------- act / settle

  /** Runs one change to the PBX, then settles queues and states. Re-entrant. */
  act<T>(change: () => T): T {
    this.depth++;
    try {
      return change();
    } finally {
      this.depth--;
      if (this.depth === 0) this.settle();
    }
  }

  private settle(): void {
    this.distribute();
    const now = Date.now();
    for (const ext of this.extensions.values()) {
      const state = this.deviceState(ext.number);
      if (state !== ext.state) {
        ext.state = state;
        ext.stateSince = now;
      }
    }
    this.queues.refresh(now);
  }

  /** Offers each waiting caller that rings nobody to the best free member, oldest caller first. */
  private distribute(): void {
    const waiting = [...this.calls].filter((c) => c.wait !== null && c.b === null);
    waiting.sort((x, y) => (x.wait?.since ?? 0) - (y.wait?.since ?? 0));
    for (const call of waiting) {
      const wait = call.wait;
      if (wait === null) continue;
      const member = this.queues.pick(wait.queue, wait.declined, (ext) => this.isFree(ext));
      if (member === null) continue;
      const b = this.newChannel('ext', member.extension, 'ringing');
      this.attachB(call, b);
      if (call.cdr) call.cdr.lastdata = `${wait.queue},t,,,300`;
      this.later(b, this.config.agentRingTimeoutMs, () => this.offerTimedOut(b));
    }
  }

  /** Free for a queue call: registered, no channel at all, not in wrap-up. */
  private isFree(number: string): boolean {
    const ext = this.extensions.get(number);
    return ext !== undefined && ext.registered && !ext.wrapUp && this.channelsOf(number).length === 0;
  }

  /** A queue call rang out at a member: status 8 until agent/pause, the caller waits on. */
  private offerTimedOut(b: Channel): void {
    const call = b.call;
    if (call?.wait == null || call.b !== b) return;
    const member = this.queues.member(call.wait.queue, b.number);
    if (member) member.ringTimedOut = true;
    this.detachB(call);
  }

  // ---------------------------------------------------------------- PbxView

  extension(number: string): ExtensionState | undefined {
    return this.extensions.get(number);
  }

  channelsOf(number: string): Channel[] {
    return [...this.channels].filter((c) => c.kind === 'ext' && c.number === number);
  }

  /** Asterisk's aggregate device state of an extension's channels. "Busy" is never produced. */
  deviceState(number: string): DeviceState {
    const ext = this.extensions.get(number);
    if (ext === undefined) return 'Unknown';
    if (!ext.registered) return 'Unavailable';
    const channels = this.channelsOf(number);
    const ringing = channels.some((c) => c.state === 'ringing');
    const active = channels.some((c) => c.state === 'up' && !c.held);
    const held = channels.some((c) => c.state === 'up' && c.held);
    if (ringing) return active || held ? 'Ring+Inuse' : 'Ringing';
    if (active) return 'In use';
    if (held) return 'On Hold';
    return 'Not in use';
  }

  isSpy(channel: Channel): boolean {
    return channel.call?.spies.some((s) => s.channel === channel) ?? false;
  }

  isRegistered(number: string): boolean {
    return this.extensions.get(number)?.registered ?? false;
  }

  // ---------------------------------------------------------------- building blocks

  newChannel(kind: Channel['kind'], number: string, state: Channel['state']): Channel {
    const n = this.channelSeq++;
    const now = Date.now();
    const endpoint = kind === 'ext' ? number : this.config.trunkName;
    const channel: Channel = {
      name: `PJSIP/${endpoint}-${n.toString(16).padStart(8, '0')}`,
      uniqueid: `hwd-${Math.floor(now / 1000)}.${n}`,
      kind,
      number,
      createdAt: now,
      state,
      held: false,
      answeredAt: state === 'up' ? now : null,
      pickedUp: false,
      call: null,
      parked: null,
      timer: null,
    };
    this.channels.add(channel);
    return channel;
  }

  newCall(init: Partial<Omit<Call, 'id' | 'a'>> & { a: Channel }): Call {
    const call: Call = {
      linkedid: init.a.uniqueid,
      b: null,
      spies: [],
      cdr: null,
      wait: null,
      fromQueue: null,
      calleeFollowsMode: false,
      dialDest: null,
      consult: null,
      consultOf: null,
      onOriginateAnswer: null,
      ended: false,
      ...init,
      id: ++this.callSeq,
    };
    call.a.call = call;
    if (call.b) this.attachB(call, call.b);
    this.calls.add(call);
    return call;
  }

  /** A CDR draft for a call whose caller side is `a`, starting now. */
  draft(a: Channel, fields: Partial<CdrDraft> & Pick<CdrDraft, 'dst' | 'direction'>): CdrDraft {
    const src = fields.src ?? a.number;
    return {
      src,
      clid: `"${src}" <${src}>`,
      dnid: fields.dst,
      dcontext: 'from-internal',
      lastapp: 'Dial',
      lastdata: '',
      billingid: '',
      uniqueid: a.uniqueid,
      channel: a.name,
      dstchannel: '',
      start: Date.now(),
      answer: null,
      ...fields,
    };
  }

  /** in / out / inner, from the kind of the calling side and whether dest is an extension. */
  directionTo(from: Channel, dest: string): CdrDraft['direction'] {
    const toExtension = this.extensions.has(dest);
    if (from.kind === 'trunk') return toExtension ? 'in' : 'out';
    return toExtension ? 'inner' : 'out';
  }

  /** Dial()'s lastdata for a number: an extension's contact or the trunk. */
  dialData(dest: string): string {
    const timeout = Math.max(1, Math.ceil(this.config.noAnswerTimeoutMs / 1000));
    const ext = this.extensions.get(dest);
    return ext
      ? `PJSIP/${dest}/sip:${dest}@${ext.ip}:${ext.port};ob,${timeout},${DIAL_OPTIONS}`
      : `PJSIP/${dest}@${this.config.trunkName},${timeout},${DIAL_OPTIONS}`;
  }

  attachB(call: Call, b: Channel): void {
    call.b = b;
    b.call = call;
    if (call.cdr) call.cdr.dstchannel = b.name;
  }

  detachB(call: Call): void {
    const b = call.b;
    call.b = null;
    if (b) this.dropChannel(b);
  }

  /** Runs `step` (inside act) after `delayMs`, as the channel's one pending step. */
  later(channel: Channel, delayMs: number, step: () => void): void {
    this.timers.clear(channel.timer);
    channel.timer = this.timers.set(delayMs, () => {
      channel.timer = null;
      this.act(step);
    });
  }

  /** The channel is gone. An answered extension leg may start the agent's wrap-up. */
  dropChannel(channel: Channel): void {
    if (!this.channels.has(channel)) return;
    this.timers.clear(channel.timer);
    channel.timer = null;
    this.channels.delete(channel);
    channel.call = null;
    if (channel.kind === 'ext' && channel.answeredAt !== null) this.afterCall(channel.number);
  }

  /** 整理: after the extension's last answered leg ends, if it is logged in to a queue. */
  private afterCall(number: string): void {
    const ext = this.extensions.get(number);
    if (ext === undefined) return;
    ext.lastCallEnd = Date.now();
    if (this.channelsOf(number).some((c) => c.state === 'up')) return;
    if (!this.queues.isLoggedIn(number) || this.config.wrapUpSeconds <= 0) return;
    ext.wrapUp = true;
    this.timers.clear(ext.wrapTimer);
    ext.wrapTimer = this.timers.set(this.config.wrapUpSeconds * 1000, () =>
      this.act(() => {
        ext.wrapUp = false;
        ext.wrapTimer = null;
      }),
    );
  }

  /** Rings the agent's own phone for an API action; `onAnswer` joins it where it belongs. */
  originate(extension: string, onAnswer: (agent: Channel) => boolean): Channel {
    const a = this.newChannel('ext', extension, 'ringing');
    const call = this.newCall({ a, onOriginateAnswer: onAnswer });
    this.ringAgentPhone(a, call);
    return a;
  }

  ringAgentPhone(a: Channel, call: Call): void {
    if (this.config.agentAutoAnswer) this.later(a, this.config.agentAnswerDelayMs, () => this.answerChannel(a));
    else this.later(a, this.config.noAnswerTimeoutMs, () => this.endCall(call, a, 'NO ANSWER'));
  }

  /** A ringing (or dialing) channel goes off-hook. */
  answerChannel(channel: Channel): void {
    const call = channel.call;
    if (!this.channels.has(channel) || channel.state === 'up' || call === null) return;
    this.timers.clear(channel.timer);
    channel.timer = null;
    if (call.onOriginateAnswer) return this.originateAnswered(call, channel);
    channel.state = 'up';
    channel.answeredAt = Date.now();
    if (channel === call.a) {
      if (call.dialDest !== null) this.dialCallee(call, call.dialDest);
    } else if (channel === call.b) {
      this.connected(call);
    }
  }

  private originateAnswered(call: Call, agent: Channel): void {
    const join = call.onOriginateAnswer;
    call.ended = true;
    this.calls.delete(call);
    agent.call = null;
    agent.state = 'up';
    if (join === null || !join(agent)) {
      this.dropChannel(agent);
      return;
    }
    agent.answeredAt = Date.now();
  }

  /** Both sides talk now: the CDR is answered; a queue caller leaves the queue. */
  connected(call: Call): void {
    const now = Date.now();
    if (call.a.state !== 'up') {
      call.a.state = 'up';
      call.a.answeredAt ??= now;
    }
    if (call.cdr && call.cdr.answer === null) call.cdr.answer = now;
    if (call.wait && call.b) {
      this.queues.countAnswered(call.b.number, call.wait.queue);
      call.wait = null;
    }
  }

  /** Sets up the b side towards `dest` (an extension or the trunk); it rings after ringDelayMs. */
  dialCallee(call: Call, dest: string): void {
    const ext = this.extensions.get(dest);
    const b = this.newChannel(ext ? 'ext' : 'trunk', dest, 'dialing');
    this.attachB(call, b);
    if (call.cdr) call.cdr.lastdata = this.dialData(dest);
    if (ext && !ext.registered) {
      this.endCall(call, null, 'FAILED');
      return;
    }
    this.later(b, this.config.ringDelayMs, () => this.ringCallee(b));
  }

  /** The callee mode is read when the callee starts ringing. */
  private ringCallee(b: Channel): void {
    b.state = 'ringing';
    const { answerDelayMs, noAnswerTimeoutMs } = this.config;
    switch (this.calleeMode) {
      case 'answer':
        return this.later(b, answerDelayMs, () => this.answerChannel(b));
      case 'busy':
        return this.later(b, answerDelayMs, () => this.calleeRejects(b, 'BUSY'));
      case 'noAnswer':
        return this.later(b, noAnswerTimeoutMs, () => this.calleeRejects(b, 'NO ANSWER'));
      case 'manual':
        return; // waits for calleeAnswer() / calleeBusy() / agentAnswer()
    }
  }

  /** Rings an extension as the b side (direct call, redirect, park return) until noAnswerTimeoutMs. */
  ringExtension(call: Call, number: string): void {
    const b = this.newChannel('ext', number, 'ringing');
    this.attachB(call, b);
    if (call.cdr) call.cdr.lastdata = this.dialData(number);
    this.later(b, this.config.noAnswerTimeoutMs, () => this.calleeRejects(b, 'NO ANSWER'));
  }

  calleeRejects(b: Channel, disposition: Disposition): void {
    const call = b.call;
    if (call === null || b.state === 'up' || call.b !== b) return;
    this.endCall(call, b, disposition);
  }

  // ---------------------------------------------------------------- ending calls

  /** Writes a CDR row (when the call has one) and hands it to the billing push. */
  writeCdr(draft: CdrDraft | null, linkedid: string, source: Channel | null, disposition: Disposition, parties: (Channel | null)[]): void {
    if (draft === null) return;
    const extension = parties.find((c) => c?.kind === 'ext')?.number;
    const record = buildCdr(draft, {
      id: ++this.cdrSeq,
      linkedid,
      endMs: Date.now(),
      disposition: draft.answer !== null ? 'ANSWERED' : disposition,
      hangupsource: source?.name ?? '',
      agentid: extension === undefined ? '' : this.queues.agentOf(extension),
      trunkName: parties.some((c) => c?.kind === 'trunk') ? this.config.trunkName : '',
    });
    this.cdrs.push(record);
    this.onCdr(record);
  }

  /** The whole call ends: its row, its supervisors' rows, every leg hung up. */
  endCall(call: Call, source: Channel | null, disposition: Disposition = 'NO ANSWER'): void {
    if (call.ended) return;
    call.ended = true;
    this.calls.delete(call);
    this.writeCdr(call.cdr, call.linkedid, source, disposition, [call.a, call.b]);
    for (const spy of [...call.spies]) this.leaveSpy(call, spy, source ?? spy.channel);
    for (const leg of [call.a, call.b]) if (leg && leg.call === call) this.dropChannel(leg);
    this.unlinkConsult(call);
  }

  /**
   * The call's row ends (transfer, park) but some legs go on elsewhere: `leaving` hang up,
   * supervisors leave, the other legs are detached for the caller to reuse.
   */
  finishSegment(call: Call, leaving: Channel[], source: Channel | null): void {
    if (call.ended) return;
    call.ended = true;
    this.calls.delete(call);
    this.writeCdr(call.cdr, call.linkedid, source, 'NO ANSWER', [call.a, call.b]);
    for (const spy of [...call.spies]) this.leaveSpy(call, spy, source ?? spy.channel);
    for (const leg of [call.a, call.b]) {
      if (leg === null || leg.call !== call) continue;
      if (leaving.includes(leg)) this.dropChannel(leg);
      else leg.call = null;
    }
  }

  leaveSpy(call: Call, spy: Spy, source: Channel): void {
    call.spies = call.spies.filter((s) => s !== spy);
    const ch = spy.channel;
    const flags = { barge: 'qB', monitor: 'q', whisper: 'qw' }[spy.mode];
    const draft = this.draft(ch, {
      dst: spy.target,
      lastapp: 'ChanSpy',
      lastdata: `PJSIP/${spy.target},${flags}`,
      direction: 'inner',
      start: ch.createdAt,
      answer: ch.answeredAt,
    });
    this.writeCdr(draft, call.linkedid, source, 'NO ANSWER', [ch]);
    this.dropChannel(ch);
  }

  /** Attended-transfer bookkeeping when one of the two calls ends on its own. */
  private unlinkConsult(call: Call): void {
    const original = call.consultOf;
    if (original) {
      // The consultation is over: the transferer is back with the held party.
      call.consultOf = null;
      original.consult = null;
      const leg = this.transfererLeg(original, call.a.number);
      if (leg) leg.held = false;
    }
    if (call.consult) {
      // The held party hung up: the consultation goes on as an ordinary call.
      call.consult.consultOf = null;
      call.consult = null;
    }
  }

  transfererLeg(call: Call, number: string): Channel | null {
    return [call.a, call.b].find((c) => c !== null && c.kind === 'ext' && c.number === number && c.call === call) ?? null;
  }

  /**
   * The transferer leaves an attended transfer: its two rows end and the held party goes
   * on with the target (answered or still ringing) in a new row with the same linkedid.
   */
  completeTransfer(original: Call, consult: Call): void {
    const agentLeg = this.transfererLeg(original, consult.a.number);
    const transferee = agentLeg === original.a ? original.b : original.a;
    const target = consult.b;
    original.consult = null;
    consult.consultOf = null;
    this.finishSegment(original, agentLeg ? [agentLeg] : [], agentLeg);
    this.finishSegment(consult, [consult.a], consult.a);
    if (transferee === null || target === null) {
      if (transferee) this.dropChannel(transferee);
      if (target) this.dropChannel(target);
      return;
    }
    transferee.held = false;
    const call = this.newCall({
      linkedid: original.linkedid,
      a: transferee,
      b: target,
      fromQueue: original.fromQueue,
      calleeFollowsMode: consult.calleeFollowsMode,
      cdr: this.draft(transferee, {
        dst: target.number,
        direction: this.directionTo(transferee, target.number),
        lastdata: this.dialData(target.number),
        answer: target.state === 'up' ? Date.now() : null,
      }),
    });
    if (call.cdr) call.cdr.dstchannel = target.name;
  }

  /** One leg hangs up; what that means depends on where it is. */
  hangupChannel(channel: Channel): void {
    if (!this.channels.has(channel)) return;
    if (channel.parked) return this.parkedHangup(channel.parked);
    const call = channel.call;
    if (call === null) return this.dropChannel(channel);
    const spy = call.spies.find((s) => s.channel === channel);
    if (spy) return this.leaveSpy(call, spy, channel);
    if (call.onOriginateAnswer) return this.endCall(call, channel);
    if (call.consultOf && channel === call.a) return this.completeTransfer(call.consultOf, call);
    if (call.consult && channel === this.transfererLeg(call, call.consult.a.number)) {
      return this.completeTransfer(call, call.consult);
    }
    if (call.wait && channel === call.b) {
      // A member rejects a queue call: the caller waits on for someone else.
      call.wait.declined.add(channel.number);
      return this.detachB(call);
    }
    if (channel === call.b && channel.state !== 'up') return this.endCall(call, channel, 'BUSY');
    this.endCall(call, channel);
  }

  /**
   * Hangs up a party by number (an extension or an outside number), the way call/hangup
   * does: every channel of it, except that a transferer in an attended transfer completes it.
   */
  hangupParty(number: string): boolean {
    const channels = [...this.channels].filter((c) => c.number === number);
    if (channels.length === 0) return false;
    const consult = [...this.calls].find((c) => c.consultOf !== null && c.a.kind === 'ext' && c.a.number === number);
    if (consult?.consultOf) {
      this.completeTransfer(consult.consultOf, consult);
      return true;
    }
    for (const channel of channels) this.hangupChannel(channel);
    return true;
  }

  // ---------------------------------------------------------------- parking lot

  leaveLot(parked: ParkedCall): void {
    const i = this.parked.indexOf(parked);
    if (i >= 0) this.parked.splice(i, 1);
    this.timers.clear(parked.timer);
    parked.timer = null;
    parked.channel.parked = null;
  }

  /** The parked caller hangs up: the lot's own row (lastapp Park). */
  private parkedHangup(parked: ParkedCall): void {
    this.leaveLot(parked);
    const ch = parked.channel;
    const draft = this.draft(ch, {
      dst: parked.space,
      dnid: '',
      dcontext: 'parkedcalls',
      lastapp: 'Park',
      lastdata: 'default',
      direction: ch.kind === 'trunk' ? 'in' : 'inner',
      start: parked.since,
      answer: parked.since,
    });
    this.writeCdr(draft, parked.linkedid, ch, 'ANSWERED', [ch]);
    this.dropChannel(ch);
  }

  // ---------------------------------------------------------------- lookups

  /** The extension's answered, unheld leg in a connected two-party call (not a supervisor's). */
  talkingChannel(number: string): Channel | null {
    return (
      this.channelsOf(number).find((c) => {
        const call = c.call;
        return (
          c.state === 'up' &&
          !c.held &&
          call !== null &&
          call.onOriginateAnswer === null &&
          !this.isSpy(c) &&
          call.a.state === 'up' &&
          call.b?.state === 'up'
        );
      }) ?? null
    );
  }

  otherLeg(call: Call, channel: Channel): Channel | null {
    return channel === call.a ? call.b : call.a;
  }
}
