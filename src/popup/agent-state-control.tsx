/**
 * The agent state control: the states the provider lets the agent choose (buttons for a few,
 * a list when there are pause reasons), the platform-set state (通话中, 整理 …) when that is
 * the current one, and its timer, said in words (已持续 00:12; 整理剩余 00:08 for after-call
 * work of known length). The state's name is shown once: by the pressed button or the list.
 */
import { AGENT_STATE_BUTTONS_MAX, agentStateTimer, selectableStates } from '../shared/format.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

export function AgentStateControl({ state, now, onChoose }: { state: PublicState; now: number; onChoose(id: string): void }) {
  const states = selectableStates(state);
  const current = state.capabilities?.agentStates.find((s) => s.id === state.agentState) ?? null;
  const platformState = current && current.selectable === false ? current : null;
  const timer = agentStateTimer(state, now);
  if (!state.capabilities?.agentStates.length) return null;
  return (
    <div class="agent-state" data-testid="agent-state" data-state={state.agentState ?? ''}>
      {states.length <= AGENT_STATE_BUTTONS_MAX ? (
        <div class="segmented" role="radiogroup" aria-label={t('agentStateLabel')}>
          {states.map((s) => (
            <button
              key={s.id}
              role="radio"
              aria-checked={state.agentState === s.id}
              class={state.agentState === s.id ? 'on' : ''}
              data-testid={`agent-state-${s.id}`}
              onClick={() => onChoose(s.id)}
            >
              {s.label}
            </button>
          ))}
        </div>
      ) : (
        <select
          aria-label={t('agentStateLabel')}
          data-testid="agent-state-select"
          value={platformState ? '' : (state.agentState ?? '')}
          onChange={(e) => {
            const id = (e.target as HTMLSelectElement).value;
            if (id && id !== state.agentState) onChoose(id);
          }}
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
      <div class="row small">
        {platformState && states.length <= AGENT_STATE_BUTTONS_MAX ? (
          <span class="strong" data-testid="agent-state-platform">
            {platformState.label}
          </span>
        ) : (
          <span />
        )}
        {timer && (
          <span class={timer.countdown ? 'countdown' : 'muted'} data-testid="agent-state-timer" title={timer.countdown ? t('agentStateCountdown') : t('agentStateElapsed')}>
            {timer.countdown ? t('agentStateLeft', timer.text) : t('agentStateFor', timer.text)}
          </span>
        )}
      </div>
    </div>
  );
}
