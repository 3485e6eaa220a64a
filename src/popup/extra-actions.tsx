/**
 * The provider's own actions offered in the current call state (no call: pickup, redirect,
 * 驻留列表 …), folded under 平台功能（N） so they do not outweigh dialing. An action that needs
 * a number opens a field first.
 */
import { useState } from 'preact/hooks';
import { send } from '../shared/messaging.ts';
import type { ExtraAction } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';
import { useExtraInput } from '../shared/use-extra-input.ts';

export function ExtraActions({ actions, run }: { actions: readonly ExtraAction[]; run(action: () => Promise<unknown>): Promise<boolean> }) {
  const [open, setOpen] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const asking = actions.find((a) => a.id === open && a.input) ?? null;
  const extra = useExtraInput(asking);
  if (!actions.length) return null;
  const go = async (action: ExtraAction, input?: string) => {
    const kind = action.input?.kinds ? extra.kind : undefined;
    if (await run(() => send('call/extra', { actionId: action.id, ...(input ? { input } : {}), ...(kind ? { kind } : {}) }))) {
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
      {asking?.input?.kinds && (
        <div class="kinds" role="radiogroup" aria-label={asking.input.label} data-testid="popup-extra-kinds">
          {asking.input.kinds.map((k) => (
            <button key={k.id} type="button" role="radio" aria-checked={extra.kind === k.id} data-testid={`popup-extra-kind-${k.id}`} onClick={() => extra.setKind(k.id)}>
              {k.label}
            </button>
          ))}
        </div>
      )}
      {asking?.input && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) void go(asking, value.trim());
          }}
        >
          <input
            data-testid="popup-extra-input"
            aria-label={asking.input.label}
            placeholder={extra.placeholder}
            maxLength={asking.input.free ? 64 : 40}
            value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          <button class="primary" type="submit" disabled={!value.trim()} data-testid="popup-extra-submit">
            {asking.label}
          </button>
          <button type="button" onClick={() => setOpen(null)}>
            {t('cancel')}
          </button>
        </form>
      )}
      {asking?.input && extra.listed && (
        <div class="choices" data-testid="popup-extra-choices" aria-busy={extra.loading}>
          {extra.loading && <span class="small">{t('extraOptionsLoading')}</span>}
          {!extra.loading && extra.optionsError && <span class="small">{extra.optionsError}</span>}
          {!extra.loading && !extra.optionsError && extra.options.length === 0 && <span class="small">{t('extraOptionsNone')}</span>}
          {extra.options.map((o) => (
            <button key={o.value} type="button" class={value === o.value ? 'chosen' : undefined} data-testid="popup-extra-choice" data-value={o.value} onClick={() => setValue(o.value)}>
              {o.label}
            </button>
          ))}
        </div>
      )}
    </details>
  );
}
