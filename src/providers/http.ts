import { CallbarError } from '../shared/errors.ts';

/**
 * fetch for providers: one timeout, one set of readable errors. `what` names the far
 * end in the agent's words ("本机电话条 127.0.0.1:8008"), so every message says
 * which program failed.
 */
export interface RequestOptions {
  what: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: RequestOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (timeout.aborted) throw new CallbarError('timeout', `${options.what}响应超时`, url);
    if (options.signal?.aborted) throw new CallbarError('internal', '请求已取消', url);
    throw new CallbarError('unreachable', `无法连接${options.what}`, `${url}: ${(error as Error).message}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new CallbarError('unreachable', `与${options.what}的连接中断`, (error as Error).message);
  }
  if (!response.ok && !text.trim().startsWith('{')) {
    throw new CallbarError('refused', `${options.what}拒绝了请求（HTTP ${response.status}）`, `${url}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CallbarError('malformed-reply', `${options.what}返回了无法解析的数据`, `${url}: ${text.slice(0, 200)}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
