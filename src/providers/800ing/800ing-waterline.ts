/**
 * Water-line bookkeeping (pure). 八百呼 stamps every stored message with a water line (a Long,
 * “服务器存储消息时间戳”); getLongWaterLine says the newest one, recvMsg returns the messages
 * strictly after the one it is given. CallBar keeps the last water line whose messages it has
 * applied in the provider cursor, written in the same storage write as those messages' events
 * (ctx.emit with `cursor`), so a service-worker restart neither loses nor repeats a message.
 *
 * Water lines are kept as decimal strings and compared as BigInt: a Long may not fit a double.
 */

/** A water line from the wire (number or digit string) as a canonical decimal string, or null. */
export function parseWaterLine(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string' && /^\s*\d{1,30}\s*$/.test(value)) return BigInt(value.trim()).toString();
  return null;
}

export function compareWaterLines(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function maxWaterLine(a: string, b: string): string {
  return compareWaterLines(a, b) >= 0 ? a : b;
}

/**
 * Put quotes around the numbers of `waterline` / `waterLine` keys in a JSON text, before
 * JSON.parse, so a Long keeps every digit.
 */
export function quoteWaterLines(text: string): string {
  return text.replace(/("water[lL]ine"\s*:\s*)(-?\d+)(?=\s*[,}\]])/g, '$1"$2"');
}

/** What a page of recvMsg gives: the messages not applied yet, oldest first, and the newest water line. */
export interface PageResult<T> {
  fresh: T[];
  /** The greatest water line in the page (null: no message had one). */
  newest: string | null;
}

/**
 * Keep the messages after `last` (a server that repeats one is not believed twice), sorted by
 * water line. Messages without a readable water line are kept, in the server's order, after
 * the others: they came in a reply to “after `last`”.
 */
export function freshMessages<T extends { waterLine: string | null }>(page: readonly T[], last: string): PageResult<T> {
  const lined = page.filter((m): m is T & { waterLine: string } => m.waterLine !== null);
  const fresh = lined.filter((m) => compareWaterLines(m.waterLine, last) > 0).sort((a, b) => compareWaterLines(a.waterLine, b.waterLine));
  const newest = lined.reduce<string | null>((max, m) => (max === null ? m.waterLine : maxWaterLine(max, m.waterLine)), null);
  return { fresh: [...fresh, ...page.filter((m) => m.waterLine === null)], newest };
}

/**
 * Where the cursor goes after one page. `server` is the water line getLongWaterLine reported
 * before the page was asked for. A page shorter than the limit is the end of the list: every
 * message up to `server` has been seen then, so the cursor may go to `server` even when the
 * messages under it were not for us (SMS, other client types). A full page only moves it to its
 * newest message: the next page starts there.
 */
export function advance(last: string, page: PageResult<unknown>, server: string, complete: boolean): string {
  const newest = page.newest !== null ? maxWaterLine(last, page.newest) : last;
  return complete ? maxWaterLine(newest, server) : newest;
}

/** The server's line said there is something newer than `last`. */
export function hasNews(server: string, last: string): boolean {
  return compareWaterLines(server, last) > 0;
}
