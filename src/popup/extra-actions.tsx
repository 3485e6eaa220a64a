/**
 * The provider's own actions offered in the current call state (no call: pickup, redirect,
 * 驻留列表 …), folded under 平台功能（N） so they do not outweigh dialing. An action that needs
 * a number opens a field first.
 */
import { useState } from 'preact/hooks';
import { send } from '../shared/messaging.ts';
import type { ExtraAction } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

export function ExtraActions({ actions, run }: { actions: readonly ExtraAction[]; run(action: () => Promise<unknown>): Promise<boolean> }) {
  const [open, setOpen] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const asking = actions.find((a) => a.id === open && a.input) ?? null;
  if (!actions.length) return null;
  const go = async (action: ExtraAction, input?: string) => {
    if (await run(() => send('call/extra', { actionId: action.id, ...(input ? { input } : {}) }))) {
      setOpen(null);
      setValue('');
    }
  };
  return (
    <details class="extras" data-testid="popup-extras">
      <summary class="small">{t('popupPlatformActions', String(actions.length))}</summary>
      <div class="actions">
        {actions.map((a) => (
          <button key={a.id} aria-expanded={a.input ? open === a.id : undefined} data-testid={`popup-extra-${a.id}`} onClick={() => (a.input ? setOpen(open === a.id ? null : a.id) : void go(a))}>
            {a.label}
          </button>
        ))}
      </div>
      {asking?.input && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) void go(asking, value.trim());
          }}
        >
          <input data-testid="popup-extra-input" aria-label={asking.input.label} placeholder={asking.input.placeholder ?? asking.input.label} value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          <button class="primary" type="submit" disabled={!value.trim()} data-testid="popup-extra-submit">
            {asking.label}
          </button>
          <button type="button" onClick={() => setOpen(null)}>
            {t('cancel')}
          </button>
        </form>
      )}
    </details>
  );
}
