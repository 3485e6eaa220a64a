import { describe, expect, it } from 'vitest';
import { LOGGED_OUT, type PublicState } from '../shared/session-state.ts';
import { answerOrHangup, toggledReadyState } from './shortcuts.ts';

const caps = {
  dial: true, answer: true, hangup: true, hold: false, mute: true, transfer: true, dtmf: false, extraActions: [],
  agentStates: [
    { id: 'sipOnline', label: '在线', kind: 'ready' as const },
    { id: 'pause', label: '小休', kind: 'notReady' as const },
    { id: 'sipOffline', label: '离线', kind: 'notReady' as const },
  ],
};
const state = (patch: Partial<PublicState>): PublicState => ({ ...LOGGED_OUT, status: 'loggedIn', capabilities: caps, ...patch });
const call = (s: 'incoming' | 'ringing' | 'connected' | 'ended') => ({ id: 'c', direction: 'inbound' as const, number: '1', state: s, startedAt: 0, muted: false });

describe('keyboard shortcuts', () => {
  it.each([
    ['no call', state({}), null],
    ['incoming', state({ call: call('incoming') }), 'answer'],
    ['ringing out', state({ call: call('ringing') }), 'hangup'],
    ['connected', state({ call: call('connected') }), 'hangup'],
    ['ended', state({ call: call('ended') }), null],
    ['incoming, provider cannot answer', state({ call: call('incoming'), capabilities: { ...caps, answer: false } }), 'hangup'],
  ])('answer/hang up with %s → %s', (_name, s, expected) => {
    expect(answerOrHangup(s)).toBe(expected);
  });

  it.each([
    ['unknown state → ready', null, 'sipOnline'],
    ['ready → first not-ready state', 'sipOnline', 'pause'],
    ['not ready → ready', 'sipOffline', 'sipOnline'],
  ])('toggle ready: %s', (_name, current, expected) => {
    expect(toggledReadyState(state({ agentState: current }))).toBe(expected);
  });

  it('a provider without agent states has nothing to toggle', () => {
    expect(toggledReadyState(state({ capabilities: { ...caps, agentStates: [] } }))).toBeNull();
  });
});
