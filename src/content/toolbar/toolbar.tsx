/**
 * The floating toolbar shown on pages while the agent is logged in: state light,
 * agent state, the current call (number, state, timer) and the call actions the
 * provider declares. Every action needs a trusted click.
 */
import { useEffect, useState } from 'preact/hooks';
import { CallbarError } from '../../shared/errors.ts';
import { agentStateLabel, CALL_STATE_LABELS, callTimer, stateLight } from '../../shared/format.ts';
import type { SimpleCallAction } from '../../shared/messages.ts';
import { send } from '../../shared/messaging.ts';
import type { PublicState } from '../../shared/session-state.ts';

export function Toolbar({ state }: { state: PublicState }) {
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState(false);
  const call = state.call;
  const caps = state.capabilities;

  useEffect(() => {
    if (!call || call.state === 'ended') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [call?.id, call?.state]);

  const run = (action: SimpleCallAction | 'dismiss') => async (event: MouseEvent) => {
    if (!event.isTrusted) return;
    setError(null);
    try {
      if (action === 'dismiss') await send('call/dismiss', {});
      else await send('call/action', { action });
    } catch (e) {
      setError(e instanceof CallbarError ? e.message : String(e));
    }
  };

  const active = call && call.state !== 'ended';
  return (
    <div class={`bar ${collapsed ? 'collapsed' : ''}`} data-testid="toolbar" role="region" aria-label="CallBar 坐席电话条">
      <div class="head">
        <span class={`light ${stateLight(state)}`} aria-hidden="true" />
        <span class="agent" data-testid="toolbar-agent">
          {state.agent ? `${state.agent.name} · ${state.agent.extension}` : ''}
        </span>
        <span class="agent-state" data-testid="toolbar-agent-state">
          {agentStateLabel(state)}
        </span>
        <button class="icon" title={collapsed ? '展开' : '收起'} aria-label={collapsed ? '展开' : '收起'} onClick={(e) => e.isTrusted && setCollapsed(!collapsed)}>
          {collapsed ? '▴' : '▾'}
        </button>
      </div>
      {!collapsed && call && (
        <div class={`call ${call.state}`} data-testid="toolbar-call">
          <div class="line">
            <span class="number" data-testid="toolbar-call-number">
              {call.number}
            </span>
            <span class="dir">{call.direction === 'inbound' ? '呼入' : '呼出'}</span>
          </div>
          <div class="line">
            <span class="call-state" data-testid="toolbar-call-state" data-state={call.state}>
              {CALL_STATE_LABELS[call.state]}
              {call.state === 'ended' && call.cause ? ` · ${call.cause}` : ''}
              {call.muted ? ' · 已静音' : ''}
            </span>
            <span class="timer" data-testid="toolbar-timer">
              {callTimer(call, now)}
            </span>
          </div>
          <div class="actions">
            {caps?.answer && call.state === 'incoming' && (
              <button class="ok" data-testid="toolbar-answer" onClick={run('answer')}>
                接听
              </button>
            )}
            {caps?.mute && call.state === 'connected' && (
              <button data-testid="toolbar-mute" onClick={run(call.muted ? 'unmute' : 'mute')}>
                {call.muted ? '取消静音' : '静音'}
              </button>
            )}
            {caps?.hold && (call.state === 'connected' || call.state === 'held') && (
              <button data-testid="toolbar-hold" onClick={run(call.state === 'held' ? 'unhold' : 'hold')}>
                {call.state === 'held' ? '恢复' : '保持'}
              </button>
            )}
            {caps?.hangup && active && (
              <button class="danger" data-testid="toolbar-hangup" onClick={run('hangup')}>
                {call.state === 'incoming' ? '拒接' : '挂断'}
              </button>
            )}
            {!active && (
              <button data-testid="toolbar-dismiss" onClick={run('dismiss')}>
                关闭
              </button>
            )}
          </div>
        </div>
      )}
      {!collapsed && state.note && active && <div class="note">{state.note.text}</div>}
      {!collapsed && state.problem && (
        <div class="problem" role="alert" data-testid="toolbar-problem">
          {state.problem.message}
        </div>
      )}
      {!collapsed && error && (
        <div class="problem" role="alert" data-testid="toolbar-error">
          {error}
        </div>
      )}
    </div>
  );
}

export const TOOLBAR_CSS = `
:host { all: initial; }
.bar { font: 13px/1.45 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f1f1f;
  background: #fff; border: 1px solid #e5e6eb; border-radius: 10px; box-shadow: 0 6px 24px rgba(0,0,0,.14);
  width: 260px; overflow: hidden; }
.head { display: flex; align-items: center; gap: 8px; padding: 8px 10px; background: #f7f8fa; }
.light { width: 10px; height: 10px; border-radius: 50%; flex: none; background: #bfbfbf; }
.light.green { background: #52c41a; } .light.red { background: #ff4d4f; } .light.orange { background: #fa8c16; }
.light.blue { background: #1677ff; }
.agent { flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 600; }
.agent-state { color: #595959; white-space: nowrap; }
.call { padding: 8px 10px; border-top: 1px solid #f0f0f0; }
.line { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.number { font-size: 16px; font-weight: 600; letter-spacing: .5px; font-variant-numeric: tabular-nums; }
.dir { color: #8c8c8c; font-size: 12px; }
.call-state { color: #1677ff; }
.call.connected .call-state { color: #389e0d; } .call.incoming .call-state { color: #d46b08; }
.call.ended .call-state { color: #8c8c8c; }
.timer { font-variant-numeric: tabular-nums; color: #595959; }
.actions { display: flex; gap: 6px; margin-top: 8px; flex-wrap: wrap; }
button { font: inherit; border: 1px solid #d9d9d9; background: #fff; border-radius: 6px; padding: 2px 12px; cursor: pointer; color: inherit; }
button:hover { border-color: #4096ff; color: #4096ff; }
button:focus-visible { outline: 2px solid #91caff; }
button.ok { background: #52c41a; border-color: #52c41a; color: #fff; }
button.danger { background: #ff4d4f; border-color: #ff4d4f; color: #fff; }
button.icon { border: none; background: none; padding: 0 4px; color: #8c8c8c; }
.note { padding: 4px 10px; color: #595959; font-size: 12px; border-top: 1px solid #f0f0f0; }
.problem { padding: 6px 10px; color: #a8071a; background: #fff1f0; border-top: 1px solid #ffccc7; font-size: 12px; }
@media (prefers-color-scheme: dark) {
  .bar { background: #1f1f1f; color: #e8e8e8; border-color: #303030; }
  .head { background: #141414; } .agent-state, .timer { color: #a6a6a6; }
  button { background: #262626; border-color: #424242; }
  .problem { background: #2a1215; color: #ff7875; border-color: #58181c; }
}
@media print { :host { display: none !important; } }
`;
