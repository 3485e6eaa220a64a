import { CallbarError } from '../../shared/errors.ts';
import { DEFAULT_TIMEOUT_MS, exchange, type FetchLike, isRecord, numberOf, preview } from '../http.ts';
import { httpErrorMessage, OAuthRejected, oauthReason, serverName, vendorError } from './dscom-errors.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { cannotConnect, noTimelyReply } from '../error-text.ts';

/**
 * dscom-api on the wire, over http.ts `exchange()` (not requestJson: the HTTP status matters here —
 * 401 means "get a new token and try once more", the token endpoint answers 400/401 with OAuth errors).
 *
 * - Token: `POST {base}/public/oauth/token` (JSON, client_id as a number).
 * - API: `{base}/api/v1/…` with Accept-Language zh-CN, JSON content type and accept, Bearer
 *   token. Success is HTTP 200 `{code: "200", msg, data, total}`; a vendor error is HTTP 200
 *   with a code from the document's table. GET endpoints the document shows with a JSON body
 *   (getAgentStatus, parkList) send their fields as query parameters (a browser cannot send a
 *   GET body).
 */
export type { FetchLike } from '../http.ts';

export interface HttpReply {
  status: number;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
  text: string;
}

export interface SendOptions {
  host: string;
  fetch?: FetchLike;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One JSON exchange (http.ts `exchange()`); only network trouble throws (unreachable, timeout, cancelled). */
export async function send(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: unknown }, options: SendOptions): Promise<HttpReply> {
  const { status, text } = await exchange(
    url,
    { method: init.method, headers: init.headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) },
    {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      unreachable: cannotConnect(serverName(options.host)),
      timeout: noTimelyReply(serverName(options.host)),
    },
  );
  let json: unknown;
  try {
    json = text.trim() ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status, json, text };
}

function hostOf(apiBase: string): string {
  return new URL(apiBase).host;
}

function snippet(reply: HttpReply): string {
  return reply.text.slice(0, 200);
}

// ── OAuth ─────────────────────────────────────────────────────────────────────────────────────

export interface TokenReply {
  accessToken: string;
  /** Empty when the server gives none: then the password grant is run again instead. */
  refreshToken: string;
  expiresIn: number;
}

export interface AuthConfig {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

/** Passport's default when a reply leaves it out (the document: 1800 s). */
export const DEFAULT_EXPIRES_IN = 1800;

export class DscomAuthApi {
  readonly host: string;

  constructor(private readonly config: AuthConfig) {
    this.host = hostOf(config.apiBase);
  }

  passwordGrant(signal?: AbortSignal): Promise<TokenReply> {
    return this.token(
      {
        grant_type: 'password',
        client_id: Number(this.config.clientId),
        client_secret: this.config.clientSecret,
        username: this.config.username,
        password: this.config.password,
        scope: '*',
      },
      signal,
    );
  }

  refreshGrant(refreshToken: string, signal?: AbortSignal): Promise<TokenReply> {
    return this.token(
      {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: Number(this.config.clientId),
        client_secret: this.config.clientSecret,
        scope: '*',
      },
      signal,
    );
  }

