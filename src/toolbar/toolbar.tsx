/**
 * The floating toolbar shown on enabled sites while the agent is logged in: header (drag
 * handle, state light, agent, collapse, hide), the agent state switch, the current call with
 * the actions the provider declares. Compact by default, so it covers as little of the CRM as
 * it can: the dial pad and the platform's idle actions open on demand (the two toggles beside
 * the state switch), a call's platform actions, transfer and keypad behind 更多 / 转接 / 按键 in
 * its card. While the browser phone finds the network bad, a warning takes the state switch's
 * place (the least needed row during a call: the toolbar does not grow) — or, where there is no
 * switch or the toolbar is collapsed, a row of its own. Every action needs the agent's own click
 * (or Enter) on a control that is visible and at rest (input-guard.ts). Collapsed it shows the
 * header only — and an incoming call's card, and the bad-network warning.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { inTalk, isActive } from '../shared/call-state.ts';
import { agentStateTimer, callTimer, extraActionsNow } from '../shared/format.ts';
import type { PublicState } from '../shared/session-state.ts';
import { useRunner } from './actions.ts';
import { AgentStates } from './agent-states.tsx';
import { CallCard } from './call-card.tsx';
import { ConfirmDial } from './confirm-dial.tsx';
import { DialPad } from './dial-pad.tsx';
import { ExtraActions } from './extra-actions.tsx';
import { Header } from './header.tsx';
import { KeypadIcon, MoreIcon } from './icons.tsx';
import { trusted } from './actions.ts';
import type { Mover } from './mover.ts';
import { NetworkWarning } from './quality.tsx';
import { usePoorWarning } from '../shared/use-poor-warning.ts';
import { t } from '../shared/i18n.ts';

export { TOOLBAR_CSS } from './styles.ts';

export interface ToolbarProps {
  state: PublicState;
  collapsed: boolean;
  mover: Mover;
  /** Why the agent's last click or key was ignored (covered, just moved …), for a moment. */
  refused?: string | null;
  onCollapse: (collapsed: boolean) => void;
  onHide: () => void;
}

const BODY_ID = 'callbar-toolbar-body';
/** A platform note (e.g. the parked calls) stays this long when there is no call. */
const NOTE_SHOWN_MS = 30_000;

export function Toolbar({ state, collapsed, mover, refused = null, onCollapse, onHide }: ToolbarProps) {
  const [now, setNow] = useState(Date.now());
  const [dialText, setDialText] = useState('');
  const [dialError, setDialError] = useState<string | null>(null);
  const [padOpen, setPadOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  const runner = useRunner();
  const call = state.call;
  const caps = state.capabilities;
  const active = isActive(call);
  // In a call whose keys go to the far end (DTMF), the call card's keypad is the one keypad shown.
  const showPad = !!caps?.dial && !(caps.dtmf && inTalk(call));

  // Call timer (twice a second) and agent-state timer (once a second) while logged in.
  const loggedIn = state.status === 'loggedIn';
  useEffect(() => {
    if (!loggedIn) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), active ? 500 : 1000);
    return () => clearInterval(timer);
  }, [call?.id, active, loggedIn]);

  // An error is about the situation it happened in: a new call state starts afresh.
  const { clearError } = runner;
  useEffect(() => clearError(), [call?.id, call?.state, clearError]);

  const showCall = !!call && (!collapsed || call.state === 'incoming');
  const states = caps?.agentStates ?? [];
  // Actions without a call (pickup, 驻留列表 …) sit above the dial pad; a call's are in its card.
  const idleExtras = call ? [] : extraActionsNow(state);
  const recentNote = state.note && (active || now - state.note.at < NOTE_SHOWN_MS) ? state.note : null;
  const poorNetwork = usePoorWarning(call, now);
  const toggles = (
    <>
      {idleExtras.length > 0 && (
        <Toggle open={moreOpen} label={t('toolbarMoreActions')} testid="toolbar-more-toggle" controls="callbar-toolbar-more" onToggle={setMoreOpen}>
          <MoreIcon />
        </Toggle>
      )}
      {showPad && (
        <Toggle open={padOpen} label={t('toolbarDialPadToggle')} testid="toolbar-dialpad-toggle" controls="callbar-toolbar-dialpad" onToggle={setPadOpen}>
          <KeypadIcon />
        </Toggle>
      )}
    </>
  );
  return (
    <div
      class={`bar${collapsed ? ' collapsed' : ''}`}
      data-testid="toolbar"
      data-collapsed={collapsed ? 'true' : 'false'}
      role="region"
      aria-label={t('extName')}
    >
      <Header
        state={state}
        collapsed={collapsed}
        miniCall={collapsed && call && active && !showCall ? { call, timer: callTimer(call, now) } : null}
        stateTimer={agentStateTimer(state, now)}
        mover={mover}
        bodyId={BODY_ID}
        // No agent states (八百呼): the toggles go in the header rather than a row of their own.
        tools={!collapsed && states.length === 0 ? toggles : null}
        onCollapse={onCollapse}
        onHide={onHide}
      />
      {state.pendingDial && <ConfirmDial pending={state.pendingDial} run={runner.run} />}
      <div class="body" id={BODY_ID}>
        {!collapsed && states.length > 0 && (
          <div class="controls">
            {poorNetwork ? <NetworkWarning /> : <AgentStates state={state} runner={runner} />}
            {toggles}
          </div>
        )}
        {poorNetwork && (collapsed || states.length === 0) && (
          <div class="warn-row">
            <NetworkWarning />
          </div>
        )}
        {showCall && call && <CallCard call={call} caps={caps} plan={state.dialPlan} now={now} dialing={state.dialing} masked={!!state.agent?.maskNumbers} runner={runner} />}
        {!collapsed && recentNote && (
          <div class="note" role="status" data-testid="toolbar-note">
            {recentNote.text}
          </div>
        )}
        {!collapsed && moreOpen && idleExtras.length > 0 && <ExtraActions id="callbar-toolbar-more" actions={idleExtras} runner={runner} />}
        {!collapsed && padOpen && showPad && (
          <DialPad
            id="callbar-toolbar-dialpad"
            plan={state.dialPlan}
            text={dialText}
            onText={setDialText}
            attemptError={dialError}
            onAttemptError={setDialError}
            inCall={active}
            dialing={state.dialing || runner.isPending('dial')}
            run={runner.run}
          />
        )}
      </div>
      {state.problem && (
        <div class="problem" role="alert" data-testid="toolbar-problem">
          {state.problem.message}
          {state.problem.hint && <div class="problem-hint">{state.problem.hint}</div>}
        </div>
      )}
      {refused && (
        <div class="problem" role="status" data-testid="toolbar-refused">
          {refused}
        </div>
      )}
      {runner.error && (
        <div class="problem" role="alert" data-testid="toolbar-error">
          {runner.error}
        </div>
      )}
    </div>
  );
}

/** A small icon button that opens or closes a part of the toolbar (dial pad, more actions). */
function Toggle(props: { open: boolean; label: string; testid: string; controls: string; onToggle: (open: boolean) => void; children: ComponentChildren }) {
  const { open, label, testid, controls, onToggle, children } = props;
  return (
    <button
      type="button"
      class="icon toggle"
      title={label}
      aria-label={label}
      aria-expanded={open}
      aria-controls={controls}
      data-testid={testid}
      onClick={trusted(() => onToggle(!open))}
    >
      {children}
    </button>
  );
}
