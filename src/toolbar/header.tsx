/**
 * The toolbar's header: state light, agent, agent state (or, collapsed during a call, the
 * call's state and timer), collapse and hide. It is the drag handle (trusted pointer
 * events, pointer capture, screen coordinates: the frame moves under the pointer); its grip
 * is focusable and arrow keys move the toolbar.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { Call } from '../shared/call-state.ts';
import { AGENT_STATE_BUTTONS_MAX, agentStateLabel, callStateLabel, extensionApart, selectableStates, stateLight } from '../shared/format.ts';
import type { PublicState } from '../shared/session-state.ts';
import { trusted } from './actions.ts';
import { ChevronIcon, ClockIcon, CloseIcon, GripIcon } from './icons.tsx';
import type { Mover } from './mover.ts';
import { arrowDelta, NUDGE_STEP } from '../shared/toolbar-prefs.ts';
import { t } from '../shared/i18n.ts';

export interface HeaderProps {
  state: PublicState;
  collapsed: boolean;
  /** Shown instead of the agent state while collapsed during a call. */
  miniCall: { call: Call; timer: string } | null;
  /** How long the agent has been in the current state (a countdown for after-call work). */
  stateTimer: { text: string; countdown: boolean } | null;
  mover: Mover;
  /** Controls shown in the header (the dial pad toggle, when there is no state switch to sit beside). */
  tools?: ComponentChildren;
  bodyId: string;
  onCollapse: (collapsed: boolean) => void;
  onHide: () => void;
}

const INTERACTIVE = 'button, input, select, textarea, a';

export function Header({ state, collapsed, miniCall, stateTimer, mover, tools, bodyId, onCollapse, onHide }: HeaderProps) {
  const drag = useRef<{ pointerId: number; x: number; y: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const kind = state.capabilities?.agentStates.find((s) => s.id === state.agentState)?.kind ?? 'unknown';
  // Expanded, the state switch right below says the state (once is enough) — unless it is one
  // the platform set and the switch is a row of buttons (在线 / 离线): the header says that one.
  const states = state.capabilities?.agentStates ?? [];
  const current = states.find((s) => s.id === state.agentState);
  const extension = state.agent ? extensionApart(state.agent) : null;
  const buttons = selectableStates(state).length <= AGENT_STATE_BUTTONS_MAX;
  const stateShownBelow = !collapsed && states.length > 0 && !(buttons && current?.selectable === false);

  const endDrag = (event: PointerEvent) => {
    if (drag.current?.pointerId !== event.pointerId) return;
    drag.current = null;
    setDragging(false);
    mover.endDrag();
  };

  return (
    <div
      class={`head${dragging ? ' dragging' : ''}`}
      onPointerDown={(event: PointerEvent) => {
        if (!event.isTrusted || !event.isPrimary || event.button !== 0) return;
        if ((event.target as Element).closest(INTERACTIVE)) return;
        const head = event.currentTarget as HTMLElement;
        head.setPointerCapture(event.pointerId);
        drag.current = { pointerId: event.pointerId, x: event.screenX, y: event.screenY };
        setDragging(true);
        mover.beginDrag(event.screenX, event.screenY); // no text selection: the header is user-select: none
      }}
      onPointerMove={(event: PointerEvent) => {
        const start = drag.current;
        if (!start || !event.isTrusted || event.pointerId !== start.pointerId) return;
        // The button was released outside this frame (the page got the release): the drag is over.
        if (event.buttons === 0) return endDrag(event);
        mover.dragBy(event.screenX - start.x, event.screenY - start.y);
      }}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onLostPointerCapture={endDrag}
    >
      <span
        class="grip"
        role="button"
        tabIndex={0}
        aria-label={t('toolbarMoveLabel')}
        title={t('toolbarMoveTitle')}
        data-testid="toolbar-handle"
        onKeyDown={trusted((event: KeyboardEvent) => {
          const delta = arrowDelta(event.key, event.shiftKey ? NUDGE_STEP * 5 : NUDGE_STEP);
          if (!delta) return;
          event.preventDefault(); // the page must not scroll
          mover.nudge(delta.dx, delta.dy);
        })}
      >
        <GripIcon />
      </span>
      <span class={`light ${stateLight(state)}`} aria-hidden="true" />
      {/* Name over extension: a company's long agent names (李四（测试企业）) fit without being cut. */}
      <span class="agent" data-testid="toolbar-agent" title={state.agent ? [state.agent.name, extension].filter((v) => v !== null).join(' · ') : undefined}>
        {state.agent && (
          <>
            <span class="agent-name" data-platform>
              {state.agent.name}
            </span>
            {extension !== null && (
              <span class="agent-ext" data-platform>
                {extension}
              </span>
            )}
          </>
        )}
      </span>
      {miniCall ? (
        <span class={`mini ${miniCall.call.state}`} data-testid="toolbar-mini-call">
          {callStateLabel(miniCall.call.state, miniCall.call)} <span class="mini-timer">{miniCall.timer}</span>
        </span>
      ) : (
        // Without a state switch the light says logged in; the room goes to the name and the tools.
        !stateShownBelow && !tools && (
          <span class={`agent-state ${kind}`} data-testid="toolbar-agent-state" title={stateTimer ? `${t('agentStateElapsed')} ${stateTimer.text}` : undefined}>
            {agentStateLabel(state)}
          </span>
        )
      )}
      {stateShownBelow && stateTimer && (
        <span
          class={`state-timer${stateTimer.countdown ? ' countdown' : ''}`}
          title={stateTimer.countdown ? t('agentStateCountdown') : t('agentStateElapsed')}
          aria-label={`${stateTimer.countdown ? t('agentStateCountdown') : t('agentStateElapsed')} ${stateTimer.text}`}
          data-testid="toolbar-agent-timer"
        >
          <ClockIcon />
          {stateTimer.text}
        </span>
      )}
      {tools}
      <button
        class="icon"
        type="button"
        title={collapsed ? t('toolbarExpand') : t('toolbarCollapse')}
        aria-label={collapsed ? t('toolbarExpandLabel') : t('toolbarCollapseLabel')}
        aria-expanded={!collapsed}
        aria-controls={bodyId}
        data-testid="toolbar-collapse"
        onClick={trusted(() => onCollapse(!collapsed))}
      >
        <ChevronIcon up={collapsed} />
      </button>
      <button class="icon" type="button" title={t('toolbarHide')} aria-label={t('toolbarHide')} data-testid="toolbar-hide" onClick={trusted(onHide)}>
        <CloseIcon />
      </button>
    </div>
  );
}
