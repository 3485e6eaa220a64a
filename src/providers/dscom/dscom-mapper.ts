import type { CallRecord, ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import type { AgentStatusRow } from './dscom-client.ts';
import { STATUS_STATE_IDS } from './dscom-info.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';

/**
 * dscom has no push for live call state: the session polls the agent's extension
 * (status/endpoint: an Asterisk device state) and agent/getAgentStatus, and this pure mapper
 * turns one poll, with the call as it stands, into normalized events. Finished calls come from
 * the billing websocket as CDR rows, mapped here to CallRecords. Table tests: dscom-mapper.test.ts.
 */

// ── Device state ─────────────────────────────────────────────────────────────────────────────

export type DeviceState = 'idle' | 'inUse' | 'busy' | 'ringing' | 'ringInUse' | 'onHold' | 'unavailable' | 'unknown';

const DEVICE_STATES: Readonly<Record<string, DeviceState>> = {
  'not in use': 'idle',
  'in use': 'inUse',
  busy: 'busy',
  ringing: 'ringing',
  'ring+inuse': 'ringInUse',
  'on hold': 'onHold',
  unavailable: 'unavailable',
  invalid: 'unavailable',
  unknown: 'unknown',
};

/** status/endpoint `state` (Asterisk's device state names, any case) → DeviceState. */
export function deviceState(state: string | null | undefined): DeviceState {
  if (!state) return 'unknown';
  const name = state.trim().toLowerCase().replace(/\s+/g, ' ');
  // Own names only: "constructor" must not find Object's constructor (a function taken for a ringing phone).
  return Object.hasOwn(DEVICE_STATES, name) ? (DEVICE_STATES[name] as DeviceState) : 'unknown';
}

/** The phone is on a call (talking, or with one on hold). */
const IN_CALL = new Set<DeviceState>(['inUse', 'busy', 'onHold', 'ringInUse']);
/** The phone has no call. */
const NO_CALL = new Set<DeviceState>(['idle', 'unavailable']);

// ── Agent state ─────────────────────────────────────────────────────────────────────────────

/** agent/getAgentStatus `status` → one of the provider's agent state ids (null: unknown code). */
export function agentStateId(status: string): string | null {
  const code = status.trim();
  return Object.hasOwn(STATUS_STATE_IDS, code) ? (STATUS_STATE_IDS[code] as string) : null;
}

/**
 * Which queue's entry speaks for the agent when it is in several: a call beats wrap-up beats
 * the timeouts beats a pause beats ready beats "busy in another queue" beats logged out.
 */
const STATUS_PRIORITY = ['1', '2', '7', '6', '3', '8', '9', '4', '5', '11', '12', '13', '0', '10', '-1'];

export function primaryStatus(rows: readonly AgentStatusRow[]): AgentStatusRow | null {
  let best: AgentStatusRow | null = null;
  let bestRank = Infinity;
  for (const row of rows) {
    const rank = STATUS_PRIORITY.indexOf(row.status.trim());
    if (rank >= 0 && rank < bestRank) {
      best = row;
      bestRank = rank;
    }
  }
  return best;
}

/** "HH:MM:SS", "H:MM:SS", "MM:SS" or seconds → seconds; null when it is none of those, or past any real duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  const m = /^\d+$/.test(t) ? null : /^(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(t);
  if (!m && !/^\d+$/.test(t)) return null;
  const seconds = m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(t);
  // 400 digits are Infinity seconds: `since` would be -Infinity (null once stored).
  return seconds <= MAX_DURATION_S ? seconds : null;
}

/** No state or call lasts longer (a year): a larger figure from the platform is not believed. */
export const MAX_DURATION_S = 366 * 86_400;

export interface ReportedAgentState {
  state: string | null;
  since?: number | null;
}

/** since moves by up to a second between polls (statusDuration has whole seconds): not a change. */
export const SINCE_TOLERANCE_MS = 2000;

/**
 * The agent's state from its queue entries: the primary entry's state, since now − statusDuration.
 * No entry (in no queue) or only -1 → loggedOut. Nothing when it is what was last reported.
 */
export function mapAgentStatus(rows: readonly AgentStatusRow[], now: number, previous: ReportedAgentState): ProviderEvent[] {
  const primary = primaryStatus(rows);
  if (!primary && rows.length > 0) return []; // only codes we do not know: say nothing
  const state = primary ? agentStateId(primary.status) : 'loggedOut';
  if (!state) return [];
  const seconds = primary ? parseDuration(primary.statusDuration) : null;
  const since = seconds === null ? undefined : now - seconds * 1000;
  if (previous.state === state) {
    if (since === undefined) return [];
    if (typeof previous.since === 'number' && Math.abs(previous.since - since) <= SINCE_TOLERANCE_MS) return [];
  }
  return [{ type: 'agent.state', state, ...(since !== undefined ? { since } : {}) }];
}

// ── Call state ──────────────────────────────────────────────────────────────────────────────

export const UNKNOWN_NUMBER = t('unknownNumber');

/**
 * After call/dial is accepted the call stays "dialing" while the phone is still idle (the PBX
 * has not rung it yet); only after this long does an idle phone mean the call did not happen.
 */
export const DIAL_GRACE_MS = 10_000;

/** Right after a call ended, a stale "In use" of the same call must not start a new one. */
export const ENDED_GRACE_MS = 3_000;

export const END_CAUSES = {
  phoneOffline: t('dscomCausePhoneOffline'),
  notPlaced: t('dscomCauseNotPlaced'),
} as const;

export interface PollInput {
  device: DeviceState;
  /** The agent's queue entries from the same poll (number and linkedid of the current call). */
  agent: readonly AgentStatusRow[];
  /** The call as the session has it now. */
  call: Call | null;
  now: number;
  /** CallBar put the call on hold and the phone has not said "On Hold" yet: "In use" is not a resume. */
  holdPending?: boolean;
  /** A dial whose reply was lost (timeout): a call that shows up now is that outbound call. */
  lostDial?: { number: string } | null;
  /** The PBX accepted CallBar's call/hangup for this call: an idle phone now means it is over (no dial grace). */
  hungUp?: boolean;
}

/**
 * A call's platform id capped as the session keeps it (call-events `bounded()`: 128 characters), so a
 * long linkedid still matches the stored call (else a stale "In use" of an ended call became a new one).
 */
export function platformId(id: string): string {
  return id.length > 128 ? `${id.slice(0, 127)}…` : id;
}

/** What the agent entries say about the current call. */
export function callInfo(rows: readonly AgentStatusRow[]): { number: string; linkedid: string; outbound: boolean } {
  const withCall = rows.filter((r) => r.current || r.linkedid);
  const row = primaryStatus(withCall) ?? withCall[0] ?? primaryStatus(rows);
  // direction: the document shows only "0"; "out"/"outbound" and "2" (0 none, 1 in, 2 out) read as outbound.
  const outbound = rows.some((r) => r.status.trim() === '6' || /^(out(bound)?|2)$/i.test(r.direction.trim()));
  return { number: row?.current ?? '', linkedid: platformId(row?.linkedid ?? ''), outbound };
}

/**
 * One poll → call events. Outbound (call/dial) rings the agent's own phone first, then (auto)
 * answered it is "In use" while the customer rings and talks alike: dialing → ringing →
 * connected with its answer unknown (外呼中, never 通话中); the CDR says whether and when the
 * customer answered. A ringing phone with no call is an
 * incoming call; a phone already in use with no call (the ring fell between two polls, or the
 * call was made on the phone) is shown as a call in progress.
 */
export function mapCallState(input: PollInput): ProviderEvent[] {
  const { device, call, now } = input;
  if (device === 'unknown') return [];
  if (!isActive(call)) return newCall(input);
  const ended = (cause?: string): ProviderEvent[] => [{ type: 'call.ended', ...(cause ? { cause } : {}) }];
  const up = connected(call.direction === 'outbound');
  switch (call.state) {
    case 'dialing':
      if (device === 'ringing' || device === 'ringInUse') return [{ type: 'call.ringing' }];
      if (device === 'onHold') return [up, { type: 'call.held' }];
      if (IN_CALL.has(device)) return [up];
      if (device === 'unavailable') return ended(END_CAUSES.phoneOffline);
      if (input.hungUp) return ended();
      return now - call.startedAt >= DIAL_GRACE_MS ? ended(END_CAUSES.notPlaced) : [];
    case 'ringing':
    case 'incoming':
      if (device === 'onHold') return [up, { type: 'call.held' }];
      if (device === 'inUse' || device === 'busy') return [up];
      if (NO_CALL.has(device)) return ended(device === 'unavailable' ? END_CAUSES.phoneOffline : undefined);
      return [];
    case 'connected':
      if (device === 'onHold') return [{ type: 'call.held' }];
      if (NO_CALL.has(device)) return ended(device === 'unavailable' ? END_CAUSES.phoneOffline : undefined);
      return [];
    case 'held':
      if ((device === 'inUse' || device === 'busy') && !input.holdPending) return [{ type: 'call.resumed' }];
      if (NO_CALL.has(device)) return ended(device === 'unavailable' ? END_CAUSES.phoneOffline : undefined);
      return [];
    default:
      return [];
  }
}

/** "In use": an inbound call was answered by the agent; an outbound one may still ring the customer. */
function connected(outbound: boolean): ProviderEvent {
  return outbound ? { type: 'call.connected', answerUnknown: true } : { type: 'call.connected' };
}

function newCall({ device, agent, call, now, lostDial }: PollInput): ProviderEvent[] {
  if (NO_CALL.has(device)) return [];
  const info = callInfo(agent);
  // The call that just ended, still reported: not a new one.
  if (call && call.state === 'ended') {
    if (info.linkedid && info.linkedid === call.vendorCallId) return [];
    if (device !== 'ringing' && call.endedAt !== undefined && now - call.endedAt < ENDED_GRACE_MS) return [];
  }
  const ids = info.linkedid ? { vendorCallId: info.linkedid } : {};
  const start: ProviderEvent = lostDial
    ? { type: 'call.dialing', number: lostDial.number, ...ids }
    : info.outbound && device !== 'ringing'
      ? { type: 'call.dialing', number: info.number || UNKNOWN_NUMBER, ...ids }
      : { type: 'call.incoming', number: info.number || UNKNOWN_NUMBER, ...ids };
  const outbound = start.type === 'call.dialing';
  if (device === 'ringing' || device === 'ringInUse') return outbound ? [start, { type: 'call.ringing' }] : [start];
  const up = connected(outbound);
  if (device === 'onHold') return [start, up, { type: 'call.held' }];
  return [start, up];
}

// ── CDR (billing websocket) ────────────────────────────────────────────────────────────────

/** One CDR row as the billing websocket pushes it (fields the mapper reads). */
export interface BillingRow {
  calldate?: unknown;
  src?: unknown;
  dst?: unknown;
  channel?: unknown;
  dstchannel?: unknown;
  start?: unknown;
  answer?: unknown;
  end?: unknown;
  duration?: unknown;
  billsec?: unknown;
  disposition?: unknown;
  uniqueid?: unknown;
  linkedid?: unknown;
  direction?: unknown;
}

/** disposition → the result the agent reads (Asterisk's numeric codes too: 8 ANSWERED, 4 BUSY …). */
export const DISPOSITION_RESULTS: Readonly<Record<string, MessageKey>> = {
  ANSWERED: 'resultConnected',
  ANSWER: 'resultConnected',
  'NO ANSWER': 'resultNoAnswer',
  NOANSWER: 'resultNoAnswer',
  BUSY: 'resultBusy',
  FAILED: 'resultFailed',
  CONGESTION: 'resultCongestion',
  '8': 'resultConnected',
  '0': 'resultNoAnswer',
  '4': 'resultBusy',
  '2': 'resultFailed',
  '1': 'resultFailed',
  '16': 'resultCongestion',
};

/** Which result wins when one call has several rows: answered beats busy beats no answer … */
const RESULT_RANK: readonly MessageKey[] = ['resultConnected', 'resultBusy', 'resultNoAnswer', 'resultCongestion', 'resultFailed'];

/** "YYYY-MM-DD HH:MM:SS" in the browser's local time; undefined when empty or zero. */
export function parseLocalTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year === 0 || month === 0 || day === 0) return undefined;
  const time = new Date(year, month - 1, day, hour, minute, second).getTime();
  return Number.isFinite(time) ? time : undefined;
}

