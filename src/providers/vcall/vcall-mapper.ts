/**
 * v-call's agent events (座席控制事件回执, seed 2916-3755; the SDK's EventMap, seed 4250-4560) →
 * CallBar's ProviderEvents plus what the session must do (effects). Pure and table-tested: one row
 * per documented event (vcall-mapper.test.ts).
 *
 * Readings of the document (docs/providers/vcall.md):
 * - `callDirection`: the event schema says 0 呼入 / 1 呼出 (seed 3235); the SDK says 1 呼入 / 2 呼出
 *   (seed 4312). The schema is trusted: 0 inbound, 1 and 2 outbound.
 * - Timestamps are numbers or numeric strings (seed 2931 vs 3494-3500); `userData` or `userdata`.
 * - Hold and unhold have no event (seed 3555-3755): the session reports them from the acknowledgement.
 * - `nowState` is "the agent's state in the CCS" (seed 2926) and only "Login" is ever shown: read
 *   as the name of the event that put the agent there (used to restore the state on `Reconnect`).
 */
import { z } from 'zod';
import type { CallRecord, ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import { t } from '../../shared/i18n.ts';
import type { MessageKey } from '../../shared/i18n.ts';
import type { AgentStateKind, TeamMember as SharedTeamMember } from '../../shared/session-state.ts';
import { BUSY_PREFIX } from './vcall-info.ts';
import { afterCauseText, makeCallFailText } from './vcall-causes.ts';

// ── Parsing ─────────────────────────────────────────────────────────────────────────────────

/** Longest vendor text kept from an event (names, numbers, ids, causes). */
export const MAX_FIELD = 200;
/** Longest message body accepted (an event is a few hundred bytes; a team list a few dozen kB). */
export const MAX_BODY = 512 * 1024;
/** Entries kept from a vendor list (agents, groups, IVRs). */
export const MAX_LIST = 500;

const text = z.union([z.string(), z.number().transform(String)]).transform((v) => {
  const s = v.trim();
  return s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
});
const number = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).refine(Number.isFinite);
/** A field that may be missing, null or not what the document says: then it is absent. */
const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(z.unknown())
    .transform((items) => items.slice(0, MAX_LIST).flatMap((i) => {
      const r = item.safeParse(i);
      return r.success ? [r.data as z.output<T>] : [];
    }))
    .optional()
    .catch(undefined);

const named = z.object({ id: opt(text), name: opt(text), isMaster: opt(z.boolean()), type: opt(text) });
const agentEntry = z.object({
  agentId: opt(text),
  agentID: opt(text),
  agentNumber: opt(text),
  agentName: opt(text),
  nowState: opt(text),
  operatingTime: opt(number),
  loginTime: opt(number),
  peerId: opt(text),
  callDirection: opt(number),
  groupList: list(named),
});

const dataSchema = z
  .object({
    // Login / Reconnect
    token: opt(text),
    sipId: opt(text),
    sipPassword: opt(text),
    domain: opt(text),
    agentType: opt(number),
    groupIdList: list(text),
    busyType: opt(z.union([text, z.array(z.unknown())])),
    currentBusyType: opt(text),
    agentMakeCall: opt(number),
    registered: opt(number),
    loginType: opt(text),
    webrtcSipId: opt(text),
    webrtcSipPassword: opt(text),
    webrtcDomain: opt(text),
    groupInfoList: list(named),
    ivrList: list(named),
    // calls
    callDirection: opt(number),
    caller: opt(text),
    called: opt(text),
    occCallId: opt(text),
    callType: opt(text),
    userData: opt(text),
    userdata: opt(text),
    recordPath: opt(text),
    cause: opt(z.union([number, text])),
    hangupDirection: opt(number),
    beginTime: opt(number),
    ringTime: opt(number),
    answerTime: opt(number),
    endTime: opt(number),
    data: opt(text),
    agentAutoIdle: opt(number),
    agentAutoIdleTime: opt(number),
    // lists
    groupList: list(named),
    agentList: list(agentEntry),
    infoList: list(agentEntry),
  })
  .partial();

const eventSchema = z.object({
  type: opt(text),
  event: text.pipe(z.string().min(1).max(64)),
  nowState: opt(text),
  eventTime: opt(number),
  sequence: opt(number),
  companyId: opt(text),
  agentNumber: opt(text),
  userData: opt(text),
  userdata: opt(text),
  data: z.unknown().optional(),
});

