import { describe, expect, it } from 'vitest';
import { REQUEST_ACTION } from './vcall-client.ts';
import { callbackBody, controlBody, openCallBody, SequenceClock, tokenBody, type VcallCommand } from './vcall-requests.ts';

const ID = { companyId: '74722c42eea35272d005c2c731f17c46', agentNumber: '1001' };
const SEQ = 1689131708674;
const COMMON = { companyId: ID.companyId, agentNumber: '1001', sequence: SEQ };

// One row per 座席控制 request (seed 2399-2915): the whole body, fields and types as the document has them.
const ROWS: [string, VcallCommand, Record<string, string | number>][] = [
  ['login (seed 2470)', { request: 'login', password: '******', loginType: '1' }, { request: 'login', password: '******', loginType: '1' }],
  ['login WebRTC', { request: 'login', password: 'p', loginType: '3' }, { request: 'login', password: 'p', loginType: '3' }],
  ['logout', { request: 'logout' }, { request: 'logout' }],
  ['reconnect', { request: 'reconnect' }, { request: 'reconnect' }],
  ['idle', { request: 'idle' }, { request: 'idle' }],
  ['busy', { request: 'busy' }, { request: 'busy' }],
  ['busy with busyType', { request: 'busy', busyType: '午休' }, { request: 'busy', busyType: '午休' }],
  ['makeCall', { request: 'makeCall', called: '15800000000', callAgentType: 'default' }, { request: 'makeCall', called: '15800000000', callAgentType: 'default' }],
  ['makeCall with caller and callId', { request: 'makeCall', called: '15800000000', caller: '95000', callId: 'c1', callAgentType: 'sip' }, { request: 'makeCall', called: '15800000000', caller: '95000', callId: 'c1', callAgentType: 'sip' }],
  ['cancelCall (挂机)', { request: 'cancelCall' }, { request: 'cancelCall' }],
  ['hold', { request: 'hold' }, { request: 'hold' }],
  ['unHold', { request: 'unHold' }, { request: 'unHold' }],
  ['mute', { request: 'mute' }, { request: 'mute' }],
  ['unmute', { request: 'unmute' }, { request: 'unmute' }],
  ['consultCall agent', { request: 'consultCall', kind: 'agent', target: '1002' }, { request: 'consultCall', consultType: '1', consultId: '1002' }],
  ['consultCall number', { request: 'consultCall', kind: 'number', target: '13800000000' }, { request: 'consultCall', consultType: '2', consultId: '13800000000' }],
  ['consultCall group', { request: 'consultCall', kind: 'group', target: 'g1' }, { request: 'consultCall', consultType: '3', consultId: 'g1' }],
  ['consultCall ivr', { request: 'consultCall', kind: 'ivr', target: 'ivr1' }, { request: 'consultCall', consultType: '4', consultId: 'ivr1' }],
  ['consultCancel', { request: 'consultCancel' }, { request: 'consultCancel' }],
  ['tripartiteTalk', { request: 'tripartiteTalk' }, { request: 'tripartiteTalk' }],
  ['transferCall blind', { request: 'transferCall', kind: 'number', target: '13800000000', consultative: false }, { request: 'transferCall', transferType: '2', transferId: '13800000000', transferMode: 0 }],
  ['transferCall consultative', { request: 'transferCall', kind: 'agent', target: '1002', consultative: true }, { request: 'transferCall', transferType: '1', transferId: '1002', transferMode: 1 }],
  ['transferCall group', { request: 'transferCall', kind: 'group', target: 'g1', consultative: false }, { request: 'transferCall', transferType: '3', transferId: 'g1', transferMode: 0 }],
  ['transferCall ivr', { request: 'transferCall', kind: 'ivr', target: 'i1', consultative: false }, { request: 'transferCall', transferType: '4', transferId: 'i1', transferMode: 0 }],
  ['transferCancel', { request: 'transferCancel' }, { request: 'transferCancel' }],
  ['surveillance', { request: 'surveillance' }, { request: 'surveillance' }],
  ['surveillance of a group', { request: 'surveillance', groupId: 'g1' }, { request: 'surveillance', groupId: 'g1' }],
  ['idleAgent', { request: 'idleAgent', groupId: 'g1' }, { request: 'idleAgent', groupId: 'g1' }],
  ['heartbeat', { request: 'heartbeat' }, { request: 'heartbeat' }],
  ['forceIdle', { request: 'forceIdle', beAgentNumber: '1002' }, { request: 'forceIdle', beAgentNumber: '1002' }],
  ['forceBusy', { request: 'forceBusy', beAgentNumber: '1002' }, { request: 'forceBusy', beAgentNumber: '1002' }],
  ['forceLogout', { request: 'forceLogout', beAgentNumber: '1002' }, { request: 'forceLogout', beAgentNumber: '1002' }],
  ['listen', { request: 'listen', beAgentNumber: '1002' }, { request: 'listen', beAgentNumber: '1002' }],
  ['forceBreak', { request: 'forceBreak', beAgentNumber: '1002' }, { request: 'forceBreak', beAgentNumber: '1002' }],
  ['forceInsert', { request: 'forceInsert', beAgentNumber: '1002' }, { request: 'forceInsert', beAgentNumber: '1002' }],
  ['intercept', { request: 'intercept', beAgentNumber: '1002' }, { request: 'intercept', beAgentNumber: '1002' }],
];

