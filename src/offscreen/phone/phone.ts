/**
 * The WebRTC phone: one JsSIP user agent registered with the account a provider hands it,
 * one line (one call at a time; a second INVITE is refused 486), the microphone, the
 * remote audio and the call-quality sampler. It runs in the offscreen document, which
 * outlives the service worker: the phone is the source of truth for its own calls and
 * publishes its whole status (PhoneStatus) after every change.
 *
 * JsSIP's session events become PhoneSignals, reduced by call-signals.ts (pure, tested).
 */
import * as JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { UA } from 'jssip/lib/UA';
import { nextQuality, qualityChanged, readStats, type StatsCounters } from '../../shared/call-quality.ts';
import {
  DEFAULT_DEVICES,
  type PhoneAccount,
  type PhoneCommand,
  type PhoneDevices,
  type PhoneStatus,
  phoneAccountKey,
  validDtmf,
} from '../../shared/softphone.ts';
import { type PhoneSignal, reduceCall } from './call-signals.ts';
import { MicrophoneError, openMicrophone, watchPermission } from './microphone.ts';

/** A failed command: `code` is stable (docs/phone.md), the service worker puts it into words. */
export class PhoneCommandError extends Error {
  constructor(
    readonly code: 'no-account' | 'no-call' | 'busy' | 'microphone' | 'registration' | 'invalid' | 'sip' | 'timeout',
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'PhoneCommandError';
  }
}

const REGISTER_TIMEOUT_MS = 15_000;
const STATS_INTERVAL_MS = 2_000;
/** ICE gathering waits at most this long before the INVITE goes out (a slow STUN server). */
const ICE_GATHERING_CAP_MS = 1_500;
const REREGISTER_MIN_S = 2;
const REREGISTER_MAX_S = 30;

