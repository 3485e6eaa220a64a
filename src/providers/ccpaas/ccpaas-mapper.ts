/**
 * PhoneKit's callbacks (电话工具包 § 3, seed 003) → CallBar's ProviderEvents. Pure and table-tested
 * (ccpaas-mapper.test.ts: every eventName, failedCause, completedCause and workStatus encoding).
 *
 * Readings of the document (docs/providers/ccpaas.md):
 * - One CallBar call per `conversationSid`; `callSid` names one leg of it.
 * - Direction from `callType`: 1 拨号呼入 and 2 后台外呼 (the platform offers a call to the agent) are
 *   inbound to the agent; 3 拨号外呼 and 4 点击外呼 are the agent's outbound calls. `callSubtype` 2
 *   呼叫坐席 is the agent's own phone being called: on an outbound call that is CallBar's own leg (it
 *   rings before the customer), not the customer's progress.
 * - `answered` with `isBridged: "0"`: the agent's phone answered (auto-answer) and the customer is not
 *   connected yet; the toolbar's 接听 sends `bridge` (PhoneKit 5.3). The call stays 来电 until then.
 * - `workStatus` has three encodings: 0/1/2 in initial's reply, 1/2 in login, `ready`/`pause` in
 *   onStatusEvent — all become one agent-state id (ccpaas-info.ts AGENT_STATES).
 * - There is no hold event and no logout event: the session reports those from the replies.
 */
import { z } from 'zod';
import type { ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { PAUSE_PREFIX } from './ccpaas-info.ts';

/** Longest vendor text kept from a callback (numbers, ids, causes, names). */
export const MAX_FIELD = 200;

const text = z.union([z.string(), z.number().transform(String)]).transform((v) => {
  const s = v.trim();
  return s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s;
});
/** A field that is missing, null or not what the document says is absent. */
const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const callEventSchema = z.object({
  eventName: text.pipe(z.string().min(1).max(32)),
  appSid: opt(text),
  agentNo: opt(text),
  agentNumber: opt(text),
  conversationSid: opt(text),
  callSid: opt(text),
  failedCause: opt(text),
  completedCause: opt(text),
  callType: opt(text),
  callSubtype: opt(text),
  callState: opt(text),
  userNumber: opt(text),
  userNumberType: opt(text),
  userArea: opt(text),
  isBridged: opt(text),
  coAgentNo: opt(text),
  userData: opt(text),
  timestamp: opt(text),
});

const statusEventSchema = z.object({
  eventName: text.pipe(z.string().min(1).max(32)),
  appSid: opt(text),
  agentNo: opt(text),
  workStatus: opt(text),
  pauseCause: opt(text),
  wrapupTime: opt(text),
  readyCause: opt(text),
  timestamp: opt(text),
});

export type CallEvent = z.output<typeof callEventSchema>;
export type StatusEvent = z.output<typeof statusEventSchema>;

export type Parsed<T> = { ok: true; event: T } | { ok: false; error: string };

function parse<T>(schema: z.ZodType<T>, data: unknown): Parsed<T> {
  try {
    const r = schema.safeParse(data);
    if (r.success) return { ok: true, event: r.data };
    return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, MAX_FIELD) };
  } catch (error) {
    // A hostile object (a getter that throws, a Proxy): unreadable, never a crash.
    return { ok: false, error: `unreadable: ${String((error as Error)?.name ?? 'error').slice(0, 50)}` };
  }
}

export const parseCallEvent = (data: unknown): Parsed<CallEvent> => parse(callEventSchema, data);
export const parseStatusEvent = (data: unknown): Parsed<StatusEvent> => parse(statusEventSchema, data);

// ── Time ──────────────────────────────────────────────────────────────────────────────────────

/**
 * `timestamp` (时间戳) in whatever form the platform sends: ms or s since 1970, or YYYYMMDDHHmmss
 * (the form of the document's other timestamps), read in the browser's time zone. Null if unreadable.
 */
export function parseTimestamp(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d{14}$/.test(value)) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(value.slice(at, at + (i === 0 ? 4 : 2))));
    const ms = new Date(y!, mo! - 1, d, h, mi, s).getTime();
    return Number.isFinite(ms) ? ms : null;
  }
  if (/^\d{13}$/.test(value)) return Number(value);
  if (/^\d{10}$/.test(value)) return Number(value) * 1000;
  return null;
}

