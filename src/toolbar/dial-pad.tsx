/**
 * The dial pad: a number field (pasted text is cleaned with the dial plan; the line under
 * it says exactly what will be dialled, or why it cannot be), digit keys that append to
 * the field, and 外呼. Only the agent's trusted clicks and Enter dial; the number dialled
 * is the one kept here, never read back from the (page-reachable) field.
 */
import { useEffect, useRef } from 'preact/hooks';
import { send } from '../shared/messaging.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import { type Run, trusted } from './actions.ts';
import { isAgentInput } from './actions.ts';
import { checkDialInput, cleanPastedText, MAX_FIELD_CHARS } from './dial-input.ts';
import { BackspaceIcon } from './icons.tsx';
import { KeyGrid } from './keypad.tsx';
import { t } from '../shared/i18n.ts';

export interface DialPadProps {
  /** The element id (the dial pad toggle controls it). */
  id?: string;
  plan: DialPlan;
  text: string;
  onText: (text: string) => void;
  /** An error to show instead of the live check (e.g. 外呼 on an empty field). */
  attemptError: string | null;
  onAttemptError: (error: string | null) => void;
  /** A call is up: the field can be filled (next number), not dialled; the keys are hidden. */
  inCall: boolean;
  /** A dial request is on its way. */
  dialing: boolean;
  run: Run;
}

export function DialPad({ id, plan, text, onText, attemptError, onAttemptError, inCall, dialing, run }: DialPadProps) {
  const input = useRef<HTMLInputElement>(null);
  const check = checkDialInput(text, plan);
  const canDial = !inCall && !dialing;
  // Opened by the agent's click on the toggle: the cursor goes where they will type.
  useEffect(() => input.current?.focus(), []);

  const setText = (next: string) => {
    onAttemptError(null);
    onText(next.slice(0, MAX_FIELD_CHARS));
  };

  const dial = async () => {
    if (!canDial) return;
    const result = checkDialInput(text, plan) ?? { ok: false as const, error: t('dialPadEnterNumber') };
    if (!result.ok) {
      onAttemptError(result.error);
      input.current?.focus();
      return;
    }
    if (await run('dial', () => send('call/dial', { number: result.dial }))) onText('');
  };

  let hint;
  if (attemptError) {
    hint = (
      <span class="err" data-testid="toolbar-dial-error">
        {attemptError}
      </span>
    );
  } else if (!check) {
    hint = <span class="muted">{inCall ? t('dialPadHintInCall') : t('dialPadHint')}</span>;
  } else if (!check.ok) {
    hint = (
      <span class="err" data-testid="toolbar-dial-error">
        {check.error}
      </span>
    );
  } else {
    hint = (
      <span data-testid="toolbar-dial-preview">
        {`${inCall ? t('dialPadAfterHangup') : t('dialPadWillDial')} `}
        <b class="dial-string">{check.dial}</b>
      </span>
    );
  }

  return (
    <div class="dial" id={id} data-testid="toolbar-dialpad">
      <div class="field-row">
        <input
          ref={input}
          id="callbar-dial-input"
          type="text"
          inputMode="tel"
          autocomplete="off"
          spellcheck={false}
          placeholder={t('dialPadPlaceholder')}
          aria-label={t('dialPadInputLabel')}
          aria-describedby="callbar-dial-hint"
          aria-invalid={!!attemptError || check?.ok === false}
          value={text}
          data-testid="toolbar-dial-input"
          onInput={(event) => {
            const field = event.currentTarget as HTMLInputElement;
            if (event.isTrusted) setText(field.value);
            else field.value = text; // page scripts do not fill our fields
          }}
          onPaste={(event: ClipboardEvent) => {
            if (!event.isTrusted) return;
            const pasted = event.clipboardData?.getData('text/plain');
            if (pasted === undefined) return;
            event.preventDefault();
            const field = event.currentTarget as HTMLInputElement;
            const start = field.selectionStart ?? text.length;
            const end = field.selectionEnd ?? text.length;
            setText(cleanPastedText(text.slice(0, start) + pasted + text.slice(end), plan));
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && isAgentInput(event) && !event.isComposing) {
              event.preventDefault();
              void dial();
            }
          }}
        />
        {text && (
          <button
            type="button"
            class="icon back"
            title={t('dialPadBackspace')}
            aria-label={t('dialPadBackspace')}
            data-testid="toolbar-key-back"
            onClick={trusted(() => setText(text.slice(0, -1)))}
          >
            <BackspaceIcon />
          </button>
        )}
        <button
          type="button"
          class="primary"
          disabled={!canDial}
          aria-busy={dialing}
          title={inCall ? t('dialPadBusyTitle') : undefined}
          data-testid="toolbar-dial"
          onClick={trusted(() => void dial())}
        >
          {t('callDial')}
        </button>
      </div>
      <div class="hint" id="callbar-dial-hint" aria-live="polite">
        {hint}
      </div>
      {!inCall && <KeyGrid label={t('dialPadKeys')} testid="toolbar-key" disabled={dialing} onKey={(key) => setText(text + key)} />}
    </div>
  );
}