export type EventData = z.output<typeof dataSchema>;

export interface VcallEvent {
  event: string;
  nowState?: string;
  eventTime?: number;
  sequence?: number;
  agentNumber?: string;
  userData?: string;
  data: EventData;
}

export type ParseResult = { ok: true; event: VcallEvent } | { ok: false; error: string };

/** One STOMP message body → an event, or why it is not one (never throws). */
export function parseEvent(body: string): ParseResult {
  if (body.length > MAX_BODY) return { ok: false, error: `body of ${body.length} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: `not JSON: ${body.slice(0, 80)}` };
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: `not an event: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ').slice(0, 200)}` };
  const raw = parsed.data;
  // `data` is an object on most events, null or absent on the rest; anything else is ignored.
  const data = typeof raw.data === 'object' && raw.data !== null && !Array.isArray(raw.data) ? dataSchema.safeParse(raw.data) : null;
  const userData = raw.userData ?? raw.userdata ?? data?.data?.userData ?? data?.data?.userdata;
  return {
    ok: true,
    event: {
      event: raw.event,
      ...(raw.nowState ? { nowState: raw.nowState } : {}),
      ...(raw.eventTime !== undefined ? { eventTime: raw.eventTime } : {}),
      ...(raw.sequence !== undefined ? { sequence: raw.sequence } : {}),
      ...(raw.agentNumber ? { agentNumber: raw.agentNumber } : {}),
      ...(userData ? { userData } : {}),
      data: data?.success ? data.data : {},
    },
  };
}

/** Identifies a message across redeliveries: a redelivered message is the same bytes. */
export function messageKey(body: string): string {
  // FNV-1a, 32 bits, twice (forwards and backwards) with the length: collisions are not a concern here.
  let a = 0x811c9dc5;
  let b = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    a = Math.imul(a ^ body.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ body.charCodeAt(body.length - 1 - i), 0x01000193) >>> 0;
  }
  return `${body.length.toString(36)}.${a.toString(36)}.${b.toString(36)}`;
}

// ── What an event means ─────────────────────────────────────────────────────────────────────

export interface NamedItem {
  id: string;
  name: string;
}

export interface TeamMember {
  agentNumber: string;
  agentName: string;
  nowState: string;
  /** When the state began (ms), or how long it lasted: as the platform sent it. */
  operatingTime?: number;
  peer?: string;
  groups: NamedItem[];
}

/** What the Login / Reconnect event tells about this agent. */
export interface LoginDetails {
  supervisor: boolean;
  busyTypes: string[];
  currentBusyType?: string;
  groups: NamedItem[];
  ivrs: NamedItem[];
  loginType?: string;
  /** The WebRTC phone's account (loginType 3). */
  webrtc?: { sipId: string; password: string; domain: string };
  /** agentMakeCall 0: the platform does not let this agent dial out. */
  mayDial: boolean;
}

export type SessionEndReason = 'kick' | 'sipError' | 'logout';

export type VcallEffect =
  | { type: 'login'; details: LoginDetails; reconnect: boolean }
  | { type: 'end'; reason: SessionEndReason }
  /** The platform ends 话后 by itself after this many seconds (null: it does not). */
  | { type: 'autoIdle'; seconds: number | null }
  | { type: 'groups'; groups: NamedItem[] }
  | { type: 'idleAgents'; agents: NamedItem[] }
  | { type: 'team'; members: TeamMember[] };

export interface MapResult {
  events: ProviderEvent[];
  effects: VcallEffect[];
}

/** The event schema's 0 呼入 / 1 呼出, and the SDK's 2 呼出. */
export function directionOf(value: number | undefined): 'inbound' | 'outbound' | undefined {
  if (value === 0) return 'inbound';
  if (value === 1 || value === 2) return 'outbound';
  return undefined;
}

/**
 * `table[key]` for a vendor string: only the table's own entries — `constructor`, `__proto__` or
 * `toString` from the platform must not find what every object inherits (a function, Object.prototype).
 */
function own<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** nowState → agent state id (see the header). */
export const NOW_STATES: Readonly<Record<string, string>> = {
  Login: 'login',
  Idle: 'idle',
  Busy: 'busy',
  AgentOriginate: 'inCall',
  MakeCall: 'inCall',
  AgentRinging: 'ringing',
  AgentAnswer: 'inCall',
  CalledRinging: 'inCall',
  CalledAnswer: 'inCall',
  Conversation: 'inCall',
  After: 'afterCall',
  Lock: 'locked',
  Logout: 'loggedOut',
};

