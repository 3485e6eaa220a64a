/**
 * The current call: number, direction, state (announced), timer and the actions the
 * provider declares in its capabilities — never a per-provider condition. The common ones
 * are buttons; the platform's own (咨询转接, 驻留 …) wait behind 更多, the transfer field
 * behind 转接 and the keypad (DTMF, capabilities.dtmf) behind 按键 — one of them open at a
 * time — so a call card is as small as the call. A call the browser phone measures shows its
 * quality beside the timer (quality.tsx). After the call: its result, 复制号码, 重拨 and 关闭.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Call, inTalk, isActive } from '../shared/call-state.ts';
import { callStateLabel, callTimer, maskNumber } from '../shared/format.ts';
import type { SimpleCallAction } from '../shared/messages.ts';
import { send } from '../shared/messaging.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import type { Capabilities } from '../shared/session-state.ts';
import { type Run, type Runner, trusted } from './actions.ts';
import { isAgentInput } from './actions.ts';
import { redialString } from './dial-input.ts';
import { ExtraActions } from './extra-actions.tsx';
import { DtmfKeypad } from './keypad.tsx';
import { KeypadIcon } from './icons.tsx';
import { QualityFigures, QualityIndicator } from './quality.tsx';
import { t } from '../shared/i18n.ts';

type Panel = 'more' | 'transfer' | 'keypad';

export interface CallCardProps {
  call: Call;
  caps: Capabilities | null;
  plan: DialPlan;
  now: number;
  /** A dial request is on its way (ours or from a call button). */
  dialing: boolean;
  /** The platform hides customer numbers from this agent: show them masked, no copying. */
  masked: boolean;
  runner: Runner;
}

export function CallCard({ call, caps, plan, now, dialing, masked, runner }: CallCardProps) {
  const { run, isPending } = runner;
  const numberRef = useRef<HTMLSpanElement>(null);
  const active = isActive(call);
  const act = (action: SimpleCallAction) => trusted(() => void run(action, () => send('call/action', { action })));
  const extras = caps?.extraActions.filter((a) => a.when.includes(call.state)) ?? [];
  const canTransfer = !!caps?.transfer && inTalk(call);
  const canKeypad = !!caps?.dtmf && inTalk(call);
  const quality = inTalk(call) ? call.quality : undefined;
  const [open, setOpen] = useState<Panel | null>(null);
  const [figuresOpen, setFiguresOpen] = useState(false);
  // Kept here, not in the field: closing 转接 (or opening 更多) does not lose what the agent typed.
  const [transferTarget, setTransferTarget] = useState('');
  const toggle = (what: Panel) => trusted(() => setOpen(open === what ? null : what));
  const controls = [
    caps?.answer && call.state === 'incoming' && (
      <button key="answer" type="button" class="ok" data-testid="toolbar-answer" onClick={act('answer')}>
        {t('callAnswer')}
      </button>
    ),
    caps?.mute && call.state === 'connected' && (
      <button key="mute" type="button" aria-pressed={call.muted} data-testid="toolbar-mute" onClick={act(call.muted ? 'unmute' : 'mute')}>
        {call.muted ? t('callUnmute') : t('callMute')}
      </button>
    ),
    caps?.hold && inTalk(call) && (
      <button key="hold" type="button" aria-pressed={call.state === 'held'} data-testid="toolbar-hold" onClick={act(call.state === 'held' ? 'unhold' : 'hold')}>
        {call.state === 'held' ? t('callResume') : t('callHold')}
      </button>
    ),
    caps?.hangup && active && (
      <button key="hangup" type="button" class="danger" data-testid="toolbar-hangup" onClick={act('hangup')}>
        {call.state === 'incoming' ? t('callReject') : t('callHangup')}
      </button>
    ),
  ].filter(Boolean);
  const panels = [
    canTransfer && (
      <button key="transfer" type="button" aria-expanded={open === 'transfer'} aria-controls="callbar-call-transfer" data-testid="toolbar-transfer-open" onClick={toggle('transfer')}>
        {t('callTransfer')}
      </button>
    ),
    canKeypad && (
      <button
        key="keypad"
        type="button"
        class="icon-button"
        title={t('callKeypadTitle')}
        aria-label={t('callKeypad')}
        aria-expanded={open === 'keypad'}
        aria-controls="callbar-call-keypad"
        data-testid="toolbar-keypad-toggle"
        onClick={toggle('keypad')}
      >
        {/* An icon (the one of the dial pad): five labelled buttons do not fit one line in English. */}
        <KeypadIcon />
      </button>
    ),
    extras.length > 0 && (
      <button key="more" type="button" class="more" aria-expanded={open === 'more'} aria-controls="callbar-call-more" data-testid="toolbar-call-more" onClick={toggle('more')}>
        {t('callMore')}
      </button>
    ),
  ].filter(Boolean);
  // A new call starts with its panels closed (the card stays mounted from one call to the next).
  useEffect(() => {
    setOpen(null);
    setFiguresOpen(false);
  }, [call.id]);

  return (
    <div class={`call ${call.state}`} data-testid="toolbar-call">
      <div class="line">
        <span class="number" ref={numberRef} data-testid="toolbar-call-number" data-platform>
          {masked ? maskNumber(call.number) : call.number}
        </span>
        <span class={`dir ${call.direction}`}>{call.direction === 'inbound' ? t('callInbound') : t('callOutbound')}</span>
      </div>
      <div class="line">
        <span class="call-state" role="status" aria-live="polite" data-testid="toolbar-call-state" data-state={call.state}>
          {callStateLabel(call.state, call)}
          {/* Ringing on the agent's own desk phone or mobile: CallBar cannot pick it up, the phone can. */}
          {call.state === 'incoming' && !caps?.answer ? ` · ${t('callAnswerOnPhone')}` : ''}
          {call.state === 'ended' && call.cause ? ` · ${call.cause}` : ''}
          {call.muted ? ` · ${t('callMuted')}` : ''}
        </span>
        <span class="meta">
          {quality && <QualityIndicator quality={quality} expanded={figuresOpen} controls="callbar-call-quality" onToggle={() => setFiguresOpen(!figuresOpen)} />}
          <span class="timer" data-testid="toolbar-timer" aria-label={t('callDuration')}>
            {callTimer(call, now)}
          </span>
        </span>
      </div>
      {quality && figuresOpen && <QualityFigures id="callbar-call-quality" quality={quality} />}
      <div class="actions">
        {/* The call's own controls, then the panel toggles: when they do not fit one line (English),
            the toggles move to the next line together, not one stretched button alone. */}
        {controls.length > 0 && (
          <span class="group" style={{ flexGrow: controls.length }}>
            {controls}
          </span>
        )}
        {panels.length > 0 && (
          <span class="group" style={{ flexGrow: panels.length }}>
            {panels}
          </span>
        )}
        {!active && <EndedActions call={call} plan={plan} busy={dialing || isPending('dial')} masked={masked} run={run} numberRef={numberRef} />}
      </div>
      {open === 'more' && extras.length > 0 && <ExtraActions id="callbar-call-more" actions={extras} runner={runner} />}
      {open === 'transfer' && canTransfer && <TransferForm target={transferTarget} onTarget={setTransferTarget} pending={isPending('transfer')} run={run} />}
      {open === 'keypad' && canKeypad && <DtmfKeypad id="callbar-call-keypad" call={call} runner={runner} />}
    </div>
  );
}

