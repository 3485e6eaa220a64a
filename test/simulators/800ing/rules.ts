/**
 * The rule tables of the 八百呼 (800ing) simulator: return codes (verbatim from the document's
 * 返回代码表), cloud methods, message kinds and statuses, desktop-client command types.
 * Everything else in this folder reads these; nothing here has behaviour.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** 1.2 返回代码表 — code values, text verbatim. 0 = success. */
export const RETURN_CODES: Readonly<Record<number, string>> = {
  [-1]: '网络错误',
  [-2]: '验证错误',
  [-3]: '方法内部错误',
  [-5]: '没有权限',
  [-6]: 'SQL 语句执行错误',
  [-10]: '数据已经存在',
  [-11]: '数据不存在',
  [-12]: '超过最大值错误',
  [-13]: '文件保存失败',
  [-14]: '验证组错误',
};

export const CODE = {
  OK: 0,
  NETWORK: -1,
  AUTH: -2,
  INTERNAL: -3,
  NO_PERMISSION: -5,
  SQL: -6,
  EXISTS: -10,
  NOT_FOUND: -11,
  TOO_LARGE: -12,
  FILE_SAVE: -13,
  GROUP: -14,
} as const;

/** The table text for a code; codes outside the table (only via failNext) get a generic text. */
export function codeText(code: number): string {
  return RETURN_CODES[code] ?? '错误';
}

/** Methods of /voip/api/jsondata.html (and jsonpdata.json/.jsonp) the simulator answers. */
export const CLOUD_METHODS = [
  'getExtension',
  'callbackPhone',
  'getLongWaterLine',
  'recvMsg',
  'hangupExten',
  'sendMsg',
  'registerExtension',
] as const;
export type CloudMethod = (typeof CLOUD_METHODS)[number];

/** The three documented paths and how each one answers. */
export const CLOUD_PATHS: Readonly<Record<string, 'html' | 'json' | 'jsonp'>> = {
  '/voip/api/jsondata.html': 'html',
  '/voip/api/jsonpdata.json': 'json',
  '/voip/api/jsonpdata.jsonp': 'jsonp',
};

/** recvMsg `kind`: 1 去电（拨号）, 2 来电 (3/4 SMS are never produced). */
export const KIND = { OUT: 1, IN: 2 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Message `status`: 0 来电或去电, 1 接通; hang-up is 3 (recvMsg) or 2 (getLongWaterLine table). */
export const STATUS = { START: 0, ANSWERED: 1 } as const;
export type HangupStatus = 2 | 3;
export const HANGUP_STATUSES: readonly HangupStatus[] = [2, 3];

/** sendMsg `kind`: 固定值 6 (answer). */
export const SEND_MSG_KIND = '6';

/** recvMsg `limit` default (document: 默认 100 条). */
export const DEFAULT_RECV_LIMIT = 100;

/** getLongWaterLine `loginType` that also counts as a heartbeat (固定值, 增加心跳). */
export const HEARTBEAT_LOGIN_TYPE = 'jsonpLogin';

/** `client`: 1 WEB/PC 或桌面客户端, 2 手机或新录音话机, 3 VOIP 话机. */
export const CLIENT_KINDS: readonly number[] = [1, 2, 3];

export const CALLEE_MODES = ['answer', 'busy', 'noAnswer', 'manual'] as const;
export type CalleeMode = (typeof CALLEE_MODES)[number];

/** Dialable numbers: digits with an optional leading +, and * / # (feature codes). */
export const PHONE_PATTERN = /^\+?[0-9*#]{1,32}$/;

/** §3 客户端控制 API: every documented `type`, with the document's name. */
export const CLIENT_TYPES: Readonly<Record<number, string>> = {
  0: '呼叫',
  1: '挂断',
  2: '转接',
  3: '显示资料不弹屏',
  4: '批量外呼',
  993: '指导',
  992: '监听',
  994: '强插',
  981: '强断',
  1000: '外部 URL 弹窗',
  1001: '打印工单',
  1002: '设计工单',
  1003: '关闭弹屏窗口',
  1005: '设计订单',
  1006: '打印订单',
  1007: '设计物流单',
  1008: '打印物流单',
  2001: '重新登录客户端',
  2002: '呼入/呼出时把客户端界面弹出',
};

export const CLIENT_TYPE = {
  DIAL: 0,
  HANGUP: 1,
  TRANSFER: 2,
  URL_POP: 1000,
  CLOSE_POP: 1003,
  LOGIN: 2001,
  POP: 2002,
} as const;

/** The desktop client's reply when it is not logged in to the server (ours, see README). */
export const CLIENT_NOT_LOGGED_IN = '客户端未登录';

/** sa_password = 32-char UPPERCASE hex MD5 of the password (the document's example URL). */
export function passwordMd5(password: string): string {
  return bytesToHex(md5(utf8ToBytes(password))).toUpperCase();
}

export type HexCase = 'upper' | 'lower' | 'mixed';

/** The letter case of a 32-char hex string, or null when it is not one (absent, clear text…). */
export function hexCase(value: string | undefined): HexCase | null {
  if (value === undefined || !/^[0-9a-fA-F]{32}$/.test(value)) return null;
  const lower = /[a-f]/.test(value);
  const upper = /[A-F]/.test(value);
  return lower && upper ? 'mixed' : lower ? 'lower' : 'upper';
}
