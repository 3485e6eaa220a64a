import { applyCallEvent, MAX_SHORT_TEXT, type ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import { t } from '../../shared/i18n.ts';

/**
 * recvMsg messages → normalized call events. Pure: the session hands in the call on screen and
 * the dial it is waiting for, and gets back the events and the new picture (the call as the
 * events leave it), so a batch is mapped message by message without storage in between.
 *
 * A message (document 2.4): `kind` "1" 去电 / "2" 来电 / "3" "4" SMS, `phone`, `content` = a JSON
 * text {status, cdrId, paramvalue}, `time` (Unix ms), `waterLine`. `status` 0 = 来电或去电
 * (ringing / dialing), 1 = 接通, 3 = 挂机 — and 2 = 挂机 too: the getLongWaterLine table of the
 * same document says 2. docs/providers/800ing.md has the table this implements.
 */

/** One recvMsg `msgs[]` item as the client reads it (strings trimmed, water line as a string). */
export interface Ing800Message {
  kind: string;
  phone: string;
  /** The JSON text as sent (an object is accepted too). */
  content: unknown;
  time: number | null;
  waterLine: string | null;
}

export interface MessageContent {
  status: number;
  cdrId: string | null;
  paramvalue: string | null;
}

/** The dial CallBar sent and has not seen on the water line yet (kept in the cursor). */
export interface DialMark {
  /** The `paramvalue` sent with callbackPhone; null for a desktop-client dial (no paramvalue there). */
  id: string | null;
  number: string;
  /** When the dial was sent (ms). */
  at: number;
}

/** A dial whose call CallBar ended itself before the platform said anything about it. */
export interface CancelledDial extends DialMark {
  /** The platform's id of that call, once one of its late messages named it. */
  cdrId: string | null;
}

/**
 * A platform call the screen does not follow: another call was on screen when it began (a dial CallBar
 * showed before the water line caught up with an earlier call), or CallBar ended it itself (挂断 not
 * confirmed) while the platform went on. Its messages are followed here; at its hang-up it becomes a
 * `call.record`, so recent calls have it, once, with the platform's outcome.
 */
export interface SideCall {
  cdrId: string;
  direction: Call['direction'];
  number: string;
  startedAt: number;
  answeredAt: number | null;
}

/** Side calls followed at most (the oldest is forgotten): the platform has one call at a time. */
export const MAX_SIDE_CALLS = 8;

export interface MapperState {
  /** The call on screen (ended calls included), as the events so far leave it. */
  call: Call | null;
  dial: DialMark | null;
  /** Late messages of this dial are swallowed (they must not start a new call). */
  cancelled?: CancelledDial | null;
  /** Platform calls followed off screen (kept in the cursor: their messages span polls). */
  side?: readonly SideCall[];
}

export interface MapOutcome {
  events: ProviderEvent[];
  state: MapperState;
  /** The message was about the pending dial (state.dial is then null). */
  matchedDial: boolean;
  /** Why the message changed nothing, for the log. */
  skipped?: string;
  /** The content was not what the document describes (not JSON, no status). */
  malformed?: boolean;
}

export const UNKNOWN_NUMBER = t('unknownNumber');
/**
 * 八百呼 says only "挂机": a call that never connected ends with the outcome itself as its cause,
 * in the shared outcome's words (so recent calls say it once, in either language).
 */
export const CAUSE_NOT_CONNECTED = t('resultNotConnected');
export const CAUSE_MISSED = t('resultMissed');
export const NOTE_SECOND_CALL = t('ing800NoteSecondCall');

/** content → {status, cdrId, paramvalue}; null when it is not the documented JSON. */
export function parseContent(content: unknown): MessageContent | null {
  let value: unknown = content;
  if (typeof content === 'string') {
    try {
      value = JSON.parse(content) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const status = typeof record.status === 'number' ? record.status : typeof record.status === 'string' && /^\s*-?\d+\s*$/.test(record.status) ? Number(record.status) : NaN;
  if (!Number.isInteger(status)) return null;
  return { status, cdrId: idString(record.cdrId), paramvalue: idString(record.paramvalue) };
}

function idString(value: unknown): string | null {
  if (typeof value === 'string') return capped(value.trim(), MAX_ID) || null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The session keeps a call's id and number capped (call-events `bounded()`: ids 128, numbers 64
 * characters): the mapper caps them the same way, or a long cdrId (number) in the next message would
 * never match the stored call again — its 挂机 ignored and the call left on screen.
 */
const MAX_ID = 128;
function capped(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/** Same number, allowing a country or trunk prefix on one side (as call-events does). */
export function sameNumber(a: string, b: string): boolean {
  const x = a.replace(/\D/g, '');
  const y = b.replace(/\D/g, '');
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 7 && long.endsWith(short);
}

function skip(state: MapperState, skipped: string, malformed = false): MapOutcome {
  return { events: [], state, matchedDial: false, skipped, ...(malformed ? { malformed } : {}) };
}

/** Map one message. */
export function mapMessage(message: Ing800Message, state: MapperState, now: number): MapOutcome {
  const kind = message.kind.trim();
  if (kind === '3' || kind === '4') return skip(state, `短信消息（kind ${kind}），不处理`);
  if (kind !== '1' && kind !== '2') return skip(state, `未知的消息类型 kind ${kind || '（空）'}`);
  const content = parseContent(message.content);
  if (!content) return skip(state, '消息内容不是文档所述的 JSON（缺少 status）', true);
  const { status, cdrId } = content;
  if (status !== 0 && status !== 1 && status !== 2 && status !== 3) return skip(state, `未知的通话状态 status ${status}`);
  const direction = kind === '1' ? 'outbound' : 'inbound';
  const phone = capped(message.phone.trim(), MAX_SHORT_TEXT);
  const { call, dial } = state;

  // The dial CallBar sent: its paramvalue came back, or (no paramvalue at all) the same number.
  const isDial = (mark: DialMark | null | undefined): boolean =>
    direction === 'outbound' && !!mark && (content.paramvalue !== null ? content.paramvalue === mark.id : phone === '' || sameNumber(phone, mark.number));
  const ours = isDial(dial);

  const cancelled = state.cancelled ?? null;
  if (!ours && cancelled && (cdrId !== null && cancelled.cdrId !== null ? cdrId === cancelled.cdrId : isDial(cancelled))) {
    const named = cancelled.cdrId === null && cdrId !== null ? { ...state, cancelled: { ...cancelled, cdrId } } : state;
    return skip(named, '已挂断的外呼的迟到消息');
  }

  let events: ProviderEvent[];
  if (isActive(call) && belongs(call, direction, phone, content, ours, dial)) {
    const attach: ProviderEvent[] =
      !call.vendorCallId && cdrId && (call.state === 'dialing' || call.state === 'incoming')
        ? [{ type: call.state === 'dialing' ? 'call.dialing' : 'call.incoming', number: call.number, vendorCallId: cdrId }]
        : [];
    if (status === 0) events = attach;
    else if (status === 1) events = call.state === 'connected' || call.state === 'held' ? attach : [...attach, { type: 'call.connected' }];
    else {
      const cause = endCause(call);
      events = [{ type: 'call.ended', ...(cause ? { cause } : {}) }];
    }
    if (events.length === 0 && !ours) return skip(state, '当前通话的重复消息');
  } else if (isActive(call)) {
    // Another call while one is on screen: the model has one call; say so for a new inbound one,
    // and follow it off screen so that recent calls get it.
    const at = message.time ?? now;
    if (cdrId === null) {
      if (status === 0 && direction === 'inbound') events = [{ type: 'note', text: NOTE_SECOND_CALL }];
      else return skip(state, `不是当前通话的消息（cdrId 无）`);
    } else {
      const followed = followSide(state, { cdrId, direction, number: phone || UNKNOWN_NUMBER, startedAt: at, answeredAt: null }, status, at);
      if (followed.record) return { events: [followed.record], state: followed.state, matchedDial: false };
      if (status === 0 && direction === 'inbound') return { events: [{ type: 'note', text: NOTE_SECOND_CALL }], state: followed.state, matchedDial: false };
      return skip(followed.state, `不是当前通话的消息（cdrId ${cdrId}）`);
    }
  } else {
    // (isActive narrows `call` to null here; an ended call is still on screen in state.call.)
    const shown = state.call;
    if (shown && cdrId && shown.vendorCallId === cdrId) {
      // The platform still has the call CallBar ended itself (its own end is always the call's last
      // message): if the customer talked after all, its hang-up corrects recent calls.
      const at = message.time ?? now;
      const followed = status === 0 ? { state } : followSide(state, { cdrId, direction: shown.direction, number: shown.number, startedAt: shown.startedAt, answeredAt: shown.connectedAt ?? null }, status, at);
      if (followed.record?.type === 'call.record' && followed.record.record.answeredAt !== undefined) return { events: [followed.record], state: followed.state, matchedDial: false };
      return skip(followed.state, `已结束的通话的消息（cdrId ${cdrId}）`);
    }
    if (status === 2 || status === 3) return skip(state, `没有看到开始的通话已挂机（cdrId ${cdrId ?? '无'}）`);
    const ids = cdrId ? { vendorCallId: cdrId } : {};
    const start: ProviderEvent =
      direction === 'outbound'
        ? { type: 'call.dialing', number: ours && dial ? dial.number : phone || UNKNOWN_NUMBER, ...ids }
        : { type: 'call.incoming', number: phone || UNKNOWN_NUMBER, ...ids };
    events = status === 1 ? [start, { type: 'call.connected' }] : [start];
  }

  let next = call;
  for (const event of events) next = applyCallEvent(next, event, now).call;
  return { events, state: { ...state, call: next, dial: ours ? null : dial }, matchedDial: ours };
}

/**
 * One message of a side call: status 0 starts following it, 1 notes the answer, a hang-up ends a call
 * followed so far as a `call.record` with the platform's outcome (and stops following it). A hang-up of
 * a call not followed (a repeated 挂机 of a call that ended on screen) records nothing.
 */
function followSide(state: MapperState, start: SideCall, status: number, at: number): { state: MapperState; record?: ProviderEvent } {
  const side = state.side ?? [];
  const known = side.find((c) => c.cdrId === start.cdrId);
  const others = side.filter((c) => c !== known);
  const call = known ?? start;
  if (status === 0) return { state: { ...state, side: [...others, call].slice(-MAX_SIDE_CALLS) } };
  if (status === 1) return { state: { ...state, side: [...others, { ...call, answeredAt: call.answeredAt ?? at }].slice(-MAX_SIDE_CALLS) } };
  if (!known) return { state };
  const answeredAt = call.answeredAt ?? undefined;
  const endedAt = Math.max(at, call.startedAt);
  const record: ProviderEvent = {
    type: 'call.record',
    record: {
      vendorCallId: call.cdrId,
      direction: call.direction,
      number: call.number,
      startedAt: call.startedAt,
      ...(answeredAt !== undefined ? { answeredAt } : {}),
      endedAt,
      talkSeconds: answeredAt !== undefined ? Math.max(0, Math.round((endedAt - answeredAt) / 1000)) : 0,
      result: answeredAt !== undefined ? t('resultConnected') : call.direction === 'outbound' ? CAUSE_NOT_CONNECTED : CAUSE_MISSED,
    },
  };
  return { state: { ...state, side: others }, record };
}

/** Is the message about `call` (in progress)? */
function belongs(call: Call, direction: Call['direction'], phone: string, content: MessageContent, ours: boolean, dial: DialMark | null): boolean {
  if (call.vendorCallId && content.cdrId) return call.vendorCallId === content.cdrId;
  if (call.direction !== direction) return false;
  if (!call.vendorCallId && direction === 'outbound' && dial !== null) {
    // The call on screen is the dial CallBar is waiting for: only its own messages.
    return ours;
  }
  return phone === '' || sameNumber(phone, call.number);
}

/** Why a call ended, when that says more than 已结束: a call that talked and hung up says nothing more. */
function endCause(call: Call): string | undefined {
  if (call.connectedAt !== undefined) return undefined;
  return call.direction === 'outbound' ? CAUSE_NOT_CONNECTED : CAUSE_MISSED;
}

export interface BatchOutcome {
  events: ProviderEvent[];
  state: MapperState;
  matchedDial: boolean;
  skipped: { message: Ing800Message; reason: string; malformed: boolean }[];
}

/** Map a batch in order; a message that cannot be read is skipped and reported, never stops the rest. */
export function mapMessages(messages: readonly Ing800Message[], state: MapperState, now: number): BatchOutcome {
  const events: ProviderEvent[] = [];
  const skipped: BatchOutcome['skipped'] = [];
  let current = state;
  let matchedDial = false;
  for (const message of messages) {
    const outcome = mapMessage(message, current, now);
    events.push(...outcome.events);
    current = outcome.state;
    matchedDial ||= outcome.matchedDial;
    if (outcome.skipped) skipped.push({ message, reason: outcome.skipped, malformed: outcome.malformed === true });
  }
  return { events, state: current, matchedDial, skipped };
}