/** What each nowState looks like in a supervisor's team list (label: the agent state's, see vcall-info.ts). */
const TEAM_STATES: Readonly<Record<string, { key: MessageKey; kind: AgentStateKind }>> = {
  login: { key: 'vcallStateLogin', kind: 'notReady' },
  idle: { key: 'vcallStateIdle', kind: 'ready' },
  busy: { key: 'vcallStateBusy', kind: 'notReady' },
  ringing: { key: 'vcallStateRinging', kind: 'busy' },
  inCall: { key: 'vcallStateInCall', kind: 'busy' },
  afterCall: { key: 'vcallStateAfterCall', kind: 'afterCall' },
  locked: { key: 'vcallStateLocked', kind: 'notReady' },
  loggedOut: { key: 'vcallStateLoggedOut', kind: 'offline' },
};

/**
 * One agent of a Surveillance list as the team view shows it. `operatingTime` is "状态变更时间13位时间戳"
 * in the event schema (seed 3547) but "当前状态维持时间毫秒数" in the SDK (seed 4586): a 13-digit value
 * is the moment, a smaller one how long before the event.
 */
export function teamMember(m: TeamMember, eventTime: number | undefined): SharedTeamMember {
  const known = own(TEAM_STATES, own(NOW_STATES, m.nowState));
  const since = m.operatingTime === undefined ? undefined : m.operatingTime > 1e12 ? m.operatingTime : positive(eventTime) !== undefined ? eventTime! - m.operatingTime : undefined;
  return {
    id: m.agentNumber,
    name: m.agentName === m.agentNumber ? '' : m.agentName,
    state: known ? t(known.key) : m.nowState || t('vcallStateUnknown'),
    kind: known?.kind ?? 'offline',
    ...(since !== undefined && since > 0 ? { since } : {}),
    ...(m.peer ? { otherParty: m.peer } : {}),
  };
}

/** Events that only say how a consult, transfer, conference or supervision goes: a note each. */
export const NOTE_EVENTS: Readonly<Record<string, MessageKey>> = {
  TransferCall: 'vcallNoteTransferCall',
  TransferCalling: 'vcallNoteTransferCalling',
  TransferCallFail: 'vcallNoteTransferCallFail',
  TransferCancel: 'vcallNoteTransferCancel',
  ConsultCall: 'vcallNoteConsultCall',
  ConsultCalling: 'vcallNoteConsultCalling',
  ConsultCallFail: 'vcallNoteConsultCallFail',
  ConsultCancel: 'vcallNoteConsultCancel',
  ConsultTransfer: 'vcallNoteConsultTransfer',
  ConsultedCancel: 'vcallNoteConsultedCancel',
  TripartiteTalk: 'vcallNoteTripartiteTalk',
  TripartiteTalking: 'vcallNoteTripartiteTalking',
  TripartiteTalkFail: 'vcallNoteTripartiteTalkFail',
  Listen: 'vcallNoteListen',
  Listening: 'vcallNoteListening',
  ListenFail: 'vcallNoteListenFail',
  ForceBreak: 'vcallNoteForceBreak',
  ForceInsert: 'vcallNoteForceInsert',
  ForceInserting: 'vcallNoteForceInserting',
  ForceInsertFail: 'vcallNoteForceInsertFail',
  Intercept: 'vcallNoteIntercept',
  Intercepting: 'vcallNoteIntercepting',
  InterceptFail: 'vcallNoteInterceptFail',
};

/** Documented events that change nothing CallBar shows (SDK-only or UI events). */
export const SILENT_EVENTS: readonly string[] = ['QueueInfo', 'Exception', 'Open', 'Error', 'Close'];

/** Legs of a consult or transfer: while the agent has a call, they do not change it. */
const SIDE_LEGS = new Set(['consult', 'transfer']);

export interface MapContext {
  call: Call | null;
  agentState: string | null;
  /** Platform ids of calls the session has seen end (newest last): their late events are not about a new dial. */
  endedCalls?: readonly string[];
}

