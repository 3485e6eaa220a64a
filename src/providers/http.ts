import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';
import { cannotConnect } from './error-text.ts';

/**
 * HTTP for providers: one timeout, one set of readable transport errors, for every vendor.
 *
 * - `exchange()`: one request; only transport trouble throws (unreachable, timeout, cancelled) —
 *   the status and the body are the caller's to judge (dscom needs the 401, 八百呼 its codes).
 * - `requestJson()`: a JSON POST/GET whose non-JSON error pages are refusals (the softphone bar).
 *
 * Error details never carry the query string: some vendors put credentials there (八百呼's
 * client login carries the password's MD5).
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_TIMEOUT_MS = 5000;

export interface HttpReply {
  status: number;
  text: string;
}

export interface ExchangeOptions {
  /** Injected in tests; the global fetch otherwise. */
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What the agent reads when the far end cannot be reached / does not answer in time. */
  unreachable: string;
  timeout: string;
  /** The largest body read (MAX_REPLY_BYTES). */
  maxBytes?: number;
}

export async function exchange(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }, options: ExchangeOptions): Promise<HttpReply> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fail = (error: unknown): CallbarError => {
    if (options.signal?.aborted) return new CallbarError('internal', t('requestCancelled'), withoutQuery(url));
    // fetch rejects with the timeout signal's reason, a DOMException named TimeoutError.
    if (timeout.aborted || (error as Error)?.name === 'TimeoutError') return new CallbarError('timeout', options.timeout, withoutQuery(url));
    return new CallbarError('unreachable', options.unreachable, `${withoutQuery(url)}: ${(error as Error)?.message ?? String(error)}`);
  };
  const fetchImpl = options.fetch ?? ((u: string, i: RequestInit) => globalThis.fetch(u, i));
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    throw fail(error);
  }
  let text: string;
  try {
    text = await readCapped(response, options.maxBytes ?? MAX_REPLY_BYTES);
  } catch (error) {
    if (error instanceof CallbarError) throw error;
    throw fail(error);
  }
  return { status: response.status, text };
}

/** The largest reply body read (vendor replies are a few kB; a team list tens of kB). */
export const MAX_REPLY_BYTES = 1_048_576;

/** The body as text, refused past `max` bytes without reading the rest (a runaway or hostile server). */
async function readCapped(response: Response, max: number): Promise<string> {
  const tooBig = () => new CallbarError('malformed-reply', t('httpReplyTooBig', String(Math.round(max / 1024))), `${response.url ? withoutQuery(response.url) : ''} > ${max} bytes`);
  const declared = Number(response.headers?.get?.('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * A vendor value for an error's detail: its JSON, capped. Never throws — JSON nested thousands deep
 * overflows the stack in JSON.stringify, a getter may throw — so the agent reads our error, not a RangeError.
 */
export function preview(value: unknown, max = 200): string {
  try {
    const json = JSON.stringify(value);
    return (json === undefined ? String(value) : json).slice(0, max);
  } catch {
    return `(${Array.isArray(value) ? 'array' : typeof value}, unreadable)`;
  }
}

/**
 * A vendor value as a number: numbers as they are, strings read as numbers, anything else NaN —
 * never `Number(object)`, which calls the object's toString and throws when it is not a function.
 */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return Number.NaN;
}

export function withoutQuery(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}

/** `what` names the far end in the agent's words ("本机电话条 127.0.0.1:8008"). */
export interface RequestOptions {
  what: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Injected in tests (the fault suite's FaultyFetch); the global fetch otherwise. */
  fetch?: FetchLike;
}

export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: RequestOptions): Promise<unknown> {
  const { status, text } = await exchange(
    url,
    {
      method: init.method,
      headers: { ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    },
    {
      unreachable: cannotConnect(options.what),
      timeout: t('httpNoTimelyReply', options.what),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  );
  if ((status < 200 || status >= 300) && !text.trim().startsWith('{')) {
    throw new CallbarError('refused', t('httpRefused', options.what, String(status)), `${withoutQuery(url)}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CallbarError('malformed-reply', t('httpUnparsable', options.what), `${withoutQuery(url)}: ${text.slice(0, 200)}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
