/**
 * Building blocks for providers' settings schemas (`<id>-info.ts`): the same rule gets the same
 * treatment in every provider. Values may come from a typed form, a settings file or enterprise
 * policy, so booleans and numbers may arrive as text.
 */
import { z } from 'zod';
import { type MessageKey, t } from '../shared/i18n.ts';
import { message } from './info-text.ts';

/** A required text field, trimmed; `missing` is the message for an empty or absent one. */
export const requiredText = (missing: MessageKey) => z.string(message(missing)).trim().min(1, message(missing));

/** true / false, and what a text field or a policy string makes of them (empty = false). */
export function toBoolean(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'on', 'yes'].includes(v)) return true;
    if (['false', '0', 'off', 'no', ''].includes(v)) return false;
  }
  return value;
}

/** An optional text field, trimmed, '' when absent; `invalid` is the message for a value that is not text. */
export const optionalText = (invalid: MessageKey) => z.string(message(invalid)).trim().default('');

/** ws(s)://host[:port][/path][?query], trailing slashes dropped; null for anything else (credentials, a fragment, no host). */
export function parseSocketUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
    if (url.username || url.password || url.hash || !url.hostname) return null;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return null;
  }
}

/** An optional address field: '' stays '', anything else must `parse` (normalized) or gets `invalid`. */
export function urlField(invalid: MessageKey, parse: (value: string) => string | null) {
  return optionalText(invalid).transform((v, ctx) => {
    if (v === '') return '';
    const url = parse(v);
    if (url === null) {
      ctx.addIssue({ code: 'custom', message: t(invalid) });
      return z.NEVER;
    }
    return url;
  });
}
