/**
 * Phone keys, shared by the toolbar and the popup: the twelve keys (the toolbar's dial pad types
 * them into its field; during a call the keypad sends them to the other side as DTMF, each press
 * at once — an agent steering a phone menu has no 发送 to press), which keyboard presses stand
 * for a key, the echo of what was sent, and the sender that keeps presses in order. Pure.
 */
import { t } from './i18n.ts';

export const PAD_KEYS = [
  { key: '1', id: '1' },
  { key: '2', id: '2' },
  { key: '3', id: '3' },
  { key: '4', id: '4' },
  { key: '5', id: '5' },
  { key: '6', id: '6' },
  { key: '7', id: '7' },
  { key: '8', id: '8' },
  { key: '9', id: '9' },
  { key: '*', id: 'star' },
  { key: '0', id: '0' },
  { key: '#', id: 'hash' },
] as const;

export type PadKey = (typeof PAD_KEYS)[number]['key'];

/** What a screen reader says for a key (* and # by name). */
export function padKeyLabel(key: PadKey): string {
  if (key === '*') return t('dialPadStar');
  if (key === '#') return t('dialPadHash');
  return key;
}

const KEYS = new Set<string>(PAD_KEYS.map((k) => k.key));

/**
 * The key a keyboard press stands for: digits (top row or number pad), * and # (Shift+8, Shift+3
 * or the number pad). Not a press with Ctrl, Alt or Meta (shortcuts), a held key's repeats (one
 * press, one tone) or a press composing text (an IME). A–D exist in DTMF but no agent means them
 * when typing a letter.
 */
export function padKeyOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'repeat' | 'isComposing'>): PadKey | null {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || event.isComposing) return null;
  return KEYS.has(event.key) ? (event.key as PadKey) : null;
}

/** What the focused element is, as far as typed keys go. */
export interface FocusedElement {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
}

const NOT_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/**
 * Is the focus in a field where typed keys are text (a number being typed for a transfer, the dial
 * pad's next number, a search)? Then a digit is a digit of that text, never a tone to the caller.
 */
export function isTextField(el: FocusedElement | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !NOT_TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
}

/** How many of the last keys the echo shows (an IVR path, a card or order number). */
export const ECHO_KEYS = 20;

/**
 * The keys sent so far, as the keypad shows them: the last `max` (“…” in front when earlier
 * ones are left out); empty when none. Unspaced — the keypads space them with letter-spacing,
 * so 20 keys and 已按键： fit the toolbar's 280 px where "1 # 9" with spaces would not.
 */
export function digitsEcho(digits: string | undefined, max = ECHO_KEYS): string {
  const all = [...(digits ?? '')];
  const shown = all.slice(-max).join('');
  return all.length > max ? `…${shown}` : shown;
}

/** The most keys one request carries ('call/dtmf' takes 1–32, DTMF_PATTERN in softphone.ts). */
const MAX_BATCH = 32;

/**
 * Sends the agent's presses in order, one request at a time: presses made while a request is on
 * its way go together in the next one ("23" after "1"), so nothing overtakes and a fast typist
 * is not held up by round trips. When a request fails the presses waiting behind it are dropped —
 * sent after a failed one they would steer the phone menu somewhere the agent did not mean.
 * `send` resolves to whether the request went through (the caller shows its error).
 */
export class KeySender {
  private waiting = '';
  private busy = false;

  constructor(private readonly send: (digits: string) => Promise<boolean>) {}

  /** Keys not sent yet (waiting behind a request on its way). */
  get pending(): string {
    return this.waiting;
  }

  press(key: string): void {
    this.waiting += key;
    if (!this.busy) void this.flush();
  }

  private async flush(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting) {
        const digits = this.waiting.slice(0, MAX_BATCH);
        this.waiting = this.waiting.slice(MAX_BATCH);
        let ok = false;
        try {
          ok = await this.send(digits);
        } catch {
          ok = false;
        }
        if (!ok) this.waiting = '';
      }
    } finally {
      this.busy = false;
    }
  }
}
