import type { ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import { t } from '../../shared/i18n.ts';

/** One event as the bar's getCallState / getOnline return it. */
export interface SoftbarEvent {
  eventName: string;
  eventTime?: string;
  thisParty?: string;
  otherParty?: string;
  ani?: string;
  dnis?: string;
  /** `k1-v1|k2-v2|…` */
  reserve?: string;
}

/** Agent-facing text for the hang-up causes the bar puts in `reserve` (cause-…). */
export const HANGUP_CAUSES: Readonly<Record<string, string>> = {
  localHangup: t('softbarCauseLocalHangup'),
  remoteHangup: t('softbarCauseRemoteHangup'),
  busy: t('resultBusy'),
  noAnswer: t('resultNoAnswer'),
  lineDropped: t('softbarCauseLineDropped'),
  transferred: t('softbarCauseTransferred'),
};

/** Parse `k1-v1|k2-v2`; a value may itself contain '-'. */
export function parseReserve(reserve: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!reserve) return out;
  for (const pair of reserve.split('|')) {
    const dash = pair.indexOf('-');
    if (dash <= 0) continue;
    out[pair.slice(0, dash).trim()] = pair.slice(dash + 1).trim();
  }
  return out;
}

function causeText(reserve: Record<string, string>): string | undefined {
  const cause = reserve.cause;
  if (!cause) return undefined;
  // Own names only: cause-constructor found Object's constructor (a function as the call's cause).
  return Object.hasOwn(HANGUP_CAUSES, cause) ? HANGUP_CAUSES[cause] : cause;
}

/**
 * The bar's state during a call (the document's call_state 1–5): its own 外呼 / 来电 / 通话
 * instead of the line's 在线 / 离线, which it keeps underneath and returns to at the hang-up.
 * Agent states the platform sets (`selectable: false` in cmcc-softbar-info.ts).
 */
export const CALL_AGENT_STATES = { outgoing: 'outgoing', incoming: 'incoming', inCall: 'inCall' } as const;

/** The line as the last sipOnline / sipOffline said. */
export type SoftbarLine = 'sipOnline' | 'sipOffline';

/**
 * What mapping needs from earlier events (kept by the session and saved as its cursor):
 * the line state to go back to after a call, and the target of a transfer in progress
 * (the bar's hangup only says cause-transferred; its transfer event said where to).
 */
export interface SoftbarMemory {
  /** null before the bar said either. */
  line: SoftbarLine | null;
  transfer?: { target: string; vendorCallId?: string };
  /** The agent's dials from CallBar whose makeCall event the bar has not handed out yet, oldest first. */
  dials?: string[];
  /**
   * The bar's events of a call CallBar already ended (a dial 挂断 ended here before the bar confirmed it):
   * 'calls' = show only the bar's state until its hangup; 'all' = show nothing of it (the agent has dialled
   * again since, the bar's state is the newer call's).
   */
  skip?: 'calls' | 'all';
}

export const INITIAL_MEMORY: SoftbarMemory = { line: null };

/** The memory after `event` (pure). */
export function rememberSoftbarEvent(memory: SoftbarMemory, event: SoftbarEvent): SoftbarMemory {
  switch (event.eventName) {
    case 'sipOnline':
    case 'sipOffline':
      return { ...memory, line: event.eventName };
    case 'transfer': {
      const vendorCallId = parseReserve(event.reserve).callId;
      return event.otherParty ? { ...memory, transfer: { target: event.otherParty, ...(vendorCallId ? { vendorCallId } : {}) } } : memory;
    }
    case 'makeCall':
    case 'incomingCall':
    case 'hangup':
      // A new call's events (or its end) leave a transfer behind; a dial not confirmed yet stays awaited.
      return { line: memory.line, ...(memory.dials ? { dials: memory.dials } : {}) };
    default:
      return memory;
  }
}

/** The end of a transferred call says where it went, like dscom's and 八百呼's (已转接到 8002). */
function endCause(reserve: Record<string, string>, memory: SoftbarMemory): string | undefined {
  const transfer = memory.transfer;
  const sameCall = transfer && (!transfer.vendorCallId || !reserve.callId || transfer.vendorCallId === reserve.callId);
  if (reserve.cause === 'transferred' && transfer && sameCall) return t('causeTransferredTo', transfer.target);
  return causeText(reserve);
}

/**
 * Map one vendor event onto normalized events. Pure; the table test covers every
 * documented eventName. Unknown names map to nothing (the bar may add events).
 * `memory`: what earlier events said (rememberSoftbarEvent), for the line state a
 * hang-up returns to and a transfer's target.
 */
