import type { CallQuality } from './call-quality.ts';
import { type Call, isActive, stateOf, transition } from './call-state.ts';
import type { Team, TeamMember } from './session-state.ts';

/**
 * Vendor-free events. Every provider's mapper turns its vendor's events into a
 * list of these; `applyEvent` is the one place they change the session.
 */
export type ProviderEvent =
  | { type: 'call.dialing'; number: string; vendorCallId?: string }
  | { type: 'call.incoming'; number: string; vendorCallId?: string }
  | { type: 'call.ringing' }
  /**
   * The call is up. `answerUnknown`: the platform only knows that the agent's phone is in the
   * call, not whether the other party answered (dscom's polled "In use" is the same while the
   * customer rings and while they talk): shown as 外呼中, not 通话中; the call record says.
   */
  | { type: 'call.connected'; answerUnknown?: boolean }
  | { type: 'call.held' }
  | { type: 'call.resumed' }
  /**
   * `outcomeUnknown`: the platform took the call over and reports nothing back (a click-to-call the
   * platform places itself): whether the customer answered is unknown, never 未接通.
   * `here`: set by the session engine only — CallBar ends the call without the platform's word.
   */
  | { type: 'call.ended'; cause?: string; outcomeUnknown?: boolean; here?: boolean }
  | { type: 'call.muted'; muted: boolean }
  /** The agent's state as the platform reports it (an id from the provider's agentStates). */
  | { type: 'agent.state'; state: string; since?: number }
  /**
   * The platform's record of a finished call (a CDR). It ends the matching call if the
   * live state missed the hang-up, and it is what recent calls keep (its talk time wins).
   */
  | { type: 'call.record'; record: CallRecord }
  /** The digits the agent has sent in this call so far (the whole string: replays are harmless). */
  | { type: 'call.digits'; digits: string }
  /** The latest call-quality figures (the browser phone samples them while the call is up). */
  | { type: 'call.quality'; quality: CallQuality }
  /** Something worth showing that changes no state (e.g. the bar opened its transfer screen). */
  | { type: 'note'; text: string }
  /** A supervisor's group as the platform reports it now (the whole list: replays are harmless). */
  | { type: 'team'; members: readonly TeamMember[]; at?: number };

export interface CallRecord {
  /** Matches Call.vendorCallId of the call it records. */
  vendorCallId: string;
  direction: 'outbound' | 'inbound';
  number: string;
  startedAt: number;
  /** Absent when the call was never answered. */
  answeredAt?: number;
  endedAt: number;
  talkSeconds: number;
  /** The platform's outcome in words (已接通, 对方忙 …). */
  result: string;
  /**
   * The platform's final word on why the call ended, in words (v-call's After cause, which follows the
   * hang-up): it replaces the cause the call's card shows once the call has ended.
   */
  endCause?: string;
  /** Where the platform keeps the call's recording (v-call's After `recordPath`), as it sent it. */
  recording?: string;
}

export interface ApplyResult {
  call: Call | null;
  /** True when the event changed the call. */
  changed: boolean;
  /** Set when the event made no sense in the current state (it is then ignored). */
  rejected?: string;
}

/** The longest vendor text kept in the session: a number, an id, a state's name … */
export const MAX_SHORT_TEXT = 64;
/** … a cause, a result, a note, a link. */
export const MAX_LONG_TEXT = 500;
/** Members of a team list kept. */
export const MAX_TEAM = 500;

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
function cutOptional(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : cut(value, max);
}

/**
 * Every vendor string capped where it enters the session, whatever the provider's own checks: a
 * 20 MB `otherParty` must not become a call's number (and the session a write storage refuses).
 */
export function bounded(event: ProviderEvent): ProviderEvent {
  switch (event.type) {
    case 'call.dialing':
    case 'call.incoming':
      return { ...event, number: cut(event.number, MAX_SHORT_TEXT), ...(event.vendorCallId !== undefined ? { vendorCallId: cut(event.vendorCallId, 128) } : {}) };
    case 'call.ended':
      return event.cause === undefined ? event : { ...event, cause: cut(event.cause, MAX_LONG_TEXT) };
    case 'agent.state':
      return { ...event, state: cut(event.state, 128) };
    case 'note':
      return { ...event, text: cut(event.text, MAX_LONG_TEXT) };
    case 'call.digits':
      return { ...event, digits: cut(event.digits, MAX_SHORT_TEXT) };
    case 'call.record': {
      const r = event.record;
      const endCause = cutOptional(r.endCause, MAX_LONG_TEXT);
      const recording = cutOptional(r.recording, 1000);
      return {
        ...event,
        record: { ...r, vendorCallId: cut(r.vendorCallId, 128), number: cut(r.number, MAX_SHORT_TEXT), result: cut(r.result, MAX_LONG_TEXT), ...(endCause !== undefined ? { endCause } : {}), ...(recording !== undefined ? { recording } : {}) },
      };
    }
    case 'team':
      return {
        ...event,
        members: event.members.slice(0, MAX_TEAM).map((m) => {
          const otherParty = cutOptional(m.otherParty, MAX_SHORT_TEXT);
          return { ...m, id: cut(m.id, MAX_SHORT_TEXT), name: cut(m.name, MAX_SHORT_TEXT), state: cut(m.state, MAX_SHORT_TEXT), ...(otherParty !== undefined ? { otherParty } : {}) };
        }),
      };
    default:
      return event;
  }
}

