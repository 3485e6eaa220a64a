/**
 * The ctc REST API (seed 423-530): `POST /{SoftVersion}/Accounts/{accountSid}/Applications/
 * {applicationSid}/ctc/Conversations[/{conversationSid}]`, Basic authorization (the formula of
 * the document's other REST APIs, seed 129-133), the path checks, each parameter's rule, our
 * statusCode table (rules.ts CTC_CODE) and the scripted faults. The conversation itself is ctc.ts.
 */
import type { CtcService } from './ctc.ts';
import type { AccountConfig } from './model.ts';
import {
  CTC_ACTIONS,
  CTC_CODE,
  CTC_MSG,
  PHONE_PATTERN,
  RULE,
  USER_DATA_MAX_BYTES,
  USER_DATA_PATTERN,
  type CtcAction,
} from './rules.ts';

export interface Fault {
  /** http500: HTTP 500; malformed: HTTP 200 with a body that is not JSON; slow: answered after delayMs; refuse: 30005 发起呼叫失败. */
  kind: 'http500' | 'malformed' | 'slow' | 'refuse';
  remaining: number;
  delayMs?: number;
}

export const FAULT_KINDS: readonly Fault['kind'][] = ['http500', 'malformed', 'slow', 'refuse'];

export interface RestContext {
  accounts: AccountConfig[];
  softVersion: string;
  ctc: CtcService;
  faults: Fault[];
}

export interface RestReply {
  status: number;
  /** null = the body as text (malformed fault). */
  body: Record<string, unknown> | string;
  /** The request body parsed, the raw text if it did not parse, undefined if empty. */
  request: unknown;
  fault?: Fault['kind'];
  delayMs?: number;
}

const PATH = /^\/([^/]+)\/Accounts\/([^/]+)\/Applications\/([^/]+)\/ctc\/Conversations(?:\/([^/]+))?\/?$/;

function result(statusCode: string, statusMsg: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, statusCode, statusMsg };
}

/** Whether a path is the ctc API's (anything else is 404). */
export function isCtcPath(path: string): boolean {
  return PATH.test(path);
}

export function handleRestRequest(ctx: RestContext, method: string, path: string, headers: Record<string, string | string[] | undefined>, rawBody: string): RestReply {
  const request = parseOrText(rawBody);
  const match = PATH.exec(path);
  if (match === null) return { status: 404, body: result(CTC_CODE.NOT_FOUND, CTC_MSG.NOT_FOUND), request };
  if (method !== 'POST') return { status: 405, body: result(CTC_CODE.METHOD, CTC_MSG.METHOD), request };
  const fault = takeFault(ctx.faults);
  if (fault?.kind === 'http500') return { status: 500, body: { message: 'Internal Server Error' }, request, fault: 'http500' };
  if (fault?.kind === 'malformed') return { status: 200, body: '<html><body>502 Bad Gateway</body></html>', request, fault: 'malformed' };
  const reply = (body: Record<string, unknown>): RestReply => ({
    status: 200,
    body,
    request,
    ...(fault === undefined ? {} : { fault: fault.kind }),
    ...(fault?.kind === 'slow' ? { delayMs: fault.delayMs ?? 5000 } : {}),
  });
  const [, version, accountSid, appSid, conversationSid] = match as unknown as [string, string, string, string, string | undefined];

  // 鉴权: "Basic " + Base64(AccountSid + ":" + AccountToken)
  const auth = headers.authorization;
  const m = typeof auth === 'string' ? /^Basic\s+(\S+)\s*$/i.exec(auth) : null;
  if (m === null) return reply(result(CTC_CODE.NO_AUTH, CTC_MSG.NO_AUTH));
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const account = colon < 0 ? undefined : ctx.accounts.find((a) => a.accountSid === decoded.slice(0, colon) && a.accountToken === decoded.slice(colon + 1));
  if (account === undefined) return reply(result(CTC_CODE.AUTH_FAILED, CTC_MSG.AUTH_FAILED));
  if (account.accountSid !== accountSid) return reply(result(CTC_CODE.ACCOUNT_MISMATCH, CTC_MSG.ACCOUNT_MISMATCH));
  if (version !== ctx.softVersion) return reply(result(CTC_CODE.BAD_VERSION, CTC_MSG.badVersion(version)));
  if (!account.applications.includes(appSid)) return reply(result(CTC_CODE.NO_APPLICATION, CTC_MSG.NO_APPLICATION));

  if (typeof request !== 'object' || request === null || Array.isArray(request)) return reply(result(CTC_CODE.NOT_JSON, CTC_MSG.NOT_JSON));
  const body = request as Record<string, unknown>;
  const action = body.action;
  if (action === undefined || action === null || action === '') return reply(result(CTC_CODE.BAD_ACTION, CTC_MSG.missingAction));
  if (typeof action !== 'string' || !(CTC_ACTIONS as readonly string[]).includes(action)) return reply(result(CTC_CODE.BAD_ACTION, CTC_MSG.badAction(String(action))));
  const onConversation = conversationSid !== undefined;
  if ((action === 'click2call') === onConversation) {
    return reply(result(CTC_CODE.BAD_ACTION, CTC_MSG.actionOnUrl(action, action === 'click2call' ? '…/ctc/Conversations' : '…/ctc/Conversations/{conversationSid}')));
  }
  const problem = validate(action as CtcAction, body);
  if (problem !== null) return reply(problem);
  if (fault?.kind === 'refuse') return reply(result(CTC_CODE.CALL_FAILED, CTC_MSG.CALL_FAILED));

  if (action === 'click2call') {
    const caller = body.caller as string;
    if (ctx.ctc.liveWith(account.accountSid, caller) !== undefined) return reply(result(CTC_CODE.CALLER_BUSY, CTC_MSG.CALLER_BUSY));
    const conv = ctx.ctc.click2call({
      accountSid: account.accountSid,
      appSid,
      softVersion: version,
      caller,
      callee: body.callee as string,
      ...optStr(body, 'callerCli'),
      ...optStr(body, 'calleeCli'),
      userData: (body.userData as string | undefined) ?? '',
      ...optStr(body, 'statusUrl'),
      ...optStr(body, 'cdrUrl'),
      record: (toInt(body.record) ?? 0) as 0 | 1 | 2,
      ...(present(body.maxDuration) ? { maxDuration: toInt(body.maxDuration)! } : {}),
      ...optStr(body, 'lastMinVoice'),
      params: body,
    });
    return reply(result(CTC_CODE.OK, CTC_MSG.OK, { conversationSid: conv.conversationSid }));
  }

  const conv = ctx.ctc.conversations.get(conversationSid!);
  if (conv === undefined || conv.accountSid !== account.accountSid || conv.appSid !== appSid) return reply(result(CTC_CODE.NO_CONVERSATION, CTC_MSG.NO_CONVERSATION));
  if (conv.state === 'ended') return reply(result(CTC_CODE.ENDED, CTC_MSG.ENDED));
  if (action === 'cancelCall') {
    ctx.ctc.cancel(conv);
    return reply(result(CTC_CODE.OK, CTC_MSG.OK));
  }
  // addCall: only on a bridged two-party conversation (seed 524)
  if (conv.state !== 'bridged') return reply(result(CTC_CODE.NOT_BRIDGED, CTC_MSG.NOT_BRIDGED));
  if (ctx.ctc.partyCount(conv) >= 3) return reply(result(CTC_CODE.THREE_PARTY, CTC_MSG.THREE_PARTY));
  ctx.ctc.addCall(conv, body.callee as string, body.calleeCli as string | undefined, present(body.timeout) ? toInt(body.timeout) : undefined);
  return reply(result(CTC_CODE.OK, CTC_MSG.OK));
}