describe('座席控制 request bodies', () => {
  it.each(ROWS)('%s', (_, command, own) => {
    const body = controlBody(ID, command, SEQ);
    expect(body).toEqual({ ...COMMON, ...own });
    // Every value is a string, except sequence (long) and transferMode (int).
    for (const [key, value] of Object.entries(body)) expect(typeof value, key).toBe(key === 'sequence' || key === 'transferMode' ? 'number' : 'string');
  });

  it('covers every request name of the document', () => {
    // REQUEST_ACTION (vcall-client.ts) names every request the provider sends.
    expect([...new Set(ROWS.map(([, c]) => c.request))].sort()).toEqual(Object.keys(REQUEST_ACTION).sort());
  });

  it('the seed’s login example, field for field', () => {
    expect(JSON.parse(JSON.stringify(controlBody({ companyId: '74722c42eea35272d005c2c731f17c46', agentNumber: '1001' }, { request: 'login', password: '******', loginType: '1' }, 1689131708674)))).toEqual({
      companyId: '74722c42eea35272d005c2c731f17c46',
      agentNumber: '1001',
      sequence: 1689131708674,
      request: 'login',
      password: '******',
      loginType: '1',
    });
  });
});

describe('sequence', () => {
  it('is the time in ms, and grows even within one millisecond', () => {
    let now = 1000;
    const clock = new SequenceClock(() => now);
    expect([clock.next(), clock.next(), clock.next()]).toEqual([1000, 1001, 1002]);
    now = 5000;
    expect(clock.next()).toBe(5000);
  });
});

describe('token and dial bodies', () => {
  it('授权 (seed 26-45)', () => {
    expect(tokenBody('ak', 'sk')).toEqual({ accessKeyId: 'ak', accessKeySecret: 'sk' });
  });
  it('发起呼叫 (seed 2204-2230): token in the body, agentNum, called, type; callnum / userData when given', () => {
    expect(openCallBody('tk', '0001', '15800000000', 'default')).toEqual({ token: 'tk', agentNum: '0001', called: '15800000000', type: 'default' });
    expect(openCallBody('tk', '0001', '158', 'phone', { callnum: '95000', userData: 'order-1' })).toEqual({ token: 'tk', agentNum: '0001', called: '158', type: 'phone', callnum: '95000', userData: 'order-1' });
  });
  it('双向回呼 (seed 5233-5262): caller first, then called', () => {
    expect(callbackBody('tk', '1380000002', '1580000002', 'default')).toEqual({ token: 'tk', caller: '1380000002', called: '1580000002', type: 'default' });
    expect(callbackBody('tk', '138', '158', 'cmccbid', { callnum: '95000' })).toEqual({ token: 'tk', caller: '138', called: '158', type: 'cmccbid', callnum: '95000' });
  });
});
