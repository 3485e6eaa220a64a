import { describe, expect, it } from 'vitest';
import { authLostMessage, DSCOM_ERROR_CODES, httpErrorMessage, oauthReason, vendorError, vendorErrorMessage } from './dscom-errors.ts';

/** The document's 错误代码 table, as printed (code, text). */
const DOCUMENT_TABLE: [string, string][] = [
  ['510000', '标记留言收取状态参数有误'],
  ['510001', '标记留言收取状态异常'],
  ['600000', '呼叫接口参数验证失败'],
  ['600001', '呼叫异常'],
  ['600002', '挂断异常'],
  ['600003', '保持异常'],
  ['600004', '接回保持异常'],
  ['600005', '转接参数验证失败'],
  ['600006', '转接异常'],
  ['600007', '取消咨询转异常'],
  ['600008', '代接电话参数验证失败'],
  ['600009', '代接电话失败'],
  ['600010', '强插参数验证失败'],
  ['600011', '强插失败'],
  ['600012', '监听参数验证失败'],
  ['600013', '监听失败'],
  ['600014', '督导参数验证失败'],
  ['600015', '督导失败'],
  ['600016', '驻留失败'],
  ['600017', '接回驻留参数验证失败'],
  ['600018', '驻留通话已挂断'],
  ['600019', '来电重定向参数验证失败'],
  ['600020', '来电重定向异常'],
  ['600021', '话机听取录音参数验证失败'],
  ['600022', '话机听取录音异常'],
  ['610000', '座席签入异常'],
  ['610001', '座席签出参数有误'],
  ['610002', '座席签出异常'],
  ['610003', '设置座席状态参数有误'],
  ['610004', '设置座席状态异常'],
  ['610005', '修改排队优先级参数有误'],
  ['610006', '修改排队优先级异常'],
  ['610007', '座席签入参数有误'],
];

describe('vendor error codes: every code of the document\'s table', () => {
  it('the table has every code of the document and nothing else', () => {
    expect(Object.keys(DSCOM_ERROR_CODES).sort()).toEqual(DOCUMENT_TABLE.map(([code]) => code).sort());
  });

  it.each(DOCUMENT_TABLE)('%s → names the action, the document\'s text and the code', (code, text) => {
    const message = vendorErrorMessage(code, text, '外呼');
    expect(message.startsWith(`外呼失败：${text}（错误码 ${code}）`)).toBe(true);
    // The server repeating the table's text adds nothing.
    expect(message.split(text)).toHaveLength(2);
  });

  it('the server\'s own words are added when they say more', () => {
    expect(vendorErrorMessage('600001', '分机 8001 未注册', '外呼')).toBe('外呼失败：呼叫异常：分机 8001 未注册（错误码 600001），请确认话机已注册并空闲');
  });

  it('a known code with no message still reads', () => {
    expect(vendorErrorMessage('600002', '', '挂断')).toBe('挂断失败：挂断异常（错误码 600002）');
  });

  it('an unknown code shows the server\'s message and the code', () => {
    expect(vendorErrorMessage('620001', '线路忙', '外呼')).toBe('外呼失败：线路忙（错误码 620001）');
    expect(vendorErrorMessage('500', '', '挂断')).toBe('挂断失败：未知错误（错误码 500）');
  });

  it('vendorError is a refusal carrying the path and code for the log', () => {
    const error = vendorError('600003', '保持异常', '保持', 'POST call/hold');
    expect(error.code).toBe('refused');
    expect(error.message).toContain('保持异常');
    expect(error.detail).toContain('POST call/hold');
    expect(error.detail).toContain('600003');
  });
});

describe('OAuth refusals', () => {
  it.each([
    ['invalid_grant', 'The user credentials were incorrect.', 400, '用户名或密码错误'],
    ['invalid_client', 'Client authentication failed', 401, '客户端 ID 或密钥错误'],
    ['invalid_scope', '', 400, '该客户端没有访问权限（scope）'],
    ['unsupported_grant_type', '', 400, '服务器不支持密码授权，请管理员检查 API 接口授权'],
    ['invalid_request', 'The refresh token is invalid.', 400, '服务器拒绝授权：The refresh token is invalid.'],
    ['server_error', '', 500, '服务器拒绝授权（HTTP 500）'],
  ])('%s → %s', (error, message, status, expected) => {
    expect(oauthReason(error, message, status)).toBe(expected);
  });

  it('losing the login says why it cannot log in again', () => {
    expect(authLostMessage('用户名或密码错误')).toBe('登录已过期且无法重新登录：用户名或密码错误');
  });
});

describe('HTTP statuses', () => {
  const host = '192.168.1.200:8443';
  it.each([
    [401, '拒绝了访问令牌'],
    [403, '没有调用“外呼”的权限'],
    [404, '没有“外呼”接口'],
    [405, 'HTTP 405'],
    [419, '会话已过期'],
    [422, '“外呼”参数有误（HTTP 422）'],
    [429, '请求过于频繁'],
    [500, '内部错误（HTTP 500）'],
    [502, '暂时不可用（HTTP 502）'],
    [503, '暂时不可用（HTTP 503）'],
    [504, '暂时不可用（HTTP 504）'],
    [418, '拒绝了“外呼”请求（HTTP 418）'],
  ])('%i → %s', (status, text) => {
    expect(httpErrorMessage(status, '外呼', host)).toContain(text);
  });

  it('the server\'s message is shown for validation and server errors', () => {
    expect(httpErrorMessage(422, '外呼', host, 'The dest field is required.')).toBe('“外呼”参数有误（HTTP 422）：The dest field is required.');
    expect(httpErrorMessage(500, '外呼', host, 'Server Error')).toBe(`dscom 服务器 ${host} 内部错误（HTTP 500）：Server Error`);
  });

  it('messages about the server name it', () => {
    expect(httpErrorMessage(404, '外呼', host)).toContain(`dscom 服务器 ${host}`);
  });
});