/** Split the Login `busyType` (“所在企业配置的可选忙碌类型”, a string; a list is taken too). */
export function splitBusyTypes(value: EventData['busyType']): string[] {
  const items = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[,，;；|、]/) : [];
  return [...new Set(items.map((v) => v.trim().slice(0, 40)).filter(Boolean))].slice(0, 20);
}

function items(list: { id?: string | undefined; name?: string | undefined }[] | undefined): NamedItem[] {
  return (list ?? []).flatMap((g) => (g.id ? [{ id: g.id, name: g.name || g.id }] : []));
}

export function loginDetails(data: EventData): LoginDetails {
  const busyTypes = splitBusyTypes(data.busyType);
  const groups = items(data.groupInfoList);
  for (const id of data.groupIdList ?? []) if (id && !groups.some((g) => g.id === id)) groups.push({ id, name: id });
  return {
    supervisor: data.agentType === 1,
    busyTypes,
    ...(data.currentBusyType ? { currentBusyType: data.currentBusyType } : {}),
    groups,
    ivrs: items(data.ivrList),
    ...(data.loginType ? { loginType: data.loginType } : {}),
    ...(data.webrtcSipId && data.webrtcSipPassword && data.webrtcDomain ? { webrtc: { sipId: data.webrtcSipId, password: data.webrtcSipPassword, domain: data.webrtcDomain } } : {}),
    mayDial: data.agentMakeCall !== 0,
  };
}

