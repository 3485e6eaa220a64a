/**
 * The company, keys and agents a fresh simulator has (ids taken from the document's examples
 * where it gives some: companyId seed 2456, group 研发部2 seed 3025-3029, IVR seed 2999-3001).
 */
import type { AgentConfig, CompanyConfig } from './model.ts';

export const DEFAULT_COMPANY: CompanyConfig = {
  companyId: '74722c42eea35272d005c2c731f17c46',
  shortName: 'demo',
  accessKeyId: '59e2565d-5a3c0d1e-ec23c0d045a1',
  accessKeySecret: '4e04c1ef-8d2b7f60-3fa741abe938',
  busyTypes: ['小休', '培训', '用餐'],
  groups: [
    { id: '486733bee28abcf923037b2b2ecf6312', name: '研发部2', type: '1' },
    { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: '销售组', type: '1' },
  ],
  ivrs: [{ id: 'bbee5eb920e49685be4595ec16a30742', name: '使用录音转人工坐席测试' }],
  callnums: ['02160000001', '02160000002'],
  clickApproved: false,
};

const G1 = '486733bee28abcf923037b2b2ecf6312';
const G2 = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

export const DEFAULT_AGENTS: AgentConfig[] = [
  { companyId: DEFAULT_COMPANY.companyId, agentNumber: '1001', password: '123456', agentName: '座席1001', groupIds: [G1, G2] },
  { companyId: DEFAULT_COMPANY.companyId, agentNumber: '1002', password: '123456', agentName: '座席1002', groupIds: [G1] },
  { companyId: DEFAULT_COMPANY.companyId, agentNumber: '1003', password: '123456', agentName: '座席1003', groupIds: [G2] },
  { companyId: DEFAULT_COMPANY.companyId, agentNumber: '1009', password: '123456', agentName: '班长1009', agentType: 1, groupIds: [G1, G2] },
];