  private async token(body: Record<string, unknown>, signal?: AbortSignal): Promise<TokenReply> {
    const url = `${this.config.apiBase}/public/oauth/token`;
    const reply = await send(
      url,
      { method: 'POST', headers: { 'Accept-Language': 'zh-CN', 'Content-Type': 'application/json', Accept: 'application/json' }, body },
      { host: this.host, ...(this.config.fetch ? { fetch: this.config.fetch } : {}), timeoutMs: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(signal ? { signal } : {}) },
    );
    const json = isRecord(reply.json) ? reply.json : null;
    if (reply.status >= 200 && reply.status < 300 && json && typeof json.access_token === 'string' && json.access_token) {
      const expiresIn = numberOf(json.expires_in);
      return {
        accessToken: json.access_token,
        refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : '',
        expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN,
      };
    }
    if (json && typeof json.error === 'string') {
      const message = typeof json.message === 'string' ? json.message : typeof json.error_description === 'string' ? json.error_description : '';
      throw new OAuthRejected(json.error, reply.status, oauthReason(json.error, message, reply.status), `${url} HTTP ${reply.status}: ${snippet(reply)}`);
    }
    if (reply.status >= 200 && reply.status < 300) {
      throw new CallbarError('malformed-reply', t('dscomLoginReplyMalformed', serverName(this.host)), `${url}: ${snippet(reply)}`);
    }
    throw new CallbarError(reply.status === 401 ? 'auth' : 'refused', httpErrorMessage(reply.status, t('actionLogin'), this.host), `${url}: ${snippet(reply)}`);
  }
}

// ── The API ───────────────────────────────────────────────────────────────────────────────────

/** Where the client gets its Bearer token (dscom-token.ts). */
export interface TokenSource {
  /** A token that is not due for refresh (refreshing or logging in first if needed). */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** The server refused `rejected` (HTTP 401): a new one (single-flight). */
  renew(rejected: string, signal?: AbortSignal): Promise<string>;
}

export interface ClientConfig {
  apiBase: string;
  tokens: TokenSource;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** call/dial's own (longer) timeout; DIAL_TIMEOUT_MS when absent. */
  dialTimeoutMs?: number;
}

export interface RequestSpec {
  /** The agent's verb for this request (外呼, 挂断 …): error messages name it. */
  action: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One agent's entry in one queue (agent/getAgentStatus), every field as a string. */
export interface AgentStatusRow {
  queue: string;
  extension: string;
  agentid: string;
  /** "-1" … "10" (see STATUS_STATE_IDS). */
  status: string;
  statusDesc: string;
  /** "HH:MM:SS" */
  statusDuration: string;
  /** The other party of the current call. */
  current: string;
  linkedid: string;
  direction: string;
}

export interface EndpointStatus {
  endpoint: string;
  /** Asterisk device state: Not in use, In use, Ringing, Ring+Inuse, On Hold, Busy, Unavailable, Unknown. */
  state: string;
  channels: string;
}

export interface ParkedCall {
  number: string;
  space: string;
  /** Seconds parked, when the server says. */
  seconds?: number;
  /** The extension that parked it. */
  parkedBy: string;
}

export interface WaitingCall {
  callerid: string;
  queue: string;
  waitTime: string;
}

export type TransferType = 'blind' | 'attended';

/** cdr/list page size (the document's default). */
export const CDR_PAGE_SIZE = 1000;

/** Dial can take a while: the PBX rings the agent's own phone first. Other requests: 5 s. */
export const DIAL_TIMEOUT_MS = 15_000;

export class DscomClient {
  readonly host: string;

  constructor(private readonly config: ClientConfig) {
    this.host = hostOf(config.apiBase);
  }

  /** `data` (and `total`) of a successful reply; every failure is a CallbarError in words. */
  async request(method: 'GET' | 'POST', path: string, spec: RequestSpec): Promise<{ data: unknown; total: number }> {
    const query = spec.query ? new URLSearchParams(Object.entries(spec.query).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)])).toString() : '';
    const url = `${this.config.apiBase}/api/v1/${path}${query ? `?${query}` : ''}`;
    const exchange = async (token: string) =>
      send(
        url,
        {
          method,
          headers: { 'Accept-Language': 'zh-CN', 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
          ...(method === 'POST' ? { body: spec.body ?? {} } : {}),
        },
        {
          host: this.host,
          ...(this.config.fetch ? { fetch: this.config.fetch } : {}),
          timeoutMs: spec.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          ...(spec.signal ? { signal: spec.signal } : {}),
        },
      );
    let token = await this.config.tokens.accessToken(spec.signal);
    let reply = await exchange(token);
    if (reply.status === 401) {
      // The token was refused before anything ran: a new one, and one more try (a dial too).
      token = await this.config.tokens.renew(token, spec.signal);
      reply = await exchange(token);
      if (reply.status === 401) {
        throw new CallbarError('auth', httpErrorMessage(401, spec.action, this.host), `${method} ${url}: ${snippet(reply)}`);
      }
    }
    return this.unwrap(reply, method, path, spec.action);
  }

