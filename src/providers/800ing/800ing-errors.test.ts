import { describe, expect, it } from 'vitest';
import { CallbarError } from '../../shared/errors.ts';
import { clientNotRunningMessage, httpErrorMessage, ING800_ERROR_CODES, ING800_ERROR_TEXT, serverName, vendorError, vendorErrorMessage } from './800ing-errors.ts';
import { t } from '../../shared/i18n.ts';

describe('the 返回代码表', () => {
  it('has exactly the document\'s codes, verbatim', () => {
    expect(ING800_ERROR_CODES).toEqual({
      '-1': '网络错误',
      '-2': '验证错误',
      '-3': '方法内部错误',
      '-5': '没有权限',
      '-6': 'SQL 语句执行错误',
      '-10': '数据已经存在',
      '-11': '数据不存在',
      '-12': '超过最大值错误',
      '-13': '文件保存失败',
      '-14': '验证组错误',
    });
  });

  it('every code has agent-facing text: a meaning and what to do', () => {
    expect(Object.keys(ING800_ERROR_TEXT).sort()).toEqual(Object.keys(ING800_ERROR_CODES).sort());
    for (const { meaning, advice } of Object.values(ING800_ERROR_TEXT)) {
      expect(t(meaning)).toMatch(/[\u4e00-\u9fff]/);
      expect(t(advice)).toMatch(/^请|^例如|^帐号|^该/);
    }
  });
});

describe('vendorErrorMessage: every code reads as text', () => {
  it.each([
    ['-1', '登录', '登录失败：八百呼平台网络异常（网络错误，错误码 -1），请稍后再试；一直出现时请联系八百呼客服'],
    ['-2', '登录', '登录失败：帐号或密码错误（验证错误，错误码 -2），请检查设置中的帐号（坐席号）和密码'],
    ['-3', '外呼', '外呼失败：八百呼服务器处理请求时出错（方法内部错误，错误码 -3），请稍后再试；一直出现时请联系八百呼客服'],
    ['-5', '外呼', '外呼失败：该帐号没有此操作的权限（没有权限，错误码 -5），请联系管理员在八百呼后台开通权限'],
    ['-6', '挂断', '挂断失败：八百呼服务器数据库出错（SQL 语句执行错误，错误码 -6），请稍后再试；一直出现时请联系八百呼客服'],
    ['-10', '外呼', '外呼失败：数据已经存在（数据已经存在，错误码 -10），该号码可能已经在呼叫中，请勿重复拨打'],
    ['-10', '接听', '接听失败：数据已经存在（数据已经存在，错误码 -10），请求可能已经提交过，请勿重复操作'],
    ['-11', '挂断', '挂断失败：数据不存在（数据不存在，错误码 -11），通话可能已经结束'],
    ['-11', '接听', '接听失败：数据不存在（数据不存在，错误码 -11），来电可能已经挂断或已被接听'],
    ['-11', '登录', '登录失败：数据不存在（数据不存在，错误码 -11），帐号、号码或通话可能已不存在，请确认后再试'],
    ['-12', '外呼', '外呼失败：超过最大值（超过最大值错误，错误码 -12），例如同时呼叫数或消息条数已达上限，请稍后再试或联系管理员'],
    ['-13', '挂断', '挂断失败：八百呼服务器保存文件失败（文件保存失败，错误码 -13），请稍后再试；一直出现时请联系八百呼客服'],
    ['-14', '登录', '登录失败：帐号所属的验证组有误（验证组错误，错误码 -14），请联系管理员检查该帐号所属的企业或分组设置'],
  ])('%s in reply to %s', (code, action, message) => {
    expect(vendorErrorMessage(code, '', action)).toBe(message);
  });

  it('the server\'s own message is added when it says more than the table', () => {
    expect(vendorErrorMessage('-5', '无外呼权限', '外呼')).toBe('外呼失败：该帐号没有此操作的权限：无外呼权限（没有权限，错误码 -5），请联系管理员在八百呼后台开通权限');
    // …and left out when it only repeats the table.
    expect(vendorErrorMessage('-2', '验证错误', '登录')).not.toContain('：验证错误');
  });

  it.each([
    ['-4', '未知原因', '外呼', '外呼失败：未知原因（错误码 -4）'],
    ['7', '', '挂断', '挂断失败：未知错误（错误码 7）'],
    ['-99', '号码格式错误', '外呼', '外呼失败：号码格式错误（错误码 -99）'],
  ])('a code outside the table (%s) shows the message and the code', (code, message, action, text) => {
    expect(vendorErrorMessage(code, message, action)).toBe(text);
  });

  it('-2 is an auth error, the others refusals; the detail names the method', () => {
    const auth = vendorError('-2', '验证错误', '登录', '/voip/api/jsondata.html getExtension');
    expect(auth).toBeInstanceOf(CallbarError);
    expect(auth.code).toBe('auth');
    expect(auth.detail).toBe('/voip/api/jsondata.html getExtension → code -2 验证错误');
    for (const code of Object.keys(ING800_ERROR_CODES).filter((c) => c !== '-2')) expect(vendorError(code, '', '外呼', 'x').code).toBe('refused');
  });
});

describe('network and HTTP', () => {
  it('names the server and the client', () => {
    expect(serverName('voip.800ing.com:8080')).toBe('八百呼服务器 voip.800ing.com:8080');
    expect(clientNotRunningMessage(10800)).toBe('八百呼客户端没有运行（127.0.0.1:10800）');
  });

  it.each([
    [404, '八百呼服务器 h:1 上没有“外呼”接口（HTTP 404）：请检查服务器地址'],
    [403, '八百呼服务器 h:1 拒绝了“外呼”请求（HTTP 403）：请检查帐号权限'],
    [503, '八百呼服务器 h:1 暂时不可用（HTTP 503），请稍后再试'],
    [500, '八百呼服务器 h:1 内部错误（HTTP 500），请稍后再试'],
    [418, '八百呼服务器 h:1 拒绝了“外呼”请求（HTTP 418）'],
  ])('HTTP %i', (status, message) => {
    expect(httpErrorMessage(status, '外呼', serverName('h:1'))).toBe(message);
  });
});
