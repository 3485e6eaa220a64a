/**
 * The keypad of a call in the popup (behind 按键, capabilities.dtmf): each press goes to the other
 * side at once as a DTMF tone — an agent steering a phone menu has no 发送 to press — and the keys
 * sent so far are echoed above the keys (call.digits, as the phone reports them). Digits, * and #
 * typed on the keyboard while it is open are sent too, unless the focus is in a text field (the
 * transfer number, the dial plan): there they are text.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Call } from '../shared/call-state.ts';
import { t } from '../shared/i18n.ts';
import { digitsEcho, isTextField, KeySender, PAD_KEYS, type PadKey, padKeyLabel, padKeyOf } from '../shared/keypad.ts';
import { send } from '../shared/messaging.ts';

/** How long a key typed on the keyboard lights up on the keypad. */
const LIT_MS = 160;

export function DtmfKeypad({ call, run }: { call: Call; run: (action: () => Promise<unknown>) => Promise<boolean> }) {
  // One sender for as long as the keypad is open: presses stay in order across re-renders.
  const sender = useMemo(() => new KeySender((digits) => run(() => send('call/dtmf', { digits }))), []);
  const [lit, setLit] = useState<PadKey | null>(null);

  useEffect(() => {
    if (!lit) return;
    const timer = setTimeout(() => setLit(null), LIT_MS);
    return () => clearTimeout(timer);
  }, [lit]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.isTrusted || event.defaultPrevented) return;
      const key = padKeyOf(event);
      if (!key || isTextField(document.activeElement as HTMLElement | null)) return;
      event.preventDefault();
      setLit(key);
      sender.press(key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sender]);

  const echo = digitsEcho(call.digits);
  return (
    <div class="dtmf" id="popup-call-keypad" data-testid="popup-dtmf">
      <div class="dtmf-echo small" aria-live="polite" data-testid="popup-dtmf-echo" data-digits={call.digits ?? ''} title={call.digits || undefined}>
        {echo ? (
          <>
            <span class="muted">{t('dtmfSentLabel')}</span>
            <span class="digits">{echo}</span>
          </>
        ) : (
          <span class="muted">{t('dtmfHint')}</span>
        )}
      </div>
      <div class="keys" role="group" aria-label={t('dtmfKeys')}>
        {PAD_KEYS.map((k) => (
          <button key={k.id} type="button" class={`key${lit === k.key ? ' lit' : ''}`} aria-label={padKeyLabel(k.key)} data-testid={`popup-dtmf-key-${k.id}`} onClick={() => sender.press(k.key)}>
            {k.key}
          </button>
        ))}
      </div>
    </div>
  );
}