/** ms → "YYYY-MM-DD HH:MM:SS" in the browser's local time (the PBX's, as parseLocalTime assumes). */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function seconds(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseInt(text(value), 10);
  // A duration of 1e308 s made the call's end Infinity (null once stored).
  return Number.isFinite(n) && n > 0 && n <= MAX_DURATION_S ? Math.floor(n) : 0;
}

/** `PJSIP/8001-0000001a` (any channel technology) belongs to extension 8001. */
function channelOf(channel: string, extension: string): boolean {
  const slash = channel.indexOf('/');
  return slash > 0 && channel.slice(slash + 1).startsWith(`${extension}-`);
}

/** Is this CDR row one of the agent's calls? */
export function isAgentRow(row: BillingRow, extension: string): boolean {
  return channelOf(text(row.channel), extension) || channelOf(text(row.dstchannel), extension) || text(row.src) === extension || text(row.dst) === extension;
}

/** One CDR row → the record of the agent's call (null when the row is not the agent's or has no id/time). */
export function mapBillingRow(row: BillingRow, extension: string): CallRecord | null {
  if (!isAgentRow(row, extension)) return null;
  const vendorCallId = platformId(text(row.linkedid) || text(row.uniqueid));
  const startedAt = parseLocalTime(row.start) ?? parseLocalTime(row.calldate);
  if (!vendorCallId || startedAt === undefined) return null;
  const agentCalled = channelOf(text(row.channel), extension) || (text(row.src) === extension && !channelOf(text(row.dstchannel), extension));
  const dir = text(row.direction).toLowerCase();
  const direction: CallRecord['direction'] = dir === 'in' ? 'inbound' : dir === 'out' ? 'outbound' : agentCalled ? 'outbound' : 'inbound';
  const number = (direction === 'outbound' ? text(row.dst) : text(row.src)) || UNKNOWN_NUMBER;
  const disposition = text(row.disposition).toUpperCase();
  const resultKey = DISPOSITION_RESULTS[disposition];
  const result = resultKey ? t(resultKey) : disposition || t('resultUnknown');
  const talkSeconds = seconds(row.billsec);
  const answered = parseLocalTime(row.answer);
  const answeredAt = resultKey === 'resultConnected' && answered !== undefined ? answered : undefined;
  const endedAt = parseLocalTime(row.end) ?? startedAt + seconds(row.duration) * 1000;
  return { vendorCallId, direction, number, startedAt, ...(answeredAt !== undefined ? { answeredAt } : {}), endedAt: Math.max(endedAt, startedAt), talkSeconds, result };
}