  private unwrap(reply: HttpReply, method: string, path: string, action: string): { data: unknown; total: number } {
    const json = isRecord(reply.json) ? reply.json : null;
    const code = json && (typeof json.code === 'string' || typeof json.code === 'number') ? String(json.code).trim() : null;
    const msg = json && typeof json.msg === 'string' ? json.msg : json && typeof json.message === 'string' ? json.message : '';
    if (code === '200') {
      const total = numberOf(json?.total);
      return { data: json?.data, total: Number.isFinite(total) ? total : 0 };
    }
    if (code !== null) throw vendorError(code, msg, action, `${method} ${path}`);
    if (reply.status >= 200 && reply.status < 300) {
      throw new CallbarError('malformed-reply', t('replyNotUnderstood', serverName(this.host), action), `${method} ${path}: ${snippet(reply)}`);
    }
    throw new CallbarError('refused', httpErrorMessage(reply.status, action, this.host, msg), `${method} ${path} HTTP ${reply.status}: ${snippet(reply)}`);
  }

  private async post(path: string, action: string, body: Record<string, unknown>, timeoutMs?: number): Promise<unknown> {
    return (await this.request('POST', path, { action, body, ...(timeoutMs ? { timeoutMs } : {}) })).data;
  }

  // ── Calls ──

  /** call/dial: the PBX rings `extension`, then `dest`. Resolves with the call's uniqueid ('' if none). */
  async dial(extension: string, dest: string, displaycid?: string): Promise<string> {
    const data = await this.post('call/dial', t('actionDial'), { extension, dest, ...(displaycid ? { displaycid } : {}) }, this.config.dialTimeoutMs ?? DIAL_TIMEOUT_MS);
    return isRecord(data) && (typeof data.uniqueid === 'string' || typeof data.uniqueid === 'number') ? String(data.uniqueid) : '';
  }

  async hangup(extension: string): Promise<void> {
    await this.post('call/hangup', t('actionHangup'), { extension });
  }

  async hold(extension: string): Promise<void> {
    await this.post('call/hold', t('callHold'), { extension });
  }

  async unhold(extension: string): Promise<void> {
    await this.post('call/unhold', t('dscomOpUnhold'), { extension });
  }

  async transfer(extension: string, type: TransferType, dest: string): Promise<void> {
    await this.post('call/transfer', type === 'blind' ? t('actionTransfer') : t('dscomActionAttendedTransfer'), { type, extension, dest });
  }

  async cancelAtxfer(extension: string): Promise<void> {
    await this.post('call/cancelAtxfer', t('dscomActionCancelAtxfer'), { extension });
  }

  async park(extension: string): Promise<void> {
    await this.post('call/park', t('dscomActionPark'), { extension });
  }

  async unpark(extension: string, dest: string): Promise<void> {
    await this.post('call/unpark', t('dscomActionUnpark'), { extension, dest });
  }

  async pickup(extension: string, dest: string): Promise<void> {
    await this.post('call/pickup', t('dscomActionPickup'), { extension, dest });
  }

  async redirect(extension: string, dest: string): Promise<void> {
    await this.post('call/redirect', t('dscomActionRedirect'), { extension, dest });
  }

  async supervise(kind: 'barge' | 'monitor' | 'whisper', extension: string, dest: string): Promise<void> {
    await this.post(`call/${kind}`, t(SUPERVISE_LABELS[kind]), { extension, dest });
  }

