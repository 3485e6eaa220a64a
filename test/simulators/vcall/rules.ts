/**
 * The rule tables of the v-call simulator (vendor document seeds/001_…): the 话后状态 cause table
 * and the 挂机原因枚举 (verbatim), the 座席控制 request names and their required fields, the event
 * names, the enumerations (loginType, consult/transfer types, callAgentType, makecall type) and the
 * reply messages. Everything else in this folder reads these; nothing here has behaviour.
 */

/** 话后状态cause说明 (seed 4674-4912): enum → [cause, 说明], verbatim, in the document's order. */
export const AFTER_CAUSES: ReadonlyArray<readonly [string, number, string]> = [
  ['NORMAL_CLEARING', 0, '正常结束'],
  ['FILE PLAYED', 0, '正常结束'],
  ['NONE', 0, '正常结束'],
  ['OK', 0, '正常结束'],
  ['SESSION_TIME_OUT', 901, 'session超时'],
  ['ORIGINATE_TIME_OUT', 902, '发起呼叫超时'],
  ['UNALLOCATED_NUMBER', 1001, '主叫号码不可用'],
  ['NO_ROUTE_TRANSIT_NET', 1002, '被叫号码不可用'],
  ['NO_ROUTE_DESTINATION', 1003, '找不到被叫'],
  ['NO_ROUTE', 1004, '找不到路由'],
  ['CHANNEL_UNACCEPTABLE', 1006, '通话失败'],
  ['CALL_AWARDED_DELIVERED', 1007, '呼叫前转'],
  ['USER_BUSY', 1017, '用户忙'],
  ['BUSY', 1017, '用户忙'],
  ['NO_USER_RESPONSE', 1018, '被叫无响应'],
  ['NO_ANSWER', 1019, '久叫不应'],
  ['CAUSE480', 1016, '被叫未应答'],
  ['SUBSCRIBER_ABSENT', 1020, '被叫号码无效'],
  ['CALL_REJECTED', 1021, '拒绝应答'],
  ['NUMBER_CHANGED', 1022, '号码改变'],
  ['REDIRECTION_TO_NEW_DESTINATION', 1023, '重定向到新的号码'],
  ['EXCHANGE_ROUTING_ERROR', 1025, '路由错误'],
  ['DESTINATION_OUT_OF_ORDER', 1027, '呼叫受限'],
  ['INVALID_NUMBER_FORMAT', 1028, '无效的号码格式'],
  ['FACILITY_REJECTED', 1029, '被叫拒接'],
  ['RESPONSE_TO_STATUS_ENQUIRY', 1030, '状态查询响应'],
  ['NORMAL_UNSPECIFIED', 1031, '未指定错误'],
  ['NORMAL_CIRCUIT_CONGESTION', 1034, '通信电路错误'],
  ['NETWORK_OUT_OF_ORDER', 1038, '网络不可达'],
  ['NORMAL_TEMPORARY_FAILURE', 1041, '临时故障'],
  ['SWITCH_CONGESTION', 1042, '交换机繁忙'],
  ['ACCESS_INFO_DISCARDED', 1043, '访问信息被丢弃'],
  ['REQUESTED_CHAN_UNAVAIL', 1044, '请求不可用'],
  ['PRE_EMPTED', 1045, '空'],
  ['FACILITY_NOT_SUBSCRIBED', 1050, '设备受限'],
  ['OUTGOING_CALL_BARRED', 1052, '外呼阻塞'],
  ['INCOMING_CALL_BARRED', 1054, '呼入阻塞'],
  ['BEARERCAPABILITY_NOTAUTH', 1057, '承载能力未经授权'],
  ['BEARERCAPABILITY_NOTAVAIL', 1058, '目前暂不提供承载能力'],
  ['SERVICE_UNAVAILABLE', 1063, '服务不可用'],
  ['UNKNOWN', 1063, '服务不可用'],
  ['BEARERCAPABILITY_NOTIMPL', 1065, '没有权限使用该功能'],
  ['USER_NOT_REGISTERED', 1066, '话机未注册'],
  ['CHAN_NOT_IMPLEMENTED', 1067, '找不到路由'],
  ['FACILITY_NOT_IMPLEMENTED', 1069, '设备不支持所请求的服务'],
  ['SERVICE_NOT_IMPLEMENTED', 1079, '未实现所请求的服务'],
  ['INVALID_CALL_REFERENCE', 1081, '当前网络不支持此功能'],
  ['INCOMPATIBLE_DESTINATION', 1088, '不兼容的目的地'],
  ['INVALID_MSG_UNSPECIFIED', 1095, '无效消息'],
  ['MANDATORY_IE_MISSING', 1096, '消息不完整'],
  ['MESSAGE_TYPE_NONEXIST', 1097, '无法识别的消息类型'],
  ['WRONG_MESSAGE', 1098, '当前状态下不能处理该消息'],
  ['IE_NONEXIST', 1099, '未识别的参数'],
  ['INVALID_IE_CONTENTS', 1100, '编码未实现'],
  ['WRONG_CALL_STATE', 1101, '消息与呼叫状态不兼容'],
  ['RECOVERY_ON_TIMER_EXPIRE', 1102, '呼叫超时'],
  ['MANDATORY_IE_LENGTH_ERROR', 1103, '参数不存在或未实现'],
  ['PROTOCOL_ERROR', 1111, '协议错误'],
  ['INTERWORKING', 1127, '已完成互通呼叫'],
  ['NO_CALLNUM', 1128, '未获取到码号配置'],
  ['SUCCESS', 0, '成功'],
  ['FILE NOT FOUND', 1401, '文件不存在'],
  ['PLAYBACK ERROR', 1402, '放音失败'],
  ['ORIGINATOR_CANCEL', 1487, '呼叫取消'],
  ['CANCEL', 1487, '呼叫取消'],
  ['CRASH', 1500, '紧急故障'],
  ['SYSTEM_SHUTDOWN', 1501, '系统关闭'],
  ['LOSE_RACE', 1502, '丢失呼叫'],
  ['MANAGER_REQUEST', 1503, '强制挂机'],
  ['BLIND_TRANSFER', 1600, '盲转'],
  ['ATTENDED_TRANSFER', 1601, '咨询转'],
  ['ALLOTTED_TIMEOUT', 1602, '分配超时'],
  ['USER_CHALLENGE', 1603, '用户竞争'],
  ['MEDIA_TIMEOUT', 1604, '媒体超时'],
  ['PICKED_OFF', 1605, '被拦截'],
  ['PROGRESS_TIMEOUT', 1607, '振铃超时'],
  ['INVALID_GATEWAY', 1608, '网关不可用'],
  ['GATEWAY_DOWN', 1609, '网关关闭'],
  ['INVALID_URL', 1610, '错误的URL'],
  ['INVALID_PROFILE', 1611, '错误的配置'],
  ['NO_PICKUP', 1612, '没有摘机'],
  ['SRTP_READ_ERROR', 1613, 'SRTP读取错误'],
  ['NO_SIPGATEWAY', 1614, '未获取到可用网关'],
  ['INVALID_UUID_ERROR', 1615, '无效的uuid'],
  ['Cannot stop record session!', 3000, '无法停止录音'],
  ['No such channel!', 1004, '呼叫不存在'],
  ['NONE', 0, '空'],
  ['NO_SUCH_FS', 1129, '找不到fs'],
  ['NO_PNS', 3001, '未找到绑定的隐私号信息'],
  ['NO_CALL_LOG', 3005, '未找到回拨信息'],
  ['NO_PNS_ERROR', 3002, '隐私号绑定信息有误'],
  ['DISPLAY_CALLER_EMPTY', 3003, '外显号码池为空'],
  ['TEL_X_IS_NULL', 3004, '隐私号小号为空'],
  ['INBOUND_BRIDGE_ERROR', 3100, '呼入转接失败'],
  ['NO_REASON', 8888, '未找到该错误原因'],
  ['EXECUTE_SERVICE_OFFLINE', 2002, '转接到的模块不在线'],
  ['RS_FLOW_TIMEOUT', 2003, '机器人配置错误'],
  ['RS_FLOW_BRIDGE_FAILURE', 2004, '机器人转接失败'],
  ['RS_FLOW_RESPONSE_TIMEOUT', 2005, '机器人响应超时'],
  ['RINGING_BUSY', 2101, '用户占线'],
  ['RINGING_NOANSWER', 2102, '无人接听'],
  ['LINE_BUSY', 2103, '网络忙'],
  ['LINE_FAULT', 2104, '线路故障'],
  ['STATUS_NOTINAREA', 2105, '不在服务区'],
  ['STATUS_PAUSE', 2106, '暂停服务'],
  ['STATUS_STOP', 2107, '停机'],
  ['STATUS_UNABLECONNECT', 2108, '暂时无法接通'],
  ['STATUS_SHUTDOWN', 2109, '关机'],
  ['STATUS_STOPANDKEEP', 2110, '停机保号'],
  ['STATUS_LIMITED', 2111, '呼叫受限'],
  ['STATUS_WAITING', 2112, '呼叫等待'],
  ['STATUS_TRANSFER', 2113, '呼叫转移'],
  ['NUMBER_EMPTY', 2114, '空号'],
  ['NUMBER_WRONG', 2115, '号码错误'],
  ['NUMBER_INVALID', 2116, '号码无效'],
  ['NUMBER_FOREIGN', 2117, '外地号码需加零'],
  ['NUMBER_LOCAL', 2118, '本地不需加零'],
  ['GLOBAL_BLACKLIST', 4001, '全局黑名单'],
  ['GROUP_BLACKLIST', 4002, '技能组黑名单'],
];