/**
 * When a state began: ours for a callback that arrives as it happens (the platform's timestamp may have
 * whole seconds only, which would cut a 整理 countdown short), the platform's for one replayed later
 * (a reconnect, a worker restart) when it is plausible (within a day).
 */
function sinceOf(value: string | undefined, now: number): number {
  const at = parseTimestamp(value);
  if (at === null || Math.abs(at - now) > 86_400_000) return now;
  return now - at > 2000 ? at : now;
}

// ── Agent state ───────────────────────────────────────────────────────────────────────────────

/** initial's `workStatus`: 0 下班, 1 就绪, 2 未就绪. */
export function initialWorkState(workStatus: unknown): 'offWork' | 'ready' | 'pause' | null {
  const v = typeof workStatus === 'number' ? String(workStatus) : typeof workStatus === 'string' ? workStatus.trim() : '';
  return v === '0' ? 'offWork' : v === '1' ? 'ready' : v === '2' ? 'pause' : null;
}

/** A pause with its cause: one of the company's reasons, 整理, or a plain pause. */
function pauseState(cause: string | undefined, causes: readonly string[]): string {
  if (cause === 'wrapup') return 'wrapup';
  if (cause && causes.includes(cause)) return `${PAUSE_PREFIX}${cause}`;
  return 'pause';
}

export interface StatusMapping {
  events: ProviderEvent[];
  /** onStatusEvent completed: the seconds of 整理 the platform gives (wrapupTime). */
  wrapupSeconds?: number;
}

/** onStatusEvent (§ 3.2): login / pause / ready / autoReady / completed. */
export function mapStatusEvent(event: StatusEvent, causes: readonly string[], now: number): StatusMapping {
  const since = sinceOf(event.timestamp, now);
  const state = (id: string): StatusMapping => ({ events: [{ type: 'agent.state', state: id, since }] });
  switch (event.eventName) {
    case 'completed': {
      // 挂机后开始整理, 自动进入 pause 状态 (pauseCause wrapup, wrapupTime seconds).
      const seconds = event.wrapupTime && /^\d{1,5}$/.test(event.wrapupTime) ? Number(event.wrapupTime) : undefined;
      return { events: [{ type: 'agent.state', state: 'wrapup', since }], ...(seconds !== undefined ? { wrapupSeconds: seconds } : {}) };
    }
    case 'autoReady':
    case 'ready':
      return state('ready');
    case 'pause':
      return state(pauseState(event.pauseCause, causes));
    case 'login':
    default:
      // login carries the state the agent logged in to; an unknown event its workStatus, if any.
      if (event.workStatus === 'ready') return state('ready');
      if (event.workStatus === 'pause') return state(pauseState(event.pauseCause, causes));
      return { events: [] };
  }
}

// ── Calls ─────────────────────────────────────────────────────────────────────────────────────

/** failedCause (§ 3.1.1). */
export const FAILED_CAUSE: Readonly<Record<string, MessageKey>> = {
  failed: 'ccpaasFailedFailed',
  'no-answer': 'ccpaasFailedNoAnswer',
  canceled: 'ccpaasFailedCanceled',
  'time-out': 'ccpaasFailedTimeout',
};

export function failedText(cause: string | undefined): string {
  const key = cause !== undefined && Object.hasOwn(FAILED_CAUSE, cause) ? FAILED_CAUSE[cause]! : undefined;
  if (key) return t(key);
  return cause ? t('ccpaasFailedOther', cause) : t('ccpaasFailedFailed');
}

/** completedCause (§ 3.1): only `time-limit` is documented; a plain end has none. */
export function completedText(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  return cause === 'time-limit' ? t('ccpaasCompletedTimeLimit') : t('ccpaasCompletedOther', cause);
}

export type Direction = 'outbound' | 'inbound';

/** callType 1 拨号呼入 / 2 后台外呼 → inbound to the agent; 3 拨号外呼 / 4 点击外呼 → outbound. */
export function directionOf(event: CallEvent, call: Call | null): Direction {
  if (event.callType === '1' || event.callType === '2') return 'inbound';
  if (event.callType === '3' || event.callType === '4') return 'outbound';
  if (isActive(call) && (!call.vendorCallId || call.vendorCallId === event.conversationSid)) return call.direction;
  return event.callSubtype === '1' ? 'outbound' : 'inbound';
}

