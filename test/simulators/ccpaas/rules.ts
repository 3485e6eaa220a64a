/**
 * The rule tables of the CC PaaS simulator (vendor document seeds/003_…, read with
 * docs/providers/ccpaas-wire.md): the CTI methods and their status codes, the onCallEvent /
 * onStatusEvent / onConnEvent vocabularies, callType × callSubtype, the click-to-call (ctc)
 * parameters, notification enumerations (callStatus, callCause, byeType) and our ctc error table.
 * Everything else in this folder reads these; nothing here has behaviour.
 */

// ---------------------------------------------------------------- CTI (PhoneKit, seed 768-996)

/** The documented functions (seed 773, 920-996) plus `heartbeat` (CallBar framing). */
export const CTI_METHODS = ['initial', 'login', 'logout', 'ready', 'pause', 'callOut', 'hangup', 'bridge', 'holdCall', 'retrieveCall', 'heartbeat'] as const;
export type CtiMethod = (typeof CTI_METHODS)[number];

/** The wire contract's statusCode table (docs/providers/ccpaas-wire.md; the document has only "00000", seed 804). */
export const CTI_CODE = {
  OK: '00000',
  NOT_INITIALISED: '10001',
  AUTH_FAILED: '10002',
  BAD_PARAM: '10003',
  STATE: '10004',
  NO_CALL: '10005',
  CALLOUT_FAILED: '10006',
  UNKNOWN_METHOD: '10009',
} as const;
export type CtiCode = (typeof CTI_CODE)[keyof typeof CTI_CODE];

/** statusMsg texts of the simulator (the client shows them as they are). */
export const CTI_MSG = {
  OK: 'success',
  NOT_INITIALISED: '未初始化',
  AUTH_FAILED: '坐席号或密码错误',
  badParam: (field: string, why?: string) => `参数错误: ${field}${why === undefined ? '' : ` (${why})`}`,
  NOT_LOGGED_IN: '坐席未登录',
  ALREADY_LOGGED_IN: '坐席已登录',
  BUSY: '坐席忙',
  IN_CALL: '坐席通话中',
  NO_CALL: '当前没有通话',
  NOT_CONNECTED: '当前不在通话中',
  ALREADY_HELD: '通话已保持',
  NOT_HELD: '通话未保持',
  NO_BRIDGE_NEEDED: '当前通话无需桥接',
  CALLOUT_FAILED: '外呼失败',
  unknownMethod: (method: string) => `未知方法: ${method}`,
} as const;

/** login phoneType (seed 925). */
export const PHONE_TYPES = [1, 2, 3] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];
export const PHONE_TYPE_NAME: Record<PhoneType, string> = { 1: 'SIP 话机', 2: 'PSTN 电话', 3: 'WebPhone' };

/** initial's data.workStatus (seed 808): 0 下班, 1 就绪, 2 未就绪. login's workStatus is 1 or 2 (seed 926). */
export const WORK_STATUS_CODE = { offline: 0, ready: 1, pause: 2 } as const;
/** onStatusEvent's workStatus (seed 884). */
export type WorkStatus = 'ready' | 'pause';

/** onStatusEvent eventName (seed 879); no logout event. */
export const STATUS_EVENTS = ['login', 'pause', 'ready', 'autoReady', 'completed'] as const;
export type StatusEventName = (typeof STATUS_EVENTS)[number];
/** pauseCause of `completed` and readyCause of `autoReady` (seed 892-899). */
export const WRAPUP = 'wrapup';

/** onCallEvent eventName and failedCause / completedCause (seed 825, 831-832, 846-859). */
export const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed', 'failed'] as const;
export type CallEventName = (typeof CALL_EVENTS)[number];
export const FAILED_CAUSES = ['failed', 'no-answer', 'canceled', 'time-out'] as const;
export type FailedCause = (typeof FAILED_CAUSES)[number];
export const TIME_LIMIT = 'time-limit';

/** callState (seed 837). */
export type CallState = 'idle' | 'ringing' | 'connected';

/** callType (seed 835) and callSubtype (seed 836). */
export const CALL_TYPE = { DIAL_IN: '1', BACKEND_OUT: '2', DIAL_OUT: '3', CLICK_OUT: '4' } as const;
export const CALL_SUBTYPE = { USER: '1', AGENT: '2', TRANSFER: '3', CONSULT_IN: '4', CONSULT_OUT: '5' } as const;

/**
 * 3.1.2 callType 与 callSubtype 组合 (seed 863-870), verbatim: M = 必有, 0 = 可选, '' = 不出现.
 * Rows callSubtype 1-5, columns callType 1-4.
 */
export const CALL_TYPE_SUBTYPE: Readonly<Record<string, readonly ['' | 'M' | '0', '' | 'M' | '0', '' | 'M' | '0', '' | 'M' | '0']>> = {
  '1-呼叫用户': ['', '', 'M', 'M'],
  '2-呼叫坐席': ['M', 'M', '', '0'],
  '3-转接': ['0', '0', '0', '0'],
  '4-咨询呼入': ['0', '0', '0', '0'],
  '5-咨询呼出': ['0', '0', '0', '0'],
};

/** onConnEvent strings the server sends (seed 910-914; connected / disconnected / connect_fail are the client's own). */
export const CONN_EVENT = { AUTH_SUCC: 'auth_succ', AUTH_FAIL: 'auth_fail' } as const;

