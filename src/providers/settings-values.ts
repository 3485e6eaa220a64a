/**
 * Building blocks for providers' settings schemas (`<id>-info.ts`): the same rule gets the same
 * treatment in every provider. Values may come from a typed form, a settings file or enterprise
 * policy, so booleans and numbers may arrive as text.
 */
import { z } from 'zod';
import type { MessageKey } from '../shared/i18n.ts';
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