  /** call/parkList (GET, fields as query parameters): the calls `extension` parked. */
  async parkList(extension: string): Promise<ParkedCall[]> {
    const { data } = await this.request('GET', 'call/parkList', { action: t('dscomOpParkList'), query: { extension } });
    return listOf(data, t('dscomDataParkList'), this.host).map((row) => ({
      number: str(row.parkeeCallerIDNum) || str(row.parkeeCallerIDName),
      space: str(row.parkingSpace),
      ...(Number.isFinite(Number.parseInt(str(row.parkingDuration), 10)) ? { seconds: Number.parseInt(str(row.parkingDuration), 10) } : {}),
      parkedBy: str(row.parkeeConnectedLineNum) || str(row.parkerDialString).replace(/^[A-Za-z]+\//, ''),
    }));
  }

  // ── Agent ──

  async agentLogin(agentid: string, extension: string, queue: string, paused: number): Promise<void> {
    await this.post('agent/login', t('dscomOpSignIn', queue), { agentid, extension, queue, penalty: 0, paused });
  }

  async agentLogout(extension: string, queue: string): Promise<void> {
    await this.post('agent/logout', t('dscomOpSignOut', queue), { extension, queue });
  }

  async agentPause(extension: string, queue: string, paused: number, reason: string): Promise<void> {
    await this.post('agent/pause', t('dscomOpSetState'), { extension, paused, queue, reason });
  }

  /** agent/getAgentStatus (GET, fields as query parameters): this agent's entry in every queue it is in. */
  async agentStatus(agentid: string, extension: string, signal?: AbortSignal): Promise<AgentStatusRow[]> {
    const { data } = await this.request('GET', 'agent/getAgentStatus', { action: t('dscomOpAgentStatus'), query: { agentid, extension }, ...(signal ? { signal } : {}) });
    // PHP encodes an empty map as [].
    if (Array.isArray(data) && data.length === 0) return [];
    if (data === null || data === undefined) return [];
    if (!isRecord(data)) throw malformed(t('dscomDataAgentStatus'), this.host, data);
    const rows: AgentStatusRow[] = [];
    for (const [queue, members] of Object.entries(data)) {
      if (Array.isArray(members) && members.length === 0) continue;
      if (!isRecord(members)) throw malformed(t('dscomDataAgentStatus'), this.host, data);
      for (const [ext, entry] of Object.entries(members)) {
        if (!isRecord(entry)) throw malformed(t('dscomDataAgentStatus'), this.host, data);
        const row: AgentStatusRow = {
          queue: str(entry.queue) || queue,
          extension: str(entry.extension) || ext,
          agentid: str(entry.agentid),
          status: str(entry.status),
          statusDesc: str(entry.statusDesc),
          statusDuration: str(entry.statusDuration),
          current: str(entry.current),
          linkedid: str(entry.linkedid),
          direction: str(entry.direction),
        };
        if (row.extension === extension) rows.push(row);
      }
    }
    return rows;
  }

  // ── Status ──

  /** status/endpoint for one extension; null when the PBX does not know it. */
  async endpointStatus(extension: string, signal?: AbortSignal): Promise<EndpointStatus | null> {
    const { data } = await this.request('GET', 'status/endpoint', { action: t('dscomOpEndpointStatus'), query: { page: 1, pageSize: 10, endpoint: extension }, ...(signal ? { signal } : {}) });
    const rows = listOf(data, t('dscomDataEndpointStatus'), this.host);
    const row = rows.find((r) => str(r.endpoint) === extension) ?? (rows.length === 1 ? rows[0] : undefined);
    if (!row) return null;
    if (typeof row.state !== 'string') throw malformed(t('dscomDataEndpointStatus'), this.host, data);
    return { endpoint: str(row.endpoint), state: row.state, channels: str(row.channels) };
  }

  /**
   * cdr/list (计费对接, seed 004 lines 2452–2486): the CDR rows whose call started in [start, end) (PBX local
   * time "YYYY-MM-DD HH:MM:SS"), oldest first, `CDR_PAGE_SIZE` a page. Rows as the billing socket pushes them.
   */
  async cdrList(start: string, end: string, page: number, signal?: AbortSignal): Promise<{ rows: unknown[]; total: number }> {
    const { data, total } = await this.request('GET', 'cdr/list', {
      action: t('dscomOpCdrList'),
      query: { page, page_size: CDR_PAGE_SIZE, start_time: start, end_time: end, sort_by: 'id', order: 'asc' },
      ...(signal ? { signal } : {}),
    });
    return { rows: listOf(data, t('dscomDataCdrList'), this.host), total };
  }

  /** status/wait: callers waiting in a queue. */
  async waiting(queue: string): Promise<WaitingCall[]> {
    const { data } = await this.request('GET', 'status/wait', { action: t('dscomOpWaiting'), query: { page: 1, pageSize: 10, queue_num: queue } });
    return listOf(data, t('dscomDataQueueStatus'), this.host).map((row) => ({ callerid: str(row.callerid), queue: str(row.queue) || queue, waitTime: str(row.waitTime) }));
  }
}

const SUPERVISE_LABELS = { barge: 'dscomActionBarge', monitor: 'dscomActionMonitor', whisper: 'dscomActionWhisper' } as const satisfies Record<string, MessageKey>;

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function malformed(what: string, host: string, data: unknown): CallbarError {
  return new CallbarError('malformed-reply', t('dscomMalformed', serverName(host), what), preview(data));
}

/** A list reply: an array of objects (null / absent = empty). */
function listOf(data: unknown, what: string, host: string): Record<string, unknown>[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data) || !data.every(isRecord)) throw malformed(what, host, data);
  return data;
}
