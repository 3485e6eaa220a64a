/**
 * The popup: log in to a provider, switch agent state, see and control the call,
 * the page tools (pick a column, insert by selector, the site's rules) and the dial
 * plan. It draws only
 * what the active provider declares in its capabilities.
 */
import browser from 'webextension-polyfill';
import { agentStateLabel, stateLight } from '../shared/format.ts';
import { DialPlanForm } from './dial-plan-form.tsx';
import { LoginForm } from './login-form.tsx';
import { PageTools } from './page-tools.tsx';
import { RecentCalls } from './recent-calls.tsx';
import { ScreenPopForm } from './screen-pop-form.tsx';
import { Session } from './session-card.tsx';
import { TeamCard } from './team-card.tsx';
import { useSession } from './use-session.ts';
import { t } from '../shared/i18n.ts';

export function App() {
  const state = useSession();
  if (!state) return <main class="loading">{t('popupConnecting')}</main>;
  return (
    <main>
      <header>
        <span class={`light ${stateLight(state)}`} />
        <h1>{t('extName')}</h1>
        {/* Logged in, the state switch below says the agent state: the header does not repeat it. */}
        {!(state.status === 'loggedIn' && state.capabilities?.agentStates.length) && (
          <span class="muted" data-testid="popup-status">
            {agentStateLabel(state)}
          </span>
        )}
        <button class="small" data-testid="open-options" title={t('popupOptionsTitle')} onClick={() => void browser.runtime.openOptionsPage()}>
          {t('popupOptions')}
        </button>
      </header>
      {state.problem && (
        <div class="banner error" role="alert" data-testid="popup-problem">
          <b>{state.problem.message}</b>
          {state.problem.hint && <div>{state.problem.hint}</div>}
        </div>
      )}
      {state.status === 'loggedIn' ? <Session state={state} /> : <LoginForm state={state} />}
      <TeamCard state={state} />
      <RecentCalls state={state} />
      <PageTools />
      <DialPlanForm state={state} />
      <ScreenPopForm />
    </main>
  );
}

