/**
 * Value formats of the CC PaaS simulator: the document's timestamps (YYYYMMDDHHmmss, seed 548),
 * sids shaped like its examples (CV… / CA…, seed 589, 596), the masked user number
 * (encryptNumber "true", seed 796), userNumberType (seed 839) and a small userArea table.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** YYYYMMDDHHmmss in local time, as the document's 呼叫状态 timestamp and CDR times. */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** A stamp or "" when the moment was not reached. */
export function stampOrEmpty(ms: number | undefined): string {
  return ms === undefined ? '' : stamp(ms);
}

let sidCounter = 0;

/** 34 characters like the document's CV50001201908141226560665400000001: prefix, node, time, counter. */
export function newSid(prefix: 'CV' | 'CA', at = Date.now()): string {
  sidCounter = (sidCounter + 1) % 1e9;
  return `${prefix}50001${stamp(at)}${pad(at % 1000, 3)}${pad(sidCounter, 10)}`;
}

/**
 * The number as an agent with encryptNumber "true" sees it: 138****8000 (first 3, last 4) for 8 or
 * more digits; a shorter number keeps only its last 2 (****01). The document names no rule.
 */
export function maskNumber(number: string): string {
  if (number.length >= 8) return `${number.slice(0, 3)}****${number.slice(-4)}`;
  if (number.length <= 2) return '****';
  return `****${number.slice(-2)}`;
}

/** 客户号码类型 1 固话 / 2 手机 (seed 839): a Chinese mobile is 1[3-9] + 9 digits (with or without +86 / 0). */
export function numberType(number: string): '1' | '2' {
  return /^(?:\+?86|0)?1[3-9]\d{9}$/.test(number) ? '2' : '1';
}

/** A fictional 归属地 table (seed 840 gives no source): area codes and a few mobile prefixes; unknown → "". */
const AREAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^010/, '北京'],
  [/^021/, '上海'],
  [/^020/, '广东广州'],
  [/^0755/, '广东深圳'],
  [/^0571/, '浙江杭州'],
  [/^028/, '四川成都'],
  [/^(?:\+?86)?13[89]/, '北京'],
  [/^(?:\+?86)?13[0-7]/, '上海'],
  [/^(?:\+?86)?15/, '广东广州'],
  [/^(?:\+?86)?18/, '浙江杭州'],
];

export function userArea(number: string): string {
  return AREAS.find(([re]) => re.test(number))?.[1] ?? '';
}
