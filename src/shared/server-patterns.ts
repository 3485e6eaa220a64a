/** The http(s) servers a provider's settings name (pure): the popup asks for their host access on 登录 and the background waits for it (host-access.ts). */
import type { SettingsFieldInfo as SettingsField } from './settings-file.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Match patterns for the http(s) servers named in `url` fields (loopback left out). */
export function serverPatterns(fields: readonly SettingsField[], settings: unknown): string[] {
  const values = (settings ?? {}) as Record<string, unknown>;
  const patterns = new Set<string>();
  for (const field of fields) {
    if (field.type !== 'url' || typeof values[field.key] !== 'string') continue;
    let url: URL;
    try {
      url = new URL(values[field.key] as string);
    } catch {
      continue;
    }
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !LOOPBACK.has(url.hostname)) patterns.add(`${url.protocol}//${url.hostname}/*`);
  }
  return [...patterns];
}
