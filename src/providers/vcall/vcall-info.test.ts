import { afterEach, describe, expect, it } from 'vitest';
import { CJK, useLocale } from '../../../test/support/locale.ts';
import { vcallCapabilitiesFor, vcallInfo, vcallSettingsSchema } from './vcall-info.ts';

afterEach(() => useLocale('zh_CN'));

const AGENT = {
  mode: 'agent',
  server: 'https://cc.v-call.cn/',
  companyId: 'co1',
  agentNumber: '1001',
  password: 'pw',
  loginType: '1',
  streamUrl: 'wss://cc.v-call.cn/ws',
  connectAccount: 'mq',
  subscribePath: '/exchange/agent/1001',
};
const OPEN = { mode: 'openCall', server: 'https://cc.v-call.cn', agentNumber: '0001', accessKeyId: 'ak-1', accessKeySecret: 'sk' };
const CALLBACK = { mode: 'callback', server: 'https://cc.v-call.cn', callerPhone: '13800000000', accessKeyId: 'ak-1', accessKeySecret: 'sk' };

function firstError(input: unknown): { path: string; message: string } | null {
  const r = vcallSettingsSchema.safeParse(input);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('settings', () => {
  it('a valid agent setup, normalized', () => {
    const r = vcallSettingsSchema.parse(AGENT);
    expect(r).toMatchObject({ server: 'https://cc.v-call.cn', loginType: '1', callAgentType: 'default', maskNumbers: true, vhost: '' });
  });
  it('valid open-call and callback setups need no agent fields', () => {
    expect(firstError(OPEN)).toBeNull();
    expect(firstError(CALLBACK)).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['mode', { ...AGENT, mode: 'both' }, 'mode', '请选择拨号方式'],
    ['server missing', { ...AGENT, server: '' }, 'server', '请填写平台地址'],
    ['server with a path', { ...AGENT, server: 'https://cc.v-call.cn/ccs' }, 'server', '平台地址必须是'],
    ['company id', { ...AGENT, companyId: '' }, 'companyId', '请填写企业 ID'],
    ['agent number', { ...AGENT, agentNumber: '' }, 'agentNumber', '请填写座席工号'],
    ['agent number format', { ...AGENT, agentNumber: '工号' }, 'agentNumber', '座席工号只能'],
    ['password', { ...AGENT, password: '' }, 'password', '请填写密码'],
    ['login type', { ...AGENT, loginType: '4' }, 'loginType', '话机类型只能是'],
    ['stream url missing', { ...AGENT, streamUrl: '' }, 'streamUrl', '请填写事件推送地址'],
    ['stream url scheme', { ...AGENT, streamUrl: 'https://x/ws' }, 'streamUrl', '事件推送地址应以'],
    ['queue account', { ...AGENT, connectAccount: '' }, 'connectAccount', '请填写队列账号'],
    ['subscribe path', { ...AGENT, subscribePath: 'agent' }, 'subscribePath', '订阅地址应以 /'],
    ['browser phone without its address', { ...AGENT, loginType: '3' }, 'phoneWsUrl', '使用浏览器话机时'],
    ['mask numbers', { ...AGENT, maskNumbers: 'maybe' }, 'maskNumbers', '“隐藏客户号码”'],
    ['open call: agent number', { ...OPEN, agentNumber: '' }, 'agentNumber', '请填写座席工号'],
    ['open call: access key id', { ...OPEN, accessKeyId: '' }, 'accessKeyId', '请填写 AccessKey ID'],
    ['open call: access key secret', { ...OPEN, accessKeySecret: '' }, 'accessKeySecret', '请填写 AccessKey Secret'],
    ['callback: caller', { ...CALLBACK, callerPhone: '' }, 'callerPhone', '请填写主叫号码'],
    ['callback: caller format', { ...CALLBACK, callerPhone: '138-0000' }, 'callerPhone', '主叫号码只能'],
    ['callback type', { ...CALLBACK, callbackType: 'fast' }, 'callbackType', '回呼方式只能是'],
    ['caller id', { ...OPEN, callnum: '95x' }, 'callnum', '外显号码只能'],
  ])('%s', (_, input, path, message) => {
    const e = firstError(input);
    expect(e?.path).toBe(path);
    expect(e?.message).toContain(message);
  });

  it('refusals in English', () => {
    useLocale('en');
    for (const input of [{}, { mode: 'agent', server: 'x' }, { ...AGENT, companyId: '', streamUrl: '' }, { ...OPEN, accessKeyId: '' }]) {
      const r = vcallSettingsSchema.safeParse(input);
      expect(r.success).toBe(false);
      for (const issue of r.error!.issues) expect(issue.message, issue.message).not.toMatch(CJK);
    }
  });
});

describe('capabilities', () => {
  it('open call and callback: dial only, nothing to control', () => {
    const c = vcallCapabilitiesFor({ mode: 'openCall', loginType: '1' });
    expect(c).toMatchObject({ dial: true, answer: false, hangup: false, hold: false, transfer: false, agentStates: [], extraActions: [] });
  });
  it('agent with a SIP phone: answered on the device, no DTMF', () => {
    const c = vcallCapabilitiesFor({ mode: 'agent', loginType: '1' });
    expect(c).toMatchObject({ dial: true, answer: false, hangup: true, hold: true, mute: true, transfer: true, dtmf: false });
  });
  it('after Login: the company’s busy reasons, the countdown, supervisor actions only for 班长', () => {
    const agent = vcallCapabilitiesFor({ mode: 'agent', loginType: '3' }, { supervisor: false, busyTypes: ['午休'], autoIdleSeconds: 15 });
    expect(agent.answer).toBe(true);
    expect(agent.agentStates.map((s) => s.id)).toContain('busy:午休');
    expect(agent.agentStates.find((s) => s.id === 'busy:午休')?.label).toBe('示忙：午休');
    expect(agent.agentStates.find((s) => s.id === 'afterCall')?.countdownSeconds).toBe(15);
    expect(agent.extraActions.map((a) => a.id)).not.toContain('listen');
    const consult = agent.extraActions.find((a) => a.id === 'consult');
    expect(consult?.input?.kinds?.map((k) => k.id)).toEqual(['agent', 'number', 'group', 'ivr']);
    expect(consult?.input).toMatchObject({ options: true, free: true });
    const boss = vcallCapabilitiesFor({ mode: 'agent', loginType: '1' }, { supervisor: true, busyTypes: [] });
    expect(boss.extraActions.map((a) => a.id)).toEqual(expect.arrayContaining(['forceIdle', 'forceBusy', 'forceLogout', 'listen', 'forceBreak', 'forceInsert', 'intercept']));
    expect(boss.agentStates.find((s) => s.id === 'afterCall')?.countdownSeconds).toBeUndefined();
  });
  it('uses the browser phone only with loginType 3 in agent mode', () => {
    expect(vcallInfo.usesPhone?.({ ...vcallInfo.defaultSettings, loginType: '3' })).toBe(true);
    expect(vcallInfo.usesPhone?.({ ...vcallInfo.defaultSettings, loginType: '1' })).toBe(false);
    expect(vcallInfo.usesPhone?.({ ...vcallInfo.defaultSettings, mode: 'openCall', loginType: '3' })).toBe(false);
  });
});