/**
 * A pushed batch → one record per call of the agent's: rows of the same call (linkedid) are
 * merged (earliest start, latest end, the best result, the longest talk), in first-seen order.
 */
export function mapBillingRows(rows: readonly unknown[], extension: string): CallRecord[] {
  const byId = new Map<string, CallRecord>();
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const record = mapBillingRow(row as BillingRow, extension);
    if (!record) continue;
    const seen = byId.get(record.vendorCallId);
    byId.set(record.vendorCallId, seen ? merge(seen, record) : record);
  }
  return [...byId.values()];
}

function merge(a: CallRecord, b: CallRecord): CallRecord {
  const ranked = RESULT_RANK.map((key) => t(key));
  const rank = (r: string) => (ranked.includes(r) ? ranked.indexOf(r) : ranked.length);
  const better = rank(b.result) < rank(a.result) ? b : a;
  const answers = [a.answeredAt, b.answeredAt].filter((t): t is number => t !== undefined);
  return {
    vendorCallId: a.vendorCallId,
    direction: a.direction,
    number: a.number !== UNKNOWN_NUMBER ? a.number : b.number,
    startedAt: Math.min(a.startedAt, b.startedAt),
    ...(answers.length ? { answeredAt: Math.min(...answers) } : {}),
    endedAt: Math.max(a.endedAt, b.endedAt),
    talkSeconds: Math.max(a.talkSeconds, b.talkSeconds),
    result: better.result,
  };
}