export class Phone {
  private ua: UA | null = null;
  private account: PhoneAccount | null = null;
  private session: RTCSession | null = null;
  private mic: MediaStream | null = null;
  private devices: PhoneDevices = DEFAULT_DEVICES;
  private expectUntil = 0;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private counters: StatsCounters | null = null;
  private reregisterTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingDigits = '';
  private status: PhoneStatus = { instance: crypto.randomUUID(), seq: 0, account: null, registration: 'unregistered', dnd: false, mic: 'unknown', call: null, retries: 0 };
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly audio: HTMLAudioElement,
    private readonly publish: (status: PhoneStatus) => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    // The banner says so before the first call, and goes when the agent allowed it.
    void watchPermission((granted) => {
      if (!granted && this.status.mic !== 'denied') this.change({ mic: 'denied' });
      else if (granted && this.status.mic === 'denied') this.change({ mic: 'unknown' });
    });
  }

  current(): PhoneStatus {
    return this.status;
  }

  /** Where the ringtone should play (the ringtone lives beside the phone in the document). */
  ringDevice(): string {
    return this.devices.ring;
  }

  async run(command: PhoneCommand): Promise<PhoneStatus> {
    switch (command.type) {
      case 'status':
        return this.status;
      case 'register':
        return this.register(command.account, command.devices ?? DEFAULT_DEVICES, command.dnd);
      case 'unregister':
        return this.unregister();
      case 'call':
        return this.call(command.target);
      case 'answer':
        return this.answer(command.callId);
      case 'reject':
        this.sessionFor(command.callId).terminate({ status_code: 603, reason_phrase: 'Decline' });
        return this.status;
      case 'hangup':
        return this.hangup(command.callId);
      case 'hold':
      case 'unhold': {
        const session = this.sessionFor(command.callId);
        const want = command.type === 'hold' ? 'held' : 'connected';
        if (this.status.call?.state === want) return this.status;
        if (command.type === 'hold') session.hold();
        else session.unhold();
        return this.until((s) => s.call?.state === want || s.call?.state === 'ended', 8_000, command.type);
      }
      case 'mute':
        this.sessionFor(command.callId).mute({ audio: true });
        return this.status;
      case 'unmute':
        this.sessionFor(command.callId).unmute({ audio: true });
        return this.status;
      case 'dtmf':
        return this.dtmf(command.callId, command.digits);
      case 'transfer':
        return this.transfer(command.callId, command.target);
      case 'expect-call':
        this.expectUntil = this.now() + Math.min(Math.max(command.withinMs, 0), 120_000);
        return this.status;
      case 'dnd':
        this.change({ dnd: command.on });
        return this.status;
      case 'devices':
        this.devices = { ...command.devices };
        await this.applyOutput();
        return this.status;
    }
  }

  // ── registration ──────────────────────────────────────────────────────────

  private async register(account: PhoneAccount, devices: PhoneDevices, dnd: boolean): Promise<PhoneStatus> {
    this.devices = { ...devices };
    await this.applyOutput();
    const key = phoneAccountKey(account);
    if (this.ua && this.status.account === key && this.account?.password === account.password && this.status.registration === 'registered') {
      this.account = account;
      this.change({ dnd });
      return this.status;
    }
    if (this.status.call && this.status.call.state !== 'ended') throw new PhoneCommandError('busy', 'A call is in progress');
    this.stopUa();
    this.account = account;
    this.change({ account: key, registration: 'registering', dnd, retries: 0, call: null });
    delete this.status.registrationError;
    let ua: UA;
    try {
      ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(account.wsUrl)],
        uri: account.uri,
        password: account.password,
        ...(account.authUser ? { authorization_user: account.authUser } : {}),
        ...(account.displayName ? { display_name: account.displayName } : {}),
        ...(account.outboundProxy ? { extra_headers: [`Route: <${account.outboundProxy}>`] } : {}),
        register: true,
        register_expires: 300,
        session_timers: false,
        connection_recovery_min_interval: REREGISTER_MIN_S,
        connection_recovery_max_interval: REREGISTER_MAX_S,
        user_agent: 'CallBar',
      });
    } catch (error) {
      this.change({ registration: 'failed', account: null, registrationError: { cause: 'refused', text: (error as Error).message } });
      throw new PhoneCommandError('invalid', `JsSIP refused the account: ${(error as Error).message}`);
    }
    this.ua = ua;
    this.listen(ua);
    ua.start();
    const status = await this.until((s) => s.registration !== 'registering' || this.ua !== ua, REGISTER_TIMEOUT_MS, 'register').catch(() => null);
    if (this.ua !== ua) throw new PhoneCommandError('registration', 'Registration was replaced', 'replaced');
    if (status?.registration === 'registered') return this.status;
    // Not registered at the first try: stop (a login that fails must not keep retrying).
    const error = this.status.registrationError ?? { cause: 'timeout' as const };
    this.stopUa();
    this.change({ registration: 'failed', account: null, registrationError: error });
    throw new PhoneCommandError('registration', 'Registration failed', error.cause);
  }

  private listen(ua: UA): void {
    const mine = () => this.ua === ua;
    ua.on('connected', () => {
      if (mine() && this.status.registration === 'reconnecting') this.change({ retries: this.status.retries });
    });
    ua.on('disconnected', () => {
      if (!mine()) return;
      if (this.status.registration === 'registering') {
        this.change({ registrationError: { cause: 'unreachable' }, registration: 'failed' });
        return;
      }
      if (this.status.registration === 'registered' || this.status.registration === 'reconnecting') {
        // JsSIP reconnects by itself with its backoff; the socket's drop ends no call by itself.
        this.change({ registration: 'reconnecting', retries: this.status.retries + 1 });
      }
    });
    ua.on('registered', () => {
      if (!mine()) return;
      if (this.reregisterTimer) clearTimeout(this.reregisterTimer);
      this.reregisterTimer = null;
      delete this.status.registrationError;
      this.change({ registration: 'registered', retries: 0 });
    });
    ua.on('unregistered', () => {
      if (mine() && this.status.registration === 'registered') this.change({ registration: 'reconnecting' });
    });
    ua.on('registrationFailed', (event: { cause?: string; response?: { status_code?: number; reason_phrase?: string } }) => {
      if (!mine()) return;
      const code = event.response?.status_code;
      const cause = event.cause === 'Authentication Error' || code === 401 || code === 403 || code === 407 ? 'auth' : event.cause === 'Connection Error' ? 'unreachable' : event.cause === 'Request Timeout' ? 'timeout' : 'refused';
      const registrationError = { cause, ...(code ? { code } : {}), ...(event.response?.reason_phrase ? { text: event.response.reason_phrase.slice(0, 120) } : {}) } as const;
      if (this.status.registration === 'registering') {
        this.change({ registration: 'failed', registrationError });
        return;
      }
      // A refresh failed after we were registered (server restarted, account changed): try again
      // with backoff; the banner says so meanwhile.
      this.change({ registration: 'reconnecting', registrationError, retries: this.status.retries + 1 });
      this.scheduleReregister();
    });
    ua.on('newRTCSession', (event: { originator: string; session: RTCSession; request: { from?: { uri?: { user?: string }; display_name?: string } } }) => {
      if (!mine() || event.originator !== 'remote') return;
      this.incoming(event.session);
    });
  }

  private scheduleReregister(): void {
    if (this.reregisterTimer) return;
    const delay = Math.min(REREGISTER_MAX_S, REREGISTER_MIN_S * 2 ** Math.min(this.status.retries, 5)) * 1000;
    this.reregisterTimer = setTimeout(() => {
      this.reregisterTimer = null;
      if (this.ua && this.status.registration === 'reconnecting') this.ua.register();
    }, delay);
  }

  private unregister(): PhoneStatus {
    if (this.session && this.status.call?.state !== 'ended') this.session.terminate();
    this.stopUa();
    this.account = null;
    delete this.status.registrationError;
    this.change({ account: null, registration: 'unregistered', retries: 0 });
    return this.status;
  }

  private stopUa(): void {
    if (this.reregisterTimer) clearTimeout(this.reregisterTimer);
    this.reregisterTimer = null;
    const ua = this.ua;
    this.ua = null;
    if (ua) {
      try {
        ua.stop();
      } catch {
        // already stopped
      }
    }
  }

  // ── calls ─────────────────────────────────────────────────────────────────

  private async call(target: string): Promise<PhoneStatus> {
    const ua = this.requireRegistered();
    if (this.status.call && this.status.call.state !== 'ended') throw new PhoneCommandError('busy', 'A call is in progress');
    const [number, ...rest] = target.split(',');
    const digits = rest.join(',');
    if (!number || (digits && !validDtmf(digits))) throw new PhoneCommandError('invalid', `Not a dial string: ${target}`);
    // The microphone first: no INVITE goes out unless the agent can be heard.
    const mic = await this.openMic();
    this.pendingDigits = digits;
    const uri = this.targetUri(number);
    let session: RTCSession;
    try {
      session = ua.call(uri, {
        mediaStream: mic,
        pcConfig: { iceServers: this.account?.iceServers ?? [] },
        rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
        ...(this.account?.outboundProxy ? { extraHeaders: [`Route: <${this.account.outboundProxy}>`] } : {}),
        eventHandlers: {
          // Fired inside ua.call(), before adopt() can listen.
          peerconnection: (event: { peerconnection: RTCPeerConnection }) => this.attachRemote(event.peerconnection),
        },
      } as never);
    } catch (error) {
      this.releaseMic();
      throw new PhoneCommandError('invalid', `JsSIP could not call ${uri}: ${(error as Error).message}`);
    }
    this.adopt(session, { type: 'new', id: session.id, direction: 'outbound', remote: number });
    return this.status;
  }

  private incoming(session: RTCSession): void {
    const remote = session.remote_identity?.uri?.user ?? 'unknown';
    const remoteName = session.remote_identity?.display_name || undefined;
    if (this.status.dnd) {
      session.terminate({ status_code: 486, reason_phrase: 'Do Not Disturb' });
      return;
    }
    if (this.status.call && this.status.call.state !== 'ended') {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    const auto = this.expectUntil > this.now();
    this.expectUntil = 0;
    this.adopt(session, { type: 'new', id: session.id, direction: 'inbound', remote, ...(remoteName ? { remoteName } : {}), ...(auto ? { autoAnswered: true } : {}) });
    if (auto) void this.answer(session.id).catch(() => session.terminate({ status_code: 480 }));
  }

  private async answer(callId: string): Promise<PhoneStatus> {
    const session = this.sessionFor(callId);
    if (this.status.call?.state !== 'incoming') return this.status;
    let mic: MediaStream;
    try {
      mic = await this.openMic();
    } catch (error) {
      session.terminate({ status_code: 480, reason_phrase: 'Microphone unavailable' });
      throw error;
    }
    session.answer({
      mediaStream: mic,
      pcConfig: { iceServers: this.account?.iceServers ?? [] },
    } as never);
    return this.status;
  }

  private hangup(callId: string): PhoneStatus {
    const session = this.sessionFor(callId);
    if (this.status.call?.state === 'ended') return this.status;
    session.terminate();
    return this.status;
  }

  private dtmf(callId: string, digits: string): PhoneStatus {
    const session = this.sessionFor(callId);
    if (!validDtmf(digits)) throw new PhoneCommandError('invalid', `Not DTMF: ${digits}`);
    if (this.status.call?.state !== 'connected' && this.status.call?.state !== 'held') throw new PhoneCommandError('no-call', 'The call is not connected');
    session.sendDTMF(digits, { transportType: this.account?.dtmfMode === 'info' ? 'INFO' : 'RFC2833', duration: 100, interToneGap: 70 } as never);
    this.signal({ type: 'dtmf-sent', digits });
    return this.status;
  }

  private transfer(callId: string, target: string): Promise<PhoneStatus> {
    const session = this.sessionFor(callId);
    if (this.status.call?.state !== 'connected' && this.status.call?.state !== 'held') throw new PhoneCommandError('no-call', 'The call is not connected');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new PhoneCommandError('timeout', 'The transfer was not answered')), 10_000);
      session.refer(this.targetUri(target), {
        eventHandlers: {
          requestSucceeded: () => {
            clearTimeout(timer);
            // Blind transfer: the far end took it (202); our leg is done.
            this.signal({ type: 'transferred' });
            session.terminate();
            resolve(this.status);
          },
          requestFailed: (event: { response?: { status_code?: number; reason_phrase?: string } }) => {
            clearTimeout(timer);
            const code = event.response?.status_code;
            reject(new PhoneCommandError('sip', `REFER refused${code ? ` (${code})` : ''}`, code ? String(code) : undefined));
          },
        },
      } as never);
    });
  }

  private adopt(session: RTCSession, start: Extract<PhoneSignal, { type: 'new' }>): void {
    this.session = session;
    this.counters = null;
    const mine = () => this.session === session;
    const on = (name: string, handler: (event: any) => void) => session.on(name as never, ((event: unknown) => mine() && handler(event)) as never);
    on('progress', (event: { originator: string; response?: { status_code?: number } }) => {
      if (event.originator === 'remote') this.signal({ type: 'progress', code: event.response?.status_code ?? 180 });
    });
    on('accepted', () => this.signal({ type: 'accepted' }));
    on('confirmed', () => {
      this.signal({ type: 'confirmed' });
      this.startStats(session);
      if (this.pendingDigits) {
        const digits = this.pendingDigits;
        this.pendingDigits = '';
        // The dial plan's extension: after a moment, so the far end's menu is listening.
        setTimeout(() => mine() && this.status.call?.state === 'connected' && this.dtmf(session.id, digits), 1_500);
      }
    });
    on('hold', (event: { originator: 'local' | 'remote' }) => this.signal({ type: 'hold', originator: event.originator }));
    on('unhold', (event: { originator: 'local' | 'remote' }) => this.signal({ type: 'unhold', originator: event.originator }));
    on('muted', () => this.signal({ type: 'muted' }));
    on('unmuted', () => this.signal({ type: 'unmuted' }));
    on('peerconnection', (event: { peerconnection: RTCPeerConnection }) => this.attachRemote(event.peerconnection));
    on('icecandidate', (event: { ready: () => void }) => this.capIceGathering(event.ready));
    const finish = (wasUp: boolean) => (event: { originator: 'local' | 'remote' | 'system'; cause?: string; message?: { status_code?: number } }) => {
      this.signal({ type: 'ended', originator: event.originator, cause: event.cause ?? 'Terminated', wasUp, ...(event.message?.status_code ? { code: event.message.status_code } : {}) });
      this.stopStats();
      this.releaseMic();
      this.audio.srcObject = null;
    };
    on('ended', finish(true));
    on('failed', finish(false));
    this.signal(start);
  }

  private signal(signal: PhoneSignal): void {
    const call = reduceCall(this.status.call, signal, this.now());
    if (call !== this.status.call) this.change({ call });
  }

  private sessionFor(callId: string): RTCSession {
    if (!this.session || this.session.id !== callId || !this.status.call || this.status.call.id !== callId) {
      throw new PhoneCommandError('no-call', `No call ${callId}`);
    }
    return this.session;
  }

  private requireRegistered(): UA {
    if (!this.ua || !this.account) throw new PhoneCommandError('no-account', 'The phone is not registered');
    if (this.status.registration !== 'registered') throw new PhoneCommandError('registration', 'The phone is not registered', this.status.registration);
    return this.ua;
  }

  private targetUri(target: string): string {
    if (/^sips?:/i.test(target)) return target;
    if (target.includes('@')) return `sip:${target}`;
    const domain = this.account ? this.account.uri.replace(/^sips?:/i, '').split('@')[1] ?? '' : '';
    return `sip:${target}@${domain}`;
  }

  private capIceGathering(ready: () => void): void {
    // JsSIP ignores all but the first ready().
    setTimeout(ready, ICE_GATHERING_CAP_MS);
  }

  // ── media ─────────────────────────────────────────────────────────────────

  private async openMic(): Promise<MediaStream> {
    try {
      this.releaseMic();
      const stream = await openMicrophone(this.devices.input);
      this.mic = stream;
      for (const track of stream.getAudioTracks()) {
        track.addEventListener('ended', () => {
          // Unplugged (or revoked) mid-call: the banner says so; the call stays up.
          if (this.mic === stream) this.change({ mic: 'lost' });
        });
      }
      if (this.status.mic !== 'ok') this.change({ mic: 'ok' });
      return stream;
    } catch (error) {
      const state = error instanceof MicrophoneError ? error.state : 'missing';
      this.change({ mic: state });
      throw new PhoneCommandError('microphone', 'The microphone is not available', state);
    }
  }

  private releaseMic(): void {
    for (const track of this.mic?.getTracks() ?? []) track.stop();
    this.mic = null;
  }

  private attachRemote(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      this.audio.srcObject = stream;
      void this.audio.play().catch(() => undefined);
    });
  }

  private async applyOutput(): Promise<void> {
    const audio = this.audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (!audio.setSinkId) return;
    await audio.setSinkId(this.devices.output).catch(() => audio.setSinkId?.('').catch(() => undefined));
  }

  private startStats(session: RTCSession): void {
    this.stopStats();
    this.statsTimer = setInterval(() => void this.sample(session), STATS_INTERVAL_MS);
  }

  private stopStats(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
  }

  private async sample(session: RTCSession): Promise<void> {
    const pc = session.connection;
    if (!pc || this.session !== session) return;
    const report = await pc.getStats().catch(() => null);
    if (!report) return;
    const sample = readStats(report.values() as Iterable<Record<string, unknown>>, this.counters);
    if (!sample) return;
    this.counters = sample.counters;
    const call = this.status.call;
    if (!call || call.state === 'ended') return;
    const quality = nextQuality(call.quality, sample);
    if (qualityChanged(call.quality, quality)) this.signal({ type: 'quality', quality });
    else this.status = { ...this.status, call: { ...call, quality } };
  }

  // ── status ────────────────────────────────────────────────────────────────

  private change(patch: Partial<PhoneStatus>): void {
    this.status = { ...this.status, ...patch, seq: this.status.seq + 1 };
    this.publish(this.status);
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves with the status once `done` holds (checked after every change), or rejects after `ms`. */
  private until(done: (status: PhoneStatus) => boolean, ms: number, what: string): Promise<PhoneStatus> {
    if (done(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this.status)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.status);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new PhoneCommandError('timeout', `${what} did not complete`));
      }, ms);
      this.waiters.add(check);
    });
  }
}
