import { describe, expect, it } from 'vitest';
import { agentStateLabel, agentStateTimer, extensionApart, extraActionsNow, maskNumber, selectableStates, shownNumber, stateLight } from './format.ts';
import { LOGGED_OUT, type PublicState } from './session-state.ts';

const STATE: PublicState = {
  ...LOGGED_OUT,
  status: 'loggedIn',
  agent: { name: '工号 1011', extension: '8001' },
  capabilities: {
    dial: true, answer: false, hangup: true, hold: true, mute: false, transfer: true, dtmf: false,
    agentStates: [
      { id: 'ready', label: '就绪', kind: 'ready' },
      { id: 'pause4', label: '私事暂休', kind: 'notReady' },
      { id: 'afterCall', label: '整理', kind: 'afterCall', selectable: false, countdownSeconds: 30 },
      { id: 'inCall', label: '通话中', kind: 'busy', selectable: false },
    ],
    extraActions: [
      { id: 'pickup', label: '代接', when: ['idle', 'ended'], input: { label: '振铃分机' } },
      { id: 'park', label: '驻留', when: ['connected', 'held'] },
    ],
  },
};

describe('agent state control', () => {
  it('offers only the states the agent may choose', () => {
    expect(selectableStates(STATE).map((s) => s.id)).toEqual(['ready', 'pause4']);
  });

  it('after-call work of known length counts down; other states count up; unknown start: no timer', () => {
    expect(agentStateTimer({ ...STATE, agentState: 'afterCall', agentStateSince: 10_000 }, 22_500)).toEqual({ text: '00:18', countdown: true });
    expect(agentStateTimer({ ...STATE, agentState: 'afterCall', agentStateSince: 10_000 }, 99_000)).toEqual({ text: '00:00', countdown: true });
    expect(agentStateTimer({ ...STATE, agentState: 'pause4', agentStateSince: 10_000 }, 75_000)).toEqual({ text: '01:05', countdown: false });
    expect(agentStateTimer({ ...STATE, agentState: 'pause4', agentStateSince: null }, 75_000)).toBeNull();
  });

  it('a state that arrived after the clock last ticked counts from its start, never past its length (整理 10 s showed 00:11)', () => {
    const wrapUp = STATE.capabilities!.agentStates.find((s) => s.kind === 'afterCall')!.countdownSeconds!;
    expect(agentStateTimer({ ...STATE, agentState: 'afterCall', agentStateSince: 10_900 }, 10_000)).toEqual({ text: `00:${String(wrapUp).padStart(2, '0')}`, countdown: true });
    expect(agentStateTimer({ ...STATE, agentState: 'pause4', agentStateSince: 10_900 }, 10_000)).toEqual({ text: '00:00', countdown: false });
  });

  it('a platform without agent states: logged in reads 已登录 with a green light, not 状态未知', () => {
    const none = { ...STATE, capabilities: { ...STATE.capabilities!, agentStates: [] } };
    expect(agentStateLabel(none)).toBe('已登录');
    expect(stateLight(none)).toBe('green');
    expect(agentStateLabel({ ...STATE, agentState: 'nope' })).toBe('状态未知');
    expect(stateLight({ ...STATE, agentState: 'pause4' })).toBe('gray');
  });

  it('extra actions follow the call state (no call = idle)', () => {
    expect(extraActionsNow(STATE).map((a) => a.id)).toEqual(['pickup']);
    const call = { id: 'c', direction: 'outbound', number: '1', state: 'connected', startedAt: 0, muted: false } as const;
    expect(extraActionsNow({ ...STATE, call }).map((a) => a.id)).toEqual(['park']);
  });
});

describe('numbers the platform hides from the agent', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['+86 138-0013-8000', '138****8000'],
    ['02162345678', '021****5678'],
    ['8001', '**01'],
    ['', '*'],
  ])('%s → %s', (number, masked) => expect(maskNumber(number)).toBe(masked));

  it('only when the agent’s platform says so', () => {
    expect(shownNumber('13800138000', { agent: { name: 'a', extension: '1', maskNumbers: true } })).toBe('138****8000');
    expect(shownNumber('13800138000', { agent: { name: 'a', extension: '1' } })).toBe('13800138000');
    expect(shownNumber('13800138000', { agent: null })).toBe('13800138000');
  });
});

describe('who is logged in', () => {
  it('shows the extension apart from the name only when it says more (a platform without names: once, not “1001 · 1001”)', () => {
    expect(extensionApart({ name: '张三', extension: '8001' })).toBe('8001');
    expect(extensionApart({ name: '1001', extension: '1001' })).toBeNull();
    expect(extensionApart({ name: '1001 ', extension: '1001' })).toBeNull();
    expect(extensionApart({ name: '回呼 13700001111', extension: '13700001111' })).toBe('13700001111');
    expect(extensionApart({ name: '张三', extension: '' })).toBeNull();
  });
});