let counter = 0;
export function newCallId(now: number): string {
  counter = (counter + 1) % 1_000_000;
  return `c${now.toString(36)}${counter.toString(36)}`;
}

/**
 * Apply one call event to the current call. Duplicates (a vendor saying "connected"
 * twice, or confirming a state the extension already showed) are no-ops; moves the
 * state machine forbids are rejected and reported, never applied.
 */
export function applyCallEvent(call: Call | null, event: ProviderEvent, now: number): ApplyResult {
  try {
    switch (event.type) {
      case 'call.dialing':
      case 'call.incoming': {
        const target = event.type === 'call.dialing' ? 'dialing' : 'incoming';
        // The platform's call that is over here already: a replay of its start (after a reconnect or a
        // restart) is nothing new; if CallBar ended it on its own, the platform says it still goes on.
        if (isReplayedStart(call, event)) return same(call);
        if (call?.state === 'ended' && call.endedHere && event.vendorCallId && call.vendorCallId === event.vendorCallId) return { call: stillGoing(call), changed: true };
        // The extension shows `dialing` as soon as the vendor accepts the request;
        // the vendor's own confirmation of the same call is a duplicate. It may come late (the
        // call already rings): the call keeps its state and takes the platform's id if it had none.
        const direction = target === 'dialing' ? 'outbound' : 'inbound';
        const sameCall = call && (call.state === target || (isActive(call) && call.direction === direction && (!call.vendorCallId || call.vendorCallId === event.vendorCallId)));
        if (call && sameCall && sameNumber(call.number, event.number)) {
          if (event.vendorCallId && !call.vendorCallId) return { call: { ...call, vendorCallId: event.vendorCallId }, changed: true };
          return same(call);
        }
        const next = transition(call, target, now, {
          id: newCallId(now),
          direction: target === 'dialing' ? 'outbound' : 'inbound',
          number: event.number,
          ...(event.vendorCallId ? { vendorCallId: event.vendorCallId } : {}),
        });
        return { call: next, changed: true };
      }
      case 'call.ringing':
        // An inbound call "rings" the agent: that is what `incoming` already says.
        if (call?.state === 'incoming') return same(call);
        return move(call, 'ringing', now);
      case 'call.connected': {
        const moved = move(call, 'connected', now);
        if (event.answerUnknown && moved.changed && moved.call) return { call: { ...moved.call, answerUnknown: true }, changed: true };
        return moved;
      }
      case 'call.held':
        return move(call, 'held', now);
      case 'call.resumed':
        return call?.state === 'held' ? move(call, 'connected', now) : same(call);
      case 'call.ended': {
        if (!isActive(call)) return same(call);
        const ended = transition(call, 'ended', now, undefined, event.cause);
        return { call: { ...ended, ...(event.outcomeUnknown ? { answerUnknown: true } : {}), ...(event.here ? { endedHere: true } : {}) }, changed: true };
      }
      case 'call.muted':
        if (!isActive(call) || call.muted === event.muted) return same(call);
        return { call: { ...call, muted: event.muted }, changed: true };
      case 'call.digits':
        if (!isActive(call) || (call.digits ?? '') === event.digits) return same(call);
        return { call: { ...call, digits: event.digits }, changed: true };
      case 'call.quality':
        // The last sample may arrive just after the hang-up: it still belongs to the call.
        if (!call || sameQuality(call.quality, event.quality)) return same(call);
        return { call: { ...call, quality: event.quality }, changed: true };
      default:
        return same(call);
    }
  } catch (error) {
    return { call, changed: false, rejected: (error as Error).message };
  }
}

/** The start of a call the platform itself ended, once more (same platform id). */
function isReplayedStart(call: Call | null, event: ProviderEvent): boolean {
  return (event.type === 'call.dialing' || event.type === 'call.incoming') && call?.state === 'ended' && !call.endedHere && !!event.vendorCallId && call.vendorCallId === event.vendorCallId;
}

/** A call CallBar ended on its own, shown again as the platform has it: up (talking if it was). */
function stillGoing(call: Call): Call {
  const rest: { -readonly [K in keyof Call]: Call[K] } = { ...call };
  delete rest.endedAt;
  delete rest.cause;
  delete rest.endedHere;
  return { ...rest, state: call.connectedAt !== undefined ? 'connected' : call.direction === 'outbound' ? 'dialing' : 'incoming' };
}

/**
 * What the platform's record says of a call whose answer was unknown: the customer answered
 * (then: talk time from that moment), or did not (then: never connected, and why).
 */