/** 挂机原因枚举 (seed 6986-7146): hangupGcode → hangupGname, verbatim (codes the 话后 table lacks). */
export const HANGUP_CAUSE_ENUM: Readonly<Record<number, string>> = {
  0: '正常结束',
  1017: '用户忙',
  2102: '无人接听',
  1019: '久叫不应',
  1029: '拒接',
  2105: '不在服务区',
  2107: '停机',
  2114: '空号',
  2109: '关机',
  2101: '用户占线',
  1900: '资源不足',
  1901: '系统配置错误',
  1000: '呼叫失败',
  2119: '排队放弃',
  1027: '呼叫受限',
  2111: '呼叫受限',
  2103: '网络忙',
  2112: '呼叫等待',
  2113: '呼叫转移',
  2110: '停机保号',
  2106: '暂停服务',
  2108: '暂时无法接通',
  2115: '号码不正确',
  2116: '号码无效',
  4003: '黑名单用户',
  2117: '外地号码需加零',
  2118: '本地不需加零',
  2134: '分机不允许呼叫自己',
  2126: '排队溢出',
  2136: '分机未登录',
  2137: '座席未登录',
  2135: '呼叫坐席超过上限',
  8888: '其他',
  3200: '直呼未找到绑定信息',
  3002: '隐私号绑定信息有误',
  3201: '直呼绑定信息有误',
  3005: '直呼未找到回拨信息',
  3100: '直呼转接失败',
  3001: '未找到绑定的隐私号信息',
  2000: '机器人呼叫失败',
  2131: '分机号错误',
  2133: '分机未注册',
  1902: '双向回呼主叫失败',
  1903: '双向回呼被叫失败',
  5000: 'sip转隐私号失败',
  6001: '高频限制',
};

