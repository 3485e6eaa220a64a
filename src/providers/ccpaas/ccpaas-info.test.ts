import { afterEach, describe, expect, it } from 'vitest';
import { CJK, useLocale } from '../../../test/support/locale.ts';
import { ccpaasCapabilitiesFor, ccpaasInfo, ccpaasSettingsSchema, splitPauseCauses } from './ccpaas-info.ts';

afterEach(() => useLocale('zh_CN'));

const TOOLBAR = { mode: 'toolbar', ctiUrl: 'wss://cti.example.com/cti/', appSid: 'app1', agentNo: '8001', password: 'pw' };
const REST = { mode: 'rest', baseUrl: 'https://api.example.com/', softVersion: '2016-01-01', accountSid: 'acc1', accountToken: 'tok', applicationSid: 'app1', caller: '13800000000' };

function firstError(input: unknown): { path: string; message: string } | null {
  const r = ccpaasSettingsSchema.safeParse(input);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('settings', () => {
  it('a valid toolbar setup, normalized, with the documented defaults', () => {
    expect(ccpaasSettingsSchema.parse(TOOLBAR)).toMatchObject({ ctiUrl: 'wss://cti.example.com/cti', phoneType: '1', workStatus: '1', autoAnswer: false, encryptNumber: false, pauseCauses: '' });
  });
  it('a valid REST setup needs no toolbar fields; the base keeps a path prefix', () => {
    expect(ccpaasSettingsSchema.parse({ ...REST, baseUrl: 'https://api.example.com/ccpaas/' })).toMatchObject({ baseUrl: 'https://api.example.com/ccpaas', record: '0', maxDuration: '' });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['mode', { ...TOOLBAR, mode: 'both' }, 'mode', '请选择接入方式'],
    ['CTI url missing', { ...TOOLBAR, ctiUrl: '' }, 'ctiUrl', '请填写 CTI 服务器地址'],
    ['CTI url scheme', { ...TOOLBAR, ctiUrl: 'https://cti.example.com' }, 'ctiUrl', 'CTI 服务器地址应以 ws://'],
    ['appSid missing', { ...TOOLBAR, appSid: '' }, 'appSid', '请填写应用 ID（appSid）'],
    ['agent missing', { ...TOOLBAR, agentNo: '' }, 'agentNo', '请填写座席号'],
    ['agent format', { ...TOOLBAR, agentNo: '座席 1' }, 'agentNo', '座席号只能'],
    ['password', { ...TOOLBAR, password: '' }, 'password', '请填写密码'],
    ['phone type', { ...TOOLBAR, phoneType: '4' }, 'phoneType', '接听设备只能是'],
    ['work status', { ...TOOLBAR, workStatus: '0' }, 'workStatus', '登录后状态只能是'],
    ['pause reasons too long', { ...TOOLBAR, pauseCauses: '这是一个超过二十个字的非常非常非常长的暂停原因啊' }, 'pauseCauses', '暂停原因用逗号分隔'],
    ['userData with symbols', { ...TOOLBAR, userData: 'crm-42' }, 'userData', '自定义数据只能是英文字母和数字'],
    ['userData over 256', { ...TOOLBAR, userData: 'a'.repeat(257) }, 'userData', '自定义数据只能是英文字母和数字'],
    ['REST base missing', { ...REST, baseUrl: '' }, 'baseUrl', '请填写 REST 接口地址'],
    ['REST base scheme', { ...REST, baseUrl: 'ws://api.example.com' }, 'baseUrl', 'REST 接口地址应以 http://'],
    ['SoftVersion missing', { ...REST, softVersion: '' }, 'softVersion', '请填写接口版本'],
    ['SoftVersion with a slash', { ...REST, softVersion: '2016/01' }, 'softVersion', '接口版本只能'],
    ['AccountSid missing', { ...REST, accountSid: '' }, 'accountSid', '请填写账号 ID'],
    ['AccountToken missing', { ...REST, accountToken: '' }, 'accountToken', '请填写账号令牌'],
    ['applicationSid missing', { ...REST, applicationSid: '' }, 'applicationSid', '请填写应用 ID（applicationSid）'],
    ['caller missing', { ...REST, caller: '' }, 'caller', '请填写座席电话'],
    ['caller format', { ...REST, caller: '138-0000' }, 'caller', '座席电话只能'],
    ['display number', { ...REST, calleeCli: '95x' }, 'calleeCli', '外显号码只能'],
    ['record', { ...REST, record: '3' }, 'record', '录音只能是'],
    ['maxDuration', { ...REST, maxDuration: '0' }, 'maxDuration', '最长通话时长应是'],
  ])('%s', (_, input, path, message) => {
    const e = firstError(input);
    expect(e?.path).toBe(path);
    expect(e?.message).toContain(message);
  });

  it('userData of exactly 256 letters and digits is accepted', () => {
    expect(firstError({ ...REST, userData: 'a1'.repeat(128) })).toBeNull();
  });
  it('pause reasons split on either comma, blanks and repeats dropped', () => {
    expect(splitPauseCauses(' 休息, 培训，,休息 ')).toEqual(['休息', '培训']);
  });
});

describe('capabilities', () => {
  const toolbar = ccpaasSettingsSchema.parse({ ...TOOLBAR, pauseCauses: '休息,培训' });
  it('a SIP phone: 接听 on the device, no mute or keys; a reason per pause cause', () => {
    const c = ccpaasCapabilitiesFor(toolbar);
    expect(c).toMatchObject({ dial: true, answer: false, hangup: true, hold: true, mute: false, dtmf: false, transfer: false });
    expect(c.agentStates.filter((s) => s.selectable !== false).map((s) => s.label)).toEqual(['就绪', '暂停', '暂停：休息', '暂停：培训']);
  });
  it('auto-answer makes 接听 (bridge) available; the WebPhone answers, mutes and sends keys', () => {
    expect(ccpaasCapabilitiesFor({ ...toolbar, autoAnswer: true }).answer).toBe(true);
    expect(ccpaasCapabilitiesFor({ ...toolbar, phoneType: '3' })).toMatchObject({ answer: true, mute: true, dtmf: true });
  });
  it('the platform’s 整理 time becomes the countdown', () => {
    expect(ccpaasCapabilitiesFor(toolbar, { wrapupSeconds: 15 }).agentStates.find((s) => s.id === 'wrapup')?.countdownSeconds).toBe(15);
  });
  it('REST: dial and 取消呼叫 on the accepted request only', () => {
    const c = ccpaasCapabilitiesFor(ccpaasSettingsSchema.parse(REST));
    expect(c).toMatchObject({ dial: true, answer: false, hangup: false, agentStates: [] });
    expect(c.extraActions.map((a) => [a.id, a.label, a.when])).toEqual([['cancelCall', '取消呼叫', ['ended']]]);
  });
  it('the browser phone is used only in toolbar mode with the WebPhone', () => {
    expect(ccpaasInfo.usesPhone?.({ ...toolbar, phoneType: '3' })).toBe(true);
    expect(ccpaasInfo.usesPhone?.(toolbar)).toBe(false);
  });
});

describe('English', () => {
  it('every settings label, help and message has English words', async () => {
    useLocale('en');
    const { ccpaasInfoDef } = await import('./ccpaas-info.ts');
    const { localizeInfo } = await import('../info-text.ts');
    const info = localizeInfo(ccpaasInfoDef);
    for (const f of info.settingsFields) {
      expect(f.label).not.toMatch(CJK);
      if (f.help) expect(f.help).not.toMatch(CJK);
    }
    expect(firstError({ ...REST, userData: 'a-b' })?.message).toBe('Custom data may contain only letters and digits, at most 256');
  });
});