function settleAnswer(call: Call, record: CallRecord): Call {
  const rest: { -readonly [K in keyof Call]: Call[K] } = { ...call };
  delete rest.answerUnknown;
  delete rest.connectedAt;
  if (record.answeredAt !== undefined) {
    const answeredAt = Math.min(Math.max(record.answeredAt, call.startedAt), call.endedAt ?? Number.POSITIVE_INFINITY);
    return { ...rest, connectedAt: answeredAt };
  }
  // Still up (the record of another leg?): nothing is settled yet.
  if (call.state !== 'ended') return call;
  return { ...rest, cause: record.result };
}

function sameQuality(a: CallQuality | undefined, b: CallQuality): boolean {
  return !!a && a.samples === b.samples && a.mos === b.mos && a.poor === b.poor;
}

function move(call: Call | null, to: 'ringing' | 'connected' | 'held', now: number): ApplyResult {
  if (stateOf(call) === to) return same(call);
  return { call: transition(call, to, now), changed: true };
}

function same(call: Call | null): ApplyResult {
  return { call, changed: false };
}

/** Same number, allowing a country or trunk prefix on one side (+86…, 0…): the shorter must still be a whole number. */
function sameNumber(a: string, b: string): boolean {
  const x = a.replace(/\D/g, '');
  const y = b.replace(/\D/g, '');
  // Without digits (a withheld or masked number, 未知号码): only the very same text is the same number.
  if (!x || !y) return a !== '' && a === b;
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 7 && long.endsWith(short);
}

/** The parts of a session that provider events change. */
export interface EventState {
  call: Call | null;
  agentState: string | null;
  agentStateSince: number | null;
  note: { text: string; at: number } | null;
  /** A supervisor's group (absent where a session keeps none). */
  team?: Team | null;
}

export interface ApplyEventsResult<S extends EventState> {
  state: S;
  /** Platform call records among the events, for recent calls. */
  records: CallRecord[];
  /**
   * Calls a later event of the same batch replaced (ended, then the next call began), as they last
   * were: the final state no longer shows them, yet they belong in recent calls.
   */
  passed: Call[];
  /** Events the call state machine refused (ignored), with why. */
  rejected: string[];
}

/**
 * Apply a batch of provider events to a session: the one place (the session engine uses it, and
 * so do the providers' tests) that knows what each event does. Returns the same `state` object
 * when nothing changed.
 */
export function applyEvents<S extends EventState>(state: S, events: readonly ProviderEvent[], now: number): ApplyEventsResult<S> {
  let next = state;
  const records: CallRecord[] = [];
  const passed: Call[] = [];
  const rejected: string[] = [];
  let replaying = false;
  for (const event of events.map(bounded)) {
    if (event.type === 'agent.state') {
      if (next.agentState !== event.state || (event.since !== undefined && next.agentStateSince !== event.since)) {
        const since = event.since ?? (next.agentState === event.state ? next.agentStateSince : now);
        next = { ...next, agentState: event.state, agentStateSince: since };
      }
    } else if (event.type === 'note') next = { ...next, note: { text: event.text, at: now } };
    else if (event.type === 'team') next = { ...next, team: { members: event.members, at: event.at ?? now } };
    else if (event.type === 'call.record') {
      // The platform's record closes the call it describes if the live state missed the end.
      const call = next.call;
      if (isActive(call) && call.vendorCallId === event.record.vendorCallId) {
        // An answered call's record says 已接通, which the call already shows; a failed one says why.
        const cause = event.record.answeredAt === undefined ? event.record.result : undefined;
        const result = applyCallEvent(call, { type: 'call.ended', ...(cause ? { cause } : {}) }, now);
        if (result.changed) next = { ...next, call: result.call };
      }
      // The platform's own end cause, arriving after the hang-up the card already shows.
      const shown = next.call;
      if (event.record.endCause && shown?.state === 'ended' && shown.vendorCallId === event.record.vendorCallId && shown.cause !== event.record.endCause) {
        next = { ...next, call: { ...shown, cause: event.record.endCause } };
      }
      // A call whose answer the live state could not see: the record says whether it was.
      if (next.call?.answerUnknown && next.call.vendorCallId === event.record.vendorCallId) next = { ...next, call: settleAnswer(next.call, event.record) };
      records.push(event.record);
    } else {
      // A replayed start of a call the platform itself ended (not CallBar on its own): what follows it
      // in the batch is that call's old story (its ringing, its answer), not news — dropped with it.
      if (event.type === 'call.dialing' || event.type === 'call.incoming') replaying = isReplayedStart(next.call, event);
      if (replaying) continue;
      const result = applyCallEvent(next.call, event, now);
      if (result.rejected) rejected.push(`${event.type}: ${result.rejected}`);
      if (result.changed && next.call && result.call?.id !== next.call.id) passed.push(next.call);
      if (result.changed) next = { ...next, call: result.call };
    }
  }
  return { state: next, records, passed, rejected };
}
