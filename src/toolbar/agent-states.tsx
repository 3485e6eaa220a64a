/**
 * The agent state switch: exactly the states the provider lets the agent choose — as buttons
 * when there are a few, as a list when the platform has pause reasons — with the current
 * state's timer (a countdown for after-call work of known length). States the platform sets
 * by itself (通话中, 整理 …) are shown, never offered.
 */
import { AGENT_STATE_BUTTONS_MAX, selectableStates } from '../shared/format.ts';
import { send } from '../shared/messaging.ts';
import type { PublicState } from '../shared/session-state.ts';
import { type Runner, trusted } from './actions.ts';
import { t } from '../shared/i18n.ts';

export function AgentStates({ state, runner }: { state: PublicState; runner: Runner }) {
  const busy = runner.isPending('agent-state');
  const states = selectableStates(state);
  const current = state.capabilities?.agentStates.find((s) => s.id === state.agentState) ?? null;
  const choose = (id: string) => void runner.run('agent-state', () => send('agent/set-state', { stateId: id }));
  const platformState = current && current.selectable === false ? current : null;

  return (
    <div class="states" role="group" aria-label={t('agentStateLabel')} data-testid="toolbar-agent-states">
      {states.length <= AGENT_STATE_BUTTONS_MAX ? (
        states.map((s) => {
          const on = s.id === state.agentState;
          return (
            <button
              key={s.id}
              type="button"
              class={`seg ${s.kind}${on ? ' on' : ''}`}
              aria-pressed={on}
              disabled={busy}
              data-testid={`toolbar-agent-${s.id}`}
              onClick={trusted(() => {
                if (!on) choose(s.id);
              })}
            >
              {s.label}
            </button>
          );
        })
      ) : (
        <select
          class={`state-select ${current?.kind ?? 'unknown'}`}
          aria-label={t('agentStateLabel')}
          disabled={busy}
          data-testid="toolbar-agent-select"
          value={platformState ? '' : (state.agentState ?? '')}
          onChange={trusted((event: Event) => {
            const id = (event.currentTarget as HTMLSelectElement).value;
            if (id && id !== state.agentState) choose(id);
          })}
        >
          {(platformState || !current) && (
            <option value="" disabled>
              {platformState?.label ?? t('agentStateUnknown')}
            </option>
          )}
          {states.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
