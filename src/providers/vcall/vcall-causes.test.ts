import { afterEach, describe, expect, it } from 'vitest';
import { CJK, useLocale } from '../../../test/support/locale.ts';
import { t } from '../../shared/i18n.ts';
import { afterCauseText, makeCallFailText, VCALL_AFTER_CAUSES, VCALL_CAUSE_TEXT } from './vcall-causes.ts';

afterEach(() => useLocale('zh_CN'));

describe('After causes', () => {
  it('every code of both tables has text, in Chinese and in English', () => {
    expect(Object.keys(VCALL_CAUSE_TEXT).sort()).toEqual(Object.keys(VCALL_AFTER_CAUSES).sort());
    for (const key of Object.values(VCALL_CAUSE_TEXT)) expect(t(key)).toMatch(CJK);
    useLocale('en');
    for (const [code, key] of Object.entries(VCALL_CAUSE_TEXT)) {
      expect(t(key), code).not.toMatch(CJK);
      // The platform repeating the table's words adds nothing, in either language.
      expect(afterCauseText(Number(code), VCALL_AFTER_CAUSES[code])).not.toMatch(CJK);
    }
  });

  it.each<[string, number | undefined, string | undefined, number | undefined, string, string]>([
    ['user busy (话后状态 table)', 1017, undefined, undefined, '用户忙', 'User busy'],
    ['empty number', 2114, '空号', undefined, '空号', 'Number does not exist'],
    ['a code only the 挂机原因枚举 table has', 2119, undefined, undefined, '排队放弃', 'Caller left the queue'],
    ['normal end, customer hung up', 0, '正常结束', 1, '正常结束（对方挂断）', 'Normal clearing (other party hung up)'],
    ['normal end, agent hung up', 0, undefined, 0, '正常结束（座席挂断）', 'Normal clearing (agent hung up)'],
    ['the platform says more', 1017, '客户正忙，稍后再拨', undefined, '用户忙：客户正忙，稍后再拨', 'User busy: 客户正忙，稍后再拨'],
    ['an unknown code with the platform’s words', 7777, '新原因', undefined, '新原因（原因代码 7777）', '新原因 (cause code 7777)'],
    ['an unknown code alone', 7777, undefined, undefined, '通话结束（原因代码 7777）', 'Call ended (cause code 7777)'],
    ['no code', undefined, undefined, undefined, '通话结束', 'Call ended'],
  ])('%s', (_, cause, data, side, zh, en) => {
    expect(afterCauseText(cause, data, side)).toBe(zh);
    useLocale('en');
    expect(afterCauseText(cause, data, side)).toBe(en);
  });

  it('MakeCallFail’s free text follows our words, capped', () => {
    expect(makeCallFailText('座席未登录')).toBe('呼叫失败：座席未登录');
    expect(makeCallFailText(undefined)).toBe('呼叫失败（平台未说明原因）');
    expect(makeCallFailText('x'.repeat(1000)).length).toBeLessThan(140);
    useLocale('en');
    expect(makeCallFailText('座席未登录')).toBe('Call failed: 座席未登录');
  });
});
