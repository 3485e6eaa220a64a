/**
 * The provider's own actions (park, pickup, 咨询转 …) offered in the current call state. One
 * that needs a number (an extension to pick up, a parked caller) opens a small field first;
 * Enter or the button sends it, Esc closes it. Only trusted input runs anything.
 */
import { useState } from 'preact/hooks';
import { send } from '../shared/messaging.ts';
import type { ExtraAction } from '../shared/session-state.ts';
import { type Runner, trusted } from './actions.ts';
import { isAgentInput } from './actions.ts';

export function ExtraActions({ id, actions, runner }: { id?: string; actions: readonly ExtraAction[]; runner: Runner }) {
  const [open, setOpen] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const asking = actions.find((a) => a.id === open && a.input) ?? null;
  if (!actions.length) return null;

  const runAction = async (action: ExtraAction, input?: string) => {
    const ok = await runner.run(`extra:${action.id}`, () => send('call/extra', { actionId: action.id, ...(input ? { input } : {}) }));
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
      {asking?.input && (
        <div class="field-row">
          <input
            type="text"
            inputMode="tel"
            autocomplete="off"
            spellcheck={false}
            maxLength={40}
            placeholder={asking.input.placeholder ?? asking.input.label}
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
    </div>
  );
}
