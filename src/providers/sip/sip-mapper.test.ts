import { describe, expect, it } from 'vitest';
import type { PhoneStatus } from '../../shared/softphone.ts';
import { agentStateOf, sipEvents } from './sip-mapper.ts';

const status = (over: Partial<PhoneStatus> = {}): PhoneStatus => ({
  instance: 'i',
  seq: 1,
  account: 'k',
  registration: 'registered',
  dnd: false,
  mic: 'unknown',
  call: null,
  retries: 0,
  ...over,
});

describe('sip: the phone status → agent state', () => {
  it.each([
    ['registered', status(), 'ready'],
    ['registered, do not disturb', status({ dnd: true }), 'dnd'],
    ['reconnecting', status({ registration: 'reconnecting' }), 'unregistered'],
    ['failed', status({ registration: 'failed' }), 'unregistered'],
    ['unregistered (logged out)', status({ registration: 'unregistered', account: null }), 'unregistered'],
    ['registering', status({ registration: 'registering' }), 'unregistered'],
  ] as const)('%s → %s', (_name, s, expected) => {
    expect(agentStateOf(s)).toBe(expected);
  });

  it('emits the agent state only when it changes, then the call', () => {
    expect(sipEvents({ call: null, agentState: 'ready' }, status())).toEqual([]);
    expect(sipEvents({ call: null, agentState: 'ready' }, status({ dnd: true }))).toEqual([{ type: 'agent.state', state: 'dnd' }]);
    const events = sipEvents({ call: null, agentState: null }, status({ call: { id: 'p', direction: 'inbound', remote: '8002', state: 'incoming', muted: false, startedAt: 1, digits: '' } }));
    expect(events).toEqual([
      { type: 'agent.state', state: 'ready' },
      { type: 'call.incoming', number: '8002', vendorCallId: 'p' },
    ]);
  });
});