function EndedActions(props: { call: Call; plan: DialPlan; busy: boolean; masked: boolean; run: Run; numberRef: RefObject<HTMLSpanElement | null> }) {
  const { call, plan, busy, masked, run, numberRef } = props;
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    // In the click itself (its user activation), from this extension page: no permission prompt.
    if (copyText(call.number)) return setCopied(t('callCopied'));
    try {
      await navigator.clipboard.writeText(call.number);
      setCopied(t('callCopied'));
      return;
    } catch {
      // Refused: select the number for Ctrl+C.
    }
    const node = numberRef.current;
    if (!node) return;
    window.getSelection()?.selectAllChildren(node);
    setCopied(t('callCopySelected'));
  };

  return (
    <>
      {!masked && (
        <button type="button" data-testid="toolbar-copy" onClick={trusted(() => void copy())}>
          {t('callCopyNumber')}
        </button>
      )}
      <button
        type="button"
        // The platform may still be carrying this call out (click-to-call accepted, or its answer lost):
        // 重拨 is offered, not urged — the card says 不要重复拨打.
        class={call.answerUnknown ? undefined : 'primary'}
        disabled={busy}
        title={masked ? t('callRedial') : t('redialNumber', redialString(call, plan))}
        data-testid="toolbar-redial"
        onClick={trusted(() => {
          if (!busy) void run('dial', () => send('call/dial', { number: redialString(call, plan) }));
        })}
      >
        {t('callRedial')}
      </button>
      <button type="button" data-testid="toolbar-dismiss" onClick={trusted(() => void run('dismiss', () => send('call/dismiss', {})))}>
        {t('callDismiss')}
      </button>
      {copied && (
        <span class="copied" role="status" data-testid="toolbar-copy-status">
          {copied}
        </span>
      )}
    </>
  );
}

function TransferForm({ target, onTarget: setTarget, pending, run }: { target: string; onTarget: (target: string) => void; pending: boolean; run: Run }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const submit = async () => {
    const value = target.trim();
    if (!value || pending) return;
    if (await run('transfer', () => send('call/transfer', { target: value }))) setTarget('');
  };
  return (
    <div class="field-row transfer" id="callbar-call-transfer">
      <input
        ref={field}
        type="text"
        inputMode="tel"
        autocomplete="off"
        spellcheck={false}
        maxLength={40}
        placeholder={t('toolbarTransferPlaceholder')}
        aria-label={t('toolbarTransferPlaceholder')}
        value={target}
        data-testid="toolbar-transfer-input"
        onInput={(event) => {
          const input = event.currentTarget as HTMLInputElement;
          if (event.isTrusted) setTarget(input.value);
          else input.value = target; // page scripts do not fill our fields
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && isAgentInput(event) && !event.isComposing) void submit();
        }}
      />
      <button type="button" disabled={pending || !target.trim()} data-testid="toolbar-transfer" onClick={trusted(() => void submit())}>
        {t('callTransfer')}
      </button>
    </div>
  );
}

/** Copy `text` with the document's copy command (synchronous, inside the agent's click). */
function copyText(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.cssText = 'position:fixed;opacity:0;left:0;top:0;width:1px;height:1px';
  document.body.append(field);
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
  }
}
