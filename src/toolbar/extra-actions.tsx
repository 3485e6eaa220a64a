/**
 * The provider's own actions (park, pickup, 咨询转 …) offered in the current call state. One
 * that needs a number (an extension to pick up, a parked caller) opens a small field first;
 * Enter or the button sends it, Esc closes it. An input that names several kinds of target shows
 * them as a choice above the field, and the platform's listed choices (idle agents, skill groups)
 * as buttons that fill it. Only trusted input runs anything.
 */
import { useState } from 'preact/hooks';
import { send } from '../shared/messaging.ts';
import type { ExtraAction } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';
import { useExtraInput } from '../shared/use-extra-input.ts';
import { type Runner, trusted } from './actions.ts';
import { isAgentInput } from './actions.ts';

export function ExtraActions({ id, actions, runner }: { id?: string; actions: readonly ExtraAction[]; runner: Runner }) {
  const [open, setOpen] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const asking = actions.find((a) => a.id === open && a.input) ?? null;
  const extra = useExtraInput(asking);
  if (!actions.length) return null;

  const runAction = async (action: ExtraAction, input?: string) => {
    const kind = action.input?.kinds ? extra.kind : undefined;
    const ok = await runner.run(`extra:${action.id}`, () => send('call/extra', { actionId: action.id, ...(input ? { input } : {}), ...(kind ? { kind } : {}) }));
    if (ok) {
      setOpen(null);
      setValue('');
    }
  };
  const submit = () => {
    if (asking && value.trim() && !runner.isPending(`extra:${asking.id}`)) void runAction(asking, value.trim());
  };

  return (
    <div class="extras" id={id} data-testid="toolbar-extras">
      <div class="actions">
        {actions.map((a) => (
          <button
            key={a.id}
            type="button"
            aria-expanded={a.input ? open === a.id : undefined}
            disabled={runner.isPending(`extra:${a.id}`)}
            data-testid={`toolbar-extra-${a.id}`}
            onClick={trusted(() => {
              if (!a.input) void runAction(a);
              else setOpen(open === a.id ? null : a.id);
            })}
          >
            {a.label}
          </button>
        ))}
      </div>
      {asking?.input?.kinds && (
        <div class="kinds" role="radiogroup" aria-label={asking.input.label} data-testid="toolbar-extra-kinds">
          {asking.input.kinds.map((k) => (
            <button
              key={k.id}
              type="button"
              role="radio"
              aria-checked={extra.kind === k.id}
              data-testid={`toolbar-extra-kind-${k.id}`}
              onClick={trusted(() => extra.setKind(k.id))}
            >
              {k.label}
            </button>
          ))}
        </div>
      )}
      {asking?.input && (
        <div class="field-row">
          <input
            type="text"
            inputMode={asking.input.free ? 'text' : 'tel'}
            autocomplete="off"
            spellcheck={false}
            maxLength={asking.input.free ? 64 : 40}
            placeholder={extra.placeholder}
            aria-label={asking.input.label}
            value={value}
            data-testid="toolbar-extra-input"
            onInput={(event) => {
              const input = event.currentTarget as HTMLInputElement;
              if (event.isTrusted) setValue(input.value);
              else input.value = value; // page scripts do not fill our fields
            }}
            onKeyDown={(event) => {
              if (!isAgentInput(event) || event.isComposing) return;
              if (event.key === 'Enter') submit();
              if (event.key === 'Escape') setOpen(null);
            }}
          />
          <button type="button" class="primary" disabled={!value.trim()} data-testid="toolbar-extra-submit" onClick={trusted(submit)}>
            {asking.label}
          </button>
        </div>
      )}
      {asking?.input && extra.listed && (
        <div class="choices" data-testid="toolbar-extra-choices" aria-busy={extra.loading}>
          {extra.loading && <span class="muted">{t('extraOptionsLoading')}</span>}
          {!extra.loading && extra.optionsError && <span class="muted" data-testid="toolbar-extra-choices-error">{extra.optionsError}</span>}
          {!extra.loading && !extra.optionsError && extra.options.length === 0 && <span class="muted">{t('extraOptionsNone')}</span>}
          {extra.options.map((o) => (
            <button
              key={o.value}
              type="button"
              class={value === o.value ? 'chosen' : undefined}
              data-testid="toolbar-extra-choice"
              data-value={o.value}
              onClick={trusted(() => setValue(o.value))}
            >
              {o.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