/** Wire framing limits (ccpaas-wire.md). */
export const MAX_FRAME_BYTES = 64 * 1024;
export const REPLAY_KEEP = 500;
export const REPLACED_CLOSE = { code: 4001, reason: 'replaced' } as const;

// ---------------------------------------------------------------- ctc 点击呼叫 (seed 423-619)

export const CTC_ACTIONS = ['click2call', 'cancelCall', 'addCall'] as const;
export type CtcAction = (typeof CTC_ACTIONS)[number];

/** click2call parameters (seed 445-464), in the document's order. */
export const CLICK2CALL_PARAMS = [
  'action', 'caller', 'callee', 'callerCli', 'calleeCli', 'greetVoice', 'ringbackMode', 'ringbackVoice', 'failVoice',
  'calleeVoice', 'callerVoice', 'userData', 'statusUrl', 'cdrUrl', 'record', 'maxDuration', 'lastMinVoice',
] as const;
/** addCall parameters (seed 508-521). */
export const ADDCALL_PARAMS = ['action', 'callee', 'calleeCli', 'greetVoice', 'ringbackMode', 'ringbackVoice', 'failVoice', 'calleeVoice', 'callerVoice', 'record', 'timeout'] as const;

/** userData: 支持英文字母和数字，长度最大支持 256 字节 (seed 459). */
export const USER_DATA_MAX_BYTES = 256;
export const USER_DATA_PATTERN = /^[A-Za-z0-9]*$/;
/** What we accept as a phone number: digits, optional leading +, 3-20 digits (the document states no format). */
export const PHONE_PATTERN = /^\+?\d{3,20}$/;
/** addCall timeout default 120 s (seed 521). */
export const ADDCALL_TIMEOUT_S = 120;

/** 呼叫状态 callStatus and callCause (seed 547-549). */
export type CtcCallStatus = 'initiated' | 'ringing' | 'answered' | 'completed';
export type CtcCallCause = 'failed' | 'no-answer' | 'time-out' | 'completed';

/** 呼叫话单 byeType (seed 563), verbatim. */
export const BYE_TYPE = {
  CALLER_NO_ANSWER: '0', // 主叫未应答
  CALLER_HUNG_UP_RINGING: '1', // 呼被叫时主叫挂机
  CALLEE_NO_ANSWER: '2', // 被叫未应答
  CALLER_HUNG_UP: '3', // 主叫挂机
  CALLEE_HUNG_UP: '4', // 被叫挂机
  TIME_LIMIT: '5', // 通话时长达到上限结束
} as const;
export type ByeType = (typeof BYE_TYPE)[keyof typeof BYE_TYPE];

/**
 * Our ctc statusCode table: the document gives only "00000" success (seed 472, 493, 529).
 * 10xxx auth and path, 20xxx request, 30xxx conversation state; HTTP 200 except 10404 / 10405.
 */
export const CTC_CODE = {
  OK: '00000',
  NO_AUTH: '10001',
  AUTH_FAILED: '10002',
  ACCOUNT_MISMATCH: '10003',
  NO_APPLICATION: '10004',
  BAD_VERSION: '10005',
  NOT_FOUND: '10404',
  METHOD: '10405',
  NOT_JSON: '20001',
  BAD_ACTION: '20002',
  MISSING: '20003',
  INVALID: '20004',
  NO_CONVERSATION: '30001',
  ENDED: '30002',
  NOT_BRIDGED: '30003',
  CALLER_BUSY: '30004',
  CALL_FAILED: '30005',
  THREE_PARTY: '30006',
} as const;

export const CTC_MSG = {
  OK: 'success',
  NO_AUTH: '缺少鉴权信息 (Authorization: Basic)',
  AUTH_FAILED: '鉴权失败: AccountSid 或 AccountToken 错误',
  ACCOUNT_MISMATCH: 'URL 中的 accountSid 与鉴权账号不一致',
  NO_APPLICATION: '应用不存在: applicationSid',
  badVersion: (v: string) => `不支持的版本: ${v}`,
  NOT_FOUND: '接口不存在',
  METHOD: '请求方法不支持, 请使用 POST',
  NOT_JSON: '请求体不是 JSON 对象',
  missingAction: '缺少参数: action',
  badAction: (a: string) => `不支持的 action: ${a}`,
  actionOnUrl: (a: string, url: string) => `action ${a} 须请求 ${url}`,
  missing: (field: string) => `缺少参数: ${field}`,
  invalid: (field: string, rule: string) => `参数错误: ${field} ${rule}`,
  NO_CONVERSATION: '会话不存在',
  ENDED: '会话已结束',
  NOT_BRIDGED: '通话未接通, 不能加入第三方',
  CALLER_BUSY: '主叫号码正在通话中',
  CALL_FAILED: '发起呼叫失败',
  THREE_PARTY: '当前已是三方通话',
} as const;

/** The field rules' texts (used with CTC_MSG.invalid). */
export const RULE = {
  PHONE: '应为电话号码 (数字, 3-20 位)',
  USER_DATA_CHARS: '只支持英文字母和数字',
  USER_DATA_LENGTH: `长度最大 ${USER_DATA_MAX_BYTES} 字节`,
  RECORD: '取值 0, 1, 2',
  RINGBACK: '取值 0, 1',
  POSITIVE_INT: '应为正整数',
  URL: '应为 http(s) URL',
  STRING: '应为字符串',
} as const;
