/**
 * The browser phone's call → the session's call. The phone is the source of truth for its own
 * calls: each status it publishes is reconciled with the call the session shows, and the
 * difference becomes ProviderEvents. Pure and table-tested (phone-calls.test.ts); used by every
 * provider whose agents talk through the phone (sip; v-call and CC PaaS with WebRTC login).
 *
 * `seenCallId` (kept in the provider's cursor) is the phone call the session last adopted: an
 * ended phone call the agent already dismissed is not brought back.
 */
import type { ProviderEvent } from '../shared/call-events.ts';
import { type Call, isActive } from '../shared/call-state.ts';
import type { PhoneCall } from '../shared/softphone.ts';
import { t } from '../shared/i18n.ts';
import { phoneEndText } from './phone-text.ts';

export function phoneCallEvents(current: Call | null, phone: PhoneCall | null, seenCallId?: string): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  // A call without the phone's id is not the phone's call (undefined === undefined is no match).
  const same = !!phone && current?.vendorCallId !== undefined && current.vendorCallId === phone.id;
  if (!same && isActive(current)) {
    // The session shows a call the phone does not have (any more): it is over.
    events.push({ type: 'call.ended', cause: t('phoneCallGone') });
  }
  if (!phone) return events;
  if (!same && phone.id === seenCallId) return events;
  // Answered by the phone itself (a platform's callback after the agent's dial): it never rings.
  if (!same && phone.autoAnswered && phone.state === 'incoming') return events;
  let state: Call['state'];
  if (same) state = current!.state;
  else {
    events.push(phone.direction === 'outbound' ? { type: 'call.dialing', number: phone.remote, vendorCallId: phone.id } : { type: 'call.incoming', number: phone.remote, vendorCallId: phone.id });
    state = phone.direction === 'outbound' ? 'dialing' : 'incoming';
  }
  const up = state === 'connected' || state === 'held';
  switch (phone.state) {
    case 'ringing':
      if (state === 'dialing') events.push({ type: 'call.ringing' });
      break;
    case 'connected':
      if (state === 'held') events.push({ type: 'call.resumed' });
      else if (!up && state !== 'ended') events.push({ type: 'call.connected' });
      break;
    case 'held':
      if (state === 'connected') events.push({ type: 'call.held' });
      else if (!up && state !== 'ended') events.push({ type: 'call.connected' }, { type: 'call.held' });
      break;
    case 'ended':
      if (state === 'ended') break;
      if (phone.connectedAt !== undefined && !up) events.push({ type: 'call.connected' });
      events.push({ type: 'call.ended', ...endCause(phone) });
      break;
    default:
      break;
  }
  const shown = same ? current! : null;
  if (phone.state !== 'ended' && (shown?.muted ?? false) !== phone.muted) events.push({ type: 'call.muted', muted: phone.muted });
  if (phone.digits && (shown?.digits ?? '') !== phone.digits) events.push({ type: 'call.digits', digits: phone.digits });
  if (phone.quality && (shown?.quality?.samples !== phone.quality.samples || shown?.quality?.mos !== phone.quality.mos)) events.push({ type: 'call.quality', quality: phone.quality });
  return events;
}

function endCause(phone: PhoneCall): { cause?: string } {
  const cause = phoneEndText(phone.cause, phone.code);
  return cause ? { cause } : {};
}
