/** Time and JSON formatting the way the PBX (PHP, Asterisk) prints them. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS`, local time (CDR times, query filters). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Parses `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DD`) as local time; null when malformed. */
export function parseDateTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  return Number.isNaN(date.getTime()) ? null : date.getTime();
}

/** `YYYYMMDD` and `YYYYMMDD-HHMMSS`, for recording paths. */
export function recordingStamp(ms: number): { day: string; time: string } {
  const d = new Date(ms);
  const day = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
  return { day, time: `${day}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}` };
}

/** Whole seconds between two instants (Asterisk truncates). */
export function secondsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / 1000));
}

/** `HH:MM:SS` (statusDuration, dsStatusDuration). */
export function formatHms(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${pad(h)}:${pad(m)}:${pad(seconds % 60)}`;
}

/** `M:SS` (status/wait waitTime, e.g. "0:12"). */
export function formatWait(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
}

/**
 * JSON the way PHP's json_encode writes it by default (Laravel responses, the billing push):
 * non-ASCII as \uXXXX and "/" as "\/". Parsers read it the same as plain JSON.stringify.
 */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
