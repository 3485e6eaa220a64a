/**
 * What gets dialled: turning a detected number (or what the agent typed, pasted or selected) into
 * the digit string sent to the telephony provider, according to the provider's dial plan.
 * Rules and examples: docs/dialing.md, "Dial plan".
 */
import { findPhoneNumbers, type PhoneMatch } from './detect.ts';
import { messageTable, t } from '../i18n.ts';

export interface DialPlan {
  /** Prefix for an outside line, e.g. '9' or '0'; '' for none. */
  outsideLinePrefix: string;
  /** How international numbers are dialled: '+' keeps '+cc…', '00' turns it into '00cc…'. */
  internationalPrefix: '+' | '00';
  /** Extensions: 'drop' (dial the main number only) or 'dtmf' (append ',' + extension, the usual
   *  pause-then-DTMF convention). */
  extension: 'drop' | 'dtmf';
}

export const DEFAULT_DIAL_PLAN: DialPlan = { outsideLinePrefix: '', internationalPrefix: '00', extension: 'drop' };

/** The messages normalizeDialInput answers with (shown to the agent as they are). */
export const DIAL_INPUT_ERRORS = messageTable(
  {
    empty: 'dialPadEnterNumber',
    masked: 'dialNumberMasked',
    tooLongText: 'dialTextTooLong',
    tooLong: 'dialNumberTooLong',
  },
  {
    notANumber: (shown: string) => t('dialNotANumber', shown),
    invalid: (shown: string) => t('dialInvalidNumber', shown),
    several: (a: string, b: string) => t('dialSeveralNumbers', a, b),
  },
);

/** E.164 allows 15 digits; longer input is refused outright. */
const MAX_DIGITS = 15;
/** Longer than this is a paragraph, not something the agent meant to dial. */
const MAX_INPUT_CHARS = 200;

/** International number '+cc…' in the plan's notation. */
function international(e164: string, plan: DialPlan): string {
  return plan.internationalPrefix === '+' ? e164 : '00' + e164.slice(1);
}

/** The string to dial for a detected number, or null for a masked one (its digits are unknown). */
export function dialString(match: PhoneMatch, plan: DialPlan): string | null {
  if (match.masked) return null;
  const main = match.kind === 'international' ? international(match.number, plan) : match.number;
  const ext = match.extension && plan.extension === 'dtmf' ? ',' + match.extension : '';
  return plan.outsideLinePrefix + main + ext;
}

// Typed input that detection does not cover (it only finds numbers that cannot be anything else
// in running text), accepted because an agent typing it into the dial pad means it:
/** Separators people type inside numbers. */
const TYPED_SEPARATORS = /[\s\-\u2010-\u2015\uff0d().（）]/g;
/** Public short numbers, dialled through the outside line: emergency and carrier 11x/12x (110,
 *  120, 114), five-digit 1xxxx (10086, 10010, 12345, 12306, 11185), 95xxx and 96xxx(x). */
const PUBLIC_SHORT = /^(?:1[12]\d|1\d{4}|95\d{3}|96\d{3,4})$/;
/** Any other 3-6 digits: an internal extension of the call center's own PBX, dialled as is
 *  (no outside-line prefix). */
const EXTENSION = /^\d{3,6}$/;
/** A local landline without area code (7-8 digits, not starting 0/1): the trunk dials it in
 *  its own area, so it gets the outside-line prefix. */
const LOCAL = /^[2-9]\d{6,7}$/;
/** '00' + country code + number, typed instead of '+'. */
const INTL_00 = /^00[1-9]\d{6,13}$/;
/** A date typed or selected by mistake (2026-11-18, 2026/11/18, 2026年11月18日) is not a local number. */
const DATE = /^(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?$/;
/** Two or more hidden digits ('*72' is a feature code, not a mask). */
const HAS_MASK = /[*＊×]{2}|[xX]{3}/;
/** Anything but digits and '+' left after stripping separators: letters, words, '#'. */
const NOT_DIGITS = /[^\d+]/;

function shown(input: string): string {
  return input.length > 20 ? input.slice(0, 20) + '…' : input;
}

/** Agent-typed, pasted or selected text (dial pad, context menu): the number to dial, or a
 *  Chinese error message. */
export function normalizeDialInput(
  input: string,
  plan: DialPlan,
): { ok: true; dial: string; match: PhoneMatch | null } | { ok: false; error: string } {
  const text = input.trim();
  if (!text) return { ok: false, error: DIAL_INPUT_ERRORS.empty };
  if (text.length > MAX_INPUT_CHARS) return { ok: false, error: DIAL_INPUT_ERRORS.tooLongText };

  // 1. Whatever detection finds (selected CRM text, "+86 138 0013 8000", "010-6234 5678转808").
  const found = findPhoneNumbers(text, { limit: 8 });
  const first = found[0];
  if (first) {
    const other = found.find((m) => m.number !== first.number);
    if (other) return { ok: false, error: DIAL_INPUT_ERRORS.several(first.raw, other.raw) };
    const dial = dialString(first, plan);
    return dial === null ? { ok: false, error: DIAL_INPUT_ERRORS.masked } : { ok: true, dial, match: first };
  }

  // 2. What the agent typed on purpose, separators stripped: numbers written in ways running
  // text does not allow, '00' international, short numbers, local numbers, extensions.
  if (DATE.test(text)) return { ok: false, error: DIAL_INPUT_ERRORS.invalid(shown(text)) };
  let digits = text.replace(TYPED_SEPARATORS, '');
  if (HAS_MASK.test(digits) && /\d/.test(digits)) return { ok: false, error: DIAL_INPUT_ERRORS.masked };
  if (NOT_DIGITS.test(digits)) return { ok: false, error: DIAL_INPUT_ERRORS.notANumber(shown(text)) };
  let plus = false;
  if (digits.startsWith('+')) {
    plus = true;
    digits = digits.slice(1);
  }
  if (!/^\d+$/.test(digits)) return { ok: false, error: DIAL_INPUT_ERRORS.invalid(shown(text)) };
  if (digits.length > MAX_DIGITS + (digits.startsWith('00') ? 2 : 0)) {
    return { ok: false, error: DIAL_INPUT_ERRORS.tooLong };
  }
  // Separators detection does not take in running text ("138.0013.8000", "138  0013  8000"):
  // the compact digits may still be a number it knows.
  const compact = (plus ? '+' : '') + digits;
  const again = findPhoneNumbers(compact, { limit: 1 })[0];
  if (again && again.start === 0 && again.end === compact.length) {
    return { ok: true, dial: dialString(again, plan) ?? compact, match: null };
  }
  if (plus || digits.startsWith('00')) {
    if (plus) digits = '00' + digits;
    // +86 / 0086 numbers that detection did not accept are not valid Chinese numbers.
    if (!digits.startsWith('0086') && INTL_00.test(digits)) {
      return { ok: true, dial: plan.outsideLinePrefix + international('+' + digits.slice(2), plan), match: null };
    }
    return { ok: false, error: DIAL_INPUT_ERRORS.invalid(shown(text)) };
  }
  if (PUBLIC_SHORT.test(digits) || LOCAL.test(digits)) {
    return { ok: true, dial: plan.outsideLinePrefix + digits, match: null };
  }
  if (EXTENSION.test(digits)) return { ok: true, dial: digits, match: null };
  return { ok: false, error: DIAL_INPUT_ERRORS.invalid(shown(text)) };
}
