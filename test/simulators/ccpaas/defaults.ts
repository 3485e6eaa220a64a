/** The account, application and agents a fresh CC PaaS simulator has (what `npm run sim:ccpaas` prints). */
import type { AccountConfig, AgentConfig } from './model.ts';

export const DEFAULT_SOFT_VERSION = '2016-01-01';

export const DEFAULT_ACCOUNT: AccountConfig = {
  accountSid: '400a8e279a5b7f0f33c1d8b58bcfe3dd',
  accountToken: 'b3f1c2d4e5a6978812345678abcdef01',
  applications: ['aebd5b2621c64582a69474382d253530'],
};

export const DEFAULT_APP_SID = DEFAULT_ACCOUNT.applications[0]!;

/** 8001 SIP 话机, 8002 PSTN, 8003 WebPhone; password 123456. */
export const DEFAULT_AGENTS: AgentConfig[] = [
  { appSid: DEFAULT_APP_SID, agentNo: '8001', pwd: '123456', phoneType: 1, pstnNumber: '13800138001', sipNumber: '68001', sipPwd: 'sip8001', wsAddr: 'wss://webrtc.ccpaas.example:7443' },
  { appSid: DEFAULT_APP_SID, agentNo: '8002', pwd: '123456', phoneType: 2, pstnNumber: '13800138002', sipNumber: '68002', sipPwd: 'sip8002', wsAddr: 'wss://webrtc.ccpaas.example:7443' },
  { appSid: DEFAULT_APP_SID, agentNo: '8003', pwd: '123456', phoneType: 3, pstnNumber: '13800138003', sipNumber: '68003', sipPwd: 'sip8003', wsAddr: 'wss://webrtc.ccpaas.example:7443' },
];
