import type { ProviderEvent } from '../../shared/call-events.ts';
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
  return HANGUP_CAUSES[cause] ?? cause;
}

/**
 * Map one vendor event onto normalized events. Pure; the table test covers every
 * documented eventName. Unknown names map to nothing (the bar may add events).
 */
export function mapSoftbarEvent(event: SoftbarEvent): ProviderEvent[] {
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
      return [{ type: 'call.dialing', number: other || event.dnis || '', ...ids }];
    case 'incomingCall':
      return [{ type: 'call.incoming', number: other || event.ani || '', ...ids }];
    case 'ringing':
      return [{ type: 'call.ringing' }];
    case 'answer':
    case 'connected':
      return [{ type: 'call.connected' }];
    case 'hangup': {
      const cause = causeText(reserve);
      return [{ type: 'call.ended', ...(cause ? { cause } : {}) }];
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
