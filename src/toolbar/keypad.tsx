/**
 * The twelve phone keys (KeyGrid: the dial pad types them into its field) and the keypad of a
 * call (DtmfKeypad, behind 按键 in the call card): each press goes to the other side at once as a
 * DTMF tone — an agent steering a phone menu presses 1, waits, presses #, with no 发送 between —
 * and the keys sent so far are echoed above the keys (call.digits, as the phone reports them).
 * Digits, * and # typed on the keyboard while it is open are sent too, unless the focus is in a
 * text field (the transfer number, the dial pad's next number): there they are text. A key typed
 * counts only on a control the agent focused (input-guard.ts refuses the others): a page that
 * focuses this frame must not turn what the agent types into tones the caller hears.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Call } from '../shared/call-state.ts';
import { t } from '../shared/i18n.ts';
import { digitsEcho, isTextField, KeySender, PAD_KEYS, type PadKey, padKeyLabel, padKeyOf } from '../shared/keypad.ts';
import { send } from '../shared/messaging.ts';
import { isAgentInput, type Runner, trusted } from './actions.ts';

/** How long a key typed on the keyboard lights up on the keypad. */
const LIT_MS = 160;

export interface KeyGridProps {
  /** The group's name for screen readers (拨号键盘, 通话按键). */
  label: string;
  /** Test ids are `${testid}-1` … `${testid}-star`, `${testid}-hash`. */
  testid: string;
  disabled?: boolean;
  /** A key to show pressed for a moment (typed on the keyboard). */
  lit?: PadKey | null;
  onKey: (key: PadKey) => void;
}

export function KeyGrid({ label, testid, disabled = false, lit = null, onKey }: KeyGridProps) {
  return (
    <div class="keys" role="group" aria-label={label}>
      {PAD_KEYS.map((k) => (
        <button
          key={k.id}
          type="button"
          class={`key${lit === k.key ? ' lit' : ''}`}
          aria-label={padKeyLabel(k.key)}
          disabled={disabled}
          data-testid={`${testid}-${k.id}`}
          onClick={trusted(() => onKey(k.key))}
        >
          {k.key}
        </button>
      ))}
    </div>
  );
}

export function DtmfKeypad({ id, call, runner }: { id: string; call: Call; runner: Runner }) {
  const { run } = runner;
  // One sender for as long as the keypad is open: presses stay in order across re-renders.
  const sender = useMemo(() => new KeySender((digits) => run('dtmf', () => send('call/dtmf', { digits }))), [run]);
  const [lit, setLit] = useState<PadKey | null>(null);

  useEffect(() => {
    if (!lit) return;
    const timer = setTimeout(() => setLit(null), LIT_MS);
    return () => clearTimeout(timer);
  }, [lit]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isAgentInput(event) || event.defaultPrevented) return;
      const key = padKeyOf(event);
      if (!key) return;
      // On one of the toolbar's controls (the guard checked the agent put the focus there) — not
      // in a field, and not on the bare page: focus there may be a page's focus() on the frame.
      const focused = document.activeElement as HTMLElement | null;
      if (!focused || focused === document.body || isTextField(focused)) return;
      event.preventDefault();
      setLit(key);
      sender.press(key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sender]);

  const echo = digitsEcho(call.digits);
  return (
    // Focusable: a click anywhere on it (between the keys, on the echo) puts the focus where typed keys count.
    <div class="dtmf" id={id} tabIndex={-1} data-keypad data-testid="toolbar-dtmf">
      <div class="dtmf-echo" aria-live="polite" data-testid="toolbar-dtmf-echo" data-digits={call.digits ?? ''} title={call.digits || undefined}>
        {echo ? (
          <>
            <span class="dtmf-label">{t('dtmfSentLabel')}</span>
            <span class="digits">
              <span>{echo}</span>
            </span>
          </>
        ) : (
          <span class="dtmf-label">{t('dtmfHint')}</span>
        )}
      </div>
      <KeyGrid label={t('dtmfKeys')} testid="toolbar-dtmf-key" lit={lit} onKey={(key) => sender.press(key)} />
    </div>
  );
}