function agentState(state: string, event: VcallEvent): ProviderEvent {
  return { type: 'agent.state', state, ...(event.eventTime && event.eventTime > 0 ? { since: event.eventTime } : {}) };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

/**
 * The call was started after the request answered by an event with this sequence was sent. Sequences are
 * CallBar's clock in ms (vcall-requests.ts SequenceClock, a 13-digit time); any other value says nothing.
 */
function startedAfter(call: Call, sequence: number | undefined): boolean {
  return sequence !== undefined && sequence > 1e12 && call.startedAt > sequence;
}

/** The call an event names exists in the session (it is started when not). */
function ensureCall(ctx: MapContext, direction: 'inbound' | 'outbound', d: EventData): ProviderEvent[] {
  const number = direction === 'outbound' ? d.called : d.caller;
  const id = d.occCallId ? { vendorCallId: d.occCallId } : {};
  const call = ctx.call;
  if (isActive(call)) {
    // The same call: the platform's id is taken once known (a dial CallBar started has none yet). The
    // engine knows it by its number: a call started without one (an event without caller/called) keeps none.
    if (d.occCallId && !call.vendorCallId && call.direction === direction && call.number) return [{ type: direction === 'outbound' ? 'call.dialing' : 'call.incoming', number: call.number, ...id }];
    return [];
  }
  return [{ type: direction === 'outbound' ? 'call.dialing' : 'call.incoming', number: number ?? '', ...id }];
}

/** An event about another call than the one shown (its id differs): not ours to apply. */
function otherCall(ctx: MapContext, d: EventData): boolean {
  if (!isActive(ctx.call) || !d.occCallId) return false;
  if (ctx.call.vendorCallId) return ctx.call.vendorCallId !== d.occCallId;
  // A call without the platform's id yet (a dial just sent): an event of a call already over is not about it
  // (the After of the call before, redelivered after a refused write, ended the new dial with its cause).
  return ctx.endedCalls?.includes(d.occCallId) ?? false;
}

function sideLeg(ctx: MapContext, d: EventData): boolean {
  return isActive(ctx.call) && !!d.callType && SIDE_LEGS.has(d.callType);
}

function afterRecord(event: VcallEvent, ctx: MapContext, cause: string): CallRecord | null {
  const d = event.data;
  const call = ctx.call && (!d.occCallId || !ctx.call.vendorCallId || ctx.call.vendorCallId === d.occCallId) ? ctx.call : null;
  const vendorCallId = d.occCallId ?? call?.vendorCallId;
  if (!vendorCallId) return null;
  const direction = directionOf(d.callDirection) ?? call?.direction ?? 'outbound';
  const number = (direction === 'outbound' ? d.called : d.caller) ?? call?.number ?? '';
  const endedAt = positive(d.endTime) ?? positive(event.eventTime) ?? Date.now();
  const startedAt = positive(d.beginTime) ?? call?.startedAt ?? endedAt;
  const answeredAt = positive(d.answerTime);
  return {
    vendorCallId,
    direction,
    number,
    startedAt,
    ...(answeredAt !== undefined ? { answeredAt } : {}),
    endedAt,
    talkSeconds: answeredAt !== undefined ? Math.max(0, Math.round((endedAt - answeredAt) / 1000)) : 0,
    result: cause,
    endCause: cause,
    ...(d.recordPath ? { recording: d.recordPath } : {}),
  };
}

/** Pure: what one event means for the session showing `ctx`. */
export function mapEvent(event: VcallEvent, ctx: MapContext): MapResult {
  const d = event.data;
  const events: ProviderEvent[] = [];
  const effects: VcallEffect[] = [];
  const direction = directionOf(d.callDirection);
  const note = (key: MessageKey, ...subs: string[]) => events.push({ type: 'note', text: t(key, ...subs) });

  switch (event.event) {
    case 'Login':
    case 'Reconnect': {
      const details = loginDetails(d);
      effects.push({ type: 'login', details, reconnect: event.event === 'Reconnect' });
      const fromNow = own(NOW_STATES, event.nowState);
      const state = event.event === 'Login' ? (fromNow && fromNow !== 'loggedOut' ? fromNow : 'login') : fromNow;
      if (state) {
        events.push(agentState(state === 'busy' && details.currentBusyType ? `${BUSY_PREFIX}${details.currentBusyType}` : state, event));
        // The platform says the agent has no call (any more): a call the session still shows ended meanwhile —
        // unless the call began after CallBar asked (the answer's sequence is CallBar's clock when it sent the
        // request): a dial made while the Reconnect was on its way is not in it, and is not over.
        if (event.event === 'Reconnect' && !['inCall', 'ringing'].includes(state) && isActive(ctx.call) && !startedAfter(ctx.call, event.sequence)) {
          events.push({ type: 'call.ended', cause: t('vcallCauseEndedWhileAway') });
        }
      }
      break;
    }
    case 'Logout':
      if (isActive(ctx.call)) events.push({ type: 'call.ended', cause: t('vcallCauseLoggedOut') });
      events.push(agentState('loggedOut', event));
      effects.push({ type: 'end', reason: 'logout' });
      break;
    case 'Kick':
    case 'SipError': {
      const reason = event.event === 'Kick' ? 'kick' : 'sipError';
      if (isActive(ctx.call)) events.push({ type: 'call.ended', cause: t(reason === 'kick' ? 'vcallEndKick' : 'vcallEndSipError') });
      events.push(agentState('loggedOut', event));
      effects.push({ type: 'end', reason });
      break;
    }
    case 'Idle':
      events.push(agentState('idle', event));
      break;
    case 'Busy':
      events.push(agentState(d.currentBusyType ? `${BUSY_PREFIX}${d.currentBusyType}` : 'busy', event));
      break;
    case 'Lock':
      events.push(agentState('locked', event));
      break;
    case 'MakeCall':
      // 发起通话成功: the dial CallBar shows already; a dial from elsewhere names its number in the next events.
      if (d.called && !isActive(ctx.call)) events.push(...ensureCall(ctx, 'outbound', d));
      break;
    case 'MakeCallFail':
      if (isActive(ctx.call)) events.push({ type: 'call.ended', cause: makeCallFailText(typeof d.cause === 'string' ? d.cause : d.cause !== undefined ? String(d.cause) : undefined) });
      else note('vcallNoteMakeCallFail', makeCallFailText(typeof d.cause === 'string' ? d.cause : undefined));
      break;
    case 'CancelCall':
      if (isActive(ctx.call)) events.push({ type: 'call.ended', cause: t('vcallCauseCancelled') });
      break;
    case 'AgentOriginate':
    case 'AgentRinging': {
      if (otherCall(ctx, d)) break;
      const dir = direction ?? ctx.call?.direction ?? 'outbound';
      events.push(...ensureCall(ctx, dir, d));
      if (event.event === 'AgentRinging') events.push(agentState('ringing', event));
      break;
    }
    case 'AgentAnswer': {
      if (otherCall(ctx, d)) break;
      const dir = direction ?? ctx.call?.direction ?? 'inbound';
      events.push(...ensureCall(ctx, dir, d));
      // Inbound: the agent took the customer's call. Outbound: the agent's own leg is up; the customer is called next.
      if (dir === 'inbound') events.push({ type: 'call.connected' });
      events.push(agentState('inCall', event));
      break;
    }
    case 'CalledRinging':
    case 'CalledAnswer': {
      if (sideLeg(ctx, d)) {
        note(event.event === 'CalledRinging' ? 'vcallNoteSideRinging' : 'vcallNoteSideAnswered', d.called ?? '');
        break;
      }
      if (otherCall(ctx, d)) break;
      const dir = direction ?? ctx.call?.direction ?? 'outbound';
      if (dir === 'inbound') break;
      events.push(...ensureCall(ctx, 'outbound', d));
      // A CalledRinging behind the call's answer (a redelivery, a replay) moves nothing back.
      if (event.event === 'CalledAnswer') events.push({ type: 'call.connected' });
      else if (!isActive(ctx.call) || ctx.call.state === 'dialing') events.push({ type: 'call.ringing' });
      break;
    }
    case 'Conversation': {
      if (sideLeg(ctx, d) || otherCall(ctx, d)) break;
      const dir = direction ?? ctx.call?.direction ?? 'outbound';
      events.push(...ensureCall(ctx, dir, d));
      events.push(ctx.call?.state === 'held' ? { type: 'call.resumed' } : { type: 'call.connected' });
      events.push(agentState('inCall', event));
      break;
    }
    case 'After': {
      const cause = afterCauseText(typeof d.cause === 'number' ? d.cause : undefined, d.data ?? (typeof d.cause === 'string' ? d.cause : undefined), d.hangupDirection);
      const ours = !otherCall(ctx, d);
      if (ours && isActive(ctx.call)) {
        if (positive(d.answerTime) !== undefined && ['dialing', 'ringing', 'incoming'].includes(ctx.call.state)) events.push({ type: 'call.connected' });
        events.push({ type: 'call.ended', cause });
      }
      const record = afterRecord(event, ctx, cause);
      if (record) events.push({ type: 'call.record', record });
      events.push(agentState('afterCall', event));
      const seconds = d.agentAutoIdle === 0 || d.agentAutoIdleTime === undefined || d.agentAutoIdleTime < 0 ? null : d.agentAutoIdleTime;
      effects.push({ type: 'autoIdle', seconds });
      break;
    }
    case 'Mute':
    case 'Unmute':
      if (isActive(ctx.call)) events.push({ type: 'call.muted', muted: event.event === 'Mute' });
      break;
    case 'GroupInfo':
      effects.push({ type: 'groups', groups: items(d.groupList) });
      break;
    case 'IdleAgent':
      effects.push({ type: 'idleAgents', agents: (d.agentList ?? []).flatMap((a) => (a.agentNumber ? [{ id: a.agentNumber, name: a.agentName || a.agentNumber }] : [])) });
      break;
    case 'Surveillance': {
      const members: TeamMember[] = [...(d.agentList ?? []), ...(d.infoList ?? [])].flatMap((a) =>
          a.agentNumber
            ? [
                {
                  agentNumber: a.agentNumber,
                  agentName: a.agentName || a.agentNumber,
                  nowState: a.nowState ?? '',
                  ...(a.operatingTime !== undefined ? { operatingTime: a.operatingTime } : {}),
                  ...(a.peerId ? { peer: a.peerId } : {}),
                  groups: items(a.groupList),
                },
              ]
            : [],
        );
      effects.push({ type: 'team', members });
      events.push({ type: 'team', members: members.map((m) => teamMember(m, event.eventTime)), ...(positive(event.eventTime) ? { at: event.eventTime } : {}) });
      break;
    }
    default: {
      const key = own(NOTE_EVENTS, event.event);
      if (key) note(key);
      break;
    }
  }
  return { events, effects };
}

/** Every event name the document lists (the mapper's table test covers each). */
export const DOCUMENTED_EVENTS: readonly string[] = [
  'Login',
  'Logout',
  'Reconnect',
  'Idle',
  'Busy',
  'MakeCall',
  'CancelCall',
  'MakeCallFail',
  'SipError',
  'AgentOriginate',
  'AgentRinging',
  'AgentAnswer',
  'CalledRinging',
  'CalledAnswer',
  'Conversation',
  'After',
  'Surveillance',
  'Lock',
  'Kick',
  'GroupInfo',
  'IdleAgent',
  'Mute',
  'Unmute',
  ...Object.keys(NOTE_EVENTS),
  ...SILENT_EVENTS,
];