/** The After event's `data` (话后原因) text for a cause: the 话后 table first, then the 挂机原因枚举. */
export function causeText(cause: number): string {
  const row = AFTER_CAUSES.find(([, code]) => code === cause);
  return row?.[2] ?? HANGUP_CAUSE_ENUM[cause] ?? '未找到该错误原因';
}

/** Causes the simulator produces by itself (each from the 话后 table). */
export const CAUSE = {
  NORMAL: 0,
  USER_BUSY: 1017,
  NO_ANSWER: 1019,
  CALL_REJECTED: 1021,
  USER_NOT_REGISTERED: 1066,
  ORIGINATOR_CANCEL: 1487,
  MANAGER_REQUEST: 1503,
  BLIND_TRANSFER: 1600,
  ATTENDED_TRANSFER: 1601,
  PICKED_OFF: 1605,
  PROGRESS_TIMEOUT: 1607,
  /** 挂机原因枚举 2137 座席未登录 (not in the 话后 table). */
  AGENT_NOT_LOGGED_IN: 2137,
} as const;

/**
 * 座席控制 requests (seed 2530-2914) and the per-request fields the document marks 是 (required).
 * `forceBusy` is only in the SDK (seed 4107, 4127); see README "decisions".
 */
export const REQUEST_FIELDS: Readonly<Record<string, readonly string[]>> = {
  login: ['password', 'loginType'],
  logout: [],
  reconnect: [],
  idle: [],
  busy: [],
  makeCall: ['called'],
  cancelCall: [],
  hold: [],
  unHold: [],
  consultCall: ['consultType', 'consultId'],
  consultCancel: [],
  tripartiteTalk: [],
  transferCall: ['transferType', 'transferId'],
  transferCancel: [],
  surveillance: [],
  forceIdle: ['beAgentNumber'],
  forceBusy: ['beAgentNumber'],
  forceLogout: ['beAgentNumber'],
  listen: ['beAgentNumber'],
  forceBreak: ['beAgentNumber'],
  forceInsert: ['beAgentNumber'],
  intercept: ['beAgentNumber'],
  idleAgent: ['groupId'],
  heartbeat: [],
  mute: [],
  unmute: [],
};
export type RequestName = keyof typeof REQUEST_FIELDS;

export const SUPERVISOR_REQUESTS = ['surveillance', 'forceIdle', 'forceBusy', 'forceLogout', 'listen', 'forceBreak', 'forceInsert', 'intercept'] as const;

