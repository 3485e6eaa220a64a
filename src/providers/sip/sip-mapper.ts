/**
 * The phone's status → the session: the agent state (registered and taking calls, do not
 * disturb, not registered) and the call (providers/phone-calls.ts). Pure, table-tested.
 */
import type { ProviderEvent } from '../../shared/call-events.ts';
import type { Call } from '../../shared/call-state.ts';
import type { PhoneStatus } from '../../shared/softphone.ts';
import { phoneCallEvents } from '../phone-calls.ts';

export type SipAgentState = 'ready' | 'dnd' | 'unregistered';

export function agentStateOf(status: PhoneStatus): SipAgentState {
  if (status.registration !== 'registered') return 'unregistered';
  return status.dnd ? 'dnd' : 'ready';
}

export function sipEvents(session: { call: Call | null; agentState: string | null }, status: PhoneStatus, seenCallId?: string): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  const state = agentStateOf(status);
  if (session.agentState !== state) events.push({ type: 'agent.state', state });
  events.push(...phoneCallEvents(session.call, status.call, seenCallId));
  return events;
}