export type CallEffect =
  /** The agent's phone answered, the customer is not connected: 接听 sends `bridge`. */
  | { type: 'bridgePending'; conversationSid: string }
  /** The call is bridged or over: no bridge pending. */
  | { type: 'bridgeDone' }
  /** The callback was not for the call shown (another conversation, a leg CallBar does not show). */
  | { type: 'ignored'; why: string };

export interface CallMapping {
  events: ProviderEvent[];
  effects: CallEffect[];
}

const NONE = (why: string): CallMapping => ({ events: [], effects: [{ type: 'ignored', why }] });

/** onCallEvent (§ 3.1) for the call shown now (`call`: the session's current call). */
export function mapCallEvent(event: CallEvent, call: Call | null): CallMapping {
  const sid = event.conversationSid ?? '';
  const active = isActive(call) ? call : null;
  // A callback of another conversation while one is shown: a leftover (the shown call is the agent's).
  const other = active !== null && active.vendorCallId !== undefined && sid !== '' && active.vendorCallId !== sid;
  const direction = directionOf(event, active);
  const agentLeg = event.callSubtype === '2';
  const number = event.userNumber || event.coAgentNo || '';
  const withId = sid ? { vendorCallId: sid } : {};

  // The call exists (or is created) before a later event applies to it: a replay after a restart may
  // start with `answered`, a callback whose `initiated` CallBar never saw.
  const start = (): ProviderEvent[] => {
    if (active) {
      // The platform's confirmation of the agent's own dial: adopted with the number as dialled (an
      // encrypted userNumber would otherwise look like another call).
      if (!active.vendorCallId && sid) return [active.direction === 'outbound' ? { type: 'call.dialing', number: active.number, ...withId } : { type: 'call.incoming', number: active.number, ...withId }];
      return [];
    }
    if (!number) return [];
    return [direction === 'outbound' ? { type: 'call.dialing', number, ...withId } : { type: 'call.incoming', number, ...withId }];
  };

  switch (event.eventName) {
    case 'initiated':
    case 'ringing': {
      if (other) return NONE(`another conversation ${sid}`);
      if (direction === 'outbound') {
        // The agent's own phone rings first on an outbound call: the customer's progress comes later.
        if (agentLeg) return active ? { events: start(), effects: [] } : NONE('agent leg of an outbound call not shown');
        const events = start();
        // Only a dial rings: not a call not shown (no number to show it by), nor one already answered.
        if (event.eventName === 'ringing' && (active ? active.state === 'dialing' : events.length > 0)) events.push({ type: 'call.ringing' });
        return { events, effects: [] };
      }
      if (event.callSubtype === '5') return NONE('consultation leg');
      return { events: start(), effects: [] };
    }
    case 'answered': {
      if (other) return NONE(`another conversation ${sid}`);
      if (direction === 'outbound' && agentLeg) return { events: start(), effects: [] };
      if (direction === 'inbound' && event.isBridged === '0') {
        return { events: start(), effects: sid ? [{ type: 'bridgePending', conversationSid: sid }] : [] };
      }
      const events = start();
      if (events.length === 0 && !active) return NONE('answered without a number');
      events.push({ type: 'call.connected' });
      return { events, effects: [{ type: 'bridgeDone' }] };
    }
    case 'completed':
    case 'failed': {
      if (!active) return NONE('no call shown');
      if (other) return NONE(`another conversation ${sid}`);
      // The agent's own leg of an outbound call ending: the agent did not pick up their phone (failed),
      // or the whole call is over (completed).
      const cause = event.eventName === 'failed' ? (direction === 'outbound' && agentLeg ? t('ccpaasAgentLegFailed', failedText(event.failedCause)) : failedText(event.failedCause)) : completedText(event.completedCause);
      return { events: [...start(), { type: 'call.ended', ...(cause ? { cause } : {}) }], effects: [{ type: 'bridgeDone' }] };
    }
    default:
      return NONE(`unknown eventName ${event.eventName}`);
  }
}
