/**
 * HTTP faults for the fault suite: a fetch the providers are given (their `deps.fetch`) that, when told,
 * answers the next matching request badly — the way vendor servers and networks fail in a shift.
 *
 * - `unreachable`: the connection is refused; the server never sees the request.
 * - `error-500`: a proxy or a restarting server answers 500 with an HTML page; the server never acted.
 * - `timeout`: the server receives the request and acts on it, its reply is lost: the provider waits
 *   until its own timeout (the hardest case — did the dial go out?).
 * - `malformed`: the server acted; the reply arrives cut in half (not JSON any more).
 * - `duplicate`: the request reaches the server twice (a proxy's retry); the provider reads the second
 *   reply.
 *
 * Faults are queued (`inject`) and taken by the next requests whose URL matches; everything else goes
 * through untouched. `injected` counts what was done, for the report.
 */
import type { FetchLike } from '../../src/providers/http.ts';

export const HTTP_FAULTS = ['unreachable', 'error-500', 'timeout', 'malformed', 'duplicate'] as const;
export type HttpFault = (typeof HTTP_FAULTS)[number];

/** Which request a fault is for: its URL, HTTP method and (a string body) its body — 八百呼 names its API method in the form body. */
export type RequestMatch = (url: string, method: string, body?: string) => boolean;

interface Pending {
  fault: HttpFault;
  matches: RequestMatch;
}

export class FaultyFetch {
  private readonly pending: Pending[] = [];
  readonly injected: Record<HttpFault, number> = { unreachable: 0, 'error-500': 0, timeout: 0, malformed: 0, duplicate: 0 };
  /** Requests seen (all of them), for a failing seed's report. */
  requests = 0;

  constructor(private readonly real: FetchLike = (url, init) => globalThis.fetch(url, init)) {}

  /** The next request matching `matches` (every request when absent) meets `fault`. */
  inject(fault: HttpFault, matches: RequestMatch = () => true): void {
    this.pending.push({ fault, matches });
  }

  /** Faults not yet taken are dropped (the faults are over). */
  clear(): void {
    this.pending.length = 0;
  }

  get waiting(): number {
    return this.pending.length;
  }

  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  readonly fetch: FetchLike = async (url, init) => {
    this.requests++;
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? init.body : undefined;
    const at = this.pending.findIndex((p) => p.matches(url, method, body));
    if (at < 0) return this.real(url, init);
    const [{ fault }] = this.pending.splice(at, 1) as [Pending];
    this.injected[fault]++;
    switch (fault) {
      case 'unreachable':
        throw new TypeError('fetch failed (fault: connection refused)');
      case 'error-500':
        return new Response('<html><body><h1>500 Internal Server Error</h1></body></html>', { status: 500, headers: { 'Content-Type': 'text/html' } });
      case 'timeout': {
        const reply = await this.real(url, init);
        await reply.text().catch(() => undefined);
        return waitForAbort(init.signal);
      }
      case 'malformed': {
        const reply = await this.real(url, init);
        const text = await reply.text();
        return new Response(text.slice(0, Math.floor(text.length / 2)) || '{', { status: reply.status, headers: { 'Content-Type': 'application/json' } });
      }
      case 'duplicate': {
        const first = await this.real(url, init);
        await first.text().catch(() => undefined);
        return this.real(url, init);
      }
    }
  };
}

/** A reply that never comes: rejects with the signal's reason when the caller gives up (30 s at most). */
function waitForAbort(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    const give = () => reject(signal?.reason ?? new DOMException('The operation timed out.', 'TimeoutError'));
    if (signal?.aborted) return give();
    const timer = setTimeout(give, 30_000);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      give();
    }, { once: true });
  });
}