/** loginType (seed 2553-2559): 1 sip话机, 2 手机, 3 webrtc. */
export const LOGIN_TYPES = [1, 2, 3] as const;
export type LoginType = (typeof LOGIN_TYPES)[number];

/** consultType / transferType (seed 2682-2689, 2721-2729): 1 坐席, 2 外线手机, 3 技能组, 4 ivr. */
export const TARGET_TYPES = [1, 2, 3, 4] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** callAgentType (makeCall, seed 2633-2641) and `type` (agent/open/call, seed 2224-2228). */
export const CALL_AGENT_TYPES = ['default', 'phone', 'sip'] as const;
export type CallAgentType = (typeof CALL_AGENT_TYPES)[number];

/** `type` of sip/makecall (seed 5251-5254): 默认方式、点击拨号、移动双呼. */
export const MAKECALL_TYPES = ['default', 'click', 'cmccbid'] as const;

/** callType of call events (seed 3325-3330). */
export type CallType = 'normal' | 'consult' | 'transfer' | 'listen' | 'forceInsert' | 'intercept';

/** Every event the document names for the agent (seed 2985-3757), the SDK's ForceInserting (4444) too. */
export const EVENT_NAMES = [
  'Login', 'Logout', 'Reconnect', 'Idle', 'Busy', 'MakeCall', 'CancelCall', 'MakeCallFail', 'SipError',
  'AgentOriginate', 'AgentRinging', 'AgentAnswer', 'CalledRinging', 'CalledAnswer', 'Conversation', 'After',
  'Surveillance', 'Lock', 'TransferCall', 'TransferCalling', 'TransferCallFail', 'TransferCancel', 'GroupInfo',
  'IdleAgent', 'Listen', 'Listening', 'ListenFail', 'ForceBreak', 'ForceInsert', 'ForceInserting',
  'ForceInsertFail', 'Intercept', 'Intercepting', 'InterceptFail', 'ConsultCall', 'ConsultCalling',
  'ConsultCallFail', 'ConsultCancel', 'ConsultTransfer', 'ConsultedCancel', 'Mute', 'Unmute', 'TripartiteTalk',
  'TripartiteTalking', 'TripartiteTalkFail', 'Kick',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/**
 * nowState values: the state-changing events' names (the document's Login example has
 * nowState "Login", seed 3037), plus "Logout" for an agent without a session.
 */
export const NOW_STATES = [
  'Logout', 'Login', 'Idle', 'Busy', 'MakeCall', 'AgentOriginate', 'AgentRinging', 'AgentAnswer',
  'CalledRinging', 'CalledAnswer', 'Conversation', 'After',
] as const;
export type NowState = (typeof NOW_STATES)[number];

/** States in which the agent has a call (ringing, dialling or talking). */
export const IN_CALL_STATES: readonly NowState[] = ['MakeCall', 'AgentOriginate', 'AgentRinging', 'AgentAnswer', 'CalledRinging', 'CalledAnswer', 'Conversation'];

/** 座席控制 reply codes (seed 2487-2491): "0" 成功, "-1" + 错误说明. The texts are ours (the document gives none). */
export const MSG = {
  success: 'success',
  badJson: '请求参数格式错误',
  missing: (field: string) => `参数${field}不能为空`,
  badValue: (field: string) => `参数${field}不正确`,
  unknownRequest: (name: string) => `不支持的请求类型:${name}`,
  noAgent: '座席不存在',
  noCompany: '企业不存在',
  wrongPassword: '座席密码错误',
  notLoggedIn: '座席未登录',
  inCall: '座席正在通话中',
  notInCall: '座席当前没有通话',
  notTalking: '当前不在通话中',
  notHeld: '当前通话未保持',
  alreadyHeld: '当前通话已保持',
  notMuted: '当前未静音',
  alreadyMuted: '当前已静音',
  noMakeCall: '座席没有外呼权限',
  notSupervisor: '当前座席不是班长,无权操作',
  noTarget: '被操作的座席不存在',
  noConsult: '当前没有咨询通话',
  consulting: '当前正在咨询中',
  noTransfer: '当前没有转接',
  transferring: '当前正在转接中',
  noGroup: '技能组不存在',
  busyTypeUnknown: '忙碌类型不存在',
  self: '不能操作自己',
} as const;

/** agent/open/call and sip/makecall (seed 2272-2276, 5298-5302): "0000" 成功, "-1" 发起呼叫失败. */
export const OPEN_CODE = { ok: '0000', fail: '-1' } as const;

/** Token failure on the token-taking APIs: the document's "403 no auth token失效，需要重新获取" (seed 7300). */
export const NO_AUTH = { code: '403', msg: 'no auth' } as const;
