/**
 * The token-based APIs: POST /api/token (accessKeyId / accessKeySecret as plain JSON → a token
 * valid 24 h; asked again within its last 4 h it is refreshed, earlier the same token comes back),
 * POST /api/agent/open/call (the agent's outbound call started by the API) and
 * POST /api/sip/makecall (双向回呼: ring the caller, then the called). The token comes as the body
 * field `token` (or `?token=` on a GET), never as a header.
 */
import { Refusal, startOutbound } from './calls.ts';
import type { OutsideLeg } from './model.ts';
import { hex, type Platform } from './platform.ts';
import { CALL_AGENT_TYPES, CAUSE, MAKECALL_TYPES, NO_AUTH, OPEN_CODE, causeText, type CallAgentType } from './rules.ts';

type Body = Record<string, unknown>;

const DAY_MS = 24 * 3600_000;
const REFRESH_WINDOW_MS = 4 * 3600_000;

interface TokenRecord {
  token: string;
  companyId: string;
  expireTime: number;
}

/** Tokens by company (one live token per company, as the document describes). */
export class TokenStore {
  private readonly byCompany = new Map<string, TokenRecord>();
  private readonly byToken = new Map<string, TokenRecord>();
  /** Offset added to Date.now() (control: jump ahead to test expiry and refresh). */
  skewMs = 0;

  now(): number {
    return Date.now() + this.skewMs;
  }

  issue(companyId: string): TokenRecord {
    const current = this.byCompany.get(companyId);
    const now = this.now();
    if (current !== undefined && current.expireTime - now > REFRESH_WINDOW_MS) return current;
    if (current !== undefined) this.byToken.delete(current.token);
    const record = { token: `${hex(4)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(6)}`, companyId, expireTime: now + DAY_MS };
    this.byCompany.set(companyId, record);
    this.byToken.set(record.token, record);
    return record;
  }

  /** The company of a live token, or undefined. */
  check(token: string): string | undefined {
    const record = this.byToken.get(token);
    if (record === undefined || record.expireTime <= this.now()) return undefined;
    return record.companyId;
  }

  expireAll(): void {
    for (const record of this.byToken.values()) record.expireTime = this.now();
  }

  get count(): number {
    return [...this.byToken.values()].filter((r) => r.expireTime > this.now()).length;
  }

  reset(): void {
    this.byCompany.clear();
    this.byToken.clear();
    this.skewMs = 0;
  }
}

