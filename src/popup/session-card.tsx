/**
 * The logged-in agent: agent state, the call card with the provider's actions (a call the
 * browser phone measures shows its quality; with capabilities.dtmf, 按键 opens the keypad), the
 * dial pad.
 */
import { useEffect, useState } from 'preact/hooks';
import { inTalk } from '../shared/call-state.ts';
import { errorMessage } from '../shared/errors.ts';
import { callStateLabel, callTimer, extensionApart, extraActionsNow, shownNumber } from '../shared/format.ts';
import type { SimpleCallAction } from '../shared/messages.ts';
import { send } from '../shared/messaging.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';
import { MicNotice } from '../microphone/notice.tsx';
import { useMicPermission } from '../microphone/permission.ts';
import { AgentStateControl } from './agent-state-control.tsx';
import { NetworkWarning, QualityFigures, QualityIndicator } from './call-quality.tsx';
import { usePoorWarning } from '../shared/use-poor-warning.ts';
import { DtmfKeypad } from './keypad.tsx';
import { ExtraActions } from './extra-actions.tsx';
import { useUsesPhone } from './uses-phone.ts';

export function Session({ state }: { state: PublicState }) {
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const caps = state.capabilities;
  const call = state.call;
  const extension = state.agent ? extensionApart(state.agent) : null;
  // Logged in to a phone provider without the microphone: registered, but no call can be made or taken.
  const micPermission = useMicPermission();
  const usesPhone = useUsesPhone(state.providerId);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };
  const act = (a: SimpleCallAction) => () => run(() => send('call/action', { action: a }));
  const active = call && call.state !== 'ended';
  const quality = inTalk(call) ? call.quality : undefined;
  const canKeypad = !!caps?.dtmf && inTalk(call);
  const poorNetwork = usePoorWarning(call, now);
  const [keypadOpen, setKeypadOpen] = useState(false);
  const [figuresOpen, setFiguresOpen] = useState(false);
  // Logging out during a call asks first (the call shown ends here); it is never refused.
  const [confirmLogout, setConfirmLogout] = useState(false);
  const logout = (force: boolean) => {
    if (active && !force) return setConfirmLogout(true);
    setConfirmLogout(false);
    void run(() => send('session/logout', force ? { force: true } : {}));
  };
  // A new call starts with its keypad and figures closed.
  useEffect(() => {
    setKeypadOpen(false);
    setFiguresOpen(false);
  }, [call?.id]);

  return (
    <>
      {state.pendingDial && (
        <section class="card confirm" data-testid="popup-confirm-dial">
          <div class="muted small">{t('confirmDialTitle')}</div>
          <div class="strong big" data-testid="popup-confirm-number" data-platform>
            {state.pendingDial.dial}
          </div>
          {state.pendingDial.text !== state.pendingDial.dial && <div class="muted small">{t('confirmDialFrom', state.pendingDial.text)}</div>}
          <div class="actions">
            <button class="ok" data-testid="popup-confirm-yes" autoFocus onClick={() => void run(() => send('call/confirm-dial', { confirm: true }))}>
              {t('confirmDialYes')}
            </button>
            <button data-testid="popup-confirm-no" onClick={() => void run(() => send('call/confirm-dial', { confirm: false }))}>
              {t('cancel')}
            </button>
          </div>
        </section>
      )}
      <section class="card">
        <div class="row">
          <div>
            <div class="strong" data-testid="popup-agent">
              <span data-platform>{state.agent?.name}</span>
              {extension !== null && (
                <>
                  {' · '}
                  <span data-platform>{extension}</span>
                </>
              )}
            </div>
            <div class="muted small">{state.providerName}</div>
          </div>
          <button data-testid="logout" onClick={() => logout(false)}>
            {t('logout')}
          </button>
        </div>
        {confirmLogout && active && (
          <div class="confirm-logout" role="alertdialog" data-testid="logout-confirm">
            <span class="small">{t('logoutInCallConfirm')}</span>
            <div class="actions">
              <button class="danger" data-testid="logout-anyway" onClick={() => logout(true)}>
                {t('logoutAnyway')}
              </button>
              <button data-testid="logout-cancel" onClick={() => setConfirmLogout(false)}>
                {t('cancel')}
              </button>
            </div>
          </div>
        )}
        <AgentStateControl state={state} now={now} onChoose={(id) => void run(() => send('agent/set-state', { stateId: id }))} />
        <MicNotice permission={micPermission} needed={usesPhone} from="popup" testid="session-mic-notice" />
      </section>
      <section class="card" data-testid="popup-call">
        {call ? (
          <>
            <div class="row">
              <span class="number" data-testid="popup-call-number" data-platform>
                {shownNumber(call.number, state)}
              </span>
              <span class="call-meta">
                {quality && <QualityIndicator quality={quality} expanded={figuresOpen} onToggle={() => setFiguresOpen(!figuresOpen)} />}
                <span class="muted" title={t('callDuration')} aria-label={`${t('callDuration')} ${callTimer(call, now)}`}>
                  {callTimer(call, now)}
                </span>
              </span>
            </div>
            <div class="small" data-testid="popup-call-state" data-state={call.state}>
              {call.direction === 'inbound' ? t('callInbound') : t('callOutbound')} · {callStateLabel(call.state, call)}
              {call.state === 'incoming' && !caps?.answer ? ` · ${t('callAnswerOnPhone')}` : ''}
              {call.cause ? ` · ${call.cause}` : ''}
              {call.muted ? ` · ${t('callMuted')}` : ''}
            </div>
            {quality && figuresOpen && <QualityFigures quality={quality} />}
            {poorNetwork && <NetworkWarning />}
            <div class="actions">
              {caps?.answer && call.state === 'incoming' && (
                <button class="ok" data-testid="popup-answer" onClick={act('answer')}>
                  {t('callAnswer')}
                </button>
              )}
              {caps?.mute && call.state === 'connected' && (
                <button onClick={act(call.muted ? 'unmute' : 'mute')}>{call.muted ? t('callUnmute') : t('callMute')}</button>
              )}
              {caps?.hangup && active && (
                <button class="danger" data-testid="popup-hangup" onClick={act('hangup')}>
                  {call.state === 'incoming' ? t('callReject') : t('callHangup')}
                </button>
              )}
              {canKeypad && (
                <button
                  title={t('callKeypadTitle')}
                  aria-expanded={keypadOpen}
                  aria-controls="popup-call-keypad"
                  data-testid="popup-keypad-toggle"
                  onClick={() => setKeypadOpen(!keypadOpen)}
                >
                  {t('callKeypad')}
                </button>
              )}
              {!active && (
                <>
                  <button data-testid="popup-redial" disabled={state.dialing} onClick={() => run(() => send('call/dial-text', { text: call.number }))}>
                    {t('callRedial')}
                  </button>
                  {!state.agent?.maskNumbers && (
                    <button data-testid="popup-copy" onClick={() => run(() => navigator.clipboard.writeText(call.number))}>
                      {t('callCopyNumber')}
                    </button>
                  )}
                  <button onClick={() => run(() => send('call/dismiss', {}))}>{t('callDismiss')}</button>
                </>
              )}
            </div>
            {canKeypad && keypadOpen && <DtmfKeypad call={call} run={run} />}
            <ExtraActions actions={extraActionsNow(state)} run={run} />
            {caps?.transfer && call.state === 'connected' && (
              <NumberForm label={t('callTransfer')} placeholder={t('popupTransferPlaceholder')} testid="transfer" onSubmit={(n) => run(() => send('call/transfer', { target: n }))} />
            )}
          </>
        ) : (
          <>
            <NumberForm
              label={t('callDial')}
              placeholder={t('popupDialPlaceholder')}
              testid="dial"
              primary
              disabled={!caps?.dial || state.dialing}
              onSubmit={(n) => run(() => send('call/dial-text', { text: n }))}
            />
            <ExtraActions actions={extraActionsNow(state)} run={run} />
          </>
        )}
      </section>
      {state.note && (
        <section class="card small" role="status" data-testid="popup-note">
          {state.note.text}
        </section>
      )}
      {error && (
        <div class="banner error" role="alert" data-testid="popup-error">
          {error}
        </div>
      )}
    </>
  );
}

/** A number field with one button: dial, transfer. */
export function NumberForm(props: { label: string; placeholder: string; testid: string; primary?: boolean; disabled?: boolean; onSubmit: (n: string) => void }) {
  const [number, setNumber] = useState('');
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (number.trim()) props.onSubmit(number.trim());
      }}
    >
      <input data-testid={`${props.testid}-input`} placeholder={props.placeholder} value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} />
      <button class={props.primary ? 'primary' : ''} type="submit" disabled={props.disabled} data-testid={props.testid}>
        {props.label}
      </button>
    </form>
  );
}