/** The first rule the body breaks, as the reply, or null. */
function validate(action: CtcAction, body: Record<string, unknown>): Record<string, unknown> | null {
  const missing = (field: string) => result(CTC_CODE.MISSING, CTC_MSG.missing(field));
  const invalid = (field: string, rule: string) => result(CTC_CODE.INVALID, CTC_MSG.invalid(field, rule));
  if (action === 'cancelCall') return null;
  const phones = action === 'click2call' ? ['caller', 'callee'] : ['callee'];
  for (const field of phones) {
    if (!present(body[field])) return missing(field);
    if (typeof body[field] !== 'string' || !PHONE_PATTERN.test(body[field])) return invalid(field, RULE.PHONE);
  }
  for (const field of ['callerCli', 'calleeCli']) {
    if (present(body[field]) && (typeof body[field] !== 'string' || !PHONE_PATTERN.test(body[field]))) return invalid(field, RULE.PHONE);
  }
  for (const field of ['greetVoice', 'ringbackVoice', 'failVoice', 'calleeVoice', 'callerVoice', 'lastMinVoice']) {
    if (present(body[field]) && typeof body[field] !== 'string') return invalid(field, RULE.STRING);
  }
  if (present(body.ringbackMode) && toInt(body.ringbackMode) !== 0 && toInt(body.ringbackMode) !== 1) return invalid('ringbackMode', RULE.RINGBACK);
  if (action === 'addCall') {
    if (present(body.record) && ![0, 1, 2].includes(toInt(body.record) ?? -1) && typeof body.record !== 'boolean') return invalid('record', RULE.RECORD);
    if (present(body.timeout) && !((toInt(body.timeout) ?? 0) > 0)) return invalid('timeout', RULE.POSITIVE_INT);
    return null;
  }
  const userData = body.userData;
  if (present(userData)) {
    if (typeof userData !== 'string' || !USER_DATA_PATTERN.test(userData)) return invalid('userData', RULE.USER_DATA_CHARS);
    if (Buffer.byteLength(userData, 'utf8') > USER_DATA_MAX_BYTES) return invalid('userData', RULE.USER_DATA_LENGTH);
  }
  if (present(body.record) && ![0, 1, 2].includes(toInt(body.record) ?? -1)) return invalid('record', RULE.RECORD);
  if (present(body.maxDuration) && !((toInt(body.maxDuration) ?? 0) > 0)) return invalid('maxDuration', RULE.POSITIVE_INT);
  for (const field of ['statusUrl', 'cdrUrl']) {
    if (present(body[field]) && (typeof body[field] !== 'string' || !isHttpUrl(body[field]))) return invalid(field, RULE.URL);
  }
  return null;
}

/** Empty strings count as absent (maxDuration "默认值空", seed 463). */
function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function optStr(body: Record<string, unknown>, key: string): Record<string, string> {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? { [key]: value } : {};
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function takeFault(faults: Fault[]): Fault | undefined {
  const fault = faults[0];
  if (fault === undefined) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.shift();
  return fault;
}

function parseOrText(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw.slice(0, 2000);
  }
}