function text(body: Body, key: string): string | undefined {
  const v = body[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** POST /api/token. Wrong keys: code -1 (a number, like the success code 0). */
export function tokenRequest(p: Platform, tokens: TokenStore, body: Body): Record<string, unknown> {
  const id = text(body, 'accessKeyId');
  const secret = text(body, 'accessKeySecret');
  if (id === undefined || id === '') return { msg: 'accessKeyId不能为空', code: -1, data: null };
  if (secret === undefined || secret === '') return { msg: 'accessKeySecret不能为空', code: -1, data: null };
  const company = [...p.companies.values()].find((c) => c.accessKeyId === id);
  if (company === undefined || company.accessKeySecret !== secret) return { msg: 'accessKeyId或accessKeySecret错误', code: -1, data: null };
  const record = tokens.issue(company.companyId);
  return { msg: 'success', code: 0, data: { token: record.token, expireTime: record.expireTime } };
}

function fail(msg: string): Record<string, unknown> {
  return { msg, code: OPEN_CODE.fail, data: null };
}

/** The company the token belongs to, or the 403 reply. */
function authorise(tokens: TokenStore, body: Body): string | Record<string, unknown> {
  const token = text(body, 'token');
  if (token === undefined || token === '') return { ...NO_AUTH, data: null };
  return tokens.check(token) ?? { ...NO_AUTH, data: null };
}

/** POST /api/agent/open/call: token, agentNum, called required; userData, callnum, type optional. */
export function openCall(p: Platform, tokens: TokenStore, body: Body): Record<string, unknown> {
  const companyId = authorise(tokens, body);
  if (typeof companyId !== 'string') return companyId;
  const agentNum = text(body, 'agentNum');
  const called = text(body, 'called');
  if (agentNum === undefined || agentNum === '') return fail('座席工号不能为空');
  if (called === undefined || called === '') return fail('被叫号码不能为空');
  const type = text(body, 'type') || 'default';
  if (!(CALL_AGENT_TYPES as readonly string[]).includes(type)) return fail('接听方式type不正确');
  const agent = p.agent(companyId, agentNum);
  if (agent === undefined) return fail('座席不存在');
  const callnum = text(body, 'callnum');
  if (callnum !== undefined && callnum !== '' && !p.company(companyId)!.callnums.includes(callnum)) return fail('外显号码未分配');
  const userData = text(body, 'userData');
  try {
    // The agent need not be logged in: the platform rings its phone all the same (no events then).
    const call = startOutbound(p, agent, {
      called,
      callAgentType: type as CallAgentType,
      origin: 'openCall',
      sequence: 0,
      ...(callnum === undefined || callnum === '' ? {} : { caller: callnum }),
      ...(userData === undefined ? {} : { userData }),
    });
    return { msg: 'success', code: OPEN_CODE.ok, data: { callId: call.occCallId } };
  } catch (error) {
    if (error instanceof Refusal) return fail(error.message);
    throw error;
  }
}

/** One 双向回呼 (sip/makecall): A leg = caller, then B leg = called. Kept for /_sim/state. */
export interface CallbackRecord {
  callId: string;
  type: string;
  displayCaller: string;
  telA: string;
  telB: string;
  userData: string;
  state: 'callingA' | 'callingB' | 'talking' | 'ended';
  aCallTime: number;
  aAnswerTime?: number;
  bCallTime?: number;
  bAnswerTime?: number;
  hangupTime?: number;
  /** hangupGcode / hangupGname of 挂机原因枚举 (1902 主叫失败, 1903 被叫失败, 0 正常结束). */
  hangupGcode?: number;
  hangupGname?: string;
  /** 1 A路, 2 B路. */
  hangupDirection?: 1 | 2;
}

export function makeCallback(p: Platform, tokens: TokenStore, records: CallbackRecord[], body: Body): Record<string, unknown> {
  const companyId = authorise(tokens, body);
  if (typeof companyId !== 'string') return companyId;
  const caller = text(body, 'caller');
  const called = text(body, 'called');
  if (caller === undefined || caller === '') return fail('主叫号码不能为空');
  if (called === undefined || called === '') return fail('被叫号码不能为空');
  const type = text(body, 'type') || 'default';
  if (!(MAKECALL_TYPES as readonly string[]).includes(type)) return fail('双向回呼方式type不正确');
  const company = p.company(companyId)!;
  if (type === 'click' && !company.clickApproved) return fail('点击拨号未审核通过');
  const callnum = text(body, 'callnum');
  if (callnum !== undefined && callnum !== '' && !company.callnums.includes(callnum)) return fail('外显号码未分配');
  const record: CallbackRecord = {
    callId: p.newCallId(),
    type,
    displayCaller: callnum || company.callnums[0] || '',
    telA: caller,
    telB: called,
    userData: text(body, 'userData') ?? '',
    state: 'callingA',
    aCallTime: Date.now(),
  };
  records.push(record);
  const end = (code: number, direction: 1 | 2): void => {
    if (record.state === 'ended') return;
    record.state = 'ended';
    record.hangupTime = Date.now();
    record.hangupGcode = code;
    record.hangupGname = causeText(code);
    record.hangupDirection = direction;
  };
  let b: OutsideLeg | null = null;
  const a = p.ringOutside(caller, {
    onAnswer: () => {
      record.aAnswerTime = Date.now();
      record.state = 'callingB';
      record.bCallTime = Date.now();
      b = p.ringOutside(called, {
        onAnswer: () => {
          record.bAnswerTime = Date.now();
          record.state = 'talking';
        },
        onFail: () => {
          a.cancel();
          end(1903, 2);
        },
        onHangup: () => {
          a.cancel();
          end(CAUSE.NORMAL, 2);
        },
      });
    },
    onFail: () => end(1902, 1),
    onHangup: () => {
      b?.cancel();
      end(CAUSE.NORMAL, 1);
    },
  });
  return { msg: 'success', code: OPEN_CODE.ok, data: { callId: record.callId } };
}