export function mapSoftbarEvent(event: SoftbarEvent, memory: SoftbarMemory = INITIAL_MEMORY): ProviderEvent[] {
  const reserve = parseReserve(event.reserve);
  const vendorCallId = reserve.callId;
  const ids = vendorCallId ? { vendorCallId } : {};
  const other = event.otherParty || '';
  switch (event.eventName) {
    case 'sipOnline':
      return [{ type: 'agent.state', state: 'sipOnline' }];
    case 'sipOffline':
      return [{ type: 'agent.state', state: 'sipOffline' }];
    case 'makeCall':
      return [
        { type: 'call.dialing', number: other || event.dnis || '', ...ids },
        { type: 'agent.state', state: CALL_AGENT_STATES.outgoing },
      ];
    case 'incomingCall':
      return [
        { type: 'call.incoming', number: other || event.ani || '', ...ids },
        { type: 'agent.state', state: CALL_AGENT_STATES.incoming },
      ];
    case 'ringing':
      // Whoever rings, the bar stays 外呼 (the callee's phone) or 来电 (the agent's).
      return [{ type: 'call.ringing' }];
    case 'answer':
    case 'connected':
      return [{ type: 'call.connected' }, { type: 'agent.state', state: CALL_AGENT_STATES.inCall }];
    case 'hangup': {
      const cause = endCause(reserve, memory);
      // Back to the line's state. A bar that never said which had a call, so its line was up.
      return [{ type: 'call.ended', ...(cause ? { cause } : {}) }, { type: 'agent.state', state: memory.line ?? 'sipOnline' }];
    }
    case 'mute':
      return [{ type: 'call.muted', muted: true }];
    case 'unMute':
      return [{ type: 'call.muted', muted: false }];
    case 'transfer':
      return [{ type: 'note', text: other ? t('noteTransferringTo', other) : t('noteTransferring') }];
    case 'switchTransfer':
      return [{ type: 'note', text: t('softbarNoteTransferScreen') }];
    case 'returnTransfer':
      return [{ type: 'note', text: t('softbarNoteTransferReturned') }];
    default:
      return [];
  }
}

/**
 * Map a poll's events in order, each with the memory of those before it (pure).
 *
 * `shown`: the call CallBar shows before these events. The bar has one call at a time (the demo's single
 * call_state, seed 000 lines 549–567; makeCall only outside a call, line 94), so when it announces a new
 * call (makeCall / incomingCall) while CallBar still shows another, the bar's end of that one never
 * arrived (handed out to a worker that died before writing it — the bar hands each event out once and
 * cannot be asked for its state): it ends here, saying so, and the new call is shown. Not the agent's own
 * dial shown before the bar's makeCall confirms it.
 */
export function mapSoftbarEvents(events: readonly SoftbarEvent[], memory: SoftbarMemory, shown: Call | null = null): { events: ProviderEvent[]; memory: SoftbarMemory } {
  const out: ProviderEvent[] = [];
  let current = memory;
  let open: { state: Call['state']; direction: Call['direction']; number: string } | null = isActive(shown) ? { state: shown.state, direction: shown.direction, number: shown.number } : null;
  let skip = memory.skip;
  for (const event of events) {
    const starts = event.eventName === 'makeCall' || event.eventName === 'incomingCall';
    const number = event.otherParty || (event.eventName === 'makeCall' ? event.dnis : event.ani) || '';
    const dials = current.dials ?? [];
    const mapped = mapSoftbarEvent(event, current);
    current = rememberSoftbarEvent(current, event);
    if (starts) skip = undefined;
    if (event.eventName === 'makeCall') {
      const mine = dials.findIndex((d) => sameDigits(d, number));
      const rest = mine < 0 ? dials : dials.slice(mine + 1);
      current = { ...current, ...(rest.length ? { dials: rest } : {}) };
      if (!rest.length) delete current.dials;
      // The bar confirms a dial of the agent's that CallBar no longer shows: it was ended here (挂断 while the
      // bar did not answer) — its row is in 最近通话 — and its events must not show it again.
      if (mine >= 0 && mine < dials.length - 1) skip = 'all';
      else if (mine >= 0 && !open && shown?.state === 'ended' && shown.direction === 'outbound' && sameDigits(shown.number, number)) skip = 'calls';
    }
    if (skip) {
      if (skip === 'calls') out.push(...mapped.filter((e) => e.type === 'agent.state'));
      if (event.eventName === 'hangup') skip = undefined;
      continue;
    }
    const confirmsShown = event.eventName === 'makeCall' && open?.state === 'dialing' && open.direction === 'outbound' && sameDigits(open.number, number);
    if (starts && open && !confirmsShown) out.push({ type: 'call.ended', cause: t('softbarCauseEndMissed') });
    out.push(...mapped);
    if (starts) open = { state: event.eventName === 'makeCall' ? 'dialing' : 'incoming', direction: event.eventName === 'makeCall' ? 'outbound' : 'inbound', number };
    else if (event.eventName === 'hangup') open = null;
    else if (open && ['ringing', 'answer', 'connected'].includes(event.eventName)) open = { ...open, state: 'connected' };
  }
  current = { ...current, ...(skip ? { skip } : {}) };
  if (!skip) delete current.skip;
  return { events: out, memory: current };
}

function sameDigits(a: string, b: string): boolean {
  return a.replace(/\D/g, '') === b.replace(/\D/g, '');
}
