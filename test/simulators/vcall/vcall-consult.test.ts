/**
 * The v-call simulator's consultation, transfer, three-way and supervisor (班长) requests, in
 * process with the in-memory publisher: the events of both agents, the refusals of what the
 * requester's state forbids, and the *Fail events of an unreachable target.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST, Kit } from './test-kit.ts';
import { DEFAULT_COMPANY, MSG, VcallSimulator } from './vcall-simulator.ts';

let sim: VcallSimulator;
let k: Kit;

beforeEach(async () => {
  sim = new VcallSimulator(FAST);
  await sim.start();
  k = new Kit(sim);
});

afterEach(async () => {
  await sim.close();
});

const G1 = DEFAULT_COMPANY.groups![0]!.id;
const IVR = DEFAULT_COMPANY.ivrs![0]!.id;

async function talking(): Promise<void> {
  await k.loginIdle('1001');
  await k.loginIdle('1002');
  await k.talk('1001');
}

describe('consultation', () => {
  it('refuses consult requests without a conversation, and unknown targets', async () => {
    await k.loginIdle('1001');
    await k.refused('1001', 'consultCall', { consultType: 1, consultId: '1002' }, MSG.notInCall);
    await k.refused('1001', 'consultCancel', {}, MSG.noConsult);
    await k.refused('1001', 'tripartiteTalk', {}, MSG.notInCall);
    await k.refused('1001', 'transferCancel', {}, MSG.noTransfer);
    await k.talk('1001');
    await k.refused('1001', 'consultCall', { consultType: 5, consultId: '1002' }, MSG.badValue('consultType'));
    await k.refused('1001', 'consultCall', { consultType: 1, consultId: '7777' }, MSG.noTarget);
    await k.refused('1001', 'consultCall', { consultType: 1, consultId: '1001' }, MSG.self);
    await k.refused('1001', 'consultCall', { consultType: 3, consultId: 'nogroup' }, MSG.noGroup);
    await k.refused('1001', 'consultCall', { consultType: 4, consultId: 'noivr' }, MSG.noTarget);
    await k.refused('1001', 'tripartiteTalk', {}, MSG.noConsult);
    await k.refused('1001', 'transferCall', { transferType: 1, transferId: '1002', transferMode: 1 }, MSG.noConsult);
  });

  it('consults an agent: ConsultCall, the agent rings and talks (callType consult), ConsultCalling; cancel ends its leg', async () => {
    await talking();
    const s = await k.ok('1001', 'consultCall', { consultType: '1', consultId: '1002' });
    expect(await k.waitEvent('1001', 'ConsultCall')).toMatchObject({ sequence: s, data: null, nowState: 'Conversation' });
    expect(k.stateOf('1001').call.held).toBe(true);
    const conv2 = await k.waitEvent('1002', 'Conversation');
    expect(conv2.data).toMatchObject({ callType: 'consult', caller: '1001', called: '1002', callDirection: 0 });
    await k.waitEvent('1001', 'ConsultCalling');
    await k.refused('1001', 'consultCall', { consultType: 1, consultId: '1003' }, MSG.consulting);
    const c = await k.ok('1001', 'consultCancel');
    expect(await k.waitEvent('1001', 'ConsultCancel')).toMatchObject({ sequence: c });
    expect((await k.waitEvent('1002', 'After')).data).toMatchObject({ callType: 'consult', hangupDirection: 1 });
    expect(k.stateOf('1001').call).toMatchObject({ held: false, consult: null });
  });

  it('a busy agent or a group without an idle agent gives ConsultCallFail and the customer back', async () => {
    await k.loginIdle('1001');
    await k.login('1002');
    await k.talk('1001');
    await k.ok('1001', 'consultCall', { consultType: 1, consultId: '1002' });
    await k.waitEvent('1001', 'ConsultCallFail');
    expect(k.stateOf('1001').call.held).toBe(false);
    await k.ok('1001', 'consultCall', { consultType: 3, consultId: G1 });
    await k.waitEvent('1001', 'ConsultCallFail');
  });

  it('consults a skill group (its idle agent), an IVR, and an outside number that hangs up (ConsultedCancel)', async () => {
    await talking();
    await k.ok('1001', 'consultCall', { consultType: 3, consultId: G1 });
    await k.waitEvent('1002', 'Conversation');
    await k.waitEvent('1001', 'ConsultCalling');
    await k.ok('1002', 'cancelCall');
    await k.waitEvent('1001', 'ConsultedCancel');
    expect(k.stateOf('1001').call.held).toBe(false);
    await k.ok('1001', 'consultCall', { consultType: 4, consultId: IVR });
    await k.waitEvent('1001', 'ConsultCalling');
    await k.ok('1001', 'consultCancel');
    await k.waitEvent('1001', 'ConsultCancel');
    await k.ok('1001', 'consultCall', { consultType: 2, consultId: '13911112222' });
    await k.waitEvent('1001', 'ConsultCalling');
    sim.customerHangup('13911112222');
    await k.waitEvent('1001', 'ConsultedCancel');
    expect(k.stateOf('1001').nowState).toBe('Conversation');
  });

  it('the consulting agent’s call ending (customer hangs up, forceBreak) ends the consulted agent’s leg too', async () => {
    await talking();
    await k.login('1009');
    await k.ok('1001', 'consultCall', { consultType: 1, consultId: '1002' });
    await k.waitEvent('1001', 'ConsultCalling');
    sim.customerHangup('13900000001');
    await k.waitEvent('1001', 'After');
    expect((await k.waitEvent('1002', 'After')).data).toMatchObject({ callType: 'consult', hangupDirection: 1 });
    await k.waitEvent('1001', 'Idle');
    await k.waitEvent('1002', 'Idle');
    await k.talk('1001');
    await k.ok('1001', 'consultCall', { consultType: 1, consultId: '1002' });
    await k.waitEvent('1001', 'ConsultCalling');
    await k.ok('1009', 'forceBreak', { beAgentNumber: '1001' });
    expect((await k.waitEvent('1001', 'After')).data.cause).toBe(1503);
    await k.waitEvent('1002', 'After');
    expect(k.stateOf('1002').call).toBeNull();
  });

  it('an outside number that does not answer gives ConsultCallFail', async () => {
    await talking();
    sim.setPartyMode('busy', '13911112222');
    await k.ok('1001', 'consultCall', { consultType: 2, consultId: '13911112222' });
    await k.waitEvent('1001', 'ConsultCallFail');
  });

  it('consultative transfer (transferMode 1): ConsultTransfer, the agent goes After 1601, the consulted agent has the customer', async () => {
    await talking();
    const conv1 = k.events('1001').find((e) => e.event === 'Conversation');
    await k.ok('1001', 'consultCall', { consultType: 1, consultId: '1002' });
    await k.waitEvent('1001', 'ConsultCalling');
    const s = await k.ok('1001', 'transferCall', { transferType: 1, transferId: '1002', transferMode: 1 });
    expect(await k.waitEvent('1001', 'ConsultTransfer')).toMatchObject({ sequence: s });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1601, data: '咨询转' });
    await k.waitEvent('1002', 'Conversation');
    const conv2 = await k.waitEvent('1002', 'Conversation');
    expect(conv2.data).toMatchObject({ callType: 'transfer', occCallId: conv1.data.occCallId, called: '13900000001' });
    sim.customerHangup('13900000001');
    expect((await k.waitEvent('1002', 'After')).data).toMatchObject({ callType: 'transfer', hangupDirection: 1 });
  });

  it('three-way: TripartiteTalk then TripartiteTalking; one agent leaving leaves the others talking', async () => {
    await talking();
    await k.ok('1001', 'consultCall', { consultType: 1, consultId: '1002' });
    await k.waitEvent('1001', 'ConsultCalling');
    const s = await k.ok('1001', 'tripartiteTalk');
    expect(await k.waitEvent('1001', 'TripartiteTalk')).toMatchObject({ sequence: s });
    await k.waitEvent('1001', 'TripartiteTalking');
    expect(sim.state.calls).toEqual([expect.objectContaining({ agents: ['1001', '1002'], customerHeld: false })]);
    await k.ok('1001', 'cancelCall');
    await k.waitEvent('1001', 'After');
    expect(k.stateOf('1002').nowState).toBe('Conversation');
    sim.customerHangup();
    await k.waitEvent('1002', 'After');
  });

  it('three-way before the consulted party answered gives TripartiteTalkFail', async () => {
    await talking();
    sim.setPartyMode('manual', '13911112222');
    await k.ok('1001', 'consultCall', { consultType: 2, consultId: '13911112222' });
    await k.ok('1001', 'tripartiteTalk');
    await k.waitEvent('1001', 'TripartiteTalkFail');
  });
});

describe('blind transfer', () => {
  it('TransferCall, TransferCalling; the target answers → the agent goes After 1600', async () => {
    await talking();
    const s = await k.ok('1001', 'transferCall', { transferType: 1, transferId: '1002' });
    expect(await k.waitEvent('1001', 'TransferCall')).toMatchObject({ sequence: s });
    await k.waitEvent('1001', 'TransferCalling');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1600, data: '盲转' });
    expect((await k.waitEvent('1002', 'Conversation')).data.callType).toBe('transfer');
  });

  it('transferCancel while the target rings; a target that refuses gives TransferCallFail', async () => {
    sim.addAgent({ companyId: DEFAULT_COMPANY.companyId, agentNumber: '1002', password: '123456', autoAnswer: false });
    await talking();
    await k.ok('1001', 'transferCall', { transferType: 1, transferId: '1002', transferMode: 0 });
    await k.waitEvent('1002', 'AgentRinging');
    await k.refused('1001', 'transferCall', { transferType: 1, transferId: '1002' }, MSG.transferring);
    const c = await k.ok('1001', 'transferCancel');
    expect(await k.waitEvent('1001', 'TransferCancel')).toMatchObject({ sequence: c });
    expect((await k.waitEvent('1002', 'After')).data.cause).toBe(1487);
    await k.waitEvent('1002', 'Idle');
    await k.ok('1001', 'transferCall', { transferType: 1, transferId: '1002' });
    await k.waitEvent('1002', 'AgentRinging');
    sim.agentReject('1002');
    await k.waitEvent('1001', 'TransferCallFail');
    expect(k.stateOf('1001').call).toMatchObject({ held: false, consult: null });
  }, 10_000);

  it('to an IVR succeeds at once', async () => {
    await talking();
    await k.ok('1001', 'transferCall', { transferType: 4, transferId: IVR });
    expect((await k.waitEvent('1001', 'After')).data.cause).toBe(1600);
  });
});

describe('supervisor (班长)', () => {
  it('refuses supervisor requests from an ordinary agent', async () => {
    await k.loginIdle('1001');
    for (const r of ['surveillance', 'forceIdle', 'forceBusy', 'forceLogout', 'listen', 'forceBreak', 'forceInsert', 'intercept']) {
      await k.refused('1001', r, { beAgentNumber: '1002' }, MSG.notSupervisor);
    }
  });

  it('surveillance lists the agents with state, peer and groups; filters by group and state', async () => {
    await talking();
    await k.login('1009');
    const s = await k.ok('1009', 'surveillance');
    const ev = await k.waitEvent('1009', 'Surveillance');
    expect(ev.sequence).toBe(s);
    const a1 = ev.data.agentList.find((a: any) => a.agentNumber === '1001');
    expect(a1).toMatchObject({ companyId: DEFAULT_COMPANY.companyId, nowState: 'Conversation', peerId: '13900000001', callDirection: '1', agentName: '座席1001' });
    expect(a1.operatingTime).toMatch(/^\d{13}$/);
    expect(a1.groupList).toEqual([{ id: G1, name: '研发部2' }, { id: DEFAULT_COMPANY.groups![1]!.id, name: '销售组' }]);
    await k.ok('1009', 'surveillance', { groupId: G1, agentState: 'Idle' });
    expect((await k.waitEvent('1009', 'Surveillance')).data.agentList.map((a: any) => a.agentNumber)).toEqual(['1002']);
    await k.refused('1009', 'surveillance', { groupId: 'nope' }, MSG.noGroup);
  });

  it('forceIdle / forceBusy change the target’s state (its events); forceLogout logs it out', async () => {
    await k.login('1001');
    await k.login('1009');
    await k.refused('1009', 'forceIdle', { beAgentNumber: '1003' }, MSG.notLoggedIn);
    await k.refused('1009', 'forceIdle', { beAgentNumber: '7777' }, MSG.noTarget);
    await k.ok('1009', 'forceIdle', { beAgentNumber: '1001' });
    expect(await k.waitEvent('1001', 'Idle')).toMatchObject({ nowState: 'Idle', sequence: 0 });
    await k.ok('1009', 'forceBusy', { beAgentNumber: '1001' });
    expect((await k.waitEvent('1001', 'Busy')).nowState).toBe('Busy');
    await k.ok('1009', 'forceLogout', { beAgentNumber: '1001' });
    expect((await k.waitEvent('1001', 'Logout')).nowState).toBe('Logout');
    await k.refused('1001', 'idle', {}, MSG.notLoggedIn);
  });

  it('forceIdle is refused while the target is in a call', async () => {
    await talking();
    await k.login('1009');
    await k.refused('1009', 'forceIdle', { beAgentNumber: '1001' }, MSG.inCall);
  });

  it('listen: Listen, Listening, Conversation (callType listen); on an idle agent ListenFail', async () => {
    await talking();
    await k.login('1009');
    await k.ok('1009', 'listen', { beAgentNumber: '1002' });
    await k.waitEvent('1009', 'Listen');
    await k.waitEvent('1009', 'ListenFail');
    const s = await k.ok('1009', 'listen', { beAgentNumber: '1001' });
    expect(await k.waitEvent('1009', 'Listen')).toMatchObject({ sequence: s });
    await k.waitEvent('1009', 'Listening');
    expect((await k.waitEvent('1009', 'Conversation')).data.callType).toBe('listen');
    await k.refused('1009', 'listen', { beAgentNumber: '1001' }, MSG.inCall);
    sim.customerHangup();
    expect((await k.waitEvent('1009', 'After')).data.callType).toBe('listen');
    await k.waitEvent('1001', 'After');
  });

  it('forceBreak hangs up the target’s call (After 1503 强制挂机)', async () => {
    await talking();
    await k.login('1009');
    await k.refused('1009', 'forceBreak', { beAgentNumber: '1002' }, MSG.notInCall);
    await k.ok('1009', 'forceBreak', { beAgentNumber: '1001' });
    await k.waitEvent('1009', 'ForceBreak');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1503, data: '强制挂机', hangupDirection: 1 });
  });

  it('intercept takes the call over (the target gets After 1605 被拦截); forceInsert joins it', async () => {
    await talking();
    await k.login('1009');
    await k.ok('1009', 'intercept', { beAgentNumber: '1001' });
    await k.waitEvent('1009', 'Intercept');
    await k.waitEvent('1009', 'Intercepting');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1605, data: '被拦截' });
    expect((await k.waitEvent('1009', 'Conversation')).data.callType).toBe('intercept');
    await k.ok('1009', 'cancelCall');
    await k.waitEvent('1009', 'After');
    await k.waitEvent('1001', 'Idle');
    await k.talk('1001');
    await k.waitEvent('1009', 'Idle');
    await k.ok('1009', 'forceInsert', { beAgentNumber: '1001' });
    await k.waitEvent('1009', 'ForceInserting');
    expect((await k.waitEvent('1009', 'Conversation')).data.callType).toBe('forceInsert');
    expect(sim.state.calls).toEqual([expect.objectContaining({ agents: ['1001', '1009'] })]);
  });

  it('forceInsert on an agent not in a call gives ForceInsertFail, intercept InterceptFail', async () => {
    await k.loginIdle('1001');
    await k.login('1009');
    await k.ok('1009', 'forceInsert', { beAgentNumber: '1001' });
    await k.waitEvent('1009', 'ForceInsertFail');
    await k.ok('1009', 'intercept', { beAgentNumber: '1001' });
    await k.waitEvent('1009', 'InterceptFail');
  });
});
