/** The agent state switch: exactly the states the provider declares, the current one pressed. */
import { send } from '../../shared/messaging.ts';
import type { AgentStateOption } from '../../shared/session-state.ts';
import { type Runner, trusted } from './actions.ts';
import { t } from '../../shared/i18n.ts';

export function AgentStates({ states, current, runner }: { states: readonly AgentStateOption[]; current: string | null; runner: Runner }) {
  const busy = runner.isPending('agent-state');
  return (
    <div class="states" role="group" aria-label={t('agentStateLabel')} data-testid="toolbar-agent-states">
      {states.map((s) => {
        const on = s.id === current;
        return (
          <button
            key={s.id}
            type="button"
            class={`seg ${s.kind}${on ? ' on' : ''}`}
            aria-pressed={on}
            disabled={busy}
            data-testid={`toolbar-agent-${s.id}`}
            onClick={trusted(() => {
              if (!on) void runner.run('agent-state', () => send('agent/set-state', { stateId: s.id }));
            })}
          >
            {s.label}
          </button>
        );
      })}
    </div>
  );
}
